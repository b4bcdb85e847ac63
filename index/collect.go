package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"
)

// articleCandidates is the first stage of a grouped search: the matching
// articles found, each once, and how many paragraphs of each match.
type articleCandidates struct {
	// cands are the articles of the window in the order of their first
	// paragraph, each represented by that paragraph.
	cands []*candidate
	// counts are the matching paragraphs of each article, over the whole
	// result (the article facet), not just the window.
	counts map[string]int
	total  int  // matching articles
	exact  bool // total is exact (the facet counted every article)
	last   *bleve.SearchResult
}

// collectArticles runs the first stage of a grouped search, with or
// without rescoring: it fetches matching paragraphs in growing windows
// until the window holds want articles or every match, keeping each
// article's first paragraph; the article facet counts each article's
// matching paragraphs, which give the total and more_matches.
//
// With byID bleve orders by score then id (or by date); without it by
// score alone, and the window is cut before its last score and sorted by
// id (see newRequest): that gives the same order, cheaper, unless a tie
// crosses the deepest window, in which case bleve orders by id after all.
// Either way the order is total, so every window starts with the same
// articles: its size changes how many rounds a search takes, not what it
// finds.
func (v view) collectArticles(ctx context.Context, q bquery.Query, req Request, want int, byID bool) (*articleCandidates, error) {
	fetch := min(MaxWindow, max(3*want, 50))
	for {
		res, err := v.run(ctx, newRequest(q, req, fetch, 0, true, byID))
		if err != nil {
			return nil, err
		}
		hits := res.Hits
		if !byID {
			hits = closedUnderTies(hits, res.Total)
			byScoreThenID(hits)
		}
		cands := firstOfEachArticle(hits)
		if len(cands) < want && uint64(len(res.Hits)) < res.Total && fetch < MaxWindow {
			// Enough more paragraphs for the articles missing, at the
			// rate seen so far, and at least twice as many.
			grow := float64(want) / float64(max(len(cands), 1)) * 1.25
			fetch = min(MaxWindow, max(2*fetch, int(float64(fetch)*grow)))
			continue
		}
		if len(cands) < want && len(hits) < len(res.Hits) {
			byID = true // a tie crosses the deepest window: let bleve order by id
			continue
		}
		a := &articleCandidates{cands: cands, counts: map[string]int{}, last: res}
		f := res.Facets["article"]
		if f != nil && f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				a.counts[t.Term] = t.Count
			}
			a.total = len(a.counts)
			if f.Other > 0 {
				a.total++ // at least one more article than counted
			}
		}
		a.total = max(a.total, len(cands))
		a.exact = f == nil || f.Other == 0
		return a, nil
	}
}

// firstOfEachArticle keeps the first paragraph of each article among hits.
func firstOfEachArticle(hits []*bsearch.DocumentMatch) []*candidate {
	var out []*candidate
	seen := map[string]bool{}
	for _, dm := range hits {
		id := articleOf(dm.ID)
		if !seen[id] {
			seen[id] = true
			out = append(out, &candidate{key: id, first: dm, score: dm.Score})
		}
	}
	return out
}

// result is the page-independent part of a grouped search's result.
func (a *articleCandidates) result(req Request) *Result {
	return &Result{Total: a.total, TotalExact: a.exact, Facets: facets(a.last, req)}
}

// countMore sets each hit's MoreMatches: its article's other matching
// paragraphs.
func (a *articleCandidates) countMore(hits []Hit) {
	for i := range hits {
		hits[i].MoreMatches = max(a.counts[hits[i].ArticleID]-1, 0)
	}
}
