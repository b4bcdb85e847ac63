package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/syncbuf"
)

// writeSeeds writes n small articles carrying word into dir.
func writeSeeds(t *testing.T, dir string, n int, word string) {
	t.Helper()
	for i := range n {
		text := fmt.Sprintf("Harbour report %d\n\nBy Ann Lee (Coast Times) 09:15, March %d, 2016\n\n"+
			"A storm closed the harbour on day %d and the ferry waited.\n\nThe %s was seen over the nets of boat %d.\n",
			i, 1+i%28, i, word, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// publishSeeds publishes the seeds in seeds as the next generation of dir.
func publishSeeds(t *testing.T, seeds, dir string) *index.Generation {
	t.Helper()
	w, err := index.OpenWriter(dir, index.WriterOptions{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds}); err != nil {
		t.Fatal(err)
	}
	g, err := index.Current(dir)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// startSearchd runs searchd on dir until the test ends and returns its
// base URL and log.
func startSearchd(t *testing.T, dir string) (string, *syncbuf.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &syncbuf.Buffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-index", dir, "-addr", "127.0.0.1:0", "-poll", "50ms", "-log-format", "json"}, log, ready)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("searchd: %v", err)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr, log
	case err := <-done:
		t.Fatalf("searchd ended: %v\n%s", err, log.String())
	}
	return "", nil
}

// get returns the status and body of a GET.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// readyz decodes /readyz.
func readyz(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("readyz %d: %s", code, body)
	}
	return code, m
}

// TestDamagedGenerationRefused: a published generation one of whose shard
// files was damaged on disk (a flipped byte) is refused; searchd keeps
// serving the previous generation and says so in /readyz, /metrics and
// its log.
func TestDamagedGenerationRefused(t *testing.T) {
	seeds, dir := t.TempDir(), t.TempDir()
	writeSeeds(t, seeds, 8, "gull")
	g1 := publishSeeds(t, seeds, dir)
	base, log := startSearchd(t, dir)
	if code, m := readyz(t, base); code != 200 || m["generation"] != float64(g1.Number) {
		t.Fatalf("readyz %d %v", code, m)
	}

	// The next generation is made aside, damaged, then published by
	// pointing CURRENT at it, so that searchd never sees it whole.
	stage := filepath.Join(t.TempDir(), "stage")
	if out, err := exec.Command("cp", "-a", dir, stage).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	writeSeeds(t, seeds, 1, "tern")
	g2 := publishSeeds(t, seeds, stage)
	old := map[string]bool{}
	for _, s := range g1.Shards {
		old[s.Name] = true
	}
	var damaged string
	for _, s := range g2.Shards {
		if old[s.Name] {
			continue
		}
		damaged = s.Name
		if out, err := exec.Command("cp", "-a", filepath.Join(stage, "shards", s.Name), filepath.Join(dir, "shards")).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
	}
	if damaged == "" {
		t.Fatal("generation 2 has no new shard")
	}
	zaps, _ := filepath.Glob(filepath.Join(dir, "shards", damaged, "store", "*.zap"))
	b, err := os.ReadFile(zaps[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(zaps[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := fmt.Sprintf("gen-%08d.json", g2.Number)
	mb, _ := os.ReadFile(filepath.Join(stage, manifest))
	os.WriteFile(filepath.Join(dir, manifest), mb, 0o644)
	os.WriteFile(filepath.Join(dir, ".CURRENT.new"), []byte(manifest+"\n"), 0o644)
	if err := os.Rename(filepath.Join(dir, ".CURRENT.new"), filepath.Join(dir, "CURRENT")); err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * time.Second)
	var m map[string]any
	var code int
	for {
		code, m = readyz(t, base)
		if m["refused_generation"] != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code != 200 || m["generation"] != float64(g1.Number) || m["refused_generation"] != float64(g2.Number) ||
		!strings.Contains(fmt.Sprint(m["refused_reason"]), damaged) {
		t.Fatalf("readyz after a damaged generation: %d %v", code, m)
	}
	if _, body := get(t, base+"/metrics"); !strings.Contains(body, fmt.Sprintf("searchd_index_refused_generation %d", g2.Number)) ||
		!strings.Contains(body, fmt.Sprintf("searchd_index_generation %d", g1.Number)) {
		t.Errorf("metrics do not show the refusal:\n%s", grepLines(body, "searchd_index_"))
	}
	if code, body := get(t, base+"/api/search?q=gull"); code != 200 || !strings.Contains(body, `"total"`) {
		t.Errorf("search on the previous generation: %d %s", code, body)
	}
	time.Sleep(200 * time.Millisecond) // a few polls: the refusal is logged once
	if n := strings.Count(log.String(), "refusing a damaged generation"); n != 1 {
		t.Errorf("the refusal is logged %d times:\n%s", n, log.String())
	}
	if !strings.Contains(log.String(), `"level":"ERROR"`) {
		t.Errorf("the refusal is not an error in the log:\n%s", log.String())
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestReadOnlyIndex: searchd serves an index directory it cannot write
// to (a read-only mount, or a directory without write permission), and
// follows the generations published into it by a writer that can.
func TestReadOnlyIndex(t *testing.T) {
	seeds, dir := t.TempDir(), t.TempDir()
	writeSeeds(t, seeds, 8, "gull")
	g1 := publishSeeds(t, seeds, dir)
	served := dir
	if os.Geteuid() == 0 {
		// Root writes through permissions: a read-only bind mount.
		served = t.TempDir()
		if out, err := exec.Command("mount", "--bind", dir, served).CombinedOutput(); err != nil {
			t.Skipf("skipped: cannot bind-mount the index read-only as root (%v: %s)", err, strings.TrimSpace(string(out)))
		}
		t.Cleanup(func() { exec.Command("umount", "-l", served).Run() })
		if out, err := exec.Command("mount", "-o", "remount,bind,ro", served).CombinedOutput(); err != nil {
			t.Skipf("skipped: cannot remount the index read-only (%v: %s)", err, strings.TrimSpace(string(out)))
		}
	} else {
		chmodTree(t, dir, 0o555, 0o444)
		t.Cleanup(func() { chmodTree(t, dir, 0o755, 0o644) })
	}
	if err := os.WriteFile(filepath.Join(served, "probe"), nil, 0o644); err == nil {
		t.Fatal("the served directory is writable")
	}
	base, log := startSearchd(t, served)
	if code, m := readyz(t, base); code != 200 || m["generation"] != float64(g1.Number) {
		t.Fatalf("readyz on a read-only index: %d %v\n%s", code, m, log.String())
	}
	if code, body := get(t, base+"/api/search?q=gull"); code != 200 || !strings.Contains(body, `"total":8`) {
		t.Fatalf("search on a read-only index: %d %s", code, body)
	}
	if os.Geteuid() != 0 {
		return // the writer cannot write either
	}
	writeSeeds(t, seeds, 1, "tern")
	g2 := publishSeeds(t, seeds, dir)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := readyz(t, base)
		if m["generation"] == float64(g2.Number) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("generation %d never served from the read-only mount: %v\n%s", g2.Number, m, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(log.String(), `"level":"ERROR"`) || strings.Contains(log.String(), `"level":"WARN"`) {
		t.Errorf("warnings serving a read-only index:\n%s", log.String())
	}
}

func chmodTree(t *testing.T, dir string, dirMode, fileMode os.FileMode) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		if info.IsDir() {
			return os.Chmod(path, dirMode)
		}
		return os.Chmod(path, fileMode)
	})
}
