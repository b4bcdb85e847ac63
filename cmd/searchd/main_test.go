package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/internal/syncbuf"
)

// TestHelp: -h prints what the program does and its flags, and is not a
// failure.
func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &out, nil); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"searchd serves the index", "-index", "-addr", "-wait"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, out.String())
		}
	}
}

// TestNoIndex: without an index, -wait=false fails at once naming the
// directory; the default waits and serves 503 from /readyz, saying so in
// the log.
func TestNoIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	var out bytes.Buffer
	err := run(context.Background(), []string{"-index", dir, "-wait=false", "-addr", "127.0.0.1:0"}, &out, nil)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("-wait=false without an index: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var log syncbuf.Buffer // the reader's watcher may still log after run returns
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-index", dir, "-addr", "127.0.0.1:0"}, &log, ready) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("searchd ended: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if !strings.Contains(log.String(), "does not exist yet") {
		t.Errorf("log does not say the directory is missing:\n%s", log.String())
	}
}

// TestDebugAddr: -debug-addr serves Go's profiles on its own listener,
// and the search port does not.
func TestDebugAddr(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing") // no index needed to profile
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var log syncbuf.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-index", dir, "-addr", "127.0.0.1:0", "-debug-addr", "127.0.0.1:0"}, &log, ready)
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("searchd ended: %v", err)
	}
	m := regexp.MustCompile(`profiling endpoints.*?"addr":"([^"]+)"`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no profiling address in the log:\n%s", log.String())
	}
	if code, body := httpGet("http://" + m[1] + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("profiles: %d %.200s", code, body)
	}
	if code, _ := httpGet("http://" + base + "/debug/pprof/"); code != 404 {
		t.Errorf("the search port answers /debug/pprof/ with %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
