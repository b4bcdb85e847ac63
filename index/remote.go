package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The root's side of a partitioned search. A root serves a generation
// whose shards are served by leaves: each shard of its snapshot is a
// remoteShard, which the alias searches like any bleve index and which
// answers the rescoring's reads (shard.go) by asking a leaf (leaf.go).
// The root holds the generation's BM25 statistics, added up from the
// leaves' shards, so scores and order are a single node's; it runs the
// whole query policy (rescoring, feedback, grouping, facets, paging) as a
// single node does, on the same numbers.

// Leaf carries a root's requests to the searchd processes (replicas)
// serving a group of shards, whatever carries them: op is one of the Op
// constants, body its request (CBOR, ShardMediaType). When no replica answers in time, the
// error wraps ErrShardUnavailable.
type Leaf interface {
	Call(ctx context.Context, op string, body []byte) ([]byte, error)
	// String names the leaf in logs and errors.
	String() string
}

// NewRootReader returns a Reader that serves the generation its leaves
// serve together (Reload), each leaf a group of replicas serving some of
// its buckets. It reads no index directory.
func NewRootReader(leaves []Leaf, log *slog.Logger) (*Reader, error) {
	if len(leaves) == 0 {
		return nil, errors.New("a root needs at least one leaf")
	}
	r, err := NewReader("", log)
	if err != nil {
		return nil, err
	}
	r.leaves = leaves
	return r, nil
}

// reloadRoot switches to the generation every answering leaf serves,
// when it is not the one served or the leaves serving its shards
// changed. While leaves disagree (one has moved to a new generation, one
// has not) the root stays on the one it serves: a leaf keeps the shards of
// the previous generation for that time.
func (r *Reader) reloadRoot(ctx context.Context) (bool, error) {
	statuses := make([]*leafStatus, len(r.leaves))
	errs := make([]error, len(r.leaves))
	var wg sync.WaitGroup
	for i, l := range r.leaves {
		wg.Go(func() {
			body, err := l.Call(ctx, OpStatus, nil)
			if err == nil {
				var st leafStatus
				switch err = json.Unmarshal(body, &st); {
				case err != nil:
				case st.Protocol != ShardProtocol:
					// Another build's leaf: its requests would not be
					// understood, so it serves nothing here.
					err = fmt.Errorf("speaks shard protocol %d, this root %d: upgrade roots and leaves together", st.Protocol, ShardProtocol)
				default:
					statuses[i] = &st
				}
			}
			if err != nil {
				errs[i] = fmt.Errorf("leaf %s: %w", l, err)
			}
		})
	}
	wg.Wait()
	// The generation: the lowest any ready leaf serves (a leaf ahead
	// still reads the shards its previous generation dropped).
	gen, layoutFrom := 0, -1
	for i, st := range statuses {
		if st != nil && st.Ready && (layoutFrom < 0 || st.Generation < gen) {
			gen, layoutFrom = st.Generation, i
		}
	}
	old := r.cur.Load()
	if layoutFrom < 0 {
		if err := errors.Join(errs...); err != nil {
			return false, fmt.Errorf("no leaf serves a generation: %w", err)
		}
		return false, ErrNoIndex
	}
	layout := statuses[layoutFrom].Layout
	// Each shard of the generation is read from the first leaf that can.
	owner := map[string]int{}
	desc := map[string]leafShard{}
	for i, st := range statuses {
		if st == nil || !st.Ready {
			continue
		}
		for _, sh := range st.Shards {
			if _, ok := owner[sh.Name]; !ok {
				owner[sh.Name], desc[sh.Name] = i, sh
			}
		}
	}
	// One member per leaf, holding the leaf's shards in the generation's
	// order (a round of a search is one request per leaf); a shard no
	// leaf serves is a member of its own, always missing.
	var members []*remoteShard
	byLeaf := map[int]*remoteShard{}
	stats := &bsearch.BM25Stats{FieldCardinality: map[string]int{}}
	st := Status{Ready: true, Generation: gen, Shards: len(layout), LoadedAt: time.Now()}
	langs := map[string]bool{}
	han, unserved := false, []string{}
	for _, info := range layout {
		st.Articles += info.Articles
		st.Documents += info.Paragraphs
		i, ok := owner[info.Name]
		if !ok {
			unserved = append(unserved, info.Name)
			members = append(members, &remoteShard{name: info.Name, parts: []string{info.Name}, mapping: r.mapping})
			continue
		}
		m := byLeaf[i]
		if m == nil {
			m = &remoteShard{leaf: r.leaves[i], mapping: r.mapping}
			byLeaf[i] = m
			members = append(members, m)
		}
		m.parts = append(m.parts, info.Name)
		d := desc[info.Name]
		addStats(stats, d.Stats)
		for _, l := range d.Languages {
			langs[l] = true
		}
		han = han || d.Han
	}
	for _, m := range members {
		m.name = strings.Join(m.parts, "+")
		m.alone = len(members) == 1
	}
	if old.status.Ready && old.status.Generation == gen && slices.EqualFunc(old.shards, members, func(sh shard, m *remoteShard) bool {
		rs, ok := sh.(*remoteShard)
		return ok && rs.name == m.name && rs.leaf == m.leaf
	}) {
		return false, nil // the same generation from the same leaves
	}
	shards := make([]shard, len(members))
	byName := make(map[string]shard, len(members))
	for i, m := range members {
		shards[i], byName[m.name] = m, m
	}
	for _, f := range mappedFields(r.mapping) {
		stats.FieldCardinality[f] += 0 // bleve wants an entry for each field it scores
	}
	next, err := newSnapshot(st, shards, byName, r.mapping, stats)
	if err != nil {
		return false, err
	}
	next.layout, next.remote = layout, true
	next.langs = slices.Sorted(func(yield func(string) bool) {
		for l := range langs {
			if !yield(l) {
				return
			}
		}
	})
	next.texts = textAnalyzers(r.mapping, append(next.langs, "en"))
	next.han = han
	if han {
		go zhDict() // cjk.go
	}
	r.cur.Store(next)
	old.retire()
	if len(unserved) > 0 {
		r.log.Warn("no leaf serves some shards of the generation; results will be partial", "generation", gen, "shards", unserved,
			"leaves", errors.Join(errs...))
	}
	r.log.Info("serving generation from leaves", "generation", gen, "shards", len(layout), "leaves", len(r.leaves),
		"documents", st.Documents, "unserved", len(unserved))
	return true, nil
}

