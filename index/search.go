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

	"github.com/newsroom/newsearch/internal/language"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// storedFields returns the fields a hit reads back (a function, not a
// shared slice that a caller could change under every search).
func storedFields() []string {
	return []string{FieldArticleID, FieldSeed, FieldTitle, FieldSection, FieldParagraph, FieldText,
		FieldPublishedAt, FieldAuthor, FieldSource, FieldEditors, FieldURL, FieldLanguage}
}

// searchContext adds the term-expansion cap and asks for index-wide term
// statistics, so that every shard scores with the same idf.
func searchContext(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers)
	return context.WithValue(ctx, bsearch.SearchTypeKey, bsearch.GlobalScoring)
}

// bleveQuery builds the whole query of a request: the parsed query and the
// filters. With Group the query's own exclusions ("chelsea -mourinho")
// exclude whole articles: the hits are articles, and an article that
// names Mourinho in any paragraph, or its title, is not one without him.
// Exclusions inside a group ("a OR -b") still apply paragraph by paragraph.
func (v view) bleveQuery(ctx context.Context, req Request) (bquery.Query, error) {
	t := newTranslator(v, req.MatchAny, !req.Group)
	node, excluded := req.Query, []query.Node(nil)
	if req.Group {
		node, excluded = splitExclusions(req.Query)
	}
	q := t.translate(node)
	if t.err != nil {
		return nil, t.err
	}
	if q == nil {
		return nil, ErrNoTerms
	}
	if len(excluded) > 0 {
		// Exclusions are read whole, title included, whatever the mode.
		out, err := v.excludeArticles(ctx, newTranslator(v, false, false), excluded)
		if err != nil {
			return nil, err
		}
		if out != nil {
			b := bleve.NewBooleanQuery()
			b.AddMust(q)
			b.AddMustNot(out)
			q = b
		}
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

// maxExcludedArticles bounds the articles a grouped search's exclusions
// may name: each becomes a term of the query.
const maxExcludedArticles = 1000

// ErrExclusionTooBroad: with group=article, an exclusion names more
// articles than maxExcludedArticles.
var ErrExclusionTooBroad = fmt.Errorf("%w: an exclusion matches more than %d articles; exclude a rarer word or phrase, or search by paragraph", ErrTooBroad, maxExcludedArticles)

// splitExclusions separates the top-level exclusions of a query (the
// children of its root AND that are *query.Not) from the rest.
func splitExclusions(n query.Node) (query.Node, []query.Node) {
	and, ok := n.(*query.And)
	if !ok {
		return n, nil
	}
	var keep, out []query.Node
	for _, c := range and.Children {
		// -lang:en excludes by paragraph: the same, as language is the
		// article's, and never too broad.
		if neg, ok := c.(*query.Not); ok && !isLanguageFilter(neg.Child) {
			out = append(out, neg.Child)
		} else {
			keep = append(keep, c)
		}
	}
	if len(out) == 0 || len(keep) == 0 {
		return n, nil
	}
	if len(keep) == 1 {
		return keep[0], out
	}
	return &query.And{Children: keep}, out
}

// excludeArticles returns a query matching every paragraph of the
// articles in which any of the excluded queries matches, or nil when none
// does.
func (v view) excludeArticles(ctx context.Context, t *translator, excluded []query.Node) (bquery.Query, error) {
	var qs []bquery.Query
	for _, n := range excluded {
		if q := t.translate(n); q != nil {
			qs = append(qs, q)
		}
	}
	if t.err != nil {
		return nil, t.err
	}
	if len(qs) == 0 {
		return nil, nil
	}
	sr := bleve.NewSearchRequestOptions(disjunction(qs), 0, 0, false)
	sr.Score = "none"
	sr.AddFacet("article", bleve.NewFacetRequest(FieldArticleID, maxExcludedArticles))
	// Unscored: no index-wide statistics are wanted, only the term cap.
	res, err := v.run(context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers), sr)
	if err != nil {
		return nil, fmt.Errorf("articles to exclude: %w", err)
	}
	f := res.Facets["article"]
	if f == nil || f.Terms == nil {
		return nil, nil
	}
	if f.Other > 0 {
		return nil, ErrExclusionTooBroad
	}
	var ids []bquery.Query
	for _, term := range f.Terms.Terms() {
		tq := bleve.NewTermQuery(term.Term)
		tq.SetField(FieldArticleID)
		ids = append(ids, tq)
	}
	return disjunction(ids), nil
}

// Search runs a request against the served generation: one snapshot of
// it from start to end, whatever Reload does meanwhile.
func (r *Reader) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	snap := r.acquire()
	defer snap.release()
	miss := &missing{}
	res, err := view{r, snap, miss}.search(ctx, req)
	if err != nil {
		return nil, err
	}
	res.Missing = miss.list()
	if n := len(res.Missing); n > 0 && n >= snap.status.Shards {
		return nil, fmt.Errorf("%w: none of the %d shards answered", ErrShardUnavailable, n)
	}
	res.Took = time.Since(start)
	return res, nil
}

