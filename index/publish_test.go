package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingSource is a testSource that counts its calls per seed.
type countingSource struct {
	testSource
	mu     sync.Mutex
	hashes map[string]int
	reads  map[string]int
}

func newCountingSource(seeds map[string][]byte) *countingSource {
	return &countingSource{testSource: testSource(seeds), hashes: map[string]int{}, reads: map[string]int{}}
}

func (s *countingSource) Hash(ctx context.Context, e Entry) (string, error) {
	s.mu.Lock()
	s.hashes[e.Seed]++
	s.mu.Unlock()
	return s.testSource.Hash(ctx, e)
}

func (s *countingSource) Read(ctx context.Context, e Entry) ([]*Document, string, error) {
	s.mu.Lock()
	s.reads[e.Seed]++
	s.mu.Unlock()
	d, sum, err := s.testSource.Read(ctx, e)
	if e.Info.SHA256 != "" {
		sum = "" // a hashed seed is not hashed again
	}
	return d, sum, err
}

// scanEntries are the entries a scan makes of seeds: size and modification
// time, no hash.
func scanEntries(seeds map[string][]byte, mtime map[string]time.Time) []Entry {
	var es []Entry
	for name, data := range seeds {
		es = append(es, Entry{Seed: name, Info: SeedInfo{Size: int64(len(data)), ModTime: mtime[name]}})
	}
	return es
}

