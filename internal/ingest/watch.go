package ingest

import (
	"context"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/fswatch"
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
// (or any folder under it) and at every rescan, until ctx ends. Each
// rebuild's outcome goes to report. A failed rebuild is reported and
// retried at the next change or rescan; a folder that cannot be watched is
// logged through opts.Logger and left to the rescans. Watch itself returns
// only when ctx ends.
func Watch(ctx context.Context, w *index.Writer, opts Options, wo WatchOptions, report func(Summary, error)) {
	opts = opts.withDefaults()
	if wo.Debounce <= 0 {
		wo.Debounce = 500 * time.Millisecond
	}
	if wo.Rescan <= 0 {
		wo.Rescan = 30 * time.Second
	}
	fswatch.Run(ctx, opts.SeedsDir, fswatch.Options{
		Recursive: true,
		Debounce:  wo.Debounce,
		Tick:      wo.Rescan,
		Logger:    opts.Logger,
	}, func(ctx context.Context) {
		sum, err := Rebuild(ctx, w, opts)
		if ctx.Err() == nil {
			report(sum, err)
		}
	})
}
