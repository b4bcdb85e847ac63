package server

import (
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
)

// MaxQueryBytes is the longest query accepted (the search service's limit).
const MaxQueryBytes = search.MaxQueryBytes

// searchParams is a search request as the URL states it.
type searchParams struct {
	Q        string
	Page     int
	Size     int
	Sort     string
	Group    bool
	Match    string // "all" or "any"
	From, To string
	Source   string
	Author   string
	Facets   bool // count by source, author and month (default true)
	// Relax: help when all the words find little (default true; see
	// search.Request.Relax).
	Relax bool
	req   search.Request
}

// queryValues parses a request's query string strictly: malformed
// percent-encoding is an error instead of a silently dropped parameter.
func queryValues(u *url.URL) (url.Values, error) {
	v, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, badRequest("bad_encoding", "the URL's query string is not properly percent-encoded: %v", err)
	}
	return v, nil
}

// parseSearch reads and checks the search parameters. groupDefault is the
// grouping used when the group parameter is absent.
func parseSearch(v url.Values, groupDefault bool) (*searchParams, error) {
	p := &searchParams{Q: v.Get("q"), Page: 1, Size: 10, Sort: index.SortRelevance, Group: groupDefault, Match: "all",
		Facets: true, Relax: true}
	// The query first: its error, with a column, is the one to fix first.
	q, err := search.Parse(p.Q)
	if err != nil {
		return nil, err
	}
	if p.Page, err = intParam(v, "page", 1, 1, index.MaxWindow); err != nil {
		return nil, err
	}
	if p.Size, err = intParam(v, "size", 10, 1, index.MaxSize); err != nil {
		return nil, err
	}
	if p.Page*p.Size > index.MaxWindow {
		return nil, badRequest("page_out_of_range", "page × size must be at most %d: page %d of size %d goes too deep", index.MaxWindow, p.Page, p.Size)
	}
	switch s := v.Get("sort"); s {
	case "", index.SortRelevance:
	case index.SortDate:
		p.Sort = s
	default:
		return nil, badRequest("bad_sort", "sort must be relevance or date, not %q", s)
	}
	switch g := v.Get("group"); g {
	case "":
	case "article":
		p.Group = true
	case "paragraph", "none":
		p.Group = false
	default:
		return nil, badRequest("bad_group", "group must be article or paragraph, not %q", g)
	}
	switch m := v.Get("match"); m {
	case "", "all":
	case "any":
		p.Match = m
	default:
		return nil, badRequest("bad_match", "match must be all or any, not %q", m)
	}
	switch f := v.Get("facets"); f {
	case "", "true", "1", "on":
	case "false", "0", "off", "none":
		p.Facets = false
	default:
		return nil, badRequest("bad_facets", "facets must be true or false, not %q", logText(f, 40))
	}
	if p.Relax, err = boolParam(v, "relax", true); err != nil {
		return nil, err
	}
	from, err := dateParam(v, "from")
	if err != nil {
		return nil, err
	}
	to, err := dateParam(v, "to")
	if err != nil {
		return nil, err
	}
	if !to.IsZero() {
		p.To = v.Get("to")
		to = to.Add(24*time.Hour - time.Nanosecond) // inclusive: the whole day
	}
	if !from.IsZero() {
		p.From = v.Get("from")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return nil, badRequest("bad_date", "from (%s) is after to (%s)", p.From, p.To)
	}
	p.Source, p.Author = v.Get("source"), v.Get("author")
	for _, f := range []string{p.Source, p.Author} {
		if len(f) > 200 || !utf8.ValidString(f) {
			return nil, badRequest("bad_filter", "source and author filters must be valid UTF-8 of at most 200 bytes")
		}
	}
	p.req = search.Request{Query: q, Page: p.Page, Size: p.Size, Sort: p.Sort, Group: p.Group,
		MatchAny: p.Match == "any", From: from, To: to, Source: p.Source, Author: p.Author, NoFacets: !p.Facets,
		Relax: p.Relax}
	return p, nil
}

// boolParam reads a true/false parameter; def when it is absent.
func boolParam(v url.Values, name string, def bool) (bool, error) {
	switch s := v.Get(name); s {
	case "":
		return def, nil
	case "true", "1", "on":
		return true, nil
	case "false", "0", "off":
		return false, nil
	default:
		return false, badRequest("bad_"+name, "%s must be true or false, not %q", name, logText(s, 40))
	}
}

func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := v.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("bad_"+name, "%s must be a whole number from %d to %d, not %q", name, lo, hi, logText(s, 40))
	}
	return n, nil
}

func dateParam(v url.Values, name string) (time.Time, error) {
	s := v.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, badRequest("bad_date", "%s must be a date written YYYY-MM-DD, not %q", name, logText(s, 40))
	}
	if t.Year() < 1800 || t.Year() > 2200 {
		return time.Time{}, badRequest("bad_date", "%s must be a date between the years 1800 and 2200, not %q", name, s)
	}
	return t, nil
}
