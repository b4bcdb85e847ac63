package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// republish publishes seeds as the next generation of dir.
func republish(t *testing.T, dir string, seeds map[string][]byte) {
	t.Helper()
	w, err := OpenWriter(dir, WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	publish(t, w, seeds)
}

// rankedScores runs a rescored search (so that the snapshot's df and
// length caches are used) and returns each hit's score by id.
func rankedScores(t *testing.T, search func(Request) (*Result, error), q string, group bool) map[string]float64 {
	t.Helper()
	res, err := search(Request{Query: mustParse(t, q), Size: 20, Group: group, MatchAny: true})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

func sameScores(a, b map[string]float64) bool {
	return maps.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) < 1e-12 })
}

// TestSearchHoldsItsSnapshotAcrossReload holds the served snapshot, as a
// long search does, while a reload switches to a generation that drops a
// shard: the held searches see the old generation whole, new searches the
// new one, the dropped shard stays open one more generation (for a root
// still serving the old one) and is then closed,
// the shards both generations have are not reopened, and the rescoring's
// caches of one generation never serve the other.
func TestSearchHoldsItsSnapshotAcrossReload(t *testing.T) {
	ctx := context.Background()
	seeds := rankSeeds()
	r, dir := buildIndex(t, seeds)
	oldGen := r.Status().Generation

	held := r.acquire()
	released := false
	defer func() {
		if !released {
			held.release()
		}
	}()
	hv := view{r, held, nil}
	heldSearch := func(req Request) (*Result, error) { return hv.search(searchContext(ctx), req) }
	before := rankedScores(t, heldSearch, "the glacier and the river", true)

	// The next generation drops river.txt (its shard changes name) and
	// adds an article about a river delta.
	next := maps.Clone(seeds)
	delete(next, "river.txt")
	next["delta.txt"] = []byte("River delta\n\nThe river delta floods when the river is high and the glacier melts.\n\n" +
		"The delta of the river is wide.\n")
	republish(t, dir, next)

	done := make(chan error, 1)
	go func() {
		_, err := r.Reload(ctx)
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for r.Status().Generation == oldGen {
		if time.Now().After(deadline) {
			t.Fatal("the reload did not publish the new generation")
		}
		time.Sleep(5 * time.Millisecond)
	}
	fresh := r.cur.Load()
	if fresh == held || fresh.cache == held.cache {
		t.Fatal("the new generation shares the old snapshot or its caches")
	}

	// The held snapshot still answers, whole and alone, with its caches.
	if got := rankedScores(t, heldSearch, "the glacier and the river", true); !sameScores(got, before) {
		t.Errorf("held snapshot after the switch: %v, before %v", got, before)
	}
	res, err := heldSearch(Request{Query: mustParse(t, "river"), Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := seeds2(res); !slices.Equal(got, []string{"river.txt"}) {
		t.Errorf("held snapshot finds %v, want the old generation's river.txt", got)
	}
	if _, err := hv.suggest(ctx, "rivr", mustParse(t, "rivr")); err != nil {
		t.Errorf("suggest on the held snapshot: %v", err)
	}
	if _, err := hv.article(ctx, res.Hits[0].ArticleID, mustParse(t, "river")); err != nil {
		t.Errorf("article of the held snapshot: %v", err)
	}
	// New searches see the new generation.
	res, err = r.Search(ctx, Request{Query: mustParse(t, "river"), Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := seeds2(res); !slices.Equal(got, []string{"delta.txt"}) {
		t.Errorf("new searches find %v, want the new generation's delta.txt", got)
	}
	select {
	case err := <-done:
		t.Fatalf("the reload returned (%v) while a search held the old snapshot", err)
	default:
	}

	released = true
	held.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var dropped []bleve.Index
	for name, idx := range held.byName {
		if kept, ok := fresh.byName[name]; !ok {
			dropped = append(dropped, idx)
		} else if kept != idx {
			t.Errorf("shard %s was reopened", name)
		}
	}
	if len(dropped) == 0 || len(dropped) == len(held.byName) {
		t.Fatalf("%d of %d shards dropped: the test needs some dropped and some kept", len(dropped), len(held.byName))
	}
	// A dropped shard stays open for one generation (a root may still
	// read it from this leaf), then is closed.
	for _, idx := range dropped {
		if _, err := idx.DocCount(); err != nil {
			t.Errorf("a dropped shard is closed at once: %v", err)
		}
		if _, err := fresh.leafShard(idx.Name()); err != nil {
			t.Errorf("a dropped shard is not readable by a root for one generation: %v", err)
		}
	}
	third := maps.Clone(next)
	third["estuary.txt"] = []byte("Estuary\n\nThe estuary is where the river meets the sea.\n")
	republish(t, dir, third)
	if _, err := r.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	for _, idx := range dropped {
		if _, err := idx.DocCount(); err == nil {
			t.Error("a dropped shard is still open a generation later")
		}
	}

	// No statistic of the old generation is used on the new one: the
	// reloaded reader scores like one that never saw the old generation.
	other, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	search := func(r *Reader) func(Request) (*Result, error) {
		return func(req Request) (*Result, error) { return r.Search(ctx, req) }
	}
	for _, group := range []bool{true, false} {
		for _, q := range []string{"the glacier and the river", "river delta floods"} {
			got, want := rankedScores(t, search(r), q, group), rankedScores(t, search(other), q, group)
			if len(want) == 0 || !sameScores(got, want) {
				t.Errorf("%s group=%v after the reload: %v, a fresh reader %v", q, group, got, want)
			}
		}
	}
}

// seeds2 returns the distinct seeds of a result's hits, sorted.
func seeds2(res *Result) []string {
	out := seeds(res)
	slices.Sort(out)
	return slices.Compact(out)
}

// TestSearchesDuringReloads searches without pause, in every mode, while
// generations come and go: no search fails, and each sees one generation
// whole (its total is one generation's).
func TestSearchesDuringReloads(t *testing.T) {
	ctx := context.Background()
	gens := []map[string][]byte{tieSeeds(10), tieSeeds(20), tieSeeds(5), tieSeeds(30)}
	r, dir := buildIndex(t, gens[0])
	totals := map[int]bool{}
	for _, s := range gens {
		totals[len(s)] = true
	}
	var stop atomic.Bool
	var searches atomic.Int64
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for !stop.Load() {
				req := Request{Query: mustParse(t, "storm boats"), Size: 5, Group: i%2 == 0, MatchAny: i >= 2}
				res, err := r.Search(ctx, req)
				if err != nil {
					t.Errorf("search during reloads: %v", err)
					return
				}
				if req.Group && !totals[res.Total] {
					t.Errorf("total %d is no generation's", res.Total)
					return
				}
				if _, err := r.Suggest(ctx, "strom", mustParse(t, "strom")); err != nil && !errors.Is(err, ErrNotReady) {
					t.Errorf("suggest during reloads: %v", err)
					return
				}
				searches.Add(1)
			}
		})
	}
	for _, s := range gens[1:] {
		republish(t, dir, s)
		if switched, err := r.Reload(ctx); err != nil || !switched {
			t.Fatalf("reload: switched %v, %v", switched, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Log(fmt.Sprintf("%d searches across %d reloads", searches.Load(), len(gens)-1))
}
