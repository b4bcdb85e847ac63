package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/newsroom/newsearch/internal/article"
)

// DefaultShards is the default number of shards. Every search pays a
// fixed cost per shard (a searcher per word and field, a goroutine, the
// merge of the shards' hits) and a change re-indexes one shard: at
// 100,000 paragraphs on 2 cores, 4 shards answer 1,061 searches/s with 2
// clients where 8 answer 777, and a changed seed re-indexes a quarter of
// the corpus instead of an eighth.
const DefaultShards = 4

// WriterOptions tunes a Writer. The zero value works.
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
	// in one pass. 0 means all of them: one pass over the data instead of
	// one per level of a 10-way merge tree (2 passes at 100,000
	// paragraphs, 3 at 1,000,000; one pass indexes 12 % faster at 100,000).
	MergeMax int
	// MaxUpdates is how many times a shard is updated instead of rebuilt.
	// When a bucket's seeds changed little, its new shard is a copy of the
	// old one (segment files hard-linked) in which the paragraphs of
	// changed and removed seeds are deleted and new and changed seeds
	// indexed: the cost is that of the changed seeds, not of the bucket.
	// After MaxUpdates the bucket is built whole again. 0 means 32; -1
	// means always build whole.
	MaxUpdates int
	// Workers is the number of shards built at once. 0 means GOMAXPROCS.
	Workers int
	// Logger receives what the writer does. nil discards.
	Logger *slog.Logger
}

