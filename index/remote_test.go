package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsroom/newsearch/internal/query"
)

// readerLeaf is a Leaf that hands each request to a leaf Reader in this
// process: the whole shard protocol (CBOR both ways) without a
// network, which internal/partition and cmd/searchd's tests add. down
// makes it unavailable; calls and bytes count its requests by operation
// (BenchmarkRootSearch).
type readerLeaf struct {
	r            *Reader
	name         string
	down         atomic.Bool
	calls, bytes map[string]*atomic.Int64
}

func newReaderLeaf(r *Reader, name string) *readerLeaf {
	l := &readerLeaf{r: r, name: name, calls: map[string]*atomic.Int64{}, bytes: map[string]*atomic.Int64{}}
	for _, op := range []string{OpStatus, OpSearch, OpDF, OpPostings, OpIDs, OpClosest, OpDict} {
		l.calls[op], l.bytes[op] = &atomic.Int64{}, &atomic.Int64{}
	}
	return l
}

func (l *readerLeaf) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	if l.down.Load() {
		return nil, fmt.Errorf("%w: %s is down", ErrShardUnavailable, l.name)
	}
	out, err := l.r.ServeShard(ctx, op, body)
	if c := l.calls[op]; c != nil {
		c.Add(1)
		l.bytes[op].Add(int64(len(body) + len(out)))
	}
	return out, err
}

func (l *readerLeaf) String() string { return l.name }

// partitioned builds docs into 4 shards and returns a single node's
// reader, a root's over leaves of those buckets (two leaves of two
// buckets each when none are given), and the leaves.
func partitioned(t testing.TB, docs []*Document, buckets ...[]int) (single, root *Reader, leaves []*readerLeaf) {
	t.Helper()
	single = buildDocIndexShards(t, docs, 4)
	if len(buckets) == 0 {
		buckets = [][]int{{0, 1}, {2, 3}}
	}
	for i, b := range buckets {
		r, err := NewLeafReader(single.dir, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		leaves = append(leaves, newReaderLeaf(r, fmt.Sprintf("leaf%d", i)))
	}
	var ls []Leaf
	for _, l := range leaves {
		ls = append(ls, l)
	}
	root, err := NewRootReader(ls, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return single, root, leaves
}

// TestRootAnswersLikeOneNode runs random queries of every kind (the
// differential check's generator), by paragraph and by article, ranked,
// by date, any and all words, on a single node and on a root over two
// leaves of the same generation: hits (ids, scores, highlights, fields),
// totals and facets must be equal.
func TestRootAnswersLikeOneNode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		buckets [][]int
	}{
		{"two leaves of two shards", [][]int{{0, 1}, {2, 3}}},
		{"four leaves of one shard", [][]int{{0}, {1}, {2}, {3}}},
		{"one leaf of every shard", [][]int{{0, 1, 2, 3}}},
		{"leaves of scattered buckets", [][]int{{0, 2}, {1, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) { testRootAnswersLikeOneNode(t, tc.buckets) })
	}
}

func testRootAnswersLikeOneNode(t *testing.T, buckets [][]int) {
	docs := diffArticles(t)
	for i, d := range docs { // facets to compare: sources, authors, dates
		d.Source = []string{"Wire", "Herald", "Gazette"}[i%3]
		d.Author = []string{"A. Writer", "B. Reporter"}[i%2]
		d.Published = time.Date(2020, time.Month(1+i%12), 1+i, 9, 0, 0, 0, time.UTC)
	}
	single, root, _ := partitioned(t, docs, buckets...)
	if st, rs := single.Status(), root.Status(); st.Generation != rs.Generation || st.Documents != rs.Documents ||
		st.Articles != rs.Articles || st.Shards != rs.Shards {
		t.Fatalf("root status %+v, single node %+v", rs, st)
	}
	c := loadDiffCorpus(docs, single.text)
	g := diffGen{rng: rand.New(rand.NewPCG(5, 2026)), c: c}
	ctx := context.Background()
	n := 120
	if testing.Short() || raceEnabled {
		n = 40
	}
	compared := 0
	for i := range n {
		s := g.seq(2)
		node, err := query.Parse(s)
		if err != nil {
			continue
		}
		req := Request{Query: node, Size: 5 + g.rng.IntN(20), Page: 1 + g.rng.IntN(2), Group: i%2 == 0,
			MatchAny: g.rng.IntN(3) == 0, NoFacets: g.rng.IntN(4) == 0}
		if g.rng.IntN(5) == 0 {
			req.Sort = SortDate
		}
		want, werr := single.Search(ctx, req)
		got, gerr := root.Search(ctx, req)
		desc := fmt.Sprintf("%s (group=%v any=%v page=%d size=%d sort=%q)", s, req.Group, req.MatchAny, req.Page, req.Size, req.Sort)
		if werr != nil || gerr != nil {
			if !errors.Is(gerr, werr) && (werr == nil || gerr == nil || werr.Error() != gerr.Error()) {
				t.Errorf("%s: root error %v, single node %v", desc, gerr, werr)
			}
			continue
		}
		compared++
		want.Took, got.Took = 0, 0
		if len(got.Missing) > 0 {
			t.Errorf("%s: shards missing %v", desc, got.Missing)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: results differ\nsingle %s\nroot   %s", desc, resultSummary(want), resultSummary(got))
		}
	}
	if compared < n/2 {
		t.Fatalf("only %d of %d queries compared", compared, n)
	}
	t.Logf("%d queries compared", compared)

	// The article page and suggestions go through the root too.
	word := c.common[0]
	res, err := single.Search(ctx, Request{Query: mustParse(t, word), Size: 1})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("%s: %v %v", word, res, err)
	}
	wantArt, werr := single.Article(ctx, res.Hits[0].ArticleID, mustParse(t, word))
	gotArt, gerr := root.Article(ctx, res.Hits[0].ArticleID, mustParse(t, word))
	if werr != nil || gerr != nil || !reflect.DeepEqual(wantArt, gotArt) {
		t.Errorf("article through the root: %v %v, differs: %v", werr, gerr, !reflect.DeepEqual(wantArt, gotArt))
	}
	for _, q := range []string{word[1:], word + "x", c.common[1][:len(c.common[1])-1] + "q"} {
		ws, werr := single.Suggest(ctx, q, mustParse(t, q))
		gs, gerr := root.Suggest(ctx, q, mustParse(t, q))
		if werr != nil || gerr != nil || !reflect.DeepEqual(ws, gs) {
			t.Errorf("suggest %q: single %v %v, root %v %v", q, ws, werr, gs, gerr)
		}
	}
}

