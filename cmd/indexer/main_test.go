package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/logging"
	"github.com/newsroom/newsearch/internal/query"
)

// The test binary doubles as the indexer: with INDEXER_CHILD_ARGS set it
// runs the command, so a test can kill a real indexer process.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("INDEXER_CHILD_ARGS"); ok {
		if err := run(context.Background(), strings.Split(args, "\x1f"), os.Stdout, os.Stderr); err != nil {
			logging.Exit("indexer", err)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var words = strings.Fields(`harbour council budget election minister storm ferry market shares trade
tariff court judge police strike union energy oil prices bank rates inflation school hospital doctor
football league match coach film festival music album award science space launch climate rain river`)

// writeCorpus writes n small synthetic articles of three paragraphs.
func writeCorpus(t *testing.T, dir string, n int, variant int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, uint64(variant)))
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "Report %d on the %s\n\nBy Staff Writer (Test Wire) 09:00, May %d, 2021\n\n", i, words[i%len(words)], i%28+1)
		for p := range 3 {
			for w := range 40 {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
			fmt.Fprintf(&b, " paragraph%d.\n\n", p)
		}
		path := filepath.Join(dir, fmt.Sprintf("d%02d/%05d.txt", i%10, i))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func child(seeds, idx string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "INDEXER_CHILD_ARGS="+strings.Join([]string{"-seeds", seeds, "-index", idx}, "\x1f"))
	return cmd
}

// snapshot is what a published index answers, for comparing two builds.
type snapshot struct {
	seeds map[string]index.SeedInfo
	hits  map[string][]string
}

func take(t *testing.T, dir string) snapshot {
	t.Helper()
	gen, err := index.Current(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := index.NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatalf("published generation does not open: %v", err)
	}
	s := snapshot{seeds: map[string]index.SeedInfo{}, hits: map[string][]string{}}
	for k, v := range gen.Seeds {
		v.ModTime, v.Shard = time.Time{}, ""
		s.seeds[k] = v
	}
	for _, q := range []string{"harbour", `"oil prices"`, "storm -rain", "paragraph2"} {
		n, _ := query.Parse(q)
		res, err := r.Search(context.Background(), index.Request{Query: n, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		slices.Sort(ids)
		s.hits[q] = append(ids, fmt.Sprint(res.Total))
	}
	return s
}

func equal(a, b snapshot) bool {
	if len(a.seeds) != len(b.seeds) {
		return false
	}
	for k, v := range a.seeds {
		if !reflect.DeepEqual(b.seeds[k], v) {
			return false
		}
	}
	for q, ids := range a.hits {
		if !slices.Equal(ids, b.hits[q]) {
			return false
		}
	}
	return true
}

// TestKillMidBuild kills real indexer processes with SIGKILL at several
// moments of a build: the served index must stay intact after each kill,
// and a last run must end equal to a clean build.
func TestKillMidBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds several indexes")
	}
	seeds := t.TempDir()
	writeCorpus(t, seeds, 1200, 0)
	clean := t.TempDir()
	if err := run(context.Background(), []string{"-seeds", seeds, "-index", clean}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := take(t, clean)

	crashed := t.TempDir()
	killed := 0
	for i, delay := range []time.Duration{150 * time.Millisecond, 600 * time.Millisecond, 50 * time.Millisecond, 1200 * time.Millisecond} {
		if i == 2 {
			// Change a tenth of the corpus so the next runs have work again.
			writeCorpus(t, seeds, 120, 1)
			if err := os.RemoveAll(clean); err != nil {
				t.Fatal(err)
			}
			if err := run(context.Background(), []string{"-seeds", seeds, "-index", clean}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			want = take(t, clean)
		}
		cmd := child(seeds, crashed)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			killed++
		}
		cmd.Wait()
		// Whatever was published must open and answer.
		if _, err := index.Current(crashed); err == nil {
			take(t, crashed)
		}
	}
	if killed == 0 {
		t.Fatal("no build was killed")
	}
	out, err := child(seeds, crashed).CombinedOutput()
	if err != nil {
		t.Fatalf("run after kills: %v\n%s", err, out)
	}
	if got := take(t, crashed); !equal(got, want) {
		t.Fatalf("index after kills differs from a clean build\n%s", out)
	}
	// No build directory is left behind.
	left, _ := filepath.Glob(filepath.Join(crashed, "shards", ".build-s[0-9]*"))
	scratch, _ := filepath.Glob(filepath.Join(crashed, "shards", ".build-scratch", "*"))
	left = append(left, scratch...)
	if len(left) != 0 {
		t.Errorf("stale build dirs: %v", left)
	}
}

// TestSecondIndexerRefused starts a second indexer on an index another
// one is writing: it must exit with a clear message, not corrupt anything.
func TestSecondIndexerRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index")
	}
	seeds, idx := t.TempDir(), t.TempDir()
	writeCorpus(t, seeds, 600, 0)
	first := child(seeds, idx)
	var firstOut bytes.Buffer
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if b, err := os.ReadFile(filepath.Join(idx, "LOCK")); err == nil && len(bytes.TrimSpace(b)) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first indexer never took the lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	err := run(context.Background(), []string{"-seeds", seeds, "-index", idx}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "locked by another indexer") || !strings.Contains(err.Error(), fmt.Sprint(first.Process.Pid)) {
		t.Errorf("second indexer: %v", err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first indexer: %v\n%s", err, firstOut.String())
	}
	s := take(t, idx)
	if len(s.seeds) != 600 {
		t.Errorf("%d seeds indexed", len(s.seeds))
	}
}

