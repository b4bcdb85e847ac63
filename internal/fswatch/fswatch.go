// Package fswatch calls a function when a folder changes: fsnotify events,
// debounced, plus a periodic tick as the fallback for the events fsnotify
// misses (network file systems, overflowing queues) or cannot give at all
// (no inotify). The index's reader and the indexer's watch mode both run
// on it.
package fswatch

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options says what to watch and how often to call.
type Options struct {
	// Recursive watches every folder under the watched one too, and the
	// folders created in them later (fsnotify itself is not recursive).
	// Folders whose names start with a dot are not watched.
	Recursive bool
	// Match, if not nil, selects the events that count by the path of the
	// file they concern; nil counts every event.
	Match func(path string) bool
	// Debounce is how long the folder must be quiet after an event before
	// the call, so that a burst of changes is one call. 0 calls at once,
	// on every event.
	Debounce time.Duration
	// Tick is the interval of calls made whatever the events. 0 makes none.
	Tick time.Duration
	// Logger receives what cannot be watched (a folder that cannot be
	// read or added, fsnotify unavailable) and fsnotify's errors. nil
	// discards.
	Logger *slog.Logger
}

// Run calls fn once, then after every change to dir that counts (see
// Options) and at every tick, until ctx ends; calls never overlap. When
// fsnotify is unavailable or dir cannot be watched, only the ticks remain,
// and the logger says so. An fsnotify error is logged and counts as a
// change, since an event may have been lost with it.
func Run(ctx context.Context, dir string, opts Options, fn func(context.Context)) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("fsnotify unavailable; polling only", "dir", dir, "err", err)
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
		if opts.Recursive {
			addTree(fw, dir, log)
		} else if err := fw.Add(dir); err != nil {
			log.Warn("folder not watched; polling only", "dir", dir, "err", err)
		}
	}

	fn(ctx)
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	defer debounce.Stop()
	var tick <-chan time.Time
	if opts.Tick > 0 {
		t := time.NewTicker(opts.Tick)
		defer t.Stop()
		tick = t.C
	}
	changed := func() {
		if opts.Debounce <= 0 {
			fn(ctx)
			return
		}
		debounce.Reset(opts.Debounce)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if opts.Recursive && ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() && !hidden(ev.Name) {
					addTree(fw, ev.Name, log)
				}
			}
			if opts.Match == nil || opts.Match(ev.Name) {
				changed()
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			log.Warn("watch folder", "dir", dir, "err", err)
			changed()
		case <-debounce.C:
			fn(ctx)
		case <-tick:
			fn(ctx)
		}
	}
}

// addTree watches dir and every folder under it but hidden ones. A folder
// that cannot be read or added is logged and left to the ticks.
func addTree(fw *fsnotify.Watcher, dir string, log *slog.Logger) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable folder: what is under it is not watched.
			log.Warn("folder not watched", "dir", path, "err", err)
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir && hidden(path) {
			return filepath.SkipDir
		}
		if err := fw.Add(path); err != nil {
			log.Warn("folder not watched", "dir", path, "err", err)
		}
		return nil
	})
	if err != nil {
		log.Warn("folder not watched", "dir", dir, "err", err)
	}
}

// hidden reports whether a path names a hidden file or folder.
func hidden(path string) bool { return strings.HasPrefix(filepath.Base(path), ".") }
