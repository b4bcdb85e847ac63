package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
)

// story returns a small article whose body names word, so a search for
// word finds exactly it.
func story(n int, word string) string {
	return fmt.Sprintf("Story number %d\n\nBy Reporter Num (Test Wire) 10:00, March %d, 2020\n\n"+
		"The %s report number %d was filed on a quiet day.\n\nA second paragraph follows the first one.\n", n, n%28+1, word, n)
}

type fixture struct {
	t     *testing.T
	seeds string
	dir   string
	w     *index.Writer
}

func newFixture(t *testing.T, shards int) *fixture {
	f := &fixture{t: t, seeds: t.TempDir(), dir: t.TempDir()}
	w, err := index.OpenWriter(f.dir, index.WriterOptions{Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	f.w = w
	return f
}

func (f *fixture) write(name, text string) {
	f.t.Helper()
	p := filepath.Join(f.seeds, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) rebuild() Summary {
	f.t.Helper()
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, MaxSeedBytes: 1 << 20})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// hits counts the articles matching q in the published generation.
func (f *fixture) hits(q string) int {
	f.t.Helper()
	r, err := index.NewReader(f.dir, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	n, err := query.Parse(q)
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := r.Search(context.Background(), index.Request{Query: n, Group: true, Size: 100})
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Total
}

func TestRebuildIsIncremental(t *testing.T) {
	f := newFixture(t, 8)
	for i := range 40 {
		f.write(fmt.Sprintf("a/%02d.txt", i), story(i, "ordinary"))
	}
	s := f.rebuild()
	if !s.Published || s.Articles != 40 || s.Paragraphs != 80 || s.New != 40 || s.Built == 0 {
		t.Fatalf("first build: %+v", s)
	}
	if s := f.rebuild(); s.Published || s.Unchanged != 40 {
		t.Fatalf("nothing changed but: %+v", s)
	}

	f.write("b/new.txt", story(99, "zeppelin"))
	s = f.rebuild()
	if !s.Published || s.New != 1 || s.Built != 1 || s.Updated != 1 || s.Indexed != 2 || s.Articles != 41 {
		t.Fatalf("one new seed: %+v", s)
	}
	if f.hits("zeppelin") != 1 {
		t.Fatal("new seed not searchable")
	}

	f.write("a/05.txt", story(5, "dirigible"))
	s = f.rebuild()
	if s.Changed != 1 || s.Built != 1 || s.Updated != 1 || s.Indexed != 2 || f.hits("dirigible") != 1 || f.hits("ordinary") != 39 {
		t.Fatalf("one changed seed: %+v", s)
	}

	if err := os.Remove(filepath.Join(f.seeds, "b/new.txt")); err != nil {
		t.Fatal(err)
	}
	s = f.rebuild()
	if s.Removed != 1 || s.Articles != 40 || f.hits("zeppelin") != 0 {
		t.Fatalf("one removed seed: %+v", s)
	}
	// The same bytes with a new modification time are not re-indexed.
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(f.seeds, "a/07.txt"), later, later)
	if s := f.rebuild(); s.Published || s.Unchanged != 40 {
		t.Fatalf("touched seed: %+v", s)
	}
}

func TestBadSeedsAreReportedAndSkipped(t *testing.T) {
	f := newFixture(t, 4)
	f.write("good.txt", story(1, "survivor"))
	f.write("empty.txt", "")
	f.write("binary.bin", "\x00\x01\x02PK\x03\x04")
	f.write("binary.txt", "\x00\x01\x02PK\x03\x04")
	// Issue 15: a legacy encoding is decoded (here Windows-1252), not
	// skipped as invalid UTF-8.
	f.write("latin1.txt", "Title\n\nThe price is \xa3600m.\n")
	f.write("chrome.txt", "Add your comment\n\nMost Viewed\n")
	f.write("huge.txt", "Huge\n\n"+strings.Repeat("word ", 300_000))
	f.write(".hidden.txt", story(2, "hidden"))
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte(story(3, "secret")), 0o644)
	if err := os.Symlink(outside, filepath.Join(f.seeds, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(f.seeds, "good.txt"), filepath.Join(f.seeds, "alias.txt")); err != nil {
		t.Fatal(err)
	}
	s := f.rebuild()
	reasons := map[string]string{}
	for _, k := range s.Skipped {
		reasons[k.Seed] = k.Reason
	}
	want := map[string]string{
		"empty.txt":  "empty",
		"binary.bin": "not a seed: extension .bin", // issue 15: only seed formats are read
		"binary.txt": "binary",
		"chrome.txt": "no article body",
		"huge.txt":   "too large",
		"escape.txt": "outside the seeds folder",
	}
	for seed, reason := range want {
		if !strings.Contains(reasons[seed], reason) {
			t.Errorf("%s: reason %q, want %q", seed, reasons[seed], reason)
		}
	}
	if len(s.Skipped) != len(want) {
		t.Errorf("skipped %v", s.Skipped)
	}
	if s.Articles != 3 || f.hits("survivor") != 2 || f.hits("secret") != 0 || f.hits("hidden") != 0 || f.hits(`"£600m"`) != 1 {
		t.Errorf("articles %d", s.Articles)
	}
	if !strings.Contains(s.String(), "skipped=6") {
		t.Errorf("summary %s", s)
	}
	// Unchanged bad seeds are not re-parsed and not re-published.
	if s := f.rebuild(); s.Published {
		t.Errorf("republished with no change: %+v", s)
	}
	// Fixing a bad seed indexes it.
	f.write("binary.txt", "Title\n\nThe price is £600m in pounds sterling.\n")
	if s := f.rebuild(); s.Changed != 1 || f.hits("sterling") != 1 {
		t.Errorf("fixed seed: %+v", s)
	}
	f.write("latin1.txt", "Title\n\nThe price is £600m in pounds sterling.\n")
	if s := f.rebuild(); s.Changed != 1 || f.hits("sterling") != 2 {
		t.Errorf("changed seed: %+v", s)
	}
}

func TestLoadFailsSoftWhenSeedVanishes(t *testing.T) {
	dir := t.TempDir()
	_, _, err := loadSeed(context.Background(), parser{}, dir, index.Entry{Seed: "gone.txt"}, testLimits)
	if err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("err %v", err)
	}
	os.WriteFile(filepath.Join(dir, "x.txt"), []byte(story(1, "x")), 0o644)
	if _, _, err := loadSeed(context.Background(), parser{}, dir, index.Entry{Seed: "x.txt", Info: index.SeedInfo{SHA256: "other"}}, testLimits); err == nil || !strings.Contains(err.Error(), "changed while") {
		t.Fatalf("err %v", err)
	}
}

// TestLoadHashesWhatItReads checks that a seed scanned without a hash (a
// new one) gets the hash of the bytes read for indexing, also when they do
// not parse, and that it is the hash the plan asks for (hashFile).
func TestLoadHashesWhatItReads(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.txt"), []byte(story(1, "x")), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644)
	// The entries as the scan makes them: size and modification time, no hash.
	scanned, err := scan(context.Background(), dir, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	entry := map[string]index.Entry{}
	for _, e := range scanned {
		entry[e.Seed] = e
	}
	for _, name := range []string{"good.txt", "empty.txt"} {
		want, err := hashFile(filepath.Join(dir, name), sha256.New(), make([]byte, 16))
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := loadSeed(context.Background(), parser{}, dir, entry[name], testLimits)
		if got != want || (name == "good.txt") != (err == nil) {
			t.Errorf("%s: hash %q (scan: %q), err %v", name, got, want, err)
		}
		hashed := entry[name]
		hashed.Info.SHA256 = want
		if _, _, err := loadSeed(context.Background(), parser{}, dir, hashed, testLimits); err != nil && strings.Contains(err.Error(), "changed while") {
			t.Errorf("%s: its own hash is a change: %v", name, err)
		}
	}
}

// TestWatch drops seeds into a watched folder and measures the time from
// the file's arrival to its first search hit.
func TestWatch(t *testing.T) {
	f := newFixture(t, 4)
	f.write("first.txt", story(1, "initial"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	published := make(chan Summary, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Watch(ctx, f.w, Options{SeedsDir: f.seeds}, WatchOptions{Debounce: 100 * time.Millisecond, Rescan: time.Hour},
			func(s Summary, err error) {
				if err != nil {
					t.Errorf("rebuild: %v", err)
					return
				}
				if s.Published {
					published <- s
				}
			})
	}()
	wait := func(what string) Summary {
		select {
		case s := <-published:
			return s
		case <-time.After(10 * time.Second):
			t.Fatalf("no rebuild after %s", what)
		}
		return Summary{}
	}
	wait("start")
	start := time.Now()
	// A burst of files is one rebuild.
	for i := range 5 {
		f.write(fmt.Sprintf("burst/%d.txt", i), story(i+10, "burst"))
	}
	s := wait("burst")
	if s.New != 5 {
		// A slow machine may split the burst; what counts is that all arrive.
		for s.Articles < 6 {
			s = wait("rest of burst")
		}
	}
	if f.hits("burst") != 5 {
		t.Fatal("burst not searchable")
	}
	t.Logf("new seeds to first search hit: %v", time.Since(start))
	os.Remove(filepath.Join(f.seeds, "first.txt"))
	wait("removal")
	if f.hits("initial") != 0 {
		t.Fatal("removed seed still found")
	}
	cancel()
	<-done
}

func TestSkipReasons(t *testing.T) {
	s := Summary{Skipped: []Skip{{"a", "invalid UTF-8 at byte offset 3"}, {"b", "invalid UTF-8 at byte offset 9"}, {"c", "empty seed"}}}
	got := strings.Split(s.SkipReasons(), ", ")
	sort.Strings(got)
	if strings.Join(got, "|") != "empty seed: 1|invalid UTF-8: 2" {
		t.Errorf("%v", got)
	}
}

func TestMissingMetadataReported(t *testing.T) {
	f := newFixture(t, 2)
	f.write("full.txt", story(1, "complete"))
	f.write("bare.txt", "Bare headline\n\nA paragraph without any byline at all.\n")
	s := f.rebuild()
	if s.Missing["author"] != 1 || s.Missing["published"] != 1 || s.Missing["source"] != 1 {
		t.Fatalf("missing %v", s.Missing)
	}
	if !strings.Contains(s.String(), "metadata not found: author=1 published=1 source=1") {
		t.Errorf("summary %s", s)
	}
	gen, err := index.Current(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := gen.Seeds["bare.txt"].Missing; strings.Join(m, ",") != "author,source,published" {
		t.Errorf("manifest missing %v", m)
	}
}

// TestHugeSeedNotRead gives the indexer a 100 MB seed: it is skipped from
// its size alone and everything else is indexed.
func TestHugeSeedNotRead(t *testing.T) {
	f := newFixture(t, 2)
	f.write("ok.txt", story(1, "normal"))
	huge, err := os.Create(filepath.Join(f.seeds, "huge.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := huge.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	huge.Close()
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds})
	if err != nil {
		t.Fatal(err)
	}
	if s.Articles != 1 || len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0].Reason, "too large: 104857600 bytes") {
		t.Fatalf("%+v", s)
	}
}

// testLimits are the size limits of the tests that read seeds directly.
var testLimits = sizeLimits{seed: 1 << 20, crawl: 1 << 20}