func TestExitStatus(t *testing.T) {
	var out bytes.Buffer
	empty := t.TempDir()
	if err := run(context.Background(), []string{"-seeds", empty, "-index", t.TempDir()}, &out, &out); err == nil {
		t.Error("nothing to index but exit status 0")
	}
	seeds := t.TempDir()
	os.WriteFile(filepath.Join(seeds, "bad.txt"), []byte("\x00\x01"), 0o644)
	os.WriteFile(filepath.Join(seeds, "good.txt"), []byte("Title\n\nA body paragraph of the story.\n"), 0o644)
	out.Reset()
	if err := run(context.Background(), []string{"-seeds", seeds, "-index", t.TempDir()}, &out, &out); err != nil {
		t.Errorf("one good seed: %v", err)
	}
	if !strings.Contains(out.String(), "articles=1") || !strings.Contains(out.String(), "skipped bad.txt: binary") {
		t.Errorf("summary: %s", out.String())
	}
	if err := run(context.Background(), []string{"-nope"}, &out, &out); err == nil {
		t.Error("unknown flag accepted")
	}
}

// TestHelp: -h says what the program does and lists its flags, and is not
// a failure.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, &out); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"indexer reads the articles", "-seeds", "-index", "-watch"} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
}

// TestParseSize checks the spellings -memory-limit takes and the ones it
// refuses.
func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"2GiB", 2 << 30, false},
		{"1500MiB", 1500 << 20, false},
		{"64KiB", 64 << 10, false},
		{"1TiB", 1 << 40, false},
		{"4096", 4096, false},
		{"4096B", 4096, false},
		{"0", 0, false},
		{"off", 0, false},
		{"", 0, false},
		{"2GB", 0, true},
		{"-1GiB", 0, true},
		{"lots", 0, true},
		{"99999999999TiB", 0, true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestDebugAddr: -debug-addr serves the profiling endpoints while the
// indexer runs, and a listen that fails is an error before any work.
func TestDebugAddr(t *testing.T) {
	seeds := t.TempDir()
	os.WriteFile(filepath.Join(seeds, "good.txt"), []byte("Title\n\nA body paragraph of the story.\n"), 0o644)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-seeds", seeds, "-index", t.TempDir(), "-debug-addr", "127.0.0.1:0", "-log-format", "text"}, &out, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "profiling endpoints") || !strings.Contains(out.String(), "127.0.0.1:") {
		t.Errorf("no profiling address logged:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"-seeds", seeds, "-index", t.TempDir(), "-debug-addr", "no-such-host.invalid:-1"}, &out, &out); err == nil {
		t.Error("a bad -debug-addr accepted")
	}
}
