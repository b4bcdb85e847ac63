// Package profile holds the benchmarks behind the CPU profiles of the
// indexer and of searchd: the same code paths as the two commands (the
// ingest rebuild the indexer runs; searchd's HTTP handler over an index
// reader), on a corpus built from the shared corpora, plus raw bleve on
// the same documents for comparison. BENCH_PARAGRAPHS sets the corpus
// size (default 5,000, so that `make bench` stays quick); see
// bench/profile.sh for the profiling commands.
package profile

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/newsroom/newsearch/bench/internal/corpus"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/search"
	"github.com/newsroom/newsearch/internal/server"
)

const corpora = "../../../shared/corpus"

var (
	corpusOnce, indexOnce sync.Once
	seedDir, indexDir     string
	corpusErr, indexErr   error
)

func paragraphs() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_PARAGRAPHS")); err == nil && n > 0 {
		return n
	}
	return 5000
}

// corpusDir builds the corpus, cached in bench/out/corpus-N.
func corpusDir(b *testing.B) string {
	b.Helper()
	if _, err := os.Stat(filepath.Join(corpora, "bbc")); err != nil {
		b.Skip("shared corpora not found at ../shared/corpus; skipping")
	}
	corpusOnce.Do(func() {
		n := paragraphs()
		seedDir = filepath.Join("..", "out", fmt.Sprintf("corpus-%d", n))
		_, corpusErr = corpus.Build(corpus.Options{Root: corpora, Out: seedDir, Target: n})
	})
	if corpusErr != nil {
		b.Fatal(corpusErr)
	}
	return seedDir
}

// publishedIndex returns an index of the corpus, kept in
// bench/out/profile-index-N and brought up to date incrementally, so that
// a search profile holds (almost) no indexing; or the index BENCH_INDEX
// names, as it is.
func publishedIndex(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv("BENCH_INDEX"); dir != "" {
		return dir // an index built elsewhere, e.g. bench/memory.sh's at 10M
	}
	seeds := corpusDir(b)
	indexOnce.Do(func() {
		indexDir = filepath.Join("..", "out", fmt.Sprintf("profile-index-%d", paragraphs()))
		_, indexErr = rebuild(seeds, indexDir)
	})
	if indexErr != nil {
		b.Fatal(indexErr)
	}
	return indexDir
}

// rebuild is what cmd/indexer does: open the writer, rebuild from seeds.
func rebuild(seeds, dir string) (ingest.Summary, error) {
	w, err := index.OpenWriter(dir, index.WriterOptions{})
	if err != nil {
		return ingest.Summary{}, err
	}
	defer w.Close()
	return ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds})
}

// BenchmarkIndexer indexes the whole corpus from scratch per iteration.
func BenchmarkIndexer(b *testing.B) {
	seeds := corpusDir(b)
	paras := 0
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		s, err := rebuild(seeds, dir)
		if err != nil {
			b.Fatal(err)
		}
		paras = s.Indexed
	}
	b.ReportMetric(float64(paras)*float64(b.N)/b.Elapsed().Seconds(), "paragraphs/s")
}

// BenchmarkSearchd runs the benchmark queries through searchd's HTTP
// handler (routing, parsing, search, snippets, JSON), cycling through
// them; one op is one search. BENCH_PARAMS adds parameters to every
// search (e.g. facets=false, as bench/run sends by default).
func BenchmarkSearchd(b *testing.B) {
	dir := publishedIndex(b)
	qs, err := queries.Load("../queries.txt")
	if err != nil {
		b.Fatal(err)
	}
	r, err := index.NewReader(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Service: search.New(r, search.Options{})})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	reqs := make([]string, len(qs))
	for i, q := range qs {
		reqs[i] = "/api/search?size=10&relax=false&q=" + url.QueryEscape(q.Text)
		if p := os.Getenv("BENCH_PARAMS"); p != "" {
			reqs[i] += "&" + p
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", reqs[i%len(reqs)], nil))
		if rec.Code != 200 {
			b.Fatalf("%s: %d %s", reqs[i%len(reqs)], rec.Code, rec.Body)
		}
		i++
	}
}
