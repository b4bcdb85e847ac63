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

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/fsnotify/fsnotify"
)

// Reader serves the generation published in an index directory and
// follows new ones: Reload opens the shards a new generation adds, swaps
// them in behind the searches in flight, and closes the shards it dropped.
// It opens shards read-only and never writes to the directory.
type Reader struct {
	dir     string
	log     *slog.Logger
	mapping mapping.IndexMapping
	alias   bleve.IndexAlias

	reload sync.Mutex             // serialises Reload
	shards map[string]bleve.Index // open shards by name; guarded by reload
	// open guards the shards against closing while a dictionary is read
	// outside the alias: readers hold it shared, Reload exclusively to close.
	open    sync.RWMutex
	serving []bleve.Index // the shards of the served generation; guarded by open
	state   atomic.Pointer[Status]
	// stats are the served generation's index-wide BM25 statistics, so
	// that a search need not gather them from every shard first.
	stats atomic.Pointer[bsearch.BM25Stats]
	// gatherStats makes every search gather the statistics (tests).
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
	alias := bleve.NewIndexAlias()
	if err := alias.SetIndexMapping(m); err != nil {
		return nil, fmt.Errorf("alias mapping: %w", err)
	}
	r := &Reader{dir: dir, log: log, mapping: m, alias: alias, shards: map[string]bleve.Index{}}
	r.state.Store(&Status{})
	return r, nil
}

// Status returns what the reader serves now.
func (r *Reader) Status() Status { return *r.state.Load() }

// Reload switches to the published generation if it is not the one served.
// It reports whether it switched. On error the served generation stays.
func (r *Reader) Reload() (bool, error) {
	r.reload.Lock()
	defer r.reload.Unlock()
	// The pointer is a few bytes; the manifest is read only when it names
	// another generation, and then without its seed lists.
	name, err := currentName(r.dir)
	if err != nil {
		return false, err
	}
	cur := r.state.Load()
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
	var in []bleve.Index
	opened := map[string]bleve.Index{}
	for _, s := range gen.Shards {
		if _, ok := r.shards[s.Name]; ok {
			continue
		}
		idx, err := bleve.OpenUsing(filepath.Join(r.dir, shardsDir, s.Name), map[string]any{
			"read_only":    true,
			"bolt_timeout": "2s",
		})
		if err != nil {
			for _, o := range opened {
				o.Close()
			}
			return false, fmt.Errorf("open shard %s of generation %d: %w", s.Name, gen.Number, err)
		}
		opened[s.Name] = idx
		in = append(in, idx)
	}
	keep := map[string]bool{}
	for _, s := range gen.Shards {
		keep[s.Name] = true
	}
	var out []bleve.Index
	for name, idx := range r.shards {
		if !keep[name] {
			out = append(out, idx)
			delete(r.shards, name)
		}
	}
	for name, idx := range opened {
		r.shards[name] = idx
	}
	// Swap waits for the searches that hold the alias; after it nothing
	// searches the shards swapped out, so they can be closed.
	stats, err := bm25Stats(gen, r.shards, mappedFields(r.mapping))
	if err != nil {
		r.log.Warn("index statistics; searches will gather them", "err", err)
	}
	r.stats.Store(nil) // no mix of the old statistics and the new shards
	r.alias.Swap(in, out)
	r.stats.Store(stats)
	r.open.Lock()
	r.serving = r.serving[:0:0]
	for _, s := range gen.Shards {
		r.serving = append(r.serving, r.shards[s.Name])
	}
	for _, idx := range out {
		if err := idx.Close(); err != nil {
			r.log.Warn("close old shard", "err", err)
		}
	}
	r.open.Unlock()
	articles := 0
	for _, s := range gen.Shards {
		articles += s.Articles
	}
	r.state.Store(&Status{Ready: true, Generation: gen.Number, Documents: gen.Paragraphs(), Articles: articles,
		Shards: len(gen.Shards), LoadedAt: time.Now()})
	r.log.Info("serving generation", "generation", gen.Number, "shards", len(gen.Shards),
		"opened", len(in), "closed", len(out), "documents", gen.Paragraphs())
	return true, nil
}

// bm25Stats adds up what bleve's BM25 needs index-wide (documents, and
// the tokens of every field) over a generation's shards: what the alias
// would otherwise gather from every shard before every search.
func bm25Stats(gen *Generation, shards map[string]bleve.Index, mapped []string) (*bsearch.BM25Stats, error) {
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
	var events <-chan fsnotify.Event
	w, err := fsnotify.NewWatcher()
	if err == nil {
		if err := w.Add(r.dir); err != nil {
			r.log.Warn("watch index dir; polling only", "dir", r.dir, "err", err)
		} else {
			events = w.Events
		}
		defer w.Close()
	} else {
		r.log.Warn("fsnotify unavailable; polling only", "err", err)
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	try := func() {
		if _, err := r.Reload(); err != nil && !errors.Is(err, ErrNoIndex) {
			r.log.Warn("reload", "err", err)
		}
	}
	try()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if filepath.Base(ev.Name) == currentFile {
				try()
			}
		case <-tick.C:
			try()
		}
	}
}

// Close closes every open shard.
func (r *Reader) Close() error {
	r.reload.Lock()
	defer r.reload.Unlock()
	var out []bleve.Index
	var errs []error
	for name, idx := range r.shards {
		out = append(out, idx)
		delete(r.shards, name)
	}
	r.alias.Swap(nil, out)
	r.open.Lock()
	r.serving = nil
	for _, idx := range out {
		errs = append(errs, idx.Close())
	}
	r.open.Unlock()
	r.state.Store(&Status{})
	return errors.Join(errs...)
}

// prefixTerms lists the terms of a stemmed field that the prefix search
// for prefix matches (see translator.prefix), across the served shards.
// More than MaxTermSearchers is ErrTooBroad.
func (r *Reader) prefixTerms(field, prefix string) ([]string, error) {
	base := prefix
	if runes := []rune(prefix); len(runes)-stemSlack >= 3 {
		base = string(runes[:len(runes)-stemSlack])
	}
	r.open.RLock()
	defer r.open.RUnlock()
	seen := map[string]bool{}
	var out []string
	for _, idx := range r.serving {
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
			if seen[t] || !(strings.HasPrefix(t, prefix) || (strings.HasPrefix(prefix, t) && len(t) >= len(prefix)-stemSlack)) {
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
