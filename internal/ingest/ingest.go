// Package ingest keeps an index equal to a seeds folder: it scans the
// folder, tells new, changed, unchanged and removed seeds apart by size,
// modification time and content hash, has the index writer rebuild only the
// shards whose seeds changed, and (in watch mode) does so again whenever the
// folder changes.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/article"
)

// DefaultMaxSeedBytes is the largest seed read: a news article is far
// smaller; anything bigger is reported and skipped.
const DefaultMaxSeedBytes = 16 << 20

// Options configures a rebuild.
type Options struct {
	SeedsDir     string
	MaxSeedBytes int64 // 0 means DefaultMaxSeedBytes
	Logger       *slog.Logger
	// Progress, if not nil, is told how far the build has got.
	Progress func(index.Progress)
}

func (o Options) withDefaults() Options {
	if o.MaxSeedBytes <= 0 {
		o.MaxSeedBytes = DefaultMaxSeedBytes
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

// file is a seed file found by a scan.
type file struct {
	rel  string // path relative to the seeds folder, forward slashes
	path string
	info index.SeedInfo
	err  error // set when the file cannot be indexed whatever its content
}

// Rebuild makes the index held by w equal to the seeds folder: it indexes
// new and changed seeds, drops removed ones and publishes a generation,
// or does nothing when nothing changed.
func Rebuild(ctx context.Context, w *index.Writer, opts Options) (Summary, error) {
	opts = opts.withDefaults()
	start := time.Now()
	var sum Summary
	prev, err := w.Current()
	if err != nil && !errors.Is(err, index.ErrNoIndex) {
		opts.Logger.Warn("previous generation unreadable; rebuilding everything", "err", err)
	}
	known := map[string]index.SeedInfo{}
	knownBad := map[string]index.SeedInfo{}
	if prev != nil {
		known, knownBad = prev.Seeds, prev.Skipped
	}
	files, err := scan(opts.SeedsDir, opts.MaxSeedBytes)
	if err != nil {
		return sum, err
	}
	sum.Seeds = len(files)

	// A seed whose size and modification time are as recorded keeps its
	// recorded hash; the others seen before are hashed here, in parallel,
	// to tell a real change from a touch. A new seed is hashed when it is
	// read for indexing: it is read once.
	previous := func(rel string) (index.SeedInfo, bool, bool) {
		old, wasGood := known[rel]
		oldBad, wasBad := knownBad[rel]
		if !wasGood && wasBad {
			old = oldBad
		}
		return old, wasGood || wasBad, wasBad
	}
	var toHash []*file
	for i := range files {
		f := &files[i]
		if f.err != nil {
			continue
		}
		switch old, seen, _ := previous(f.rel); {
		case !seen:
		case old.Size == f.info.Size && old.ModTime.Equal(f.info.ModTime) && old.SHA256 != "":
			f.info.SHA256 = old.SHA256
		default:
			toHash = append(toHash, f)
		}
	}
	hashFiles(toHash)

	var entries []index.Entry
	skipped := map[string]index.SeedInfo{}
	present := map[string]bool{}
	changed := false
	for i := range files {
		f := &files[i]
		present[f.rel] = true
		old, seen, wasBad := previous(f.rel)
		oldBad := knownBad[f.rel]
		switch {
		case !seen:
			sum.New++
			changed = true
		case old.SHA256 != f.info.SHA256 || old.Size != f.info.Size || (f.err != nil && (!wasBad || old.Reason != f.err.Error())):
			sum.Changed++
			changed = true
		default:
			sum.Unchanged++
		}
		if f.err != nil {
			f.info.Reason = f.err.Error()
			skipped[f.rel] = f.info
			continue
		}
		if wasBad && oldBad.SHA256 == f.info.SHA256 {
			// Known to be unreadable as an article; not worth parsing again.
			skipped[f.rel] = oldBad
			continue
		}
		entries = append(entries, index.Entry{Seed: f.rel, Info: f.info})
	}
	for rel := range known {
		if !present[rel] {
			sum.Removed++
			changed = true
		}
	}
	for rel := range knownBad {
		if !present[rel] {
			changed = true
		}
	}
	if prev != nil && !changed && prev.Mapping == index.MappingVersion {
		sum.Generation, sum.Published = prev.Number, false
		sum.Articles, sum.Paragraphs = len(prev.Seeds), prev.Paragraphs()
		sum.Skipped = skips(prev.Skipped)
		sum.Missing = missing(prev.Seeds)
		sum.Elapsed = time.Since(start)
		return sum, nil
	}

	load := func(e index.Entry) (*article.Article, string, error) {
		return loadSeed(opts.SeedsDir, e, opts.MaxSeedBytes)
	}
	gen, stats, err := w.Publish(ctx, entries, skipped, load, opts.Progress)
	if err != nil {
		return sum, fmt.Errorf("publish index: %w", err)
	}
	sum.Generation, sum.Published = gen.Number, true
	sum.Articles, sum.Paragraphs, sum.Indexed = stats.Articles, stats.Paragraphs, stats.Indexed
	sum.Built, sum.Updated, sum.Reused = stats.Built, stats.Updated, stats.Reused
	sum.Skipped = skips(gen.Skipped)
	sum.Missing = missing(gen.Seeds)
	for seed, si := range gen.Seeds {
		if old, ok := known[seed]; len(si.Missing) > 0 && (!ok || old.SHA256 != si.SHA256) {
			opts.Logger.Debug("metadata not found", "seed", seed, "missing", strings.Join(si.Missing, ","))
		}
	}
	for _, s := range sum.Skipped {
		if old, ok := knownBad[s.Seed]; !ok || old.SHA256 != gen.Skipped[s.Seed].SHA256 {
			opts.Logger.Warn("skipped seed", "seed", s.Seed, "reason", s.Reason)
		}
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
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

// scan lists the seed files under dir: regular files whose names do not
// start with a dot, and symbolic links to such files inside dir.
func scan(dir string, maxBytes int64) ([]file, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("seeds dir %s: %w", dir, err)
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("seeds dir: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("seeds dir %s is not a directory", dir)
	}
	var files []file
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			files = append(files, file{rel: filepath.ToSlash(rel), path: path, err: fmt.Errorf("unreadable: %w", err)})
			return nil
		}
		name := d.Name()
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f := file{rel: filepath.ToSlash(rel), path: path}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				f.err = fmt.Errorf("broken symbolic link: %w", err)
			} else if r, err := filepath.Rel(root, target); err != nil || r == ".." || strings.HasPrefix(r, "../") {
				f.err = errors.New("symbolic link points outside the seeds folder")
			} else {
				f.path = target
			}
		} else if !d.Type().IsRegular() {
			return nil // devices, sockets, pipes: not seeds
		}
		st, err := os.Stat(f.path)
		if err != nil && f.err == nil {
			f.err = fmt.Errorf("unreadable: %w", err)
		}
		if err == nil {
			f.info = index.SeedInfo{Size: st.Size(), ModTime: st.ModTime().UTC()}
			if st.IsDir() && f.err == nil {
				f.err = errors.New("symbolic link to a directory")
			}
			if st.Size() > maxBytes && f.err == nil {
				f.err = fmt.Errorf("too large: %d bytes, the limit is %d", st.Size(), maxBytes)
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan seeds %s: %w", dir, err)
	}
	return files, nil
}

// hashFiles sets the SHA-256 of each file's content, or its error, with one
// goroutine and one read buffer per CPU.
func hashFiles(files []*file) {
	next := make(chan *file)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Go(func() {
			buf := make([]byte, 64<<10)
			h := sha256.New()
			for f := range next {
				sum, err := hashFile(f.path, h, buf)
				if err != nil {
					f.err = err
					continue
				}
				f.info.SHA256 = sum
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
}

// hashFile returns the hex SHA-256 of a file's content, reading it through
// buf with h (reset first).
func hashFile(path string, h hash.Hash, buf []byte) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	h.Reset()
	for {
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("unreadable: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(buf[:0])), nil
}

// loadSeed reads and parses one seed and returns the SHA-256 of its bytes
// (also when they do not parse), checking that it is still the file that
// was scanned when the scan hashed it.
func loadSeed(dir string, e index.Entry, maxBytes int64) (*article.Article, string, error) {
	path := filepath.Join(dir, filepath.FromSlash(e.Seed))
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("unreadable: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, "", fmt.Errorf("too large: more than %d bytes", maxBytes)
	}
	b := sha256.Sum256(data)
	sum := hex.EncodeToString(b[:])
	if e.Info.SHA256 != "" && sum != e.Info.SHA256 {
		return nil, sum, errors.New("changed while being indexed: it is picked up by the next rebuild")
	}
	a, err := article.Parse(e.Seed, data)
	if err != nil {
		return nil, sum, err
	}
	return a, sum, nil
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
	if len(s.Missing) > 0 {
		line += " metadata not found: " + s.MissingString()
	}
	return line
}
