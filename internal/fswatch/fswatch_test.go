package fswatch

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/internal/syncbuf"
)

// calls runs Run on dir in the background and returns a channel of its
// calls and a function that stops it.
func calls(t *testing.T, dir string, opts Options) (<-chan struct{}, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan struct{}, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, dir, opts, func(context.Context) { ch <- struct{}{} })
	}()
	<-ch // the first call, before any event
	return ch, func() { cancel(); <-done }
}

// wait waits for one call.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("no call after %s", what)
	}
}

// quiet fails t if a call comes within d.
func quiet(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("a call after %s", what)
	case <-time.After(d):
	}
}

func write(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDebouncedRecursive: a burst of files in a new subfolder is one call;
// files in hidden folders do not count.
func TestDebouncedRecursive(t *testing.T) {
	dir := t.TempDir()
	ch, stop := calls(t, dir, Options{Recursive: true, Debounce: 200 * time.Millisecond})
	defer stop()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	wait(t, ch, "new folder")
	for i := range 5 {
		write(t, filepath.Join(sub, strings.Repeat("f", i+1)))
	}
	wait(t, ch, "burst in the new folder")
	quiet(t, ch, 500*time.Millisecond, "one burst")
	hid := filepath.Join(dir, ".git")
	if err := os.Mkdir(hid, 0o755); err != nil {
		t.Fatal(err)
	}
	wait(t, ch, "new hidden folder") // the folder itself is an event in dir
	write(t, filepath.Join(hid, "x"))
	quiet(t, ch, 500*time.Millisecond, "a file in a hidden folder")
}

// TestMatchAndTick: without a debounce a matching event calls at once,
// other events do not, and the ticks call whatever happens.
func TestMatchAndTick(t *testing.T) {
	dir := t.TempDir()
	ch, stop := calls(t, dir, Options{Match: func(p string) bool { return filepath.Base(p) == "CURRENT" }})
	write(t, filepath.Join(dir, "other"))
	quiet(t, ch, 300*time.Millisecond, "an event that does not match")
	write(t, filepath.Join(dir, "CURRENT"))
	wait(t, ch, "a matching event")
	stop()

	ch, stop = calls(t, t.TempDir(), Options{Tick: 20 * time.Millisecond})
	defer stop()
	wait(t, ch, "a tick")
	wait(t, ch, "another tick")
}

// TestUnwatchableReported: a folder that cannot be read, or a missing one,
// is logged, not silently left unwatched.
func TestUnwatchableReported(t *testing.T) {
	var logs syncbuf.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	_, stop := calls(t, missing, Options{Recursive: true, Logger: log})
	stop()
	if !strings.Contains(logs.String(), "folder not watched") || !strings.Contains(logs.String(), missing) {
		t.Errorf("missing folder: log %q", logs.String())
	}
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder: no unreadable folder to make")
	}
	locked := filepath.Join(dir, "locked")
	if err := os.MkdirAll(filepath.Join(locked, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	_, stop = calls(t, dir, Options{Recursive: true, Logger: log})
	stop()
	if !strings.Contains(logs.String(), locked) {
		t.Errorf("unreadable folder: log %q", logs.String())
	}
}