func (v view) search(ctx context.Context, req Request) (*Result, error) {
	st := v.s.status
	if !st.Ready {
		return nil, ErrNotReady
	}
	if req.Page < 1 {
		req.Page = 1
	}
	if req.Size < 1 {
		req.Size = 10
	}
	req.languageFacet = v.s.manyLanguages() // languages.go
	q, err := v.bleveQuery(ctx, req)
	if err != nil {
		return nil, err
	}
	if st.Shards == 0 {
		return &Result{TotalExact: true}, nil
	}
	ctx = searchContext(ctx)
	if rk := req.ranking(); rk != nil { // rescored order, see rank.go
		return v.searchRanked(ctx, q, req, rk)
	}
	if req.Group {
		return v.searchGrouped(ctx, q, req)
	}
	return v.searchFlat(ctx, q, req)
}

// newRequest is the first phase of a search: ids and scores only, stored
// fields and match locations being loaded for the page alone
// (fetchStored).
//
// The order must be total, so that pages of equally scored hits neither
// repeat nor skip a hit across requests (shards answer in any order).
// With byID, bleve sorts by id after the score: total, but it costs an id
// lookup for every matching paragraph (bench/RESULTS.md has its cost).
// Without it
// bleve sorts by score alone, and the caller makes the order total itself
// (byScoreThenID on a window closed under ties).
func newRequest(q bquery.Query, req Request, size, from int, articleFacet, byID bool) *bleve.SearchRequest {
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
		if req.languageFacet {
			sr.AddFacet("language", bleve.NewFacetRequest(FieldLanguage, maxFacetValues))
		}
	}
	if articleFacet {
		sr.AddFacet("article", bleve.NewFacetRequest(FieldArticleID, MaxWindow))
	}
	return sr
}

