package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The index directory:
//
//	DIR/CURRENT              name of the served generation manifest ("gen-00000007.json"), replaced by rename
//	DIR/gen-00000007.json    a generation: its shards and the seeds they hold
//	DIR/shards/s03-<hash>/   one bleve index; immutable once published, shared by generations
//	DIR/shards/s03-<hash>/SUMS  the size and CRC-32C of each file of the shard, written last before it is installed
//	DIR/shards/.build-*      shards being built (removed when a crashed build is found)
//	DIR/shards/.trash-*      shards being removed: renamed aside first, so that a removal killed
//	                         half-way never leaves part of a shard under a shard's name
//	DIR/.gen-*.tmp-*         a manifest or CURRENT being written (writeFileAtomic)
//	DIR/LOCK                 the writer's lock file (flock), naming the pid that holds it
const (
	currentFile = "CURRENT"
	lockFile    = "LOCK"
	shardsDir   = "shards"
	buildPrefix = ".build-"
	trashPrefix = ".trash-"
	sumsFile    = "SUMS"
)

// Generation is the manifest of one published generation.
type Generation struct {
	Number     int       `json:"generation"`
	Created    time.Time `json:"created"`
	Mapping    string    `json:"mapping"`
	ShardCount int       `json:"shard_count"` // buckets that seeds are hashed into
	// Readers is the version of the seed readers that made the
	// generation's documents (VersionedSource), "" for none.
	Readers string              `json:"readers,omitempty"`
	Shards  []ShardInfo         `json:"shards"`
	Seeds   map[string]SeedInfo `json:"seeds"`   // indexed seeds by path
	Skipped map[string]SeedInfo `json:"skipped"` // seeds that could not be indexed, with the reason
}

// ShardInfo describes one shard of a generation.
type ShardInfo struct {
	Name    string `json:"name"`
	Bucket  int    `json:"bucket"`
	Updates int    `json:"updates,omitempty"` // times the shard was updated (copied, then changed) since it was built whole
	// Terms counts the distinct terms of each field of an updated shard
	// (bleve's own count adds up its segments'); nil for a whole build.
	Terms      map[string]int `json:"terms,omitempty"`
	Articles   int            `json:"articles"`
	Paragraphs int            `json:"paragraphs"`
}

// SeedInfo is what a generation knows of one seed file.
//
// A seed of one article (the common case, and every seed of manifests
// written before seeds could hold several) records that article's id in
// ArticleID and its paragraphs in Paragraphs, and no Articles. A seed of
// several articles records each in Articles, and Paragraphs is their sum,
// so that an update can delete every paragraph of the seed; ArticleID is
// then empty. Manifests of either kind read alike, so the change needed no
// new manifest or mapping version.
type SeedInfo struct {
	Size       int64         `json:"size"`
	ModTime    time.Time     `json:"mod_time"`
	SHA256     string        `json:"sha256"`
	ArticleID  string        `json:"article_id,omitempty"`
	Paragraphs int           `json:"paragraphs,omitempty"`
	Articles   []ArticleInfo `json:"articles,omitempty"` // a seed of several articles: each one
	Shard      string        `json:"shard,omitempty"`
	Missing    []string      `json:"missing,omitempty"` // metadata the parser could not find
	Reason     string        `json:"reason,omitempty"`  // why a skipped seed was skipped
	// Problems says why some articles of an indexed seed were left out
	// (SeedProblems), at most 20 of them.
	Problems []string `json:"problems,omitempty"`
}

// ArticleInfo is one article of a seed that holds several.
type ArticleInfo struct {
	ID         string `json:"id"`
	Paragraphs int    `json:"paragraphs"`
}

// SeedArticles returns the articles an indexed seed holds, with their
// paragraph counts, whichever way the manifest records them.
func (si SeedInfo) SeedArticles() []ArticleInfo {
	if len(si.Articles) > 0 {
		return si.Articles
	}
	if si.ArticleID == "" {
		return nil
	}
	return []ArticleInfo{{ID: si.ArticleID, Paragraphs: si.Paragraphs}}
}

// articleCount is the number of articles a seed of the manifest holds.
func (si SeedInfo) articleCount() int {
	if len(si.Articles) > 0 {
		return len(si.Articles)
	}
	return 1
}