func (o WriterOptions) withDefaults() WriterOptions {
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
		o.MergeMax = 1 << 20
	}
	switch {
	case o.MaxUpdates == 0:
		o.MaxUpdates = 32
	case o.MaxUpdates < 0:
		o.MaxUpdates = 0
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Writer builds and publishes generations of one index directory. It holds
// the directory's writer lock from OpenWriter to Close: a second writer on
// the same directory gets ErrLocked. A Writer is for one goroutine at a
// time.
type Writer struct {
	dir     string
	opts    WriterOptions
	lock    *lock
	mapping mapping.IndexMapping
	docs    *docMaker   // the builder's documents, made without the mapping's walk
	cur     *Generation // the published generation, once read or written
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

// OpenWriter locks dir (creating it if needed) for writing and removes what
// a crashed build left behind.
func OpenWriter(dir string, opts WriterOptions) (*Writer, error) {
	opts = opts.withDefaults()
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
	return w, nil
}

// Close releases the writer lock.
func (w *Writer) Close() error { return w.lock.release() }

// Dir returns the index directory.
func (w *Writer) Dir() string { return w.dir }

// Entry is one seed to index: its path relative to the seeds folder and
// what is known of its file.
type Entry struct {
	Seed string
	Info SeedInfo
}

// Loader reads and parses the seed of an entry. It returns the SHA-256 (hex)
// of the bytes it read, also when they do not parse, so that an entry
// scanned without a hash (a new seed, read once, here) gets one; it fails
// when the bytes differ from a hash the entry has. It is called only for
// the seeds of shards that must be rebuilt.
type Loader func(Entry) (a *article.Article, sha256 string, err error)

// Progress is how far a Publish has got.
type Progress struct {
	Seeds      int // seeds read so far
	SeedsTotal int // seeds to read: those of the shards being rebuilt
	Paragraphs int // paragraphs indexed so far
}

// BuildStats says what a Publish did.
type BuildStats struct {
	Generation int
	Shards     int // shards in the generation
	Built      int // shards built by this run
	Reused     int // shards taken over unchanged from earlier generations
	Updated    int // of the shards built, those that are an earlier shard with seeds added
	Articles   int // articles in the generation
	Paragraphs int // paragraphs in the generation
	Indexed    int // paragraphs indexed by this run
	Elapsed    time.Duration
}

// Publish builds the generation that holds exactly entries, reusing every
// shard whose seeds are unchanged, and publishes it atomically: readers see
// the previous generation until the CURRENT pointer is replaced. skipped
// lists the seeds that could not be indexed; entries whose load fails are
// added to it. progress, if not nil, is called after each seed indexed
// (from several goroutines, never at once).
func (w *Writer) Publish(ctx context.Context, entries []Entry, skipped map[string]SeedInfo, load Loader, progress func(Progress)) (*Generation, BuildStats, error) {
	start := time.Now()
	prevNumber, err := w.lastNumber()
	if err != nil {
		return nil, BuildStats{}, err
	}
	gen := &Generation{
		Number:     prevNumber + 1,
		Created:    time.Now().UTC(),
		Mapping:    MappingVersion,
		ShardCount: w.opts.Shards,
		Seeds:      map[string]SeedInfo{},
		Skipped:    map[string]SeedInfo{},
	}
	for k, v := range skipped {
		gen.Skipped[k] = v
	}
	cur, err := w.Current()
	if err != nil {
		cur = nil // nothing to reuse: build every shard
	}

	pl := w.plan(entries, cur)
	for k, v := range pl.seeds {
		gen.Seeds[k] = v
	}
	gen.Shards = append(gen.Shards, pl.reused...)
	jobs := pl.jobs
	stats := BuildStats{Generation: gen.Number, Reused: len(pl.reused)}
	var mu sync.Mutex // guards gen and stats below
	var workers sync.WaitGroup
	var firstErr error
	work := make(chan job)
	var prog Progress
	for _, j := range jobs {
		prog.SeedsTotal += len(j.entries)
	}
	for range min(w.opts.Workers, max(len(jobs), 1)) {
		workers.Go(func() {
			for j := range work {
				write := w.buildShard
				if j.base != nil {
					write = w.updateShard
				}
				done := 0 // paragraphs indexed for this job
				info, seeds, bad, err := write(ctx, j, load, func(n int) {
					done += n
					if progress != nil {
						mu.Lock()
						prog.Seeds++
						prog.Paragraphs += n
						progress(prog)
						mu.Unlock()
					}
				})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					switch {
					case info.Articles == 0:
					case j.base != nil && info.Name == j.base.Name:
						// Every added seed failed to load: the shard as it was.
						gen.Shards = append(gen.Shards, info)
						stats.Reused++
					default:
						gen.Shards = append(gen.Shards, info)
						stats.Built++
						stats.Indexed += done
						if j.base != nil && info.Updates > 0 {
							stats.Updated++
						}
					}
					for k, v := range seeds {
						gen.Seeds[k] = v
					}
					for k, v := range bad {
						gen.Skipped[k] = v
					}
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		work <- j
	}
	close(work)
	workers.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, stats, firstErr
	}

	sort.Slice(gen.Shards, func(i, j int) bool { return gen.Shards[i].Bucket < gen.Shards[j].Bucket })
	for _, s := range gen.Shards {
		stats.Articles += s.Articles
		stats.Paragraphs += s.Paragraphs
	}
	stats.Shards = len(gen.Shards)
	if err := w.publish(gen); err != nil {
		return nil, stats, err
	}
	w.cur = gen
	if err := w.collect(); err != nil {
		w.opts.Logger.Warn("remove old generations", "err", err)
	}
	stats.Elapsed = time.Since(start)
	return gen, stats, nil
}

// bucket returns the shard bucket of a seed path.
func (w *Writer) bucket(seed string) int {
	h := fnv.New32a()
	h.Write([]byte(seed))
	return int(h.Sum32() % uint32(w.opts.Shards))
}

// shardName names a shard by its bucket and a hash of everything that
// decides its content: the mapping version, the bucket count and the
// sorted seeds with their content hashes.
func (w *Writer) shardName(bucket int, es []Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "mapping %s\nshards %d\nbucket %d\n", MappingVersion, w.opts.Shards, bucket)
	for _, e := range es {
		fmt.Fprintf(h, "%s\x00%s\n", e.Seed, e.Info.SHA256)
	}
	return fmt.Sprintf("s%03d-%s", bucket, hex.EncodeToString(h.Sum(nil))[:16])
}

// buildShard indexes the entries of one bucket into a new shard directory.
// Entries whose load fails are returned in bad and left out.
func (w *Writer) buildShard(ctx context.Context, j job, load Loader, progress func(int)) (ShardInfo, map[string]SeedInfo, map[string]SeedInfo, error) {
	bucket, es := j.bucket, j.entries
	shards := filepath.Join(w.dir, shardsDir)
	scratch := filepath.Join(shards, buildPrefix+"scratch")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return ShardInfo{}, nil, nil, fmt.Errorf("create scratch dir: %w", err)
	}
	tmp, err := os.MkdirTemp(shards, buildPrefix+fmt.Sprintf("s%03d-", bucket))
	if err != nil {
		return ShardInfo{}, nil, nil, fmt.Errorf("create shard build dir: %w", err)
	}
	// bleve's builder wants to create its own directory.
	if err := os.Remove(tmp); err != nil {
		return ShardInfo{}, nil, nil, fmt.Errorf("prepare shard build dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	// The builder is made on the first article: bleve's builder cannot
	// close empty, and a bucket whose seeds all fail to load has none.
	var b bleve.Builder
	closeBuilder := func() {
		if b != nil {
			b.Close()
		}
	}
	seeds := map[string]SeedInfo{}
	bad := map[string]SeedInfo{}
	var kept []Entry
	info := ShardInfo{Bucket: bucket}
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			closeBuilder()
			return info, nil, nil, err
		}
		a, ok := loaded(load, &e, bad)
		if !ok {
			continue
		}
		if b == nil {
			var err error
			b, err = bleve.NewBuilder(tmp, w.docs.builder, map[string]any{
				"buildPathPrefix": scratch,
				"batchSize":       w.opts.BatchSize,
				"mergeMax":        w.opts.MergeMax,
			})
			if err != nil {
				return info, nil, nil, fmt.Errorf("new shard builder: %w", err)
			}
		}
		docs, err := w.docs.article(a)
		if err != nil {
			closeBuilder()
			return info, nil, nil, fmt.Errorf("index %s: %w", e.Seed, err)
		}
		for i := range docs {
			if err := b.Index(docs[i].id, &docs[i]); err != nil {
				closeBuilder()
				return info, nil, nil, fmt.Errorf("index %s paragraph %s: %w", e.Seed, docs[i].id, err)
			}
		}
		seeds[e.Seed] = indexed(e, a)
		kept = append(kept, e)
		info.Articles++
		info.Paragraphs += len(a.Paragraphs)
		progress(len(a.Paragraphs))
	}
	if b == nil {
		return info, seeds, bad, nil
	}
	if err := b.Close(); err != nil {
		return info, nil, nil, fmt.Errorf("finish shard %d: %w", bucket, err)
	}
	if err := w.install(tmp, &info, kept, seeds); err != nil {
		return info, nil, nil, err
	}
	return info, seeds, bad, nil
}

// loaded loads the article of an entry and gives the entry the hash of what
// was read if it had none; a failure is recorded in bad, with its reason.
func loaded(load Loader, e *Entry, bad map[string]SeedInfo) (*article.Article, bool) {
	a, sum, err := load(*e)
	if e.Info.SHA256 == "" {
		e.Info.SHA256 = sum
	}
	if err != nil {
		si := e.Info
		si.Reason = err.Error()
		bad[e.Seed] = si
		return nil, false
	}
	return a, true
}

// indexed is what a manifest records of an entry indexed as article a.
func indexed(e Entry, a *article.Article) SeedInfo {
	si := e.Info
	si.ArticleID, si.Paragraphs, si.Reason, si.Missing = a.ID, len(a.Paragraphs), "", a.Missing
	return si
}

// install names the shard written in tmp after the seeds it holds, moves it
// into the shards directory (unless a shard of that content is there
// already) and records the name in seeds.
func (w *Writer) install(tmp string, info *ShardInfo, kept []Entry, seeds map[string]SeedInfo) error {
	shards := filepath.Join(w.dir, shardsDir)
	info.Name = w.shardName(info.Bucket, kept)
	final := filepath.Join(shards, info.Name)
	if _, err := os.Stat(final); err == nil {
		// Built before with the same content (a failed load fell back to a known set).
	} else if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("chmod shard: %w", err)
	} else if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("publish shard %s: %w", info.Name, err)
	}
	for k, v := range seeds {
		v.Shard = info.Name
		seeds[k] = v
	}
	return syncDir(shards)
}

