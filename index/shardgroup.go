package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// shardGroup is the shards one leaf serves, answering a root's request
// for all of them at once: the root sees one shard per leaf (remote.go),
// so a round of a search costs one request per leaf, not per shard. The
// group's document numbers carry the shard's place in the group in their
// top bits (packNum); its counts are its shards' added up, which is exact
// because an article never spans shards.
type shardGroup []*localShard

// subShift is where a shard's place in its group starts in a group's
// document numbers: bleve's numbers within a shard stay far below 2^48.
const subShift = 48

// packNum is the group's number of document num of its shard sub.
func packNum(sub int, num uint64) uint64 { return uint64(sub)<<subShift | num }

// unpackNum splits a group's document number.
func unpackNum(n uint64) (sub int, num uint64) { return int(n >> subShift), n & (1<<subShift - 1) }

// search runs req on every shard of the group, each for its first
// From+Size hits, and returns their results merged, with each hit's
// number packed, and cut to the first From+Size in req's order: the
// hits the root's alias may keep (it sorts, cuts and trims the facets
// once over all leaves, as a single node's alias does over its shards;
// remoteShard.finish when the root has one leaf). Hits tied with the last
// one kept may be left out here; the searches that read past a tie close
// their windows under ties (closedUnderTies), so those are never used.
func (g shardGroup) search(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	results := make([]*bleve.SearchResult, len(g))
	errs := make([]error, len(g))
	var wg sync.WaitGroup
	for i, sh := range g {
		// Each shard its own request and sort: bleve's sort fields keep
		// per-search state (its alias copies them for each member too).
		r := *req
		r.Size, r.From = req.From+req.Size, 0
		r.Sort = req.Sort.Copy()
		wg.Go(func() { results[i], errs[i] = sh.SearchInContext(ctx, &r) })
	}
	wg.Wait()
	var out *bleve.SearchResult
	for i, res := range results {
		if errs[i] != nil {
			return nil, fmt.Errorf("shard %s: %w", g[i].Name(), errs[i])
		}
		for _, h := range res.Hits {
			num, ok := docNumber(h.IndexInternalID)
			if !ok {
				return nil, fmt.Errorf("shard %s: unexpected document id %x", g[i].Name(), h.IndexInternalID)
			}
			var id [8]byte
			binary.BigEndian.PutUint64(id[:], packNum(i, num))
			h.IndexInternalID = id[:]
		}
		if out == nil {
			out = res
		} else {
			out.Merge(res)
		}
	}
	if n := req.From + req.Size; len(g) > 1 && len(req.Sort) > 0 && len(out.Hits) > n {
		scoring, desc := req.Sort.CacheIsScore(), req.Sort.CacheDescending()
		sort.Stable(hitSorter{hits: out.Hits, less: func(a, b *bsearch.DocumentMatch) bool {
			return req.Sort.Compare(scoring, desc, a, b) < 0
		}})
		out.Hits = out.Hits[:n]
	}
	return out, nil
}

func (g shardGroup) docFrequencies(ctx context.Context, terms, fields []string, byArticle bool) ([]int, error) {
	out := make([]int, len(terms))
	for _, sh := range g {
		c, err := sh.docFrequencies(ctx, terms, fields, byArticle)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i] += c[i]
		}
	}
	return out, nil
}

func (g shardGroup) postings(ctx context.Context, q postingsQuery) ([][]posting, error) {
	out := make([][]posting, len(q.Terms))
	for sub, sh := range g {
		sq := q
		if !q.Group {
			sq.Docs = nil
			for _, n := range q.Docs {
				if s, num := unpackNum(n); s == sub {
					sq.Docs = append(sq.Docs, num)
				}
			}
			if len(sq.Docs) == 0 {
				continue
			}
		}
		ps, err := sh.postings(ctx, sq)
		if err != nil {
			return nil, err
		}
		for ti := range ps {
			for _, p := range ps[ti] {
				p.Num = packNum(sub, p.Num)
				out[ti] = append(out[ti], p)
			}
		}
	}
	return out, nil
}

func (g shardGroup) externalIDs(ctx context.Context, nums []uint64) ([]string, error) {
	out := make([]string, len(nums))
	at := make([][]int, len(g)) // positions in nums, by shard
	of := make([][]uint64, len(g))
	for i, n := range nums {
		sub, num := unpackNum(n)
		if sub >= len(g) {
			return nil, fmt.Errorf("%w: document %d of shard %d of %d", ErrBadShardRequest, num, sub, len(g))
		}
		at[sub], of[sub] = append(at[sub], i), append(of[sub], num)
	}
	for sub, sh := range g {
		if len(of[sub]) == 0 {
			continue
		}
		ids, err := sh.externalIDs(ctx, of[sub])
		if err != nil {
			return nil, err
		}
		for j, i := range at[sub] {
			out[i] = ids[j]
		}
	}
	return out, nil
}

func (g shardGroup) closestTerm(field, term string, fuzz int) (closest, error) {
	var best closest
	for _, sh := range g {
		c, err := sh.closestTerm(field, term, fuzz)
		if err != nil {
			return best, err
		}
		if c.better(best) {
			best = c
		}
	}
	return best, nil
}

func (g shardGroup) dict(field, prefix string) ([]dictEntry, error) {
	var out []dictEntry
	for _, sh := range g {
		es, err := dictEntries(sh, field, prefix)
		if err != nil {
			return nil, err
		}
		out = append(out, es...)
	}
	if out == nil {
		out = []dictEntry{}
	}
	return out, nil
}
