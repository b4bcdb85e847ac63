package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/newsroom/newsearch/internal/fswatch"
)

// Reader serves the generation published in an index directory and
// follows new ones. What it serves is one immutable snapshot (snapshot.go)
// per generation, swapped atomically by Reload: a search holds one from
// its start to its end, and Reload closes the shards a new generation
// dropped only once no search holds the snapshot that had them. It opens
// shards read-only and never writes to the directory.
type Reader struct {
	dir     string
	log     *slog.Logger
	mapping mapping.IndexMapping
	// text and name are the mapping's analyzers; stops are the English
	// stop words as text indexes them (the rescoring weighs them apart).
	text, name analysis.Analyzer
	stops      map[string]bool

	reload sync.Mutex // serialises Reload and Close
	cur    atomic.Pointer[snapshot]
	// refused is the last generation Reload would not serve (snapshot.go).
	refused atomic.Pointer[refusal]
	// gatherStats makes every search gather the BM25 statistics instead
	// of using the snapshot's (tests; set while no search runs).
	gatherStats bool
	// buckets are the buckets whose shards a leaf serves; nil: all.
	buckets map[int]bool
	// leaves serve the shards of a root (remote.go); nil for a reader
	// of a directory.
	leaves []Leaf
}

// Status describes what a Reader serves.
type Status struct {
	Ready      bool      `json:"ready"`
	Generation int       `json:"generation"`
	Documents  int       `json:"documents"`
	Articles   int       `json:"articles"`
	Shards     int       `json:"shards"`
	LoadedAt   time.Time `json:"loaded_at"`
	// Refused is a generation newer than the one served that was not
	// served because one of its shards is damaged, and RefusedReason why;
	// 0 and "" when there is none.
	Refused       int    `json:"refused_generation,omitempty"`
	RefusedReason string `json:"refused_reason,omitempty"`
}

// NewReader returns a Reader of dir. It serves nothing until Reload
// finds a published generation.
func NewReader(dir string, log *slog.Logger) (*Reader, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := NewMapping()
	if err != nil {
		return nil, err
	}
	text, name := m.AnalyzerNamed(textAnalyzer), m.AnalyzerNamed(nameAnalyzer)
	if text == nil || name == nil {
		return nil, fmt.Errorf("analyzers %s/%s not registered", textAnalyzer, nameAnalyzer)
	}
	stops, err := stopWords(text)
	if err != nil {
		return nil, err
	}
	r := &Reader{dir: dir, log: log, mapping: m, text: text, name: name, stops: stops}
	r.cur.Store(emptySnapshot())
	return r, nil
}

// NewLeafReader returns a Reader of dir that serves only the shards of
// buckets (a leaf of a partitioned search; see remote.go): its own
// searches see those shards alone, and a root reads them through
// ServeShard.
func NewLeafReader(dir string, buckets []int, log *slog.Logger) (*Reader, error) {
	r, err := NewReader(dir, log)
	if err != nil {
		return nil, err
	}
	if len(buckets) > 0 {
		r.buckets = map[int]bool{}
		for _, b := range buckets {
			r.buckets[b] = true
		}
	}
	return r, nil
}

// Status returns what the reader serves now.
func (r *Reader) Status() Status {
	st := r.cur.Load().status
	if f := r.refused.Load(); f != nil && f.generation > st.Generation {
		st.Refused, st.RefusedReason = f.generation, f.err.Error()
	}
	return st
}

