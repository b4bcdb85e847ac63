package index

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/index/internal/score"
	"github.com/newsroom/newsearch/internal/query"
)

// The rescored search (see ranking.go): bleve's query collects the
// candidates, the statistics of the first rk.Pool are read back
// (rankstats.go) and scored (package score), and the page is read back.

// searchRanked answers a relevance-sorted request with rescoring: bleve's
// query collects the candidates (ids only), the first rk.Pool are rescored
// and sorted, any further ones follow in bleve's order, and the page's
// hits are read back with their highlights.
func (v view) searchRanked(ctx context.Context, q bquery.Query, req Request, rk *Ranking) (*Result, error) {
	want := req.Page * req.Size
	collect := max(want, rk.Pool)
	var cands []*candidate
	var out *Result
	var arts *articleCandidates
	// The query's words, read once (a prefix reads the dictionaries):
	// before the first stage at a root, which asks for their postings
	// with it, else only when there are candidates to rescore.
	var words []queryWord
	var wordsErr error
	analyzed := false
	analyze := func() ([]queryWord, error) {
		if !analyzed {
			words, wordsErr = v.analyzeQuery(req.Query, rk)
			analyzed = true
		}
		return words, wordsErr
	}
	first := ctx // the first stage's context
	if pf := v.prefetchFor(req, rk, analyze); pf != nil {
		ctx, first = withPrefetch(ctx, pf, false), withPrefetch(ctx, pf, true)
	}
	// By score alone, the window closed under ties and sorted by id (see
	// newRequest): the pool holds the same candidates as bleve's id order
	// would give, without an id lookup for every matching paragraph.
	if req.Group {
		var err error
		arts, err = v.collectArticles(first, q, req, collect, false)
		if err != nil {
			return nil, err
		}
		cands, out = arts.cands, arts.result(req)
	} else {
		res, err := v.run(first, newRequest(q, req, collect+tieSlack, 0, false, false))
		if err != nil {
			return nil, err
		}
		hits := closedUnderTies(res.Hits, res.Total)
		if len(hits) < collect && len(hits) < len(res.Hits) {
			// A tie crosses the window: let bleve order by id.
			if res, err = v.run(first, newRequest(q, req, collect, 0, false, true)); err != nil {
				return nil, err
			}
			hits = res.Hits
		}
		byScoreThenID(hits)
		cands = paragraphCandidates(hits[:min(collect, len(hits))])
		out = &Result{Total: int(res.Total), TotalExact: true, Facets: facets(res, req)}
	}
	head := cands[:min(rk.Pool, len(cands))]
	rescored, err := v.rescore(ctx, req, rk, head, analyze)
	if err != nil {
		return nil, err
	}
	if rest := cands[len(head):]; rescored && len(rest) > 0 {
		// Past the pool, bleve's order, scaled below the last rescored.
		floor, top := head[len(head)-1].score, rest[0].score
		for _, c := range rest {
			if top > 0 {
				c.score = floor * 0.999 * c.score / top
			}
		}
	}
	lo := min((req.Page-1)*req.Size, len(cands))
	out.Hits, err = v.pageHits(ctx, q, cands[lo:min(lo+req.Size, len(cands))])
	if err != nil {
		return nil, err
	}
	if arts != nil {
		arts.countMore(out.Hits)
	}
	return out, nil
}

// prefetchFor returns what a root's first stage asks its leaves for (see
// prefetch.go): the postings rescore reads first, those of the query's
// words in the fields it scores; nil on a single node, or when the
// rescoring reads positions or has no words to score.
func (v view) prefetchFor(req Request, rk *Ranking, analyze func() ([]queryWord, error)) *prefetch {
	if !v.s.remote || rk.Proximity > 0 {
		return nil
	}
	qs, err := analyze()
	if err != nil || len(qs) == 0 || len(qs) > maxRankTerms {
		return nil
	}
	p := &prefetch{want: prefetchWant{Fields: rankFields(rk.TitleWeight > 0, rk.SectionWeight > 0), Group: req.Group,
		Limit: rk.Pool}}
	for _, q := range qs {
		if !slices.Contains(p.want.Terms, q.term) {
			p.want.Terms = append(p.want.Terms, q.term)
		}
	}
	return p
}

// rescore scores the candidates with BM25F for the request's query (its
// words as analyze reads them) and sorts them by the new score, then id.
// It reports false, leaving them as they were, when the query has no
// words to score.
func (v view) rescore(ctx context.Context, req Request, rk *Ranking, cands []*candidate, analyze func() ([]queryWord, error)) (bool, error) {
	if len(cands) == 0 {
		return false, nil
	}
	qs, err := analyze()
	if err != nil || len(qs) == 0 || len(qs) > maxRankTerms {
		return false, err
	}
	keys := make([]string, len(cands))
	for i, c := range cands {
		keys[i] = c.key
	}
	set, err := v.loadRankSet(ctx, keys, req.Group, rk.TitleWeight > 0, rk.SectionWeight > 0, rk.Proximity > 0)
	if err != nil {
		return false, err
	}
	if !req.Group {
		v.paragraphRefs(set, cands)
	}
	ts, err := v.weigh(ctx, set, qs, rk)
	if err != nil {
		return false, err
	}
	params := rk.params()
	scores, best := score.Rank(ts, set.keys, set.docs, set.group, params)
	if rk.Feedback > 0 {
		exp, err := v.expandQuery(ctx, qs, set, scores, rk)
		if err != nil {
			return false, err
		}
		if exp != nil {
			if ts, err = v.weigh(ctx, set, exp, rk); err != nil {
				return false, err
			}
			scores, best = score.Rank(ts, set.keys, set.docs, set.group, params)
		}
	}
	for _, c := range cands {
		c.best = best[c.key]
		c.score = scores[c.key]
	}
	if err := v.resolve(ctx, set, cands); err != nil {
		return false, err
	}
	// By score, then id: a total order whatever order the first stage
	// gave (pages neither repeat nor skip a hit; explicit OR and match=any
	// agree).
	slices.SortFunc(cands, func(a, b *candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return strings.Compare(a.key, b.key)
	})
	return true, nil
}