// watchRoot reloads every poll interval until ctx ends.
func (r *Reader) watchRoot(ctx context.Context, poll time.Duration) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := r.Reload(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrNoIndex) {
			r.log.Warn("reload from leaves", "err", err)
		}
	}
}

// remoteShard is the shards one leaf serves (parts, in the generation's
// order), as the root's alias and rescoring read them: one shard to the
// root, a shardGroup at the leaf. A shard no leaf serves is one of its
// own, without a leaf: always unavailable.
type remoteShard struct {
	name    string // its parts joined by "+"
	parts   []string
	leaf    Leaf
	mapping mapping.IndexMapping
	// alone: the root's only member, whose results bleve's alias passes
	// on untouched (finish does what its merge would).
	alone bool
}

// call sends one operation about this shard to its leaf and decodes the
// answer into out.
func (s *remoteShard) call(ctx context.Context, op string, req, out any) error {
	if s.leaf == nil {
		return fmt.Errorf("%w: no leaf serves shard %s", ErrShardUnavailable, s.name)
	}
	body, err := encodeWire(req)
	if err != nil {
		return fmt.Errorf("shard %s %s: %w", s.name, op, err)
	}
	ans, err := s.leaf.Call(ctx, op, body)
	if err != nil {
		return fmt.Errorf("shard %s %s: %w", s.name, op, err)
	}
	if err := decodeWire(ans, out); err != nil {
		return fmt.Errorf("shard %s %s: leaf %s answered: %w", s.name, op, s.leaf, err)
	}
	return nil
}

