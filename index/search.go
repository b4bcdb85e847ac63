package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// Limits of a search request.
const (
	MaxSize   = 100    // hits per page
	MaxWindow = 10_000 // page × size
	// MaxTermSearchers caps the terms a query may expand to (prefixes).
	MaxTermSearchers = 2048
	// maxArticleParagraphs bounds the paragraphs read for one article.
	maxArticleParagraphs = 10_000
)

// Errors a search can return besides invalid requests.
var (
	// ErrNotReady: no generation has been published or opened yet.
	ErrNotReady = errors.New("index not ready")
	// ErrTimeout: the search ran past its deadline.
	ErrTimeout = errors.New("search took too long")
	// ErrTooBroad: a prefix expands to more terms than MaxTermSearchers.
	ErrTooBroad = errors.New("query expands to too many terms")
	// ErrNoTerms: the query has nothing searchable (only punctuation).
	ErrNoTerms = errors.New("query has no searchable words")
	// ErrNotFound: no article has the id.
	ErrNotFound = errors.New("article not found")
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Request is a search.
type Request struct {
	Query    query.Node
	Page     int    // 1-based
	Size     int    // hits per page
	Sort     string // SortRelevance (default) or SortDate
	Group    bool   // one hit per article: its best paragraph
	MatchAny bool   // rank by any of the words instead of requiring all
	From, To time.Time
	Source   string // exact source filter
	Author   string // exact author filter
	// NoFacets skips the source, author and month counts (Result.Facets
	// stays nil): they read a doc value for every matching paragraph, the
	// largest single cost of a search, which scripts that only want hits
	// need not pay.
	NoFacets bool
	// Rank is how results sorted by relevance are ordered (rank.go); nil
	// means DefaultRanking.
	Rank *Ranking
}

// Hit is one matching paragraph.
type Hit struct {
	ID           string
	ArticleID    string
	Seed         string
	Paragraph    int
	Section      string
	Title        string
	Published    time.Time // zero when the article has no date; in the article's own offset
	Author       string
	Source       string
	Score        float64
	Text         string
	Matches      []snippet.Span // match spans in Text, byte offsets; never nil
	TitleMatch   []snippet.Span // match spans in Title
	SectionMatch []snippet.Span // match spans in Section
	MoreMatches  int            // with Group: other matching paragraphs of the article
}

// FacetCount is one value of a facet and the number of matching paragraphs.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets counts the matching paragraphs by source, author and month.
type Facets struct {
	Source []FacetCount `json:"source"`
	Author []FacetCount `json:"author"`
	Month  []FacetCount `json:"month"`
}

// Result is a page of hits.
type Result struct {
	Total      int // paragraphs, or articles with Group
	TotalExact bool
	Took       time.Duration
	Hits       []Hit
	Facets     *Facets // nil when the request set NoFacets
}

// storedFields are the fields a hit reads back.
var storedFields = []string{FieldArticleID, FieldSeed, FieldTitle, FieldSection, FieldParagraph, FieldText,
	FieldPublishedAt, FieldAuthor, FieldSource, FieldEditors}

// searchContext adds the term-expansion cap and asks for index-wide term
// statistics, so that every shard scores with the same idf.
func searchContext(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers)
	return context.WithValue(ctx, bsearch.SearchTypeKey, bsearch.GlobalScoring)
}

// bleveQuery builds the whole query of a request: the parsed query and the
// filters.
func (r *Reader) bleveQuery(req Request) (bquery.Query, error) {
	t, err := newTranslator(r, req.MatchAny)
	if err != nil {
		return nil, err
	}
	q := t.translate(req.Query)
	if t.err != nil {
		return nil, t.err
	}
	if q == nil {
		return nil, ErrNoTerms
	}
	var filters []bquery.Query
	if req.Source != "" {
		f := bleve.NewTermQuery(facetSource + facetSep + req.Source)
		f.SetField(FieldFacets)
		filters = append(filters, f)
	}
	if req.Author != "" {
		f := bleve.NewTermQuery(facetAuthor + facetSep + req.Author)
		f.SetField(FieldFacets)
		filters = append(filters, f)
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		inclusive := true
		var lo, hi string
		if !req.From.IsZero() {
			lo = req.From.UTC().Format(PublishedLayout)
		}
		if !req.To.IsZero() {
			hi = req.To.UTC().Format(PublishedLayout)
		}
		f := bleve.NewTermRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		f.SetField(FieldPublished)
		filters = append(filters, f)
	}
	if len(filters) == 0 {
		return q, nil
	}
	for _, f := range filters {
		f.(interface{ SetBoost(float64) }).SetBoost(0.0001)
	}
	return bleve.NewConjunctionQuery(append([]bquery.Query{q}, filters...)...), nil
}

