package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// The leaf's side of a partitioned search: a root (remote.go) reads the
// shards a leaf serves through ServeShard, one operation at a time, in
// JSON. Every searchd is a leaf of the shards it serves; one started with
// buckets (NewLeafReader) serves only some.

// Operations of the shard protocol: ServeShard's op, Leaf.Call's op.
const (
	OpStatus   = "status"   // what the leaf serves
	OpSearch   = "search"   // a bleve search on one shard
	OpDF       = "df"       // document frequencies (shard.docFrequencies)
	OpPostings = "postings" // candidates' occurrences (shard.postings)
	OpIDs      = "ids"      // document ids of numbers (shard.externalIDs)
	OpClosest  = "closest"  // fuzzy dictionary (shard.closestTerm)
	OpDict     = "dict"     // dictionary entries by prefix
)

// ErrShardNotServed: a leaf asked for a shard it does not serve (another
// generation's, or another bucket's). The root tries another replica.
var ErrShardNotServed = errors.New("shard not served here")

// ErrBadShardRequest: a shard request that does not decode.
var ErrBadShardRequest = errors.New("bad shard request")

// ShardProtocol is the version of the shard protocol this build speaks:
// a leaf says it in its status, and a root reads no leaf that speaks
// another (during an upgrade, roots and leaves of two builds stay apart
// instead of misreading each other's requests). 2: CBOR requests and
// answers, the query as a tree, postings packed, the first stage's
// prefetched postings.
const ShardProtocol = 2

// leafStatus is a leaf's answer to OpStatus.
type leafStatus struct {
	Protocol   int         `json:"protocol"`
	Ready      bool        `json:"ready"`
	Generation int         `json:"generation"`
	Layout     []ShardInfo `json:"layout"` // the generation's shards, all of them
	Shards     []leafShard `json:"shards"` // those the leaf can read: served, and kept from the previous generation
}

// leafShard is one shard a leaf serves, with what a root needs of it
// before searching.
type leafShard struct {
	Name      string     `json:"name"`
	Stats     shardStats `json:"stats"`
	Languages []string   `json:"languages"`
	Han       bool       `json:"han"`
}

// shardSearch is OpSearch's request: a bleve request for one shard
// (without its pre-search data, sent as BM25), and what its context says.
type shardSearch struct {
	Shards []string `json:"shards"`
	// Request is bleve's request as JSON; its query is Query's when that
	// is set (wirequery.go), a placeholder in the JSON.
	Request json.RawMessage `json:"request"`
	Query   *wireQuery      `json:"query,omitempty"`
	// Prefetch asks for the postings of the rescoring's words among the
	// hits (prefetch.go).
	Prefetch  *prefetchWant      `json:"prefetch,omitempty"`
	BM25      *bsearch.BM25Stats `json:"bm25,omitempty"`
	Global    bool               `json:"global,omitempty"`
	PreSearch bool               `json:"presearch,omitempty"`
}

// shardCall is the request of the other operations: the shard, and the
// operation's arguments.
type shardCall struct {
	Shards    []string       `json:"shards"`
	Terms     []string       `json:"terms,omitempty"`
	Fields    []string       `json:"fields,omitempty"`
	ByArticle bool           `json:"by_article,omitempty"`
	Postings  *postingsQuery `json:"postings,omitempty"`
	Nums      []uint64       `json:"nums,omitempty"`
	Field     string         `json:"field,omitempty"`
	Term      string         `json:"term,omitempty"`
	Fuzz      int            `json:"fuzz,omitempty"`
	Prefix    string         `json:"prefix,omitempty"`
}

// ServeShard answers one operation of the shard protocol on the shards
// this reader serves (or kept from the previous generation): the body is
// the operation's request and the answer its result, both in CBOR
// (wire.go, ShardMediaType); OpStatus takes no body and answers JSON.
// ErrShardNotServed and ErrBadShardRequest (wrapped) are the caller's
// fault; other errors are the shard's.
func (r *Reader) ServeShard(ctx context.Context, op string, body []byte) ([]byte, error) {
	snap := r.acquire()
	defer snap.release()
	if op == OpStatus {
		st, err := snap.leafStatus()
		if err != nil {
			return nil, err
		}
		return json.Marshal(st)
	}
	if op == OpSearch {
		var q shardSearch
		if err := decodeWire(body, &q); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadShardRequest, err)
		}
		g, err := snap.leafGroup(q.Shards)
		if err != nil {
			return nil, err
		}
		return serveSearch(ctx, g, q)
	}
	var c shardCall
	if err := decodeWire(body, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadShardRequest, err)
	}
	g, err := snap.leafGroup(c.Shards)
	if err != nil {
		return nil, err
	}
	var out any
	switch op {
	case OpDF:
		out, err = g.docFrequencies(ctx, c.Terms, c.Fields, c.ByArticle)
	case OpPostings:
		if c.Postings == nil {
			return nil, fmt.Errorf("%w: postings without a query", ErrBadShardRequest)
		}
		var ps [][]posting
		ps, err = g.postings(ctx, *c.Postings)
		out = packedPostings(ps)
	case OpIDs:
		out, err = g.externalIDs(ctx, c.Nums)
	case OpClosest:
		out, err = g.closestTerm(c.Field, c.Term, c.Fuzz)
	case OpDict:
		out, err = g.dict(c.Field, c.Prefix)
	default:
		return nil, fmt.Errorf("%w: no operation %q", ErrBadShardRequest, op)
	}
	if err != nil {
		return nil, err
	}
	return encodeWire(out)
}