// Reload switches to the published generation if it is not the one served.
// It reports whether it switched. On error the served generation stays.
//
// It opens the shards of the new generation that are not open yet (the
// others are shared with the served snapshot), publishes the new snapshot,
// then waits for the searches holding the old one (each bounded by its own
// deadline) before closing the shards the new generation dropped. ctx
// stops it before a shard is opened, not during that wait: the switch is
// made by then, and the old shards must be closed.
func (r *Reader) Reload(ctx context.Context) (bool, error) {
	r.reload.Lock()
	defer r.reload.Unlock()
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("reload: %w", err)
	}
	if r.leaves != nil {
		return r.reloadRoot(ctx)
	}
	// The pointer is a few bytes; the manifest is read only when it names
	// another generation, and then without its seed lists.
	name, err := currentName(r.dir)
	if err != nil {
		return false, err
	}
	old := r.cur.Load()
	cur := old.status
	if cur.Ready && name == manifestName(cur.Generation) {
		return false, nil
	}
	gen, err := readHead(filepath.Join(r.dir, name))
	if err != nil {
		return false, err
	}
	if cur.Ready && cur.Generation == gen.Number {
		return false, nil
	}
	if err := r.refusedBefore(name, gen); err != nil {
		return false, err
	}
	shards := make([]shard, 0, len(gen.Shards))
	byName := make(map[string]shard, len(gen.Shards))
	var opened []shard
	fail := func(err error) (bool, error) {
		for _, o := range opened {
			o.Close()
		}
		return false, err
	}
	for _, s := range gen.Shards {
		if !r.servesBucket(s.Bucket) {
			continue
		}
		sh, ok := byName[s.Name]
		if !ok {
			sh, ok = old.byName[s.Name]
		}
		if !ok {
			sh, ok = old.kept[s.Name]
		}
		if !ok {
			if err := ctx.Err(); err != nil {
				return fail(fmt.Errorf("reload generation %d: %w", gen.Number, err))
			}
			if err := r.checkShard(name, gen, s.Name); err != nil {
				return fail(err)
			}
			idx, err := bleve.OpenUsing(filepath.Join(r.dir, shardsDir, s.Name), map[string]any{
				"read_only":    true,
				"bolt_timeout": "2s",
			})
			if err != nil {
				return fail(fmt.Errorf("open shard %s of generation %d: %w", s.Name, gen.Number, err))
			}
			// Searches name shards by their generation's name, the same
			// here and on any leaf (remote.go), not by their path.
			idx.SetName(s.Name)
			sh = newLocalShard(idx, s.Terms)
			opened = append(opened, sh)
		}
		byName[s.Name] = sh
		shards = append(shards, sh)
	}
	r.buildArticleTables(opened)
	stats, err := gatherBM25Stats(shards, mappedFields(r.mapping))
	if err != nil {
		r.log.Warn("index statistics; searches will gather them", "err", err)
	}
	st := Status{Ready: true, Generation: gen.Number, Shards: len(shards), LoadedAt: time.Now()}
	for _, s := range gen.Shards {
		if _, ok := byName[s.Name]; ok {
			st.Articles += s.Articles
			st.Documents += s.Paragraphs
		}
	}
	next, err := newSnapshot(st, shards, byName, r.mapping, stats)
	if err != nil {
		return fail(err)
	}
	next.layout = gen.Shards
	langs, err := indexLanguages(shards)
	if err != nil {
		return fail(err)
	}
	next.langs = langs
	next.texts = textAnalyzers(r.mapping, append(langs, "en"))
	if next.han, err = servesHan(shards); err != nil {
		return fail(err)
	}
	if next.han {
		go zhDict() // cjk.go: loaded before the first Chinese query needs it
	}
	// The shards the old generation had and this one drops stay open for
	// one more generation, so that a root still serving the old one can
	// read them here; those it had kept are closed.
	next.kept = map[string]shard{}
	for name, sh := range old.byName {
		if _, ok := byName[name]; !ok {
			next.kept[name] = sh
		}
	}
	r.cur.Store(next)
	old.retire() // waits for the searches holding the old snapshot
	closed := 0
	for name, sh := range old.kept {
		if _, ok := byName[name]; ok {
			continue
		}
		closed++
		if err := sh.Close(); err != nil {
			r.log.Warn("close old shard", "shard", name, "err", err)
		}
	}
	r.log.Info("serving generation", "generation", gen.Number, "shards", len(shards),
		"opened", len(opened), "closed", closed, "documents", st.Documents)
	return true, nil
}

// servesBucket reports whether the reader serves the shard of bucket b:
// every one, unless it was given its buckets (a leaf, NewLeafReader).
func (r *Reader) servesBucket(b int) bool {
	return r.buckets == nil || r.buckets[b]
}