func (s *remoteShard) docFrequencies(ctx context.Context, terms, fields []string, byArticle bool) ([]int, error) {
	var out []int
	err := s.call(ctx, OpDF, shardCall{Shards: s.parts, Terms: terms, Fields: fields, ByArticle: byArticle}, &out)
	if err == nil && len(out) != len(terms) {
		err = fmt.Errorf("shard %s: %d frequencies for %d terms", s.name, len(out), len(terms))
	}
	return out, err
}

func (s *remoteShard) postings(ctx context.Context, q postingsQuery) ([][]posting, error) {
	if pf, _ := prefetchOf(ctx); pf != nil {
		if out, ok := pf.postings(s.name, q); ok {
			return out, nil // answered with the first stage's hits
		}
	}
	var out packedPostings
	err := s.call(ctx, OpPostings, shardCall{Shards: s.parts, Postings: &q}, &out)
	return out, err
}

func (s *remoteShard) externalIDs(ctx context.Context, nums []uint64) ([]string, error) {
	if pf, _ := prefetchOf(ctx); pf != nil {
		if out, ok := pf.externalIDs(s.name, nums); ok {
			return out, nil // named with the first stage's postings
		}
	}
	var out []string
	err := s.call(ctx, OpIDs, shardCall{Shards: s.parts, Nums: nums}, &out)
	if err == nil && len(out) != len(nums) {
		err = fmt.Errorf("shard %s: %d ids for %d numbers", s.name, len(out), len(nums))
	}
	return out, err
}

func (s *remoteShard) closestTerm(field, term string, fuzz int) (closest, error) {
	var out closest
	err := s.call(context.Background(), OpClosest, shardCall{Shards: s.parts, Field: field, Term: term, Fuzz: fuzz}, &out)
	return out, err
}

func (s *remoteShard) bm25Stats([]string) (shardStats, error) {
	return shardStats{}, errors.New("a remote shard's statistics come with its leaf's status")
}

// SearchInContext runs a bleve request on the shard at its leaf.
func (s *remoteShard) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	q := shardSearch{Shards: s.parts}
	if st, ok := req.PreSearchData[bsearch.BM25PreSearchDataKey].(*bsearch.BM25Stats); ok {
		q.BM25 = st
	}
	t, _ := ctx.Value(bsearch.SearchTypeKey).(string)
	q.Global = t == bsearch.GlobalScoring
	_, q.PreSearch = ctx.Value(bsearch.PreSearchKey).(bool)
	pf, ask := prefetchOf(ctx)
	if ask {
		q.Prefetch = &pf.want
	}
	plain := *req
	plain.PreSearchData = nil
	var err error
	if q.Query, err = toWireQuery(req.Query); err != nil {
		return nil, fmt.Errorf("shard %s: encode query: %w", s.name, err)
	}
	plain.Query = bleve.NewMatchNoneQuery() // the query travels in q.Query
	if q.Request, err = json.Marshal(&plain); err != nil {
		return nil, fmt.Errorf("shard %s: encode search: %w", s.name, err)
	}
	var ans wireResult
	if err := s.call(ctx, OpSearch, q, &ans); err != nil {
		return nil, err
	}
	if ask && ans.Prefetch != nil {
		pf.store(s.name, ans.Prefetch)
	}
	res := ans.result(s.name)
	if s.alone {
		finish(req, res)
	}
	return res, nil
}

// finish sorts, pages and trims the facets of a leaf's merged result, as
// bleve's alias does with the results of several members.
func finish(req *bleve.SearchRequest, res *bleve.SearchResult) {
	if len(req.Sort) > 0 {
		scoring, desc := req.Sort.CacheIsScore(), req.Sort.CacheDescending()
		sort.Stable(hitSorter{hits: res.Hits, less: func(a, b *bsearch.DocumentMatch) bool {
			return req.Sort.Compare(scoring, desc, a, b) < 0
		}})
	}
	hits := res.Hits
	if req.From > 0 {
		hits = hits[min(req.From, len(hits)):]
	}
	if req.Size > 0 && len(hits) > req.Size {
		hits = hits[:req.Size]
	}
	res.Hits = hits
	for name, fr := range req.Facets {
		res.Facets.Fixup(name, fr.Size)
	}
}

