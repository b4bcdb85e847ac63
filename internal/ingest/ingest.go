// Package ingest keeps an index equal to a seeds folder. Data flows one
// way: ingest scans the folder (names, sizes, modification times), the
// index writer plans against its published generation (which seeds are
// new, changed, removed or unchanged, and which shards are reused, updated
// or rebuilt), ingest reads and parses the seeds the plan needs when the
// writer asks for them, and the writer builds and publishes. In watch mode
// it does so again whenever the folder changes.
//
// A seed's format is chosen by its extension and confirmed by its content
// (format.go, read.go): text saved from a page (.txt, legacy encodings
// decoded; a .txt that is HTML is read as HTML), HTML pages (.html, .htm,
// read by Options.ReadHTML), JSON records (.json, .jsonl: internal/records)
// and web crawls (.warc: internal/warc), each also gzipped. Other files
// are not seeds: skipped unread, with the reason.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/language/detect"
)

// DefaultMaxSeedBytes is the largest seed read: a news article is far
// smaller; anything bigger is reported and skipped.
const DefaultMaxSeedBytes = 16 << 20

// Options configures a rebuild.
type Options struct {
	SeedsDir     string
	MaxSeedBytes int64 // 0 means DefaultMaxSeedBytes
	// MaxCrawlBytes bounds a web crawl (.warc, .warc.gz), read as a
	// stream; 0 means DefaultMaxCrawlBytes.
	MaxCrawlBytes int64
	Logger        *slog.Logger
	// Progress, if not nil, is told how far the build has got.
	Progress func(index.Progress)
	// ReadHTML reads an HTML page into a document: the reader of .html and
	// .htm seeds, of .txt seeds that are really HTML, and of the pages of
	// .warc crawls (given the page's target URI). When nil, those seeds
	// are skipped with the reason "no HTML reader", and read again by the
	// first rebuild that has one.
	ReadHTML HTMLReader
}

func (o Options) withDefaults() Options {
	if o.MaxSeedBytes <= 0 {
		o.MaxSeedBytes = DefaultMaxSeedBytes
	}
	if o.MaxCrawlBytes <= 0 {
		o.MaxCrawlBytes = DefaultMaxCrawlBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Skip is a seed that could not be indexed.
type Skip struct {
	Seed   string
	Reason string
}

// Summary says what a rebuild did.
type Summary struct {
	Generation int
	Published  bool // false when nothing changed and the served generation stays
	Seeds      int  // seed files found
	New        int
	Changed    int
	Removed    int
	Unchanged  int
	Articles   int // articles in the published index
	Paragraphs int // paragraphs in the published index
	Indexed    int // paragraphs indexed by this run
	Built      int // shards built
	Updated    int // of the shards built, those that are an earlier shard with the new seeds added
	Reused     int // shards reused
	Skipped    []Skip
	// Problems lists the articles left out of seeds that were indexed (a
	// bad record of a .jsonl seed, a broken record of a crawl), each with
	// its seed and the reason, as the manifest records them.
	Problems []Skip
	// Formats counts the seeds to index (those not skipped by their name
	// or size) by format, from their extensions: "txt", "html", "json",
	// "jsonl", "warc".
	Formats map[Format]int
	// Missing counts the indexed articles by metadata the parser could not
	// find in them: "author", "source", "published", "timezone", "title".
	Missing map[string]int
	Elapsed time.Duration
}

// ParagraphsPerSecond is the indexing rate of the run.
func (s Summary) ParagraphsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Indexed) / s.Elapsed.Seconds()
}

