package index

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
)

// The writer's files, one idea each: this one opens and configures a
// Writer; plan.go decides what a generation takes (Plan); publish.go
// carries a plan out and commits the generation (Publish); build.go builds
// a shard whole and names and installs it; update.go updates a copy of a
// shard; generations.go numbers generations and removes what no kept
// generation needs.

// DefaultShards is the default number of shards. Every search pays a
// fixed cost per shard (a searcher per word and field, a goroutine, the
// merge of the shards' hits) and a change re-indexes one shard, so fewer
// shards search faster and more update more cheaply; bench/RESULTS.md
// ("4 shards instead of 8", "Incremental rebuilds") has the measurements
// behind 4.
const DefaultShards = 4

// DefaultMergeMax is how many batch segments a shard's builder merges in
// one pass by default. Up to about a million paragraphs (4 shards, batches
// of 1,000) that is all of them: one pass over the data instead of one per
// level of bleve's 10-way merge tree, which indexes faster. Past it the
// merge goes in two passes: bleve's merge looks at every input segment for
// each distinct term, a cost of terms × segments that grows with the
// square of the shard (identifiers are distinct terms), and each segment
// merged holds open files and memory (bench/RESULTS.md, "Memory at
// scale").
const DefaultMergeMax = 256

// DefaultMaxUpdates is how many times a shard is updated, by default,
// before it is built whole again.
const DefaultMaxUpdates = 32

// WriterOptions tunes a Writer. The zero value works: a zero field takes
// the default its comment names.
type WriterOptions struct {
	// Shards is the number of buckets seeds are hashed into; each bucket is
	// one bleve index, rebuilt only when one of its seeds changes. 0 means
	// DefaultShards. Changing it rebuilds everything.
	Shards int
	// Keep is the number of generations kept on disk for readers that have
	// not switched yet. 0 means 3.
	Keep int
	// BatchSize is the number of documents per builder batch. 0 means 1000.
	BatchSize int
	// MergeMax is how many of a shard's batch segments the builder merges
	// in one pass. 0 means DefaultMergeMax.
	MergeMax int
	// MaxUpdates is how many times a shard is updated instead of rebuilt.
	// When a bucket's seeds changed little, its new shard is a copy of the
	// old one (segment files hard-linked) in which the paragraphs of
	// changed and removed seeds are deleted and new and changed seeds
	// indexed: the cost is that of the changed seeds, not of the bucket.
	// After MaxUpdates the bucket is built whole again. 0 means
	// DefaultMaxUpdates; it may not be negative (see NoUpdates).
	MaxUpdates int
	// NoUpdates builds every bucket that changed whole: no shard is ever
	// updated, whatever MaxUpdates says.
	NoUpdates bool
	// Workers is the number of shards built, and of seeds hashed, at once.
	// 0 means GOMAXPROCS.
	Workers int
	// Logger receives what the writer does. nil discards.
	Logger *slog.Logger
}

// withDefaults returns the options with every zero field set to its
// default, or an error for a value that means nothing.
func (o WriterOptions) withDefaults() (WriterOptions, error) {
	if o.MaxUpdates < 0 {
		return o, fmt.Errorf("writer options: MaxUpdates %d is negative (NoUpdates turns updates off)", o.MaxUpdates)
	}
	if o.Shards <= 0 {
		o.Shards = DefaultShards
	}
	if o.Keep <= 0 {
		o.Keep = 3
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.MergeMax <= 0 {
		o.MergeMax = DefaultMergeMax
	}
	if o.MaxUpdates == 0 {
		o.MaxUpdates = DefaultMaxUpdates
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Writer plans, builds and publishes generations of one index directory.
// It holds the directory's writer lock from OpenWriter to Close: a second
// writer on the same directory gets ErrLocked. A Writer is for one
// goroutine at a time.
type Writer struct {
	dir     string
	opts    WriterOptions
	lock    *lock
	mapping mapping.IndexMapping
	docs    *docMaker   // the builder's documents, made without the mapping's walk
	cur     *Generation // the published generation, once read or written

	// whole caches shardWhole's verdicts: a shard does not change once
	// installed, so each is checked against its SUMS once per writer.
	wholeMu sync.Mutex
	whole   map[string]bool
}

// OpenWriter locks dir (creating it if needed) for writing and removes what
// a crashed writer left behind: build directories, shards being removed,
// temporaries, and the generations past Keep it had not collected yet.
func OpenWriter(dir string, opts WriterOptions) (*Writer, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, shardsDir), 0o755); err != nil {
		return nil, fmt.Errorf("create index dir %s: %w", dir, err)
	}
	l, err := acquireLock(dir)
	if err != nil {
		return nil, err
	}
	m, err := NewMapping()
	if err != nil {
		l.release()
		return nil, err
	}
	docs, err := newDocMaker(m)
	if err != nil {
		l.release()
		return nil, err
	}
	w := &Writer{dir: dir, opts: opts, lock: l, mapping: m, docs: docs}
	if err := w.removeBuilds(); err != nil {
		l.release()
		return nil, err
	}
	// A writer killed between publishing and collecting left old
	// generations' shards: they go now rather than at the next publish.
	if _, err := w.Current(); err == nil {
		if err := w.collect(); err != nil {
			opts.Logger.Warn("remove old generations", "err", err)
		}
	}
	return w, nil
}

// Current returns the generation published in the writer's directory, as
// the package's Current does. Only this writer publishes there while it
// holds the lock, so the manifest (megabytes for a large index) is read
// once and then kept; the result must not be modified.
func (w *Writer) Current() (*Generation, error) {
	if w.cur != nil {
		return w.cur, nil
	}
	g, err := Current(w.dir)
	if err != nil {
		return nil, err
	}
	w.cur = g
	return g, nil
}

// Close releases the writer lock.
func (w *Writer) Close() error { return w.lock.release() }

// Dir returns the index directory.
func (w *Writer) Dir() string { return w.dir }