// Search runs a request against the served generation.
func (r *Reader) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	st := r.Status()
	if !st.Ready {
		return nil, ErrNotReady
	}
	if req.Page < 1 {
		req.Page = 1
	}
	if req.Size < 1 {
		req.Size = 10
	}
	q, err := r.bleveQuery(req)
	if err != nil {
		return nil, err
	}
	if st.Shards == 0 {
		return &Result{TotalExact: true, Took: time.Since(start)}, nil
	}
	ctx = searchContext(ctx)
	var res *Result
	if req.Group {
		res, err = r.searchGrouped(ctx, q, req)
	} else {
		res, err = r.searchFlat(ctx, q, req)
	}
	if err != nil {
		return nil, err
	}
	res.Took = time.Since(start)
	return res, nil
}

// newRequest is the first phase of a search: ids and scores only, stored
// fields and match locations being loaded for the page alone (complete).
//
// The order must be total, so that pages of equally scored hits neither
// repeat nor skip a hit across requests (shards answer in any order).
// With byID, bleve sorts by id after the score: total, but it costs an id
// lookup for every matching paragraph (a quarter of a search). Without it
// bleve sorts by score alone, and the caller makes the order total itself
// (byScoreThenID on a window closed under ties).
func (r *Reader) newRequest(q bquery.Query, req Request, size, from int, articleFacet, byID bool) *bleve.SearchRequest {
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	switch {
	case req.Sort == SortDate:
		sr.SortBy([]string{"-" + FieldPublished, "-_score", "_id"})
	case byID:
		sr.SortBy([]string{"-_score", "_id"})
	default:
		sr.SortBy([]string{"-_score"})
	}
	if !req.NoFacets {
		// Every value: the field mixes three facets, each cut to its own
		// size afterwards (facets).
		sr.AddFacet("facets", bleve.NewFacetRequest(FieldFacets, maxFacetValues))
	}
	if articleFacet {
		sr.AddFacet("article", bleve.NewFacetRequest(FieldArticleID, MaxWindow))
	}
	return sr
}