// resultSummary describes a result briefly for a failure message.
func resultSummary(r *Result) string {
	s := fmt.Sprintf("total=%d exact=%v", r.Total, r.TotalExact)
	for _, h := range r.Hits[:min(len(r.Hits), 6)] {
		s += fmt.Sprintf(" %s:%.6f", h.ID, h.Score)
	}
	if r.Facets != nil {
		s += fmt.Sprintf(" facets=%v", *r.Facets)
	}
	return s
}

// TestRootReportsMissingShards: with one leaf down, the root answers from
// the other leaf's shards and names the missing ones; with both down the
// search fails with ErrShardUnavailable; back up, the answers are whole.
func TestRootReportsMissingShards(t *testing.T) {
	single, root, leaves := partitioned(t, diffArticles(t))
	ctx := context.Background()
	req := Request{Query: mustParse(t, "the"), Size: 100, Group: true}
	whole, err := single.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	leaves[1].down.Store(true)
	part, err := root.Search(ctx, req)
	if err != nil {
		t.Fatalf("one leaf down: %v", err)
	}
	if len(part.Missing) != 2 {
		t.Errorf("one leaf of two buckets down: missing %v, want its 2 shards", part.Missing)
	}
	if part.Total == 0 || part.Total >= whole.Total {
		t.Errorf("partial total %d, whole %d: want some but not all", part.Total, whole.Total)
	}
	leaves[0].down.Store(true)
	if _, err := root.Search(ctx, req); !errors.Is(err, ErrShardUnavailable) {
		t.Errorf("every leaf down: %v, want ErrShardUnavailable", err)
	}
	leaves[0].down.Store(false)
	leaves[1].down.Store(false)
	again, err := root.Search(ctx, req)
	if err != nil || len(again.Missing) > 0 {
		t.Fatalf("leaves back: %v, missing %v", err, again.Missing)
	}
	again.Took, whole.Took = 0, 0
	if !reflect.DeepEqual(again, whole) {
		t.Errorf("leaves back: results differ from the single node's\n%s\n%s", resultSummary(again), resultSummary(whole))
	}
}