// TestPlanSaysWhatChanged plans and publishes scans without hashes: the
// plan tells new, changed, removed and unchanged seeds apart and what
// becomes of each bucket; the source is asked to hash only the seeds the
// manifest knows whose time or size changed, and to read only the seeds of
// the shards written, each once.
func TestPlanSaysWhatChanged(t *testing.T) {
	w, err := OpenWriter(t.TempDir(), WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	seeds, mtime := map[string][]byte{}, map[string]time.Time{}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 16 {
		name := fmt.Sprintf("d/%02d.txt", i)
		seeds[name], mtime[name] = storySeed(i, "gull"), t0
	}
	seeds["bad.txt"], mtime["bad.txt"] = []byte(""), t0
	run := func(what string) (*Plan, *countingSource, BuildStats) {
		t.Helper()
		src := newCountingSource(seeds)
		p, err := w.Plan(ctx, scanEntries(seeds, mtime), src)
		if err != nil {
			t.Fatal(err)
		}
		var st BuildStats
		if !p.UpToDate() {
			if _, st, err = w.Publish(ctx, p, src, nil); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		for seed, n := range src.reads {
			if n != 1 {
				t.Errorf("%s: %s read %d times", what, seed, n)
			}
		}
		return p, src, st
	}

	p, src, _ := run("first")
	if len(p.New) != 17 || p.UpToDate() || len(src.hashes) != 0 || len(src.reads) != 17 {
		t.Fatalf("first: plan %+v, hashed %v, read %v", p, src.hashes, src.reads)
	}
	for _, b := range p.Buckets {
		if b.Action != Rebuild || b.Read != b.Seeds {
			t.Errorf("first: bucket %+v", b)
		}
	}
	if g, _ := w.Current(); g.Skipped["bad.txt"].SHA256 != sha(nil) || g.Skipped["bad.txt"].Reason == "" {
		t.Errorf("bad seed recorded as %+v", g.Skipped["bad.txt"])
	}

	p, src, _ = run("again")
	if !p.UpToDate() || len(p.Unchanged) != 17 || len(src.hashes) != 0 || len(src.reads) != 0 {
		t.Fatalf("again: plan %+v, hashed %v, read %v", p, src.hashes, src.reads)
	}

	// A touched seed is hashed, not read; a touched bad seed is not re-read.
	mtime["d/03.txt"], mtime["bad.txt"] = t0.Add(time.Hour), t0.Add(time.Hour)
	p, src, _ = run("touched")
	if !p.UpToDate() || len(src.reads) != 0 || src.hashes["d/03.txt"] != 1 || src.hashes["bad.txt"] != 1 || len(src.hashes) != 2 {
		t.Fatalf("touched: plan %+v, hashed %v, read %v", p, src.hashes, src.reads)
	}

	// One changed, one new, one removed seed.
	seeds["d/05.txt"], mtime["d/05.txt"] = storySeed(5, "heron"), t0.Add(time.Minute)
	seeds["new.txt"], mtime["new.txt"] = storySeed(99, "zeppelin"), t0
	delete(seeds, "d/07.txt")
	p, src, st := run("changed")
	if !slices.Equal(p.Changed, []string{"d/05.txt"}) || !slices.Equal(p.New, []string{"new.txt"}) ||
		!slices.Equal(p.Removed, []string{"d/07.txt"}) || len(p.Unchanged) != 15 || p.UpToDate() {
		t.Fatalf("changed: plan new %v changed %v removed %v unchanged %d", p.New, p.Changed, p.Removed, len(p.Unchanged))
	}
	// d/03.txt and bad.txt are hashed again: nothing was published since
	// they were touched, so the manifest still has their old times.
	if len(src.hashes) != 3 || src.hashes["d/05.txt"] != 1 || src.reads["d/05.txt"] != 1 || src.reads["new.txt"] != 1 || src.reads["bad.txt"] != 0 {
		t.Errorf("changed: hashed %v, read %v", src.hashes, src.reads)
	}
	actions := map[BucketAction]int{}
	for _, b := range p.Buckets {
		actions[b.Action]++
	}
	if actions[Reuse] != st.Reused || actions[Update]+actions[Rebuild] != st.Built || len(p.Buckets) != 4 {
		t.Errorf("changed: buckets %+v, stats %+v", p.Buckets, st)
	}
	if g, _ := w.Current(); g.Seeds["new.txt"].SHA256 != sha(seeds["new.txt"]) || g.Seeds["d/05.txt"].SHA256 != sha(seeds["d/05.txt"]) {
		t.Errorf("hashes recorded: %+v %+v", g.Seeds["new.txt"], g.Seeds["d/05.txt"])
	}

	// The touched seeds' new times are recorded now: hashed no more.
	p, src, _ = run("after the change")
	if !p.UpToDate() || len(src.hashes) != 0 || len(src.reads) != 0 {
		t.Fatalf("after the change: plan %+v, hashed %v, read %v", p, src.hashes, src.reads)
	}

	// A plan made before another generation was published is refused.
	stale, err := w.Plan(ctx, scanEntries(seeds, mtime), newCountingSource(seeds))
	if err != nil {
		t.Fatal(err)
	}
	seeds["late.txt"] = storySeed(100, "kite")
	run("late")
	if _, _, err := w.Publish(ctx, stale, newCountingSource(seeds), nil); err != ErrStalePlan {
		t.Errorf("stale plan: %v", err)
	}

	// A plan is carried out once: its seed lists go as its shards are
	// written.
	seeds["later.txt"] = storySeed(101, "lark")
	once, err := w.Plan(ctx, scanEntries(seeds, mtime), newCountingSource(seeds))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Publish(ctx, once, newCountingSource(seeds), nil); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if _, _, err := w.Publish(ctx, once, newCountingSource(seeds), nil); err != ErrPlanUsed {
		t.Errorf("plan published twice: %v", err)
	}
}

// TestNegativeMaxUpdates: a negative MaxUpdates means nothing and is refused.
func TestNegativeMaxUpdates(t *testing.T) {
	if _, err := OpenWriter(t.TempDir(), WriterOptions{MaxUpdates: -1}); err == nil {
		t.Fatal("MaxUpdates -1 accepted")
	}
}

// flakySource fails to read the seeds in fail, as a file that vanished or
// changed since the scan.
type flakySource struct {
	testSource
	fail map[string]bool
}

func (s flakySource) Read(ctx context.Context, e Entry) ([]*Document, string, error) {
	if s.fail[e.Seed] {
		return nil, "", fmt.Errorf("changed while being indexed: %w", ErrNotRead)
	}
	return s.testSource.Read(ctx, e)
}

// TestNotReadIsRetried: a seed whose bytes could not be read is skipped
// without its hash, and the next plan reads it again although its content
// is as it was; a seed that does not parse is not read again.
func TestNotReadIsRetried(t *testing.T) {
	w, err := OpenWriter(t.TempDir(), WriterOptions{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()
	seeds := map[string][]byte{"a.txt": storySeed(1, "gull"), "b.txt": storySeed(2, "tern"), "bad.txt": nil}
	mtime := map[string]time.Time{}
	src := flakySource{testSource(seeds), map[string]bool{"b.txt": true}}
	p, err := w.Plan(ctx, scanEntries(seeds, mtime), src)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := w.Publish(ctx, p, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if si := g.Skipped["b.txt"]; si.SHA256 != "" || si.Reason == "" || g.Skipped["bad.txt"].SHA256 == "" {
		t.Fatalf("skipped %+v", g.Skipped)
	}
	counting := newCountingSource(seeds)
	p, err = w.Plan(ctx, scanEntries(seeds, mtime), counting)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Changed, []string{"b.txt"}) || p.UpToDate() {
		t.Fatalf("plan after a failed read: changed %v", p.Changed)
	}
	if g, _, err = w.Publish(ctx, p, counting, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.Seeds["b.txt"]; !ok || counting.reads["b.txt"] != 1 || counting.reads["bad.txt"] != 0 {
		t.Errorf("b.txt indexed: %v; reads %v", ok, counting.reads)
	}
}

// problemSource reads the seeds of testSource, and says some articles of
// "partial.jsonl" could not be read.
type problemSource struct{ testSource }

func (s problemSource) Read(ctx context.Context, e Entry) ([]*Document, string, error) {
	docs, sum, err := s.testSource.Read(ctx, e)
	if err == nil && e.Seed == "partial.jsonl" {
		var p SeedProblems
		for i := range 25 {
			p = append(p, fmt.Sprintf("line %d: bad", 10+i))
		}
		return docs, sum, p
	}
	if e.Seed == "lost.jsonl" {
		return nil, sum, SeedProblems{"line 1: bad", "line 2: bad"}
	}
	if e.Seed == "twins.jsonl" && err == nil {
		return []*Document{docs[0], docs[0]}, sum, nil
	}
	return docs, sum, err
}

// TestSeedProblems: a seed read in part is indexed with its problems
// recorded (at most 20, and how many more); one read not at all is
// skipped, its problems the reason; duplicate ids within a seed skip it.
func TestSeedProblems(t *testing.T) {
	w, err := OpenWriter(t.TempDir(), WriterOptions{Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rec := `{"id":"a","title":"T","body":"The gull flew."}` + "\n"
	seeds := map[string][]byte{
		"partial.jsonl": []byte(rec + `{"id":"b","body":"The tern dived."}` + "\n"),
		"lost.jsonl":    []byte(rec),
		"dup.jsonl":     []byte(rec + rec),
		"twins.jsonl":   []byte(rec),
	}
	var entries []Entry
	for name, data := range seeds {
		entries = append(entries, Entry{Seed: name, Info: SeedInfo{Size: int64(len(data)), SHA256: sha(data)}})
	}
	src := problemSource{testSource(seeds)}
	p, err := w.Plan(context.Background(), entries, src)
	if err != nil {
		t.Fatal(err)
	}
	gen, stats, err := w.Publish(context.Background(), p, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	si := gen.Seeds["partial.jsonl"]
	if stats.Articles != 2 || len(si.Articles) != 2 || len(si.Problems) != 21 || si.Problems[0] != "line 10: bad" || si.Problems[20] != "and 5 more" {
		t.Errorf("partial: stats %+v, seed %+v", stats, si)
	}
	if r := gen.Skipped["lost.jsonl"].Reason; r != "articles not read (2): line 1: bad; line 2: bad" {
		t.Errorf("lost: %q", r)
	}
	// testSource reports the first bad record of dup.jsonl (the repeated id).
	if r := gen.Skipped["dup.jsonl"].Reason; !strings.Contains(r, "the same id") {
		t.Errorf("dup: %q", r)
	}
	// Two documents of one id from a Source: the index refuses the seed.
	if r := gen.Skipped["twins.jsonl"].Reason; !strings.HasPrefix(r, "two articles of the seed have the id") {
		t.Errorf("twins: %q", r)
	}
}
