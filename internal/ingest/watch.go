package ingest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/newsroom/newsearch/index"
)

// WatchOptions tunes Watch. The zero value works.
type WatchOptions struct {
	// Debounce is how long the folder must be quiet before a rebuild, so
	// that a burst of files is one rebuild. 0 means 500 ms.
	Debounce time.Duration
	// Rescan is the interval of full rescans, the fallback for changes
	// fsnotify misses (network file systems, overflowing queues). 0 means 30 s.
	Rescan time.Duration
}

// Watch rebuilds once, then again after every change to the seeds folder
// and at every rescan, until ctx ends. Each rebuild's outcome goes to
// report. A failed rebuild is reported and retried at the next change or
// rescan; Watch itself returns only when ctx ends.
func Watch(ctx context.Context, w *index.Writer, opts Options, wo WatchOptions, report func(Summary, error)) {
	opts = opts.withDefaults()
	if wo.Debounce <= 0 {
		wo.Debounce = 500 * time.Millisecond
	}
	if wo.Rescan <= 0 {
		wo.Rescan = 30 * time.Second
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		opts.Logger.Warn("fsnotify unavailable; rescanning only", "err", err)
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
		addTree(fw, opts.SeedsDir, opts)
	}
	rebuild := func() {
		sum, err := Rebuild(ctx, w, opts)
		if ctx.Err() == nil {
			report(sum, err)
		}
	}
	rebuild()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	rescan := time.NewTicker(wo.Rescan)
	defer rescan.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					addTree(fw, ev.Name, opts)
				}
			}
			debounce.Reset(wo.Debounce)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			opts.Logger.Warn("watch seeds", "err", err)
			debounce.Reset(wo.Debounce)
		case <-debounce.C:
			rebuild()
		case <-rescan.C:
			rebuild()
		}
	}
}

// addTree watches dir and every folder under it (fsnotify is not recursive).
func addTree(fw *fsnotify.Watcher, dir string, opts Options) {
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := fw.Add(path); err != nil {
			opts.Logger.Warn("watch folder", "dir", path, "err", err)
		}
		return nil
	})
}
