package index

import (
	"context"
	"fmt"
	"slices"
	"sync"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// A root's rescored search asks each leaf, with its first-stage search,
// for the postings of the query's words among the hits it returns: the
// rescoring then reads its candidates' counts from those answers instead
// of asking every leaf again (one round of requests fewer). The hits a
// leaf returns hold every candidate the root takes from it (the root's
// window is a cut of the leaves' merged windows), so the answers cover
// the candidates; a read they do not cover (a word added by feedback, a
// candidate outside them) goes to the leaf as before.

// prefetchWant is what a first-stage search asks a leaf for besides its
// hits: the postings of Terms in Fields among the hits' paragraphs, or
// with Group among all paragraphs of the hits' articles.
type prefetchWant struct {
	Terms  []string `json:"terms"`
	Fields []string `json:"fields"`
	Group  bool     `json:"group,omitempty"`
	// Limit is how many candidates (articles with Group, else
	// paragraphs) the rescoring takes: the leaf answers for its first
	// Limit in the order of score, then id, since the root's candidates
	// from one leaf are always a first part of that leaf's in that order.
	Limit int `json:"limit"`
}

// wirePrefetch is a leaf's answer to a prefetchWant: the candidates it
// covers (Docs, its hits' document numbers, or Articles, its hits'
// articles) and their postings, as shard.postings gives them for a
// postingsQuery of those candidates.
type wirePrefetch struct {
	Docs     []uint64       `json:"docs,omitempty"`
	Articles []string       `json:"articles,omitempty"`
	Postings packedPostings `json:"postings"`
	// Nums and IDs are the document ids of the paragraphs in Postings,
	// with Group: the rescoring names an article's best paragraph by its
	// number, and the page needs its id.
	Nums []uint64 `json:"nums,omitempty"`
	IDs  []string `json:"ids,omitempty"`
}

// postingNums returns the distinct document numbers of an answer's
// postings, in order.
func postingNums(ps [][]posting) []uint64 {
	var nums []uint64
	for _, l := range ps {
		for _, p := range l {
			nums = append(nums, p.Num)
		}
	}
	slices.Sort(nums)
	return slices.Compact(nums)
}

// prefetchQuery is the postings query a leaf answers a prefetchWant with,
// for the hits of its result (their numbers packed as the leaf's group
// numbers them): those of its first Limit candidates in the order of
// score, then id.
func prefetchQuery(w *prefetchWant, hits []*bsearch.DocumentMatch) (postingsQuery, error) {
	q := postingsQuery{Terms: w.Terms, Fields: w.Fields, Group: w.Group}
	hits = slices.Clone(hits)
	byScoreThenID(hits)
	seen := map[string]bool{}
	for _, h := range hits {
		if w.Group {
			if a := articleOf(h.ID); !seen[a] {
				if len(seen) == w.Limit {
					break
				}
				seen[a] = true
				q.Articles = append(q.Articles, a)
			}
			continue
		}
		if len(q.Docs) == w.Limit {
			break
		}
		n, ok := docNumber(h.IndexInternalID)
		if !ok {
			return q, fmt.Errorf("hit %s: unexpected document id %x", h.ID, h.IndexInternalID)
		}
		q.Docs = append(q.Docs, n)
	}
	slices.Sort(q.Articles)
	slices.Sort(q.Docs)
	q.Docs = slices.Compact(q.Docs)
	return q, nil
}

// prefetch holds, for one search at a root, what it asks the leaves for
// and what they answered, by remote shard.
type prefetch struct {
	want prefetchWant
	mu   sync.Mutex
	got  map[string]*wirePrefetch
	ids  map[string]map[uint64]string // by shard, by document number
	// article: the shard whose answer covers each article (Group).
	article map[string]string
}

type prefetchKey struct{}

// askKey marks the context of a first-stage search, the one whose
// requests carry the prefetch's question.
type askKey struct{}

// withPrefetch returns ctx carrying p for the reads of the search, and,
// with ask, asking for it in the searches made with it.
func withPrefetch(ctx context.Context, p *prefetch, ask bool) context.Context {
	ctx = context.WithValue(ctx, prefetchKey{}, p)
	if ask {
		ctx = context.WithValue(ctx, askKey{}, true)
	}
	return ctx
}

// prefetchOf returns the search's prefetch, nil when it has none, and
// whether ctx is a first-stage search's.
func prefetchOf(ctx context.Context) (p *prefetch, ask bool) {
	p, _ = ctx.Value(prefetchKey{}).(*prefetch)
	ask, _ = ctx.Value(askKey{}).(bool)
	return p, ask && p != nil
}

// store keeps a shard's answer, replacing an earlier one (a later window
// of the same search holds the earlier one's hits).
func (p *prefetch) store(shard string, w *wirePrefetch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.got == nil {
		p.got, p.article, p.ids = map[string]*wirePrefetch{}, map[string]string{}, map[string]map[uint64]string{}
	}
	if len(w.Nums) == len(w.IDs) {
		ids := make(map[uint64]string, len(w.Nums))
		for i, n := range w.Nums {
			ids[n] = w.IDs[i]
		}
		p.ids[shard] = ids
	}
	if old := p.got[shard]; old != nil {
		for _, a := range old.Articles {
			delete(p.article, a)
		}
	}
	p.got[shard] = w
	for _, a := range w.Articles {
		p.article[a] = shard
	}
}

// postings answers q for shard from the leaves' answers, when they cover
// it: the same fields in the same order, every term, and every candidate
// (a candidate article covered by some shard's answer; articles never
// span shards, so one another shard covers holds nothing here).
func (p *prefetch) postings(shard string, q postingsQuery) ([][]posting, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.got[shard]
	if w == nil || q.Group != p.want.Group || !slices.Equal(q.Fields, p.want.Fields) {
		return nil, false
	}
	slot := make([]int, len(q.Terms))
	for i, t := range q.Terms {
		if slot[i] = slices.Index(p.want.Terms, t); slot[i] < 0 || slot[i] >= len(w.Postings) {
			return nil, false
		}
	}
	out := make([][]posting, len(q.Terms))
	if q.Group {
		// Articles of this shard's answer, by their index in q.
		at := map[int]int{}
		for i, a := range q.Articles {
			owner, ok := p.article[a]
			if !ok {
				return nil, false // an article no answer covers
			}
			if owner == shard {
				j, _ := slices.BinarySearch(w.Articles, a)
				at[j] = i
			}
		}
		for ti := range q.Terms {
			for _, x := range w.Postings[slot[ti]] {
				if i, ok := at[x.Article]; ok {
					x.Article = i
					out[ti] = append(out[ti], x)
				}
			}
		}
		return out, true
	}
	want := make(map[uint64]bool, len(q.Docs))
	for _, n := range q.Docs {
		if _, ok := slices.BinarySearch(w.Docs, n); !ok {
			return nil, false // a candidate outside the answer
		}
		want[n] = true
	}
	for ti := range q.Terms {
		for _, x := range w.Postings[slot[ti]] {
			if want[x.Num] {
				out[ti] = append(out[ti], x)
			}
		}
	}
	return out, true
}

// externalIDs answers a shard's ids of nums from the leaves' answers, when
// they hold every one.
func (p *prefetch) externalIDs(shard string, nums []uint64) ([]string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ids := p.ids[shard]
	out := make([]string, len(nums))
	for i, n := range nums {
		id, ok := ids[n]
		if !ok {
			return nil, false
		}
		out[i] = id
	}
	return out, true
}