// SkipReasons counts the skipped seeds by reason, e.g. "invalid UTF-8: 2".
func (s Summary) SkipReasons() string {
	counts := map[string]int{}
	for _, k := range s.Skipped {
		r := k.Reason
		for _, sep := range []string{":", "(", " at "} {
			if i := strings.Index(r, sep); i > 0 {
				r = strings.TrimSpace(r[:i])
			}
		}
		counts[r]++
	}
	var parts []string
	for r, n := range counts {
		parts = append(parts, fmt.Sprintf("%s: %d", r, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// Rebuild makes the index held by w equal to the seeds folder: it scans
// the folder, has the writer plan against the published generation (which
// seeds are new, changed, removed or unchanged, and what becomes of each
// shard), and, unless the plan finds nothing to do, has it publish a
// generation, reading and parsing the seeds the plan needs as the writer
// asks for them.
func Rebuild(ctx context.Context, w *index.Writer, opts Options) (Summary, error) {
	opts = opts.withDefaults()
	start := time.Now()
	var sum Summary
	limits := sizeLimits{seed: opts.MaxSeedBytes, crawl: opts.MaxCrawlBytes}
	scanned, err := scan(ctx, opts.SeedsDir, limits)
	if err != nil {
		return sum, err
	}
	src := newSeedFiles(opts.SeedsDir, limits, parser{readHTML: opts.ReadHTML, log: opts.Logger, lang: detect.New()})
	plan, err := w.Plan(ctx, scanned, src)
	if err != nil {
		return sum, fmt.Errorf("plan index: %w", err)
	}
	sum.Seeds = len(scanned)
	sum.Formats = formats(scanned)
	sum.New, sum.Changed, sum.Removed, sum.Unchanged = len(plan.New), len(plan.Changed), len(plan.Removed), len(plan.Unchanged)
	if plan.UpToDate() {
		prev := plan.Base
		sum.Generation, sum.Published = prev.Number, false
		sum.Articles, sum.Paragraphs = prev.Articles(), prev.Paragraphs()
		sum.Skipped = skips(prev.Skipped)
		sum.Problems = problemList(prev.Seeds)
		sum.Missing = missing(prev.Seeds)
		sum.Elapsed = time.Since(start)
		return sum, nil
	}

	gen, stats, err := w.Publish(ctx, plan, src, opts.Progress)
	if err != nil {
		return sum, fmt.Errorf("publish index: %w", err)
	}
	sum.Generation, sum.Published = gen.Number, true
	sum.Articles, sum.Paragraphs, sum.Indexed = stats.Articles, stats.Paragraphs, stats.Indexed
	sum.Built, sum.Updated, sum.Reused = stats.Built, stats.Updated, stats.Reused
	sum.Skipped = skips(gen.Skipped)
	sum.Problems = problemList(gen.Seeds)
	sum.Missing = missing(gen.Seeds)
	// Report what this run found out: the seeds it read, new or changed.
	fresh := make(map[string]bool, len(plan.New)+len(plan.Changed))
	for _, l := range [...][]string{plan.New, plan.Changed} {
		for _, seed := range l {
			fresh[seed] = true
		}
	}
	for seed, si := range gen.Seeds {
		if fresh[seed] && len(si.Missing) > 0 {
			opts.Logger.Debug("metadata not found", "seed", seed, "missing", strings.Join(si.Missing, ","))
		}
	}
	for _, s := range sum.Skipped {
		if fresh[s.Seed] {
			opts.Logger.Warn("skipped seed", "seed", s.Seed, "reason", s.Reason)
		}
	}
	for _, s := range sum.Problems {
		if fresh[s.Seed] {
			opts.Logger.Warn("article left out", "seed", s.Seed, "reason", s.Reason)
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// formats counts the scanned seeds that are not skipped unread by format.
func formats(scanned []index.Entry) map[Format]int {
	out := map[Format]int{}
	for _, e := range scanned {
		if e.Info.Reason != "" {
			continue
		}
		if f, _, err := formatOf(e.Seed); err == nil {
			out[f]++
		}
	}
	return out
}

// problemList lists the problems of indexed seeds, by seed.
func problemList(seeds map[string]index.SeedInfo) []Skip {
	var out []Skip
	for seed, si := range seeds {
		for _, p := range si.Problems {
			out = append(out, Skip{Seed: seed, Reason: p})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seed < out[j].Seed })
	return out
}

// FormatsString renders Formats as "txt=3 html=2 jsonl=1", in a fixed
// order.
func (s Summary) FormatsString() string {
	var parts []string
	for _, f := range [...]Format{FormatText, FormatHTML, FormatJSON, FormatJSONL, FormatWARC} {
		if n := s.Formats[f]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", f, n))
		}
	}
	return strings.Join(parts, " ")
}

// missing counts seeds by the metadata they lack.
func missing(seeds map[string]index.SeedInfo) map[string]int {
	out := map[string]int{}
	for _, si := range seeds {
		for _, m := range si.Missing {
			out[m]++
		}
	}
	return out
}

// MissingString renders Missing as "author=3 published=3", sorted.
func (s Summary) MissingString() string {
	var parts []string
	for k, n := range s.Missing {
		parts = append(parts, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func skips(m map[string]index.SeedInfo) []Skip {
	out := make([]Skip, 0, len(m))
	for k, v := range m {
		out = append(out, Skip{Seed: k, Reason: v.Reason})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seed < out[j].Seed })
	return out
}

// String is the one-line summary of a rebuild.
func (s Summary) String() string {
	skipped := fmt.Sprintf("skipped=%d", len(s.Skipped))
	if len(s.Skipped) > 0 {
		skipped += " (" + s.SkipReasons() + ")"
	}
	state := "published"
	if !s.Published {
		state = "unchanged"
	}
	line := fmt.Sprintf("generation %d %s: articles=%d paragraphs=%d %s new=%d changed=%d removed=%d indexed=%d shards built=%d updated=%d reused=%d elapsed=%s paragraphs/s=%.0f",
		s.Generation, state, s.Articles, s.Paragraphs, skipped, s.New, s.Changed, s.Removed, s.Indexed, s.Built, s.Updated, s.Reused,
		s.Elapsed.Round(time.Millisecond), s.ParagraphsPerSecond())
	if len(s.Problems) > 0 {
		line += fmt.Sprintf(" articles left out=%d", len(s.Problems))
	}
	if len(s.Formats) > 0 {
		line += " formats: " + s.FormatsString()
	}
	if len(s.Missing) > 0 {
		line += " metadata not found: " + s.MissingString()
	}
	return line
}
