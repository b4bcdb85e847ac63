package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
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
	bindex "github.com/blevesearch/bleve_index_api"

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
	shards := make([]bleve.Index, 0, len(gen.Shards))
	byName := make(map[string]bleve.Index, len(gen.Shards))
	var opened []bleve.Index
	fail := func(err error) (bool, error) {
		for _, o := range opened {
			o.Close()
		}
		return false, err
	}
	for _, s := range gen.Shards {
		idx, ok := byName[s.Name]
		if !ok {
			idx, ok = old.byName[s.Name]
		}
		if !ok {
			if err := ctx.Err(); err != nil {
				return fail(fmt.Errorf("reload generation %d: %w", gen.Number, err))
			}
			if err := r.checkShard(name, gen, s.Name); err != nil {
				return fail(err)
			}
			idx, err = bleve.OpenUsing(filepath.Join(r.dir, shardsDir, s.Name), map[string]any{
				"read_only":    true,
				"bolt_timeout": "2s",
			})
			if err != nil {
				return fail(fmt.Errorf("open shard %s of generation %d: %w", s.Name, gen.Number, err))
			}
			opened = append(opened, idx)
		}
		byName[s.Name] = idx
		shards = append(shards, idx)
	}
	stats, err := gatherBM25Stats(gen, byName, mappedFields(r.mapping))
	if err != nil {
		r.log.Warn("index statistics; searches will gather them", "err", err)
	}
	articles := 0
	for _, s := range gen.Shards {
		articles += s.Articles
	}
	next, err := newSnapshot(Status{Ready: true, Generation: gen.Number, Documents: gen.Paragraphs(), Articles: articles,
		Shards: len(gen.Shards), LoadedAt: time.Now()}, shards, byName, r.mapping, stats)
	if err != nil {
		return fail(err)
	}
	// The rescoring's article table is built here, while the old
	// generation still serves, so that no search pays for it.
	if _, err := next.articles(); err != nil {
		r.log.Warn("could not build the article table; rescored searches of this generation will fail with this error", "err", err)
	}
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
	r.cur.Store(next)
	old.retire() // waits for the searches holding the old snapshot
	closed := 0
	for name, idx := range old.byName {
		if _, kept := byName[name]; kept {
			continue
		}
		closed++
		if err := idx.Close(); err != nil {
			r.log.Warn("close old shard", "shard", name, "err", err)
		}
	}
	r.log.Info("serving generation", "generation", gen.Number, "shards", len(gen.Shards),
		"opened", len(opened), "closed", closed, "documents", gen.Paragraphs())
	return true, nil
}

// gatherBM25Stats adds up what bleve's BM25 needs index-wide (documents, and
// the tokens of every field) over a generation's shards: what the alias
// would otherwise gather from every shard before every search.
func gatherBM25Stats(gen *Generation, shards map[string]bleve.Index, mapped []string) (*bsearch.BM25Stats, error) {
	stats := &bsearch.BM25Stats{FieldCardinality: map[string]int{}}
	for _, s := range gen.Shards {
		idx, ok := shards[s.Name]
		if !ok {
			return nil, fmt.Errorf("shard %s is not open", s.Name)
		}
		adv, err := idx.Advanced()
		if err != nil {
			return nil, fmt.Errorf("shard %s: %w", s.Name, err)
		}
		rd, err := adv.Reader()
		if err != nil {
			return nil, fmt.Errorf("shard %s reader: %w", s.Name, err)
		}
		err = func() error {
			defer rd.Close()
			n, err := rd.DocCount()
			if err != nil {
				return err
			}
			stats.DocCount += float64(n)
			br, ok := rd.(bindex.BM25Reader)
			if !ok {
				return fmt.Errorf("shard %s: no field statistics", s.Name)
			}
			fields, err := rd.Fields()
			if err != nil {
				return err
			}
			// Every field a query may name, with or without tokens in
			// this shard: bleve wants an entry for each field it scores.
			fields = append(fields, mapped...)
			slices.Sort(fields)
			for _, f := range slices.Compact(fields) {
				if s.Terms != nil {
					// An updated shard: the writer counted its terms.
					stats.FieldCardinality[f] += s.Terms[f]
					continue
				}
				c, err := br.FieldCardinality(f)
				if err != nil {
					return err
				}
				stats.FieldCardinality[f] += c
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("shard %s statistics: %w", s.Name, err)
		}
	}
	return stats, nil
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
	for name, idx := range old.byName {
		if err := idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close shard %s: %w", name, err))
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
	for _, idx := range v.s.shards {
		d, err := idx.FieldDictPrefix(field, []byte(base))
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