// gatherBM25Stats adds up what bleve's BM25 needs index-wide (documents, and
// the tokens of every field) over a generation's shards: what the alias
// would otherwise gather from every shard before every search.
func gatherBM25Stats(shards []shard, mapped []string) (*bsearch.BM25Stats, error) {
	stats := &bsearch.BM25Stats{FieldCardinality: map[string]int{}}
	for _, sh := range shards {
		st, err := sh.bm25Stats(mapped)
		if err != nil {
			return nil, fmt.Errorf("shard %s statistics: %w", sh.Name(), err)
		}
		addStats(stats, st)
	}
	return stats, nil
}

// addStats adds one shard's statistics to stats.
func addStats(stats *bsearch.BM25Stats, st shardStats) {
	stats.DocCount += float64(st.DocCount)
	for f, c := range st.Cardinality {
		stats.FieldCardinality[f] += c
	}
}

// mappedFields names the fields of the paragraph mapping.
func mappedFields(m mapping.IndexMapping) []string {
	impl, ok := m.(*mapping.IndexMappingImpl)
	if !ok || impl.DefaultMapping == nil {
		return nil
	}
	return slices.Collect(maps.Keys(impl.DefaultMapping.Properties))
}

// Watch reloads whenever the CURRENT pointer changes (fsnotify on the
// directory) and every poll interval as a fallback, until ctx ends. A
// generation that fails to open is retried at the next event or tick.
func (r *Reader) Watch(ctx context.Context, poll time.Duration) {
	if poll <= 0 {
		poll = time.Second
	}
	if r.leaves != nil {
		r.watchRoot(ctx, poll)
		return
	}
	opts := fswatch.Options{
		Match:  func(path string) bool { return filepath.Base(path) == currentFile },
		Tick:   poll,
		Logger: r.log,
	}
	fswatch.Run(ctx, r.dir, opts, func(ctx context.Context) {
		if _, err := r.Reload(ctx); err != nil && !errors.Is(err, ErrNoIndex) && ctx.Err() == nil && !errors.Is(err, errRefusedBefore) {
			r.log.Warn("reload", "err", err)
		}
	})
}

// Close stops serving and closes every open shard, once the searches in
// flight have ended. Searches then fail with ErrNotReady.
func (r *Reader) Close() error {
	r.reload.Lock()
	defer r.reload.Unlock()
	old := r.cur.Load()
	r.cur.Store(emptySnapshot())
	old.retire()
	var errs []error
	for _, m := range []map[string]shard{old.byName, old.kept} {
		for name, sh := range m {
			if err := sh.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close shard %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// expandPrefix lists the terms of a stemmed field that the prefix search
// for prefix matches (see translator.prefix), across the view's shards.
// More than MaxTermSearchers is ErrTooBroad.
func (v view) expandPrefix(field, prefix string) ([]string, error) {
	base := prefix
	runes := []rune(prefix)
	if len(runes)-stemSlack >= 3 {
		base = string(runes[:len(runes)-stemSlack])
	}
	seen := map[string]bool{}
	var out []string
	for _, sh := range v.s.shards {
		d, err := sh.FieldDictPrefix(field, []byte(base))
		if err != nil {
			return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("read dictionary of %s: %w", field, err)
			}
			if e == nil {
				break
			}
			t := e.Term
			// A stem is at most stemSlack characters shorter (not bytes:
			// a Han character is 3).
			if seen[t] || !(strings.HasPrefix(t, prefix) || (strings.HasPrefix(prefix, t) && utf8.RuneCountInString(t) >= len(runes)-stemSlack)) {
				continue
			}
			seen[t] = true
			out = append(out, t)
			if len(out) > MaxTermSearchers {
				d.Close()
				return nil, ErrTooBroad
			}
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("close dictionary of %s: %w", field, err)
		}
	}
	return out, nil
}

// buildArticleTables builds the rescoring's article table of each newly
// opened shard, as many at once as there are processors, while the old
// generation still serves, so that no search pays for them. A shard whose
// table fails still serves: its rescored searches fail with the error.
func (r *Reader) buildArticleTables(opened []shard) {
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, sh := range opened {
		local, ok := sh.(*localShard)
		if !ok {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := local.articles(); err != nil {
				r.log.Warn("could not build the article table; rescored searches of this generation will fail with this error",
					"shard", local.Name(), "err", err)
			}
		})
	}
	wg.Wait()
}