// run executes a bleve request and maps its failures to our errors.
func (r *Reader) run(ctx context.Context, sr *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if st := r.stats.Load(); st != nil && !r.gatherStats && sr.PreSearchData == nil {
		if t, _ := ctx.Value(bsearch.SearchTypeKey).(string); t == bsearch.GlobalScoring {
			// The generation's statistics, computed once at reload, in
			// place of bleve's first round over every shard.
			sr.PreSearchData = map[string]any{bsearch.BM25PreSearchDataKey: &bsearch.BM25Stats{
				DocCount: st.DocCount, FieldCardinality: st.FieldCardinality}}
		}
	}
	res, err := r.alias.SearchInContext(ctx, sr)
	if err != nil && sr.PreSearchData != nil && strings.Contains(err.Error(), "field stat for bm25 not present") {
		// A field the reload did not count: let bleve gather the
		// statistics (a second chance, never a failed search).
		r.log.Warn("index statistics lack a field; gathering them", "err", err)
		sr.PreSearchData = nil
		res, err = r.alias.SearchInContext(ctx, sr)
	}
	if err == nil && res.Status != nil && len(res.Status.Errors) > 0 {
		for _, e := range res.Status.Errors {
			err = e
			break
		}
	}
	if err != nil {
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			return nil, ErrTimeout
		case errors.Is(err, context.Canceled):
			return nil, err
		case strings.Contains(err.Error(), "TooManyTermSearchers"):
			return nil, ErrTooBroad
		case errors.Is(err, bleve.ErrorAliasEmpty):
			return &bleve.SearchResult{}, nil
		}
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

func (r *Reader) searchFlat(ctx context.Context, q bquery.Query, req Request) (*Result, error) {
	if rk := req.ranking(); rk != nil { // rank: rescored order, see rank.go
		return r.searchRanked(ctx, q, req, rk)
	}
	from, want := (req.Page-1)*req.Size, req.Page*req.Size
	var page []*bsearch.DocumentMatch
	var res *bleve.SearchResult
	var err error
	if req.Sort == SortRelevance {
		// By score alone, a few more than the page: when the window is
		// closed under ties at the page's end, sorting it by id is the
		// total order; when a tie crosses it, ask bleve for the id order.
		res, err = r.run(ctx, r.newRequest(q, req, want+tieSlack, 0, false, false))
		if err != nil {
			return nil, err
		}
		if hits := closedUnderTies(res.Hits, res.Total); len(hits) >= want || len(hits) == len(res.Hits) {
			byScoreThenID(hits)
			page = hits[min(from, len(hits)):min(want, len(hits))]
		} else {
			res = nil
		}
	}
	if res == nil {
		res, err = r.run(ctx, r.newRequest(q, req, req.Size, from, false, true))
		if err != nil {
			return nil, err
		}
		page = res.Hits
	}
	out := &Result{Total: int(res.Total), TotalExact: true, Facets: facets(res, req)}
	full, err := r.complete(ctx, q, page)
	if err != nil {
		return nil, err
	}
	for _, dm := range full {
		out.Hits = append(out.Hits, makeHit(dm))
	}
	return out, nil
}

// searchGrouped returns one hit per article, its best paragraph (or the
// first in date order). It fetches paragraphs in growing windows until the
// page is filled; the article facet counts each article's matching
// paragraphs, which give the total and more_matches.
func (r *Reader) searchGrouped(ctx context.Context, q bquery.Query, req Request) (*Result, error) {
	if rk := req.ranking(); rk != nil { // rank: rescored order, see rank.go
		return r.searchRanked(ctx, q, req, rk)
	}
	want := req.Page * req.Size
	fetch := min(MaxWindow, max(3*want, 50))
	byID := req.Sort != SortRelevance
	for {
		sr := r.newRequest(q, req, fetch, 0, true, byID)
		res, err := r.run(ctx, sr)
		if err != nil {
			return nil, err
		}
		hits := res.Hits
		if !byID {
			// By score alone: keep the window closed under ties and
			// sort it by id (see newRequest).
			hits = closedUnderTies(hits, res.Total)
			byScoreThenID(hits)
		}
		counts := map[string]int{}
		total := 0
		if f, ok := res.Facets["article"]; ok && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts[t.Term] = t.Count
			}
			total = len(counts)
			if f.Other > 0 {
				total++ // at least one more article than counted
			}
		}
		var best []*bsearch.DocumentMatch
		seen := map[string]bool{}
		for _, dm := range hits {
			id := articleOf(dm.ID)
			if seen[id] {
				continue
			}
			seen[id] = true
			best = append(best, dm)
		}
		if len(best) < want && uint64(len(res.Hits)) < res.Total && fetch < MaxWindow {
			fetch = min(MaxWindow, fetch*4)
			continue
		}
		if len(best) < want && len(hits) < len(res.Hits) {
			byID = true // a tie crosses the deepest window: let bleve order by id
			continue
		}
		out := &Result{Total: max(total, len(best)), TotalExact: res.Facets["article"] == nil || res.Facets["article"].Other == 0, Facets: facets(res, req)}
		lo := min((req.Page-1)*req.Size, len(best))
		hi := min(lo+req.Size, len(best))
		full, err := r.complete(ctx, q, best[lo:hi])
		if err != nil {
			return nil, err
		}
		for _, dm := range full {
			h := makeHit(dm)
			h.MoreMatches = max(counts[h.ArticleID]-1, 0)
			out.Hits = append(out.Hits, h)
		}
		return out, nil
	}
}

// tieSlack is how many hits past the page a score-ordered search fetches,
// so that a tie at the page's end usually ends inside the window.
const tieSlack = 10

// closedUnderTies returns the leading hits of a score-ordered window that
// every order agrees on: when more hits exist than the window holds, the
// hits scored like the last one are dropped, since others with that score
// may have been left out.
func closedUnderTies(hits []*bsearch.DocumentMatch, total uint64) []*bsearch.DocumentMatch {
	if len(hits) == 0 || uint64(len(hits)) >= total {
		return hits
	}
	last := hits[len(hits)-1].Score
	n := len(hits)
	for n > 0 && hits[n-1].Score == last {
		n--
	}
	return hits[:n]
}

