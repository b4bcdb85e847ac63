package index

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// snapshot is one served generation: everything a search reads, built
// by Reload and never changed after it is published, apart from the
// rescoring's caches, which fill as searches read the generation and die
// with it (so that no statistic of one generation is used on another).
//
// Its life ends in two steps. Reload publishes the next snapshot, then
// retires this one: retire takes the write lock, so it waits for the
// searches that hold the read lock (acquire) to end; after it nothing
// uses the snapshot and Reload closes the shards the next generation
// dropped. The shards both keep are shared, not reopened.
//
// Why not one alias kept across generations and bleve's alias.Swap,
// which also waits for the searches in flight? A search is several bleve
// requests (candidates, rescoring statistics, stored fields) and
// dictionary reads outside the alias; Swap only waits for one request,
// so a search could start on one generation and end on the next, with
// statistics cached for the other. An alias per snapshot and a lock held
// by the whole search give each search one generation from start to end.
type snapshot struct {
	status Status
	alias  bleve.IndexAlias // over shards; nil when nothing is served
	shards []shard          // the generation's shards served here, in its order
	byName map[string]shard
	// layout is the generation's shards, all of them (a leaf serves some,
	// a root none of its own), in order; names of layout not in byName
	// are served elsewhere or missing.
	layout []ShardInfo
	// kept are the shards the previous generation had and this one
	// dropped, still open so that a root still serving the previous
	// generation can read them from this leaf (leaf.go); closed when this
	// snapshot is replaced.
	kept map[string]shard
	// remote: the shards are served by leaves (a root, remote.go).
	remote bool
	// stats are the generation's index-wide BM25 statistics, so that a
	// search need not gather them from every shard first; nil when they
	// could not be computed (searches then gather them).
	stats *bsearch.BM25Stats
	cache *rankCache
	// texts are the text analyzers of the languages the generation holds
	// (languages.go), English first; nil: English alone.
	texts []namedAnalyzer
	// langs are the languages of the generation's articles ("und"
	// included); the language facet is counted only when there are two
	// or more.
	langs []string
	// han: the generation holds Han text (cjk.go); without any, a
	// query's Han words match nothing and are not analysed.
	han bool

	// mu is held shared by every search using the snapshot and
	// exclusively by retire; retired, set under it, sends a search that
	// acquired a snapshot already replaced to the next one.
	mu      sync.RWMutex
	retired bool
}

// emptySnapshot serves nothing: before the first generation and after
// Close.
func emptySnapshot() *snapshot {
	return &snapshot{byName: map[string]shard{}, cache: newRankCache()}
}

// newSnapshot makes the snapshot of a generation from its open shards.
func newSnapshot(status Status, shards []shard, byName map[string]shard, m mapping.IndexMapping,
	stats *bsearch.BM25Stats) (*snapshot, error) {
	members := make([]bleve.Index, len(shards))
	for i, sh := range shards {
		members[i] = sh
	}
	alias := bleve.NewIndexAlias(members...)
	if err := alias.SetIndexMapping(m); err != nil {
		return nil, fmt.Errorf("alias mapping of generation %d: %w", status.Generation, err)
	}
	return &snapshot{status: status, alias: alias, shards: shards, byName: byName, stats: stats, cache: newRankCache()}, nil
}

// acquire returns the served snapshot, held until release: its shards
// stay open until then.
func (r *Reader) acquire() *snapshot {
	for {
		s := r.cur.Load()
		s.mu.RLock()
		if !s.retired {
			return s
		}
		// Replaced between the load and the lock: the pointer already
		// names its successor.
		s.mu.RUnlock()
	}
}

// release ends a search's hold on the snapshot.
func (s *snapshot) release() { s.mu.RUnlock() }

// retire waits for the searches holding the snapshot to end and keeps
// any later one from holding it. The snapshot must have been replaced.
func (s *snapshot) retire() {
	s.mu.Lock()
	s.retired = true
	s.mu.Unlock()
}

// view is one search's view of the index: the reader's fixed parts
// (mapping, analyzers, log) and the snapshot it holds from start to end.
// Every function that reads the index during a search takes it.
type view struct {
	r *Reader
	s *snapshot
	// miss collects the shards that did not answer (partial.go); nil:
	// a shard's failure fails the search.
	miss *missing
}

// rankCache holds what the rescoring reads from a generation and would
// read again: stored text and a term's document frequency do not change
// within a generation. It belongs to one snapshot.
type rankCache struct {
	mu sync.Mutex
	// df is the document frequency of each term, keyed by what is
	// counted ("a" articles or "p" paragraphs, "t" with titles, "s" with
	// section headings, "/", the term; countDF).
	df map[string]int
	// lengths are those of paragraphs by id and of articles by "a/" and
	// their id.
	lengths map[string]docLength
}

// Bounds of a generation's caches: past them a cache starts again empty.
const (
	maxDFCache     = 100_000
	maxLengthCache = 1_000_000
)

func newRankCache() *rankCache {
	return &rankCache{df: map[string]int{}, lengths: map[string]docLength{}}
}

// refusal is a generation the reader would not serve: one of its shards
// does not match its SUMS (shardsums.go).
type refusal struct {
	manifest   string // the manifest's file name
	generation int
	err        error
	at         time.Time
}

// errRefusedBefore marks the error of a generation already refused: Watch
// does not log it again at every tick.
var errRefusedBefore = errors.New("refused before")

// refusedBefore returns the refusal's error when the generation CURRENT
// names (manifest) was refused before, without checking its shards again:
// shards do not change once published, and a watch ticks every second.
func (r *Reader) refusedBefore(manifest string, gen *Generation) error {
	f := r.refused.Load()
	if f == nil || f.manifest != manifest || f.generation != gen.Number {
		return nil
	}
	return fmt.Errorf("%w: %w", errRefusedBefore, f.err)
}

// checkShard checks one shard of gen against its SUMS before it is
// opened. A damaged shard refuses the whole generation: the served one
// stays, and Status, /readyz, /metrics and the log say which generation
// was refused and why. A shard without SUMS (written before they existed)
// is opened unchecked.
func (r *Reader) checkShard(manifest string, gen *Generation, shard string) error {
	err := verifyShard(filepath.Join(r.dir, shardsDir, shard))
	if err == nil || errors.Is(err, errNoSums) {
		return nil
	}
	if !errors.Is(err, ErrCorruptShard) {
		// Unreadable (permissions, a shard not there yet): tried again at
		// the next reload.
		return fmt.Errorf("check shard %s of generation %d: %w", shard, gen.Number, err)
	}
	err = fmt.Errorf("generation %d refused: %w", gen.Number, err)
	r.refused.Store(&refusal{manifest: manifest, generation: gen.Number, err: err, at: time.Now()})
	r.log.Error("refusing a damaged generation; still serving the previous one",
		"generation", gen.Number, "serving", r.cur.Load().status.Generation, "err", err)
	return err
}
