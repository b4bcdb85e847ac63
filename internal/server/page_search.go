package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
)

// startView is the page without a query: an intro and example queries.
type startView struct {
	Examples []exampleLink
}

type exampleLink struct {
	Query, URL, Note string
}

var startExamples = []struct{ q, note string }{
	{`cyber security`, "both words, anywhere in an article's paragraph"},
	{`"critical infrastructure"`, "an exact phrase"},
	{`espionage -industrial`, "one word without another"},
	{`china (cyber OR hacking)`, "either of two words"},
	{`title:cyber author:"liu xin"`, "in the title, by an author"},
	{`espion*`, "words starting with espion"},
}

// queryErrorView is a malformed query shown next to the box: the message,
// and the query with the offending character picked out.
type queryErrorView struct {
	Message string
	Column  int    // 1-based, in runes; 0 when no character is at fault
	Before  string // the query before the column
	At      string // the character at the column ("" when AtEnd)
	After   string // the rest
	AtEnd   bool   // the column is just past the end of the query
}

func newQueryErrorView(q string, he *httpError) *queryErrorView {
	v := &queryErrorView{Message: he.Message, Column: he.Column}
	runes := []rune(q)
	switch c := he.Column; {
	case c >= 1 && c <= len(runes):
		v.Before, v.At, v.After = string(runes[:c-1]), string(runes[c-1]), string(runes[c:])
	case c == len(runes)+1:
		v.Before, v.AtEnd = q, true
	default:
		v.Column = 0
	}
	return v
}

// searchView is a page of results and what leads from it.
type searchView struct {
	Q          string
	Count      string // "23 articles"
	Took       string // "2.3 ms"
	First      int    // 1-based rank of the first hit on the page
	Last       int
	Page       int
	Pages      int
	Hits       []hitView
	Prev, Next string
	PageLinks  []pageLink
	Sorts      []choiceLink
	Facets     []facetGroup
	Active     []activeFilter
	NoResults  bool   // nothing matches, not even some of the words
	PastEnd    bool   // results exist, but not on this page
	FirstURL   string // page 1, for PastEnd
	AnyNotice  bool   // no article has all the words; these have some
	Missing    int    // shards of a partitioned index that did not answer
	// Partial are hits with only some of the words, shown after the few
	// that have them all (see search.Result.Partial).
	Partial    []hitView
	PartialURL string // the whole match=any search
	Suggest    string // "did you mean" query, "" for none
	SuggestURL string
	Tips       []string
}

type hitView struct {
	URL         string
	TitleHTML   string // HTML made by the search service
	Source      string
	Author      string
	Date        string
	DateTime    string
	SectionHTML string // HTML made by the search service
	SnippetHTML string // HTML made by the search service
	More        int
	MoreURL     string
	Original    string // the article's own address on the web, "" when unknown or not http(s)
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis between page numbers
}

type choiceLink struct {
	Label   string
	URL     string
	Current bool
}

type facetGroup struct {
	Label  string
	Values []facetLink
}

type facetLink struct {
	Label string
	Count int
	URL   string
}

type activeFilter struct {
	Kind      string // "Source", "Author", "Date"
	Label     string
	RemoveURL string
}

// handleSearchPage serves / : the start page without a query, results
// with one, and the query's error next to the box when it is malformed.
// What the results are (relaxed, partial, the suggestion) is the search
// service's; how they look is the page's.
func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request) error {
	v, err := queryValues(r.URL)
	if err != nil {
		return err
	}
	q := v.Get("q")
	d := &pageData{Q: boxQuery(q)}
	if strings.TrimSpace(q) == "" {
		d.Autofocus = true
		d.Start = &startView{}
		for _, e := range startExamples {
			d.Start.Examples = append(d.Start.Examples, exampleLink{Query: e.q, URL: "/?q=" + url.QueryEscape(e.q), Note: e.note})
		}
		return s.page.render(w, r, "search", http.StatusOK, d)
	}
	d.Title = d.Q
	p, err := parseSearch(v, true)
	if err != nil {
		// Keep the other parameters in the form when only the query is
		// at fault, so that fixing it keeps the sort and the filters.
		other := url.Values{}
		for k, vs := range v {
			other[k] = vs
		}
		other.Set("q", "x")
		if op, oerr := parseSearch(other, true); oerr == nil {
			d.Hidden = newSearchState(op).hidden()
		}
		return s.queryError(w, r, d, err)
	}
	st := newSearchState(p)
	d.Hidden = st.hidden()
	res, err := s.svc.Search(r.Context(), p.req)
	if err != nil {
		return s.queryError(w, r, d, err)
	}
	for _, n := range res.Notes {
		logNote(r.Context(), n)
	}
	s.noteIncomplete(r, res.MissingShards)
	sv := &searchView{Q: p.Q, AnyNotice: res.Relaxed, Missing: len(res.MissingShards)}
	if res.Suggestion != "" {
		sv.Suggest = res.Suggestion
		sv.SuggestURL = st.with(func(s *searchState) { s.q = res.Suggestion })
	}
	fillResults(sv, p, st, res)
	for _, h := range res.Partial {
		sv.Partial = append(sv.Partial, makeHitView(h, p))
	}
	if len(sv.Partial) > 0 {
		sv.PartialURL = st.with(func(s *searchState) { s.match = "any" })
	}
	d.Search = sv
	return s.page.render(w, r, "search", http.StatusOK, d)
}

