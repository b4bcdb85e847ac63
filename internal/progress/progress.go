// Package progress reports how far a long indexing run has got: a
// redrawn bar with count, rate and ETA on a terminal, and a plain log line
// every few seconds otherwise.
package progress

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Reporter prints progress. Its methods are safe for concurrent use.
type Reporter struct {
	mu       sync.Mutex
	out      io.Writer
	log      *slog.Logger
	terminal bool
	every    time.Duration
	start    time.Time
	last     time.Time
	drawn    bool
}

// New returns a Reporter that draws a bar on out when terminal is true,
// and otherwise logs a line to log at most every interval.
func New(out io.Writer, log *slog.Logger, terminal bool, interval time.Duration) *Reporter {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	now := time.Now()
	return &Reporter{out: out, log: log, terminal: terminal, every: interval, start: now, last: now}
}

// Update reports done of total items and paragraphs indexed so far.
func (r *Reporter) Update(done, total, paragraphs int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	elapsed := now.Sub(r.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(paragraphs) / elapsed.Seconds()
	}
	eta := "?" // too early to tell: extrapolating from the first few seeds misleads
	if done*20 >= total && total > done {
		eta = time.Duration(float64(elapsed) * float64(total-done) / float64(done)).Round(time.Second).String()
	} else if done >= total {
		eta = "0s"
	}
	if r.terminal {
		if now.Sub(r.last) < 100*time.Millisecond && done < total {
			return
		}
		r.last = now
		const width = 30
		filled := 0
		if total > 0 {
			filled = width * done / total
		}
		bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
		fmt.Fprintf(r.out, "\r[%s] %d/%d seeds  %d paragraphs  %.0f para/s  ETA %s ", bar, done, total, paragraphs, rate, eta)
		r.drawn = true
		return
	}
	if now.Sub(r.last) < r.every {
		return
	}
	r.last = now
	r.log.Info("indexing", "seeds", done, "of", total, "paragraphs", paragraphs, "paragraphs_per_s", int(rate), "eta", eta)
}

// Done ends the bar's line.
func (r *Reporter) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drawn {
		fmt.Fprintln(r.out)
		r.drawn = false
	}
}