// run executes a bleve request on the view's shards and maps its failures
// to our errors.
func (v view) run(ctx context.Context, sr *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if v.s.alias == nil {
		return &bleve.SearchResult{}, nil // nothing served
	}
	if st := v.s.stats; st != nil && !v.r.gatherStats && sr.PreSearchData == nil {
		if t, _ := ctx.Value(bsearch.SearchTypeKey).(string); t == bsearch.GlobalScoring {
			// The generation's statistics, computed once at reload, in
			// place of bleve's first round over every shard.
			sr.PreSearchData = map[string]any{bsearch.BM25PreSearchDataKey: &bsearch.BM25Stats{
				DocCount: st.DocCount, FieldCardinality: st.FieldCardinality}}
		}
	}
	res, err := v.s.alias.SearchInContext(ctx, sr)
	if err != nil && sr.PreSearchData != nil && strings.Contains(err.Error(), "field stat for bm25 not present") {
		// A field the reload did not count: let bleve gather the
		// statistics (a second chance, never a failed search).
		v.r.log.Warn("index statistics lack a field; gathering them", "err", err)
		sr.PreSearchData = nil
		res, err = v.s.alias.SearchInContext(ctx, sr)
	}
	if err == nil && res.Status != nil && len(res.Status.Errors) > 0 {
		for name, e := range res.Status.Errors {
			// A shard no leaf served in time: the search goes on without
			// it (partial.go).
			if !v.shardMissing(namedShard(name), e) {
				err = e
				break
			}
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

// searchFlat returns matching paragraphs in bleve's order.
func (v view) searchFlat(ctx context.Context, q bquery.Query, req Request) (*Result, error) {
	from, want := (req.Page-1)*req.Size, req.Page*req.Size
	var page []*bsearch.DocumentMatch
	var res *bleve.SearchResult
	var err error
	if req.Sort == SortRelevance {
		// By score alone, a few more than the page: when the window is
		// closed under ties at the page's end, sorting it by id is the
		// total order; when a tie crosses it, ask bleve for the id order.
		res, err = v.run(ctx, newRequest(q, req, want+tieSlack, 0, false, false))
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
		res, err = v.run(ctx, newRequest(q, req, req.Size, from, false, true))
		if err != nil {
			return nil, err
		}
		page = res.Hits
	}
	out := &Result{Total: int(res.Total), TotalExact: true, Facets: facets(res, req)}
	out.Hits, err = v.pageHits(ctx, q, paragraphCandidates(page))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// searchGrouped returns one hit per article, its best paragraph (or the
// first in date order), in bleve's order.
func (v view) searchGrouped(ctx context.Context, q bquery.Query, req Request) (*Result, error) {
	want := req.Page * req.Size
	arts, err := v.collectArticles(ctx, q, req, want, req.Sort != SortRelevance)
	if err != nil {
		return nil, err
	}
	out := arts.result(req)
	lo := min((req.Page-1)*req.Size, len(arts.cands))
	hi := min(lo+req.Size, len(arts.cands))
	out.Hits, err = v.pageHits(ctx, q, arts.cands[lo:hi])
	if err != nil {
		return nil, err
	}
	arts.countMore(out.Hits)
	return out, nil
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
	fs := Facets{Source: []FacetCount{}, Author: []FacetCount{}, Month: []FacetCount{}, Language: []FacetCount{}}
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
	if f, ok := res.Facets["language"]; ok && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			if t.Term != language.Undetermined {
				fs.Language = append(fs.Language, FacetCount{Value: t.Term, Count: t.Count})
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
	fs.Source, fs.Author, fs.Month, fs.Language = top(fs.Source, 10), top(fs.Author, 10), top(fs.Month, 24), top(fs.Language, 10)
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
		URL:       str(FieldURL),
		Language:  str(FieldLanguage),
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

// fetchStored loads the stored fields and match locations of the
// paragraphs of ids with a second search restricted to them: asking for
// locations in the first search would make bleve gather them for every
// matching document, not just the page. Only the paragraphs that match q
// are returned (the locations are q's), unscored: by id.
func (v view) fetchStored(ctx context.Context, q bquery.Query, ids []string) (map[string]*bsearch.DocumentMatch, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), q), len(ids), 0, false)
	sr.Fields = storedFields()
	sr.IncludeLocations = true
	sr.Score = "none"
	res, err := v.run(context.WithValue(ctx, bsearch.SearchTypeKey, ""), sr)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	return byID, nil
}

// candidate is one result of the first stage of a search: an article
// (its first paragraph in the stage's order) with Group, else a paragraph.
type candidate struct {
	key   string // article id with Group, else paragraph id
	first *bsearch.DocumentMatch
	// best is the paragraph shown for an article instead of first when
	// it matches the query: its best by the rescoring; "" for first.
	best  string
	score float64
}

// paragraphCandidates makes a candidate of each paragraph hit.
func paragraphCandidates(hits []*bsearch.DocumentMatch) []*candidate {
	out := make([]*candidate, len(hits))
	for i, dm := range hits {
		out[i] = &candidate{key: dm.ID, first: dm, score: dm.Score}
	}
	return out
}

// pageHits reads the hits of a page back (fetchStored), in the page's
// order and with its scores: each candidate's best paragraph when it has
// one that matches q, else its first.
func (v view) pageHits(ctx context.Context, q bquery.Query, page []*candidate) ([]Hit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(page))
	for _, c := range page {
		ids = append(ids, c.first.ID)
		if c.best != "" && c.best != c.first.ID {
			ids = append(ids, c.best)
		}
	}
	byID, err := v.fetchStored(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(page))
	for _, c := range page {
		dm := byID[c.first.ID]
		if b := byID[c.best]; c.best != "" && b != nil {
			dm = b
		}
		if dm == nil {
			continue // did not match q: never, as the first stage ran on the same snapshot
		}
		h := makeHit(dm)
		h.Score = c.score
		hits = append(hits, h)
	}
	return hits, nil
}