// publish writes the manifest of gen and points CURRENT at it.
func (w *Writer) publish(gen *Generation) error {
	// Compact: the manifest lists every seed (5.7 MB at 100,000
	// paragraphs), and indenting it takes four times as long.
	b, err := json.Marshal(gen)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	name := manifestName(gen.Number)
	if err := writeFileAtomic(filepath.Join(w.dir, name), b); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(w.dir, currentFile), []byte(name+"\n"))
}

// manifests lists the generation numbers that have a manifest, ascending.
func (w *Writer) manifests() ([]int, error) {
	names, err := filepath.Glob(filepath.Join(w.dir, "gen-*.json"))
	if err != nil {
		return nil, fmt.Errorf("list manifests: %w", err)
	}
	var nums []int
	for _, n := range names {
		var g int
		if _, err := fmt.Sscanf(filepath.Base(n), "gen-%08d.json", &g); err == nil {
			nums = append(nums, g)
		}
	}
	slices.Sort(nums)
	return nums, nil
}

func (w *Writer) lastNumber() (int, error) {
	nums, err := w.manifests()
	if err != nil || len(nums) == 0 {
		return 0, err
	}
	return nums[len(nums)-1], nil
}

// collect removes the manifests of all but the last Keep generations (never
// the current one) and the shards that no kept generation uses.
func (w *Writer) collect() error {
	nums, err := w.manifests()
	if err != nil {
		return err
	}
	cur, err := w.Current()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	var errs []error
	for i, n := range nums {
		path := filepath.Join(w.dir, manifestName(n))
		if i < len(nums)-w.opts.Keep && n != cur.Number {
			if err := os.Remove(path); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		names, err := shardNames(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, n := range names {
			used[n] = true
		}
	}
	dirs, err := os.ReadDir(filepath.Join(w.dir, shardsDir))
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d.Name(), ".") || used[d.Name()] {
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.dir, shardsDir, d.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeBuilds deletes the build directories a crashed writer left.
func (w *Writer) removeBuilds() error {
	dirs, err := os.ReadDir(filepath.Join(w.dir, shardsDir))
	if err != nil {
		return fmt.Errorf("list shards: %w", err)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d.Name(), buildPrefix) {
			if err := os.RemoveAll(filepath.Join(w.dir, shardsDir, d.Name())); err != nil {
				return fmt.Errorf("remove stale build %s: %w", d.Name(), err)
			}
		}
	}
	return nil
}