// leafGroup returns the shards of those names this snapshot can read, in
// that order.
func (s *snapshot) leafGroup(names []string) (shardGroup, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no shard named", ErrBadShardRequest)
	}
	g := make(shardGroup, len(names))
	for i, n := range names {
		sh, err := s.leafShard(n)
		if err != nil {
			return nil, err
		}
		g[i] = sh
	}
	return g, nil
}

// leafShard returns the shard of that name this snapshot can read.
func (s *snapshot) leafShard(name string) (*localShard, error) {
	sh, ok := s.byName[name]
	if !ok {
		sh, ok = s.kept[name]
	}
	local, isLocal := sh.(*localShard)
	if !ok || !isLocal {
		return nil, fmt.Errorf("%w: %s", ErrShardNotServed, name)
	}
	return local, nil
}

// leafStatus describes what the snapshot serves to a root.
func (s *snapshot) leafStatus() (*leafStatus, error) {
	st := &leafStatus{Protocol: ShardProtocol, Ready: s.status.Ready, Generation: s.status.Generation, Layout: s.layout,
		Shards: []leafShard{}}
	for _, m := range []map[string]shard{s.byName, s.kept} {
		for name, sh := range m {
			local, ok := sh.(*localShard)
			if !ok {
				continue
			}
			ls, err := local.describe()
			if err != nil {
				return nil, fmt.Errorf("shard %s: %w", name, err)
			}
			st.Shards = append(st.Shards, ls)
		}
	}
	return st, nil
}

// describe returns what a root needs of the shard: computed once, as the
// shard never changes.
func (s *localShard) describe() (leafShard, error) {
	s.descOnce.Do(func() {
		d := leafShard{Name: s.Name()}
		var err error
		if d.Stats, err = s.bm25Stats(nil); err != nil {
			s.descErr = err
			return
		}
		if d.Languages, err = indexLanguages([]shard{s}); err != nil {
			s.descErr = err
			return
		}
		if d.Han, err = servesHan([]shard{s}); err != nil {
			s.descErr = err
			return
		}
		s.desc = d
	})
	return s.desc, s.descErr
}

// serveSearch runs a root's bleve request on a leaf's shards.
func serveSearch(ctx context.Context, g shardGroup, q shardSearch) ([]byte, error) {
	var req bleve.SearchRequest
	if err := json.Unmarshal(q.Request, &req); err != nil {
		return nil, fmt.Errorf("%w: search request: %v", ErrBadShardRequest, err)
	}
	if q.Query != nil {
		bq, err := q.Query.query()
		if err != nil {
			return nil, fmt.Errorf("%w: search request: %v", ErrBadShardRequest, err)
		}
		req.Query = bq
	}
	ctx = context.WithValue(ctx, bsearch.MaxTermSearchersKey, MaxTermSearchers)
	if q.Global {
		ctx = context.WithValue(ctx, bsearch.SearchTypeKey, bsearch.GlobalScoring)
	}
	if q.PreSearch {
		// A root always holds its generation's statistics.
		return nil, fmt.Errorf("%w: a leaf does not gather statistics", ErrBadShardRequest)
	}
	if q.BM25 != nil {
		req.PreSearchData = map[string]any{bsearch.BM25PreSearchDataKey: q.BM25}
	}
	res, err := g.search(ctx, &req)
	if err != nil {
		return nil, err
	}
	w, err := toWire(res)
	if err != nil {
		return nil, err
	}
	if q.Prefetch != nil {
		pq, err := prefetchQuery(q.Prefetch, res.Hits)
		if err != nil {
			return nil, err
		}
		ps, err := g.postings(ctx, pq)
		if err != nil {
			return nil, err
		}
		w.Prefetch = &wirePrefetch{Docs: pq.Docs, Articles: pq.Articles, Postings: ps}
		if pq.Group {
			w.Prefetch.Nums = postingNums(ps)
			if w.Prefetch.IDs, err = g.externalIDs(ctx, w.Prefetch.Nums); err != nil {
				return nil, err
			}
		}
	}
	return encodeWire(w)
}

// dictEntries lists the entries of field's dictionary that start with
// prefix.
func dictEntries(sh bleve.Index, field, prefix string) ([]dictEntry, error) {
	d, err := sh.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	out := []dictEntry{}
	for {
		e, err := d.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, dictEntry{Term: e.Term, Count: e.Count})
	}
}

// dictEntry is one dictionary entry on the wire.
type dictEntry struct {
	Term  string `json:"t"`
	Count uint64 `json:"c"`
}