// hitSorter sorts hits by less.
type hitSorter struct {
	hits bsearch.DocumentMatchCollection
	less func(a, b *bsearch.DocumentMatch) bool
}

func (h hitSorter) Len() int           { return len(h.hits) }
func (h hitSorter) Swap(i, j int)      { h.hits[i], h.hits[j] = h.hits[j], h.hits[i] }
func (h hitSorter) Less(i, j int) bool { return h.less(h.hits[i], h.hits[j]) }

// Search runs a bleve request on the shard at its leaf.
func (s *remoteShard) Search(req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	return s.SearchInContext(context.Background(), req)
}

// FieldDictPrefix reads the entries of field's dictionary starting with
// prefix from the leaf.
func (s *remoteShard) FieldDictPrefix(field string, prefix []byte) (bindex.FieldDict, error) {
	var out []dictEntry
	if err := s.call(context.Background(), OpDict, shardCall{Shards: s.parts, Field: field, Prefix: string(prefix)}, &out); err != nil {
		return nil, err
	}
	return &sliceDict{entries: out}, nil
}

// FieldDict reads field's dictionary from the leaf.
func (s *remoteShard) FieldDict(field string) (bindex.FieldDict, error) {
	return s.FieldDictPrefix(field, nil)
}

// Name is the shard's name in its generation.
func (s *remoteShard) Name() string { return s.name }

// Mapping is the paragraph mapping every shard has.
func (s *remoteShard) Mapping() mapping.IndexMapping { return s.mapping }

// Close closes nothing: the leaf owns the shard.
func (s *remoteShard) Close() error { return nil }

// errRemote is the answer of what a root never asks of a remote shard.
var errRemote = errors.New("not available on a shard served by a leaf")

func (s *remoteShard) Index(string, any) error  { return errRemote }
func (s *remoteShard) Delete(string) error      { return errRemote }
func (s *remoteShard) NewBatch() *bleve.Batch   { return nil }
func (s *remoteShard) Batch(*bleve.Batch) error { return errRemote }
func (s *remoteShard) Document(string) (bindex.Document, error) {
	return nil, errRemote
}
func (s *remoteShard) DocCount() (uint64, error)          { return 0, errRemote }
func (s *remoteShard) Fields() ([]string, error)          { return nil, errRemote }
func (s *remoteShard) Stats() *bleve.IndexStat            { return nil }
func (s *remoteShard) StatsMap() map[string]any           { return nil }
func (s *remoteShard) GetInternal([]byte) ([]byte, error) { return nil, errRemote }
func (s *remoteShard) SetInternal(_, _ []byte) error      { return errRemote }
func (s *remoteShard) DeleteInternal([]byte) error        { return errRemote }
func (s *remoteShard) SetName(string)                     {}
func (s *remoteShard) Advanced() (bindex.Index, error)    { return nil, errRemote }
func (s *remoteShard) FieldDictRange(string, []byte, []byte) (bindex.FieldDict, error) {
	return nil, errRemote
}

// sliceDict is a dictionary read from a leaf.
type sliceDict struct {
	entries []dictEntry
	next    int
}

func (d *sliceDict) Next() (*bindex.DictEntry, error) {
	if d.next >= len(d.entries) {
		return nil, nil
	}
	e := d.entries[d.next]
	d.next++
	return &bindex.DictEntry{Term: e.Term, Count: e.Count}, nil
}

func (d *sliceDict) Close() error      { return nil }
func (d *sliceDict) Cardinality() int  { return len(d.entries) }
func (d *sliceDict) BytesRead() uint64 { return 0 }