// Articles returns the number of articles in the generation.
func (g *Generation) Articles() int {
	n := 0
	for _, s := range g.Shards {
		n += s.Articles
	}
	return n
}

// Paragraphs returns the number of paragraph documents in the generation.
func (g *Generation) Paragraphs() int {
	n := 0
	for _, s := range g.Shards {
		n += s.Paragraphs
	}
	return n
}

// manifestName is the file name of generation n's manifest.
func manifestName(n int) string { return fmt.Sprintf("gen-%08d.json", n) }

// ErrNoIndex is returned when the directory has no published generation yet.
var ErrNoIndex = errors.New("no published index")

// Current reads the manifest of the generation published in dir. It
// returns an error wrapping ErrNoIndex when none has been published.
func Current(dir string) (*Generation, error) {
	name, err := currentName(dir)
	if err != nil {
		return nil, err
	}
	return readManifest(filepath.Join(dir, name))
}

// currentName returns the file name of the manifest CURRENT points at.
func currentName(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%w in %s", ErrNoIndex, dir)
	}
	if err != nil {
		return "", fmt.Errorf("read %s pointer: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if name != filepath.Base(name) || !strings.HasPrefix(name, "gen-") {
		return "", fmt.Errorf("%s in %s names %q, not a generation manifest", currentFile, dir, name)
	}
	return name, nil
}

// readHead reads a manifest without its seed lists: the generation
// number, mapping and shards, all a reader needs. The writer puts the seed
// lists (most of a large manifest: see bench/RESULTS.md) last, so reading stops
// before them; a manifest with its keys in another order is read whole.
func readHead(path string) (*Generation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	return readHeadFrom(f, path)
}

// readHeadFrom is readHead of a manifest read from r (name says which in
// errors).
func readHeadFrom(r io.Reader, name string) (*Generation, error) {
	fail := func(err error) (*Generation, error) {
		return nil, fmt.Errorf("decode manifest %s: %w", name, err)
	}
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil {
		return fail(err)
	} else if t != json.Delim('{') {
		return fail(fmt.Errorf("not an object"))
	}
	var g Generation
	fields := map[string]any{
		"generation":  &g.Number,
		"created":     &g.Created,
		"mapping":     &g.Mapping,
		"shard_count": &g.ShardCount,
		"shards":      &g.Shards,
	}
	for len(fields) > 0 && dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := t.(string)
		dst, ok := fields[key]
		if !ok {
			var skip json.RawMessage
			dst = &skip
		}
		if err := dec.Decode(dst); err != nil {
			return fail(fmt.Errorf("%s: %w", key, err))
		}
		delete(fields, key)
	}
	return &g, nil
}

// shardNames reads the names of a generation's shards from its manifest,
// without its seeds.
func shardNames(path string) ([]string, error) {
	g, err := readHead(path)
	if err != nil {
		return nil, err
	}
	return g.shardNames(), nil
}

// shardNames returns the names of the generation's shards, in order.
func (g *Generation) shardNames() []string {
	names := make([]string, len(g.Shards))
	for i, s := range g.Shards {
		names[i] = s.Name
	}
	return names
}

func readManifest(path string) (*Generation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var g Generation
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", path, err)
	}
	return &g, nil
}

// writeFileAtomic writes data to path through a temporary file, fsync and
// rename, then syncs the directory, so that a crash leaves the old file or
// the new one, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeAtomic is writeFileAtomic for content that write streams to the
// file instead of holding it in memory whole.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open dir %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// ErrLocked is returned when another writer holds the index directory.
var ErrLocked = errors.New("index is locked by another indexer")

// lock holds the exclusive writer lock of an index directory.
type lock struct{ f *os.File }

// acquireLock takes the writer lock of dir without waiting. The lock is an
// flock, released by the kernel when the process dies, so a killed indexer
// never leaves a stale lock behind.
func acquireLock(dir string) (*lock, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			if _, perr := strconv.Atoi(pid); perr != nil {
				pid = "unknown"
			}
			return nil, fmt.Errorf("%w (pid %s holds %s)", ErrLocked, pid, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &lock{f: f}, nil
}

func (l *lock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