// byScoreThenID sorts hits by descending score, then ascending id: the
// same total order as bleve's "-_score", "_id".
func byScoreThenID(hits []*bsearch.DocumentMatch) {
	slices.SortFunc(hits, func(a, b *bsearch.DocumentMatch) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// maxFacetValues bounds the distinct facet values a search counts.
const maxFacetValues = 1 << 20

// facets reads the facet counts of a result: the top 10 sources and
// authors and the 24 busiest months (newest first) among the matching
// paragraphs; nil when the request did not ask for them.
func facets(res *bleve.SearchResult, req Request) *Facets {
	if req.NoFacets {
		return nil
	}
	fs := Facets{Source: []FacetCount{}, Author: []FacetCount{}, Month: []FacetCount{}}
	if f, ok := res.Facets["facets"]; ok && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			name, value, ok := strings.Cut(t.Term, facetSep)
			if !ok {
				continue
			}
			c := FacetCount{Value: value, Count: t.Count}
			switch name {
			case facetSource:
				fs.Source = append(fs.Source, c)
			case facetAuthor:
				fs.Author = append(fs.Author, c)
			case facetMonth:
				fs.Month = append(fs.Month, c)
			}
		}
	}
	top := func(cs []FacetCount, n int) []FacetCount {
		slices.SortFunc(cs, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		return cs[:min(n, len(cs))]
	}
	fs.Source, fs.Author, fs.Month = top(fs.Source, 10), top(fs.Author, 10), top(fs.Month, 24)
	slices.SortStableFunc(fs.Month, func(a, b FacetCount) int { return strings.Compare(b.Value, a.Value) })
	return &fs
}

// makeHit reads a hit's stored fields and turns its match locations into
// highlight spans; making HTML of them is the caller's business.
func makeHit(dm *bsearch.DocumentMatch) Hit {
	str := func(f string) string { s, _ := dm.Fields[f].(string); return s }
	h := Hit{
		ID:        dm.ID,
		ArticleID: str(FieldArticleID),
		Seed:      str(FieldSeed),
		Section:   str(FieldSection),
		Title:     str(FieldTitle),
		Author:    str(FieldAuthor),
		Source:    str(FieldSource),
		Text:      str(FieldText),
		Score:     dm.Score,
	}
	if n, ok := dm.Fields[FieldParagraph].(float64); ok {
		h.Paragraph = int(n)
	}
	h.Published = parsePublished(str(FieldPublishedAt))
	h.Matches = spansOf(dm, FieldText, h.Text)
	if h.Matches == nil {
		h.Matches = []snippet.Span{}
	}
	h.TitleMatch = spansOf(dm, FieldTitle, h.Title)
	h.SectionMatch = spansOf(dm, FieldSection, h.Section)
	return h
}

// spansOf merges the match locations of one field into highlight spans.
func spansOf(dm *bsearch.DocumentMatch, field, text string) []snippet.Span {
	var ms []snippet.Match
	for _, locs := range dm.Locations[field] {
		for _, l := range locs {
			ms = append(ms, snippet.Match{Start: int(l.Start), End: int(l.End), Pos: int(l.Pos)})
		}
	}
	if len(ms) == 0 {
		return nil
	}
	return snippet.Spans(text, ms)
}

func parsePublished(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// complete loads the stored fields and match locations of a page of hits
// with a second search restricted to their ids: asking for locations in
// the first search would make bleve gather them for every matching
// document, not just the page. The hits keep their order and scores.
func (r *Reader) complete(ctx context.Context, q bquery.Query, hits []*bsearch.DocumentMatch) ([]*bsearch.DocumentMatch, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), q), len(ids), 0, false)
	sr.Fields = storedFields
	sr.IncludeLocations = true
	sr.Score = "none"
	res, err := r.run(context.WithValue(ctx, bsearch.SearchTypeKey, ""), sr)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	out := make([]*bsearch.DocumentMatch, 0, len(hits))
	for _, h := range hits {
		if full, ok := byID[h.ID]; ok {
			full.Score = h.Score
			out = append(out, full)
		}
	}
	return out, nil
}