// queryError shows a bad request (a malformed query, a bad parameter, a
// query too broad) next to the box with status 400. Other errors go to the
// adapter, which renders the error page.
func (s *Server) queryError(w http.ResponseWriter, r *http.Request, d *pageData, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	he := toHTTPError(err)
	if he.Status != http.StatusBadRequest {
		return err
	}
	d.Title = "Error: " + d.Q
	d.Autofocus = true
	d.QError = newQueryErrorView(d.Q, he)
	return s.page.render(w, r, "search", http.StatusBadRequest, d)
}

// makeHitView is a hit as the page shows it.
func makeHitView(h search.Hit, p *searchParams) hitView {
	hv := hitView{URL: articlePath(h.ArticleID, p.Q, h.Paragraph), TitleHTML: h.TitleHTML, Source: h.Source,
		Author: h.Author, Date: humanDate(h.Published), SectionHTML: h.SectionHTML, SnippetHTML: h.SnippetHTML,
		Original: originalURL(h.URL)}
	if !h.Published.IsZero() {
		hv.DateTime = h.Published.Format(time.RFC3339)
	}
	if p.Group && h.MoreMatches > 0 {
		hv.More, hv.MoreURL = h.MoreMatches, articlePath(h.ArticleID, p.Q, 0)
	}
	return hv
}