// queryWord is one analysed word of a query and its weight.
type queryWord struct {
	term   string
	weight float64
	stop   bool
}

// weigh counts the words in the candidates (countTerms) and reads their
// document frequencies: the words as the scoring takes them, in order.
func (v view) weigh(ctx context.Context, set *rankSet, qs []queryWord, rk *Ranking) ([]score.Term, error) {
	terms := make([]string, len(qs))
	for i, q := range qs {
		terms[i] = q.term
	}
	if err := v.countTerms(ctx, set, terms); err != nil {
		return nil, err
	}
	n, df, err := v.readFrequencies(ctx, terms, set.group, rk)
	if err != nil {
		return nil, err
	}
	ts := make([]score.Term, len(qs))
	for i, q := range qs {
		ts[i] = score.Term{Slot: set.slot[q.term], Weight: q.weight, IDF: rk.idf(n, df[q.term]), Stop: q.stop}
	}
	return ts, nil
}

// stopWords returns the English stop-word list (Snowball's, as bleve
// ships it) as the text analyzer a indexes its words.
func stopWords(a analysis.Analyzer) (map[string]bool, error) {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		return nil, fmt.Errorf("english stop words: %w", err)
	}
	stops := map[string]bool{}
	for w := range tm {
		for _, tok := range a.Analyze([]byte(w)) {
			stops[string(tok.Term)] = true
		}
	}
	return stops, nil
}

// analyzeQuery returns the analysed words of the positive leaves of q that
// search analysed text (the default, text, title and section fields),
// prefixes expanded to the text terms they match, with their weights.
func (v view) analyzeQuery(q query.Node, rk *Ranking) ([]queryWord, error) {
	stops := v.r.stops
	count := map[string]int{}
	var order []string
	add := func(t string) {
		if count[t] == 0 {
			order = append(order, t)
		}
		count[t]++
	}
	for _, l := range query.Leaves(q) {
		var field, s string
		prefix := false
		switch l := l.(type) {
		case *query.Term:
			field, s = l.Field, l.Text
		case *query.Phrase:
			field, s = l.Field, l.Text
		case *query.Prefix:
			field, s, prefix = l.Field, l.Text, true
		}
		if !searchesAny(field, FieldTitle, FieldSection, FieldText) {
			continue
		}
		if prefix {
			terms, err := v.expandPrefix(FieldText, strings.ToLower(s))
			if err != nil {
				return nil, err
			}
			for _, t := range terms {
				add(t)
			}
			continue
		}
		for _, term := range v.queryTerms(s) { // languages.go
			add(term)
		}
	}
	content := 0
	for _, t := range order {
		if !stops[t] {
			content++
		}
	}
	out := make([]queryWord, 0, len(order))
	for _, t := range order {
		w := 1.0
		if rk.QueryTF {
			w = float64(count[t])
		}
		if stops[t] && content > 0 {
			w *= rk.StopWeight
		}
		if w > 0 {
			out = append(out, queryWord{term: t, weight: w, stop: stops[t]})
		}
	}
	return out, nil
}

// expandQuery is pseudo-relevance feedback (RM3, score.Expand): it reads
// the words of the rk.Feedback best scored candidates and returns the
// query expanded with their most likely words, in the words' order, or
// nil when there is nothing to add.
func (v view) expandQuery(ctx context.Context, qs []queryWord, set *rankSet, scores map[string]float64, rk *Ranking) ([]queryWord, error) {
	top, total := score.Top(set.keys, scores, rk.Feedback)
	if total <= 0 {
		return nil, nil
	}
	tfs, lens, err := v.analyzeTexts(ctx, set, top)
	if err != nil {
		return nil, err
	}
	dropFeedbackNoise(tfs)
	docs := make([]score.FeedbackDoc, len(top))
	for i, k := range top {
		docs[i] = score.FeedbackDoc{Score: scores[k], TF: tfs[k], Length: lens[k]}
	}
	orig := make([]score.Weighted, len(qs))
	for i, q := range qs {
		orig[i] = score.Weighted{Term: q.term, Weight: q.weight}
	}
	weights := score.Expand(orig, docs, total, rk.FeedbackTerms, rk.FeedbackWeight, v.r.stops)
	if weights == nil {
		return nil, nil
	}
	terms := make([]string, 0, len(weights))
	for t := range weights {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	out := make([]queryWord, len(terms))
	for i, t := range terms {
		out[i] = queryWord{term: t, weight: weights[t], stop: v.r.stops[t]}
	}
	return out, nil
}
