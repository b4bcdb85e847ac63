// Command rawbleve measures plain bleve, in process, with the project's
// mapping (index.NewMapping) and the same paragraph documents: the limit
// of anything built on bleve, against which searchd is compared.
//
//	rawbleve build -seeds DIR -index DIR [-batch 1000]
//	rawbleve query -index DIR -queries bench/queries.txt [-duration 8s] [-clients 1,2,8]
//
// build parses every seed with the project's article parser and indexes it
// with bleve.New (scorch) in batches; query opens the index read-only and
// runs the benchmark queries with bleve's own html highlighter. Each prints
// one JSON object.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
	"github.com/newsroom/newsearch/bench/internal/seeds"
	"github.com/newsroom/newsearch/index"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rawbleve build|query [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = build(os.Args[2:])
	case "query":
		err = query(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rawbleve:", err)
		os.Exit(1)
	}
}

func build(args []string) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	seedDir := fs.String("seeds", "", "seed folder")
	dir := fs.String("index", "", "index directory to create (removed first)")
	batch := fs.Int("batch", 1000, "documents per batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *seedDir == "" || *dir == "" {
		return errors.New("-seeds and -index are required")
	}
	start := time.Now()
	if err := os.RemoveAll(*dir); err != nil {
		return err
	}
	m, err := index.NewMapping()
	if err != nil {
		return err
	}
	idx, err := bleve.New(*dir, m)
	if err != nil {
		return err
	}
	b := idx.NewBatch()
	paragraphs := 0
	err = seeds.Walk(*seedDir, func(ps []seeds.Paragraph) error {
		for _, p := range ps {
			if err := b.Index(p.ID, fields(p)); err != nil {
				return err
			}
			paragraphs++
			if b.Size() >= *batch {
				if err := idx.Batch(b); err != nil {
					return err
				}
				b.Reset()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if b.Size() > 0 {
		if err := idx.Batch(b); err != nil {
			return err
		}
	}
	if err := idx.Close(); err != nil {
		return err
	}
	elapsed := time.Since(start)
	bytes, err := result.DirBytes(*dir)
	if err != nil {
		return err
	}
	rss, hwm, _ := result.ProcMem(os.Getpid())
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "raw bleve", Paragraphs: paragraphs, IndexSeconds: elapsed.Seconds(),
		ParasPerSec: float64(paragraphs) / elapsed.Seconds(), IndexBytes: bytes, RSSKB: rss, HWMKB: hwm,
		Notes: []string{fmt.Sprintf("bleve.New (scorch), one index, batches of %d", *batch),
			fmt.Sprintf("build CPU %.1f s (%.2f cores busy on average)", cpu, cpu/elapsed.Seconds())},
	})
}

// fields returns the bleve document of a paragraph, field for field what
// the index package writes.
func fields(p seeds.Paragraph) map[string]any {
	f := map[string]any{
		index.FieldArticleID: p.ArticleID,
		index.FieldSeed:      p.Seed,
		index.FieldTitle:     p.Title,
		index.FieldSection:   p.Section,
		index.FieldParagraph: float64(p.N),
		index.FieldText:      p.Text,
		index.FieldAuthor:    p.Author,
		index.FieldSource:    p.Source,
		index.FieldEditors:   p.Editors,
	}
	if !p.Published.IsZero() {
		f[index.FieldPublished] = p.Published.UTC().Format(index.PublishedLayout)
		f[index.FieldPublishedAt] = p.Published.Format(time.RFC3339)
	}
	if fs := index.FacetTerms(p.Source, p.Author, p.Published); len(fs) > 0 {
		f[index.FieldFacets] = fs
	}
	for k, v := range f {
		if s, ok := v.(string); ok && s == "" {
			delete(f, k)
		}
	}
	return f
}

// Stored fields read back for each hit, as searchd reads them.
var storedFields = []string{index.FieldArticleID, index.FieldSeed, index.FieldTitle, index.FieldSection,
	index.FieldParagraph, index.FieldText, index.FieldPublishedAt, index.FieldAuthor, index.FieldSource, index.FieldEditors}

// bleveQuery mirrors searchd's translation of words and phrases: each is
// matched on title, section or text, and all of them are required; a part
// the analyzer makes one token of is a term query, a longer one a
// match-phrase query.
func bleveQuery(q queries.Query, an analysis.Analyzer) bquery.Query {
	var must []bquery.Query
	for _, p := range q.Parts {
		toks := an.Analyze([]byte(p.Text))
		if len(toks) == 0 {
			continue
		}
		var any []bquery.Query
		for _, f := range []string{index.FieldTitle, index.FieldSection, index.FieldText} {
			if len(toks) == 1 {
				tq := bleve.NewTermQuery(string(toks[0].Term))
				tq.SetField(f)
				any = append(any, tq)
				continue
			}
			mq := bleve.NewMatchPhraseQuery(p.Text)
			mq.SetField(f)
			any = append(any, mq)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if len(must) == 1 {
		return must[0]
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	return b
}

// request is searchd's request for the first page of a search (same size,
// stored fields, sort and facets) with bleve's html highlighter in place
// of searchd's snippets.
// With facets false the facets are left out, with scoreOnly the sort is
// by score alone: the knobs that show what facets and the _id tie-break
// cost.
func request(q queries.Query, an analysis.Analyzer, size int, facets, scoreOnly bool) *bleve.SearchRequest {
	sr := bleve.NewSearchRequestOptions(bleveQuery(q, an), size, 0, false)
	sr.Fields = storedFields
	if !scoreOnly {
		sr.SortBy([]string{"-_score", "_id"})
	}
	sr.Highlight = bleve.NewHighlightWithStyle("html")
	sr.Highlight.AddField(index.FieldText)
	sr.Highlight.AddField(index.FieldTitle)
	sr.Highlight.AddField(index.FieldSection)
	if facets {
		sr.AddFacet("facets", bleve.NewFacetRequest(index.FieldFacets, 1<<20))
	}
	return sr
}

func query(args []string) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	dir := fs.String("index", "", "index directory built by rawbleve build, or by the indexer (its shards searched as one bleve alias)")
	qfile := fs.String("queries", "bench/queries.txt", "query file")
	dur := fs.Duration("duration", 8*time.Second, "length of each load phase")
	clients := fs.String("clients", "1,2,8", "client counts, comma-separated")
	size := fs.Int("size", 10, "hits per search")
	facets := fs.Bool("facets", true, "ask for searchd's three facets")
	scoreOnly := fs.Bool("score-only", false, "sort by score alone instead of searchd's score, then id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	qs, err := queries.Load(*qfile)
	if err != nil {
		return err
	}
	conc, err := load.Counts(*clients)
	if err != nil {
		return err
	}
	start := time.Now()
	idx, err := openIndex(*dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	open := time.Since(start)
	m := idx.Mapping()
	an := m.AnalyzerNamed(m.AnalyzerNameForPath(index.FieldText))
	if an == nil {
		return errors.New("no analyzer for the text field")
	}
	ctx := context.Background()
	phases, kinds := load.Suite(ctx, qs, *dur, conc, func(ctx context.Context, q queries.Query) error {
		res, err := idx.SearchInContext(ctx, request(q, an, *size, *facets, *scoreOnly))
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if len(h.Fields) == 0 {
				return errors.New("hit without stored fields")
			}
		}
		return nil
	})
	rss, hwm, _ := result.ProcMem(os.Getpid())
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "raw bleve", ColdStartMs: float64(open) / float64(time.Millisecond),
		Phases: phases, KindP50: kinds, RSSKB: rss, HWMKB: hwm,
	})
}

// openIndex opens a bleve index read-only; a directory the indexer
// published (its shards under shards/) opens as an alias of its shards,
// searched in parallel as searchd's first stage is: plain bleve at the
// size of a searchd index.
func openIndex(dir string) (bleve.Index, error) {
	shards, err := filepath.Glob(filepath.Join(dir, "shards", "s*"))
	if err != nil || len(shards) == 0 {
		return bleve.OpenUsing(dir, map[string]any{"read_only": true})
	}
	var idxs []bleve.Index
	for _, d := range shards {
		idx, err := bleve.OpenUsing(d, map[string]any{"read_only": true})
		if err != nil {
			for _, o := range idxs {
				o.Close()
			}
			return nil, fmt.Errorf("open shard %s: %w", d, err)
		}
		idxs = append(idxs, idx)
	}
	return aliasOf{bleve.NewIndexAlias(idxs...), idxs}, nil
}

// aliasOf is an alias that closes the indexes it opened.
type aliasOf struct {
	bleve.IndexAlias
	idxs []bleve.Index
}

func (a aliasOf) Mapping() mapping.IndexMapping { return a.idxs[0].Mapping() }

func (a aliasOf) Close() error {
	var errs []error
	for _, i := range a.idxs {
		errs = append(errs, i.Close())
	}
	return errors.Join(errs...)
}