func fillResults(sv *searchView, p *searchParams, st searchState, res *search.Result) {
	unit, units := "article", "articles"
	if !p.Group {
		unit, units = "paragraph", "paragraphs"
	}
	sv.Count = plural(res.Total, unit, units)
	if !res.TotalExact {
		sv.Count = "more than " + sv.Count
	}
	sv.Took = formatTook(res.Took)
	sv.Page = p.Page
	sv.NoResults = res.Total == 0
	if sv.NoResults {
		sv.Tips = []string{"Use fewer words, or more general ones.", "Check the spelling."}
		if p.Source != "" || p.Author != "" || p.From != "" || p.To != "" {
			sv.Tips = append(sv.Tips, "Remove a filter.")
		}
		sv.Tips = append(sv.Tips, "Search for words of an exact phrase without the quotes.")
	}
	sv.First = (p.Page-1)*p.Size + 1
	sv.Last = sv.First + len(res.Hits) - 1
	if res.Total > 0 && len(res.Hits) == 0 {
		sv.PastEnd, sv.FirstURL = true, st.atPage(1)
	}
	for _, h := range res.Hits {
		sv.Hits = append(sv.Hits, makeHitView(h, p))
	}

	// Pages: as many as the total fills, no deeper than the window allows.
	sv.Pages = (res.Total + p.Size - 1) / p.Size
	if limit := index.MaxWindow / p.Size; sv.Pages > limit {
		sv.Pages = limit
	}
	if p.Page > 1 {
		sv.Prev = st.atPage(min(p.Page-1, max(sv.Pages, 1)))
	}
	if p.Page < sv.Pages || (!res.TotalExact && len(res.Hits) == p.Size && (p.Page+1)*p.Size <= index.MaxWindow) {
		sv.Next = st.atPage(p.Page + 1)
	}
	if sv.Pages > 1 {
		last := 0
		for n := 1; n <= sv.Pages; n++ {
			if n != 1 && n != sv.Pages && (n < p.Page-2 || n > p.Page+2) {
				continue
			}
			if last > 0 && n > last+1 {
				sv.PageLinks = append(sv.PageLinks, pageLink{Gap: true})
			}
			sv.PageLinks = append(sv.PageLinks, pageLink{N: n, URL: st.atPage(n), Current: n == p.Page})
			last = n
		}
	}

	for _, o := range []struct{ label, sort string }{{"relevance", index.SortRelevance}, {"date", index.SortDate}} {
		sort := o.sort
		if sort == index.SortRelevance {
			sort = ""
		}
		sv.Sorts = append(sv.Sorts, choiceLink{Label: o.label, Current: p.Sort == o.sort,
			URL: st.with(func(s *searchState) { s.sort = sort })})
	}

	// Filters: the active ones with a way out, and the facets to narrow.
	if p.Source != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Source", Label: p.Source,
			RemoveURL: st.with(func(s *searchState) { s.source = "" })})
	}
	if p.Author != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Author", Label: p.Author,
			RemoveURL: st.with(func(s *searchState) { s.author = "" })})
	}
	if p.From != "" || p.To != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Date", Label: dateRangeLabel(p.From, p.To),
			RemoveURL: st.with(func(s *searchState) { s.from, s.to = "", "" })})
	}
	counts := res.Facets
	if counts == nil { // facets=false
		counts = &index.Facets{}
	}
	if p.Source == "" && len(counts.Source) > 0 {
		g := facetGroup{Label: "Source"}
		for _, f := range counts.Source {
			v := f.Value
			g.Values = append(g.Values, facetLink{Label: v, Count: f.Count, URL: st.with(func(s *searchState) { s.source = v })})
		}
		sv.Facets = append(sv.Facets, g)
	}
	if p.Author == "" && len(counts.Author) > 0 {
		g := facetGroup{Label: "Author"}
		for _, f := range counts.Author {
			v := f.Value
			g.Values = append(g.Values, facetLink{Label: v, Count: f.Count, URL: st.with(func(s *searchState) { s.author = v })})
		}
		sv.Facets = append(sv.Facets, g)
	}
	if p.From == "" && p.To == "" && len(counts.Month) > 0 {
		g := facetGroup{Label: "Month"}
		for _, f := range counts.Month {
			from, to, label, ok := monthRange(f.Value)
			if !ok {
				continue
			}
			g.Values = append(g.Values, facetLink{Label: label, Count: f.Count,
				URL: st.with(func(s *searchState) { s.from, s.to = from, to })})
		}
		if len(g.Values) > 0 {
			sv.Facets = append(sv.Facets, g)
		}
	}
	// Languages: a link adds lang:xx to the query, which keeps the
	// articles in that language and reads the words as its words.
	if len(counts.Language) > 1 && !strings.Contains(strings.ToLower(p.Q), "lang:") {
		g := facetGroup{Label: "Language"}
		for _, f := range counts.Language {
			v := f.Value
			g.Values = append(g.Values, facetLink{Label: languageName(v), Count: f.Count,
				URL: st.with(func(s *searchState) { s.q = strings.TrimSpace(s.q) + " lang:" + v })})
		}
		sv.Facets = append(sv.Facets, g)
	}
}

// languageName is how the page names a language code: its English name
// for the languages the index analyses, else the code.
func languageName(code string) string {
	if n, ok := map[string]string{
		"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
		"nl": "Dutch", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "ru": "Russian",
		"zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic", "pl": "Polish", "tr": "Turkish",
	}[code]; ok {
		return n
	}
	return code
}

// monthRange turns a month facet value (YYYY-MM) into the from and to
// dates of that month and a label: Sep 2015.
func monthRange(m string) (from, to, label string, ok bool) {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "", "", "", false
	}
	end := t.AddDate(0, 1, -1)
	return t.Format("2006-01-02"), end.Format("2006-01-02"), t.Format("Jan 2006"), true
}

// dateRangeLabel describes a from/to filter: a whole month by its name.
func dateRangeLabel(from, to string) string {
	if from != "" && to != "" {
		if f, err := time.Parse("2006-01-02", from); err == nil && f.Day() == 1 {
			if mf, mt, label, ok := monthRange(f.Format("2006-01")); ok && mf == from && mt == to {
				return label
			}
		}
		return from + " to " + to
	}
	if from != "" {
		return "from " + from
	}
	return "until " + to
}