// BenchmarkRootSearch: searches of a single node against a root over two
// in-process leaves (the protocol's work without a network), with the
// root's calls and bytes per search by operation.
func BenchmarkRootSearch(b *testing.B) {
	docs := diffArticles(b)
	single, root, counters := partitioned(b, docs)
	c := loadDiffCorpus(docs, single.text)
	reqs := []Request{
		{Query: mustParse(b, c.common[0]), Size: 10},
		{Query: mustParse(b, c.common[0]+" "+c.common[1]), Size: 10, Group: true},
		{Query: mustParse(b, c.common[2]+" "+c.common[3]), Size: 10, MatchAny: true},
	}
	for _, target := range []struct {
		name string
		r    *Reader
	}{{"single", single}, {"root", root}} {
		b.Run(target.name, func(b *testing.B) {
			for _, cl := range counters {
				for op := range cl.calls {
					cl.calls[op].Store(0)
					cl.bytes[op].Store(0)
				}
			}
			i := 0
			for b.Loop() {
				if _, err := target.r.Search(context.Background(), reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			for _, op := range []string{OpSearch, OpDF, OpPostings, OpIDs, OpDict} {
				var calls, bytes int64
				for _, cl := range counters {
					calls += cl.calls[op].Load()
					bytes += cl.bytes[op].Load()
				}
				if calls > 0 {
					b.ReportMetric(float64(calls)/float64(i), op+"-calls/op")
					b.ReportMetric(float64(bytes)/float64(i), op+"-B/op")
				}
			}
		})
	}
}

// TestRootPrefetchesPostings: a rescored search at a root reads its
// candidates' counts of the query's words, and the ids of their
// paragraphs, from the first stage's answers (prefetch.go), asking no
// leaf for postings or ids, and still answers like a single node; the
// feedback's words, unknown before the rescoring, are read from the
// leaves.
func TestRootPrefetchesPostings(t *testing.T) {
	docs := diffArticles(t)
	single, root, leaves := partitioned(t, docs)
	c := loadDiffCorpus(docs, single.text)
	ctx := context.Background()
	calls := func() int64 {
		var n int64
		for _, l := range leaves {
			n += l.calls[OpPostings].Load()
		}
		return n
	}
	idCalls := func() int64 {
		var n int64
		for _, l := range leaves {
			n += l.calls[OpIDs].Load()
		}
		return n
	}
	noFeedback := DefaultRanking()
	noFeedback.Feedback = 0
	small := noFeedback // a pool smaller than the hits: each leaf answers for its first few
	small.Pool = 3
	for _, group := range []bool{false, true} {
		for _, rk := range []*Ranking{&noFeedback, &small, nil} {
			req := Request{Query: mustParse(t, c.common[0]+" "+c.common[1]), Size: 10, Group: group, Rank: rk}
			before, idsBefore := calls(), idCalls()
			got, err := root.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			asked, idsAsked := calls()-before, idCalls()-idsBefore
			if rk != nil && idsAsked != 0 {
				t.Errorf("group=%v without feedback, pool %d: %d id requests, want none (the ids come with the postings)", group, rk.Pool, idsAsked)
			}
			want, err := single.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			got.Took, want.Took = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("group=%v feedback=%v: root and single node differ", group, rk == nil)
			}
			switch {
			case rk != nil && asked != 0:
				t.Errorf("group=%v without feedback, pool %d: %d postings requests, want none", group, rk.Pool, asked)
			case rk == nil && asked != int64(len(leaves)):
				t.Errorf("group=%v with feedback: %d postings requests, want one per leaf (%d)", group, asked, len(leaves))
			}
		}
	}
}

// otherBuildLeaf is a leaf of another build: its status names another
// shard protocol.
type otherBuildLeaf struct{ *readerLeaf }

func (l otherBuildLeaf) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	out, err := l.readerLeaf.Call(ctx, op, body)
	if err == nil && op == OpStatus {
		out = []byte(strings.Replace(string(out), fmt.Sprintf(`"protocol":%d`, ShardProtocol), `"protocol":1`, 1))
	}
	return out, err
}

// TestRootRefusesOtherProtocol: a root reads nothing from a leaf that
// speaks another shard protocol (another build during an upgrade): its
// shards are missing, named in the answer, and the other leaf's are read.
func TestRootRefusesOtherProtocol(t *testing.T) {
	_, _, leaves := partitioned(t, diffArticles(t))
	root, err := NewRootReader([]Leaf{leaves[0], otherBuildLeaf{leaves[1]}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := root.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := leaves[1].calls[OpSearch].Load()
	res, err := root.Search(context.Background(), Request{Query: mustParse(t, "the"), Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 2 || res.Total == 0 {
		t.Errorf("missing %v, total %d: want the 2 shards of the other build's leaf, and hits from the rest", res.Missing, res.Total)
	}
	if n := leaves[1].calls[OpSearch].Load() - before; n != 0 {
		t.Errorf("the other build's leaf was searched %d times", n)
	}
}
