package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/syncbuf"
)

// startServer runs searchd with args (and a loopback address) until stop
// or the end of the test, and returns its base URL.
func startServer(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncbuf.Buffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	args = append(args, "-addr", "127.0.0.1:0", "-poll", "50ms", "-log-format", "json")
	go func() { done <- run(ctx, args, log, ready) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("searchd %v: %v", args, err)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case addr := <-ready:
		return "http://" + addr, stop
	case err := <-done:
		t.Fatalf("searchd %v ended: %v\n%s", args, err, log.String())
	}
	return "", nil
}

// publish4 publishes the seeds as the next generation of dir, in 4 shards.
func publish4(t *testing.T, seeds, dir string) {
	t.Helper()
	w, err := index.OpenWriter(dir, index.WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds}); err != nil {
		t.Fatal(err)
	}
}

// apiAnswer is /api/search's JSON without its timing.
func apiAnswer(t *testing.T, base, query string) (int, map[string]any) {
	t.Helper()
	code, body := httpGet(base + "/api/search?" + query)
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%s %s: %d %s", base, query, code, body)
	}
	delete(m, "took_ms")
	return code, m
}

// TestRootOverLeaves runs a partitioned search of real searchd processes
// on loopback: two leaves of two buckets each (the first with two
// replicas, and an unreachable address listed first), and a root over
// them. The root's answers equal a single searchd's over the whole index;
// a new generation is published while clients search the root (no
// failed or incomplete answer); a leaf stopped makes answers incomplete,
// naming its shards, and its replica takes over when there is one.
func TestRootOverLeaves(t *testing.T) {
	seeds, dir := t.TempDir(), t.TempDir()
	writeSeeds(t, seeds, 24, "heron")
	for i := range 6 {
		text := fmt.Sprintf("Ferry timetable %d\n\nBy Ben Ode (Island Post) 10:00, April %d, 2017\n\n"+
			"The ferry to the island leaves at dawn; a heron waits on the pier %d.\n\nFares rose by %d per cent.\n", i, 1+i, i, i)
		if err := os.WriteFile(filepath.Join(seeds, fmt.Sprintf("ferry%d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	publish4(t, seeds, dir)

	single, _ := startServer(t, "-index", dir)
	leafA, stopA := startServer(t, "-index", dir, "-buckets", "0,1")
	leafA2, _ := startServer(t, "-index", dir, "-buckets", "0-1")
	leafB, stopB := startServer(t, "-index", dir, "-buckets", "2,3")
	root, _ := startServer(t, "-leaves", "http://127.0.0.1:1,"+leafA+","+leafA2+" "+leafB, "-leaf-timeout", "1s")
	waitGeneration(t, root, 1)

	queries := []string{
		"q=heron", "q=heron&group=article", "q=ferry+heron&match=any", "q=ferry+OR+storm&group=article",
		`q="the+ferry"`, "q=harbour+-heron", "q=storm&sort=date&size=5&page=2", "q=fer*", "q=title:ferry",
		"q=heron&group=article&size=3&page=3", "q=storm+harbour&facets=false", "q=hron",
	}
	compare := func(stage string) {
		t.Helper()
		for _, q := range queries {
			wc, want := apiAnswer(t, single, q)
			gc, got := apiAnswer(t, root, q)
			if wc != 200 || gc != 200 || !reflect.DeepEqual(want, got) {
				t.Errorf("%s %s: root %d %v\nsingle %d %v", stage, q, gc, got, wc, want)
			}
		}
	}
	compare("generation 1")

	// Publish while two clients search the root.
	var failed, incomplete, total atomic.Int64
	ctx, stopClients := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := range 2 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				code, body := httpGet(root + "/api/search?group=article&q=" + url.QueryEscape([]string{"heron", "ferry storm", "harbour"}[(i+c)%3]))
				total.Add(1)
				var v struct {
					Incomplete bool `json:"incomplete"`
				}
				switch {
				case code != 200:
					failed.Add(1)
					t.Logf("during publication: %d %s", code, body)
				case json.Unmarshal([]byte(body), &v) != nil || v.Incomplete:
					incomplete.Add(1)
					t.Logf("during publication: %s", body)
				}
			}
		})
	}
	writeArticle(t, seeds, 90, 1)
	if err := os.Remove(filepath.Join(seeds, "03.txt")); err != nil {
		t.Fatal(err)
	}
	publish4(t, seeds, dir)
	waitGeneration(t, root, 2)
	for deadline := time.Now().Add(20 * time.Second); total.Load() < 20 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond) // a few searches of the new generation too
	}
	stopClients()
	wg.Wait()
	if failed.Load() > 0 || incomplete.Load() > 0 || total.Load() < 20 {
		t.Errorf("during publication: %d requests, %d failed, %d incomplete", total.Load(), failed.Load(), incomplete.Load())
	}
	waitGeneration(t, single, 2)
	compare("generation 2")

	// A replica of leaf A stopped: the other answers, nothing is missing.
	stopA()
	compare("one replica of leaf A stopped")

	// Leaf B stopped, and it has no replica: incomplete answers naming
	// its shards.
	stopB()
	code, got := apiAnswer(t, root, "q=heron")
	missing, _ := got["missing_shards"].([]any)
	if code != 200 || got["incomplete"] != true || len(missing) != 2 {
		t.Errorf("leaf B stopped: %d incomplete=%v missing=%v", code, got["incomplete"], got["missing_shards"])
	}
	_, whole := apiAnswer(t, single, "q=heron")
	if got["total"].(float64) >= whole["total"].(float64) {
		t.Errorf("leaf B stopped: total %v, whole index %v", got["total"], whole["total"])
	}
	// The page says so, and the metrics count it.
	if code, page := httpGet(root + "/?q=heron"); code != 200 || !strings.Contains(page, "did not answer in time") {
		t.Errorf("leaf B stopped: the page (%d) does not say the results may be incomplete", code)
	}
	if _, m := httpGet(root + "/metrics"); !regexp.MustCompile(`(?m)^searchd_searches_incomplete_total [1-9]`).MatchString(m) {
		t.Errorf("leaf B stopped: no incomplete search counted in /metrics")
	}
}
