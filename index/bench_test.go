package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/query"
)

// BenchmarkIndex builds a whole generation from the BBC corpus (2,225
// articles, about 11,000 paragraphs), parsed beforehand.
func BenchmarkIndex(b *testing.B) {
	files, _ := filepath.Glob("../../shared/corpus/bbc/*/*.txt")
	if len(files) == 0 {
		b.Skip("BBC corpus absent (../shared/corpus/bbc beside the project): nothing to index")
	}
	docs := benchSource{}
	var entries []Entry
	paragraphs := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		rel, _ := filepath.Rel("../../shared/corpus/bbc", f)
		a, err := article.Parse(rel, data)
		if err != nil {
			continue
		}
		docs[rel] = a.Document()
		paragraphs += len(a.Paragraphs)
		entries = append(entries, Entry{Seed: rel, Info: SeedInfo{SHA256: rel}})
	}
	b.ResetTimer()
	for b.Loop() {
		w, err := OpenWriter(b.TempDir(), WriterOptions{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := w.Plan(context.Background(), entries, docs)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := w.Publish(context.Background(), p, docs, nil); err != nil {
			b.Fatal(err)
		}
		w.Close()
	}
	b.ReportMetric(float64(paragraphs*b.N)/b.Elapsed().Seconds(), "paragraphs/s")
}

// benchSource serves documents parsed beforehand; a seed's hash is its path.
type benchSource map[string]*Document

func (s benchSource) Hash(_ context.Context, e Entry) (string, error) { return e.Seed, nil }

func (s benchSource) Read(_ context.Context, e Entry) ([]*Document, string, error) {
	return []*Document{s[e.Seed]}, e.Seed, nil
}

// bbcReader serves the BBC corpus (2,225 articles, about 11,000
// paragraphs) from a temporary index of 4 shards, each article in English
// as the indexer's detector finds it (a language facet term each).
func bbcReader(b *testing.B) *Reader {
	b.Helper()
	return bbcReaderIn(b, nil)
}

// bbcReaderIn is bbcReader with the articles of the seeds named in
// foreign in the language foreign gives them (their text stays English).
func bbcReaderIn(b *testing.B, foreign map[string]string) *Reader {
	b.Helper()
	files, _ := filepath.Glob("../../shared/corpus/bbc/*/*.txt")
	if len(files) == 0 {
		b.Skip("BBC corpus absent (../shared/corpus/bbc beside the project): nothing to search")
	}
	seeds := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		rel, _ := filepath.Rel("../../shared/corpus/bbc", f)
		seeds[rel] = data
	}
	dir := b.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	src := englishSource{testSource(seeds), foreign}
	var entries []Entry
	for name, data := range seeds {
		entries = append(entries, Entry{Seed: name, Info: SeedInfo{Size: int64(len(data)), SHA256: sha(data)}})
	}
	p, err := w.Plan(context.Background(), entries, src)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := w.Publish(context.Background(), p, src, nil); err != nil {
		b.Fatal(err)
	}
	r, err := NewReader(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := r.Reload(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	return r
}

// englishSource reads seeds as testSource does, every article in English
// but those of the seeds in foreign, in the language it names.
type englishSource struct {
	testSource
	foreign map[string]string
}

func (s englishSource) Read(ctx context.Context, e Entry) ([]*Document, string, error) {
	docs, sum, err := s.testSource.Read(ctx, e)
	for _, d := range docs {
		d.Language = "en"
		if l, ok := s.foreign[e.Seed]; ok {
			d.Language = l
		}
	}
	return docs, sum, err
}

// BenchmarkSearch times the read side on the BBC corpus: searches of each
// kind as the API runs them, the rescored any-words searches, a
// suggestion and an article read back.
func BenchmarkSearch(b *testing.B) {
	r := bbcReader(b)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    string
		req  Request
	}{
		{"keyword", "government", Request{}},
		{"phrase", `"prime minister"`, Request{}},
		{"prefix", "elect*", Request{}},
		{"grouped", "china economy", Request{Group: true}},
		{"date", "oil prices", Request{Sort: SortDate}},
		{"nofacets", "film award", Request{NoFacets: true}},
		{"any-grouped", "the rise of oil prices in asia", Request{Group: true, MatchAny: true}},
		{"any-paragraphs", "the rise of oil prices in asia", Request{MatchAny: true}},
	} {
		node, err := query.Parse(tc.q)
		if err != nil {
			b.Fatal(err)
		}
		req := tc.req
		req.Query, req.Size = node, 10
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("suggest", func(b *testing.B) {
		const q = "govermnent spnding"
		node, err := query.Parse(q)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := r.Suggest(ctx, q, node); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("article", func(b *testing.B) {
		node, err := query.Parse("government")
		if err != nil {
			b.Fatal(err)
		}
		res, err := r.Search(ctx, Request{Query: node, Size: 1})
		if err != nil || len(res.Hits) == 0 {
			b.Fatal("no hit to read back", err)
		}
		for b.Loop() {
			if _, err := r.Article(ctx, res.Hits[0].ArticleID, node); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuTime is the CPU time the process has used (user and system): on a
// machine shared with other work, a steadier measure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rankQueries are the queries of BenchmarkRankForms: keyword queries of
// two to four words on the BBC corpus's subjects.
var rankQueries = []string{
	"oil prices asia", "prime minister election", "film award ceremony", "china economy growth",
	"football club manager", "mobile phone technology", "tax budget spending", "music album chart",
	"internet broadband users", "bank interest rates", "the rise of oil prices in asia", "rugby world cup",
}

// BenchmarkRankForms times one ranking model over the ways of writing the
// same words (bare words: all of them; match=any; explicit OR), by article
// and by paragraph, size 10, and reports the mean and the 99th percentile
// of a search, and the process's CPU time per search ("cpu-ms", GC
// included). "warm" searches a generation whose rescoring statistics
// are cached (the usual case), "cold" empties the caches before every
// search (the first search of a word after a reload: its document
// frequency read from the postings, its candidates' lengths from their
// stored text). "articletable" builds a generation's table of articles,
// once per generation.
func BenchmarkRankForms(b *testing.B) {
	r := bbcReader(b)
	ctx := context.Background()
	for _, cold := range []bool{false, true} {
		for _, group := range []bool{true, false} {
			for _, form := range []string{"all", "any", "or"} {
				name := fmt.Sprintf("warm/group=%v/%s", group, form)
				if cold {
					name = fmt.Sprintf("cold/group=%v/%s", group, form)
				}
				var reqs []Request
				for _, q := range rankQueries {
					if form == "or" {
						q = strings.Join(strings.Fields(q), " OR ")
					}
					node, err := query.Parse(q)
					if err != nil {
						b.Fatal(err)
					}
					reqs = append(reqs, Request{Query: node, Size: 10, Group: group, MatchAny: form == "any"})
				}
				b.Run(name, func(b *testing.B) {
					var took []time.Duration
					i := 0
					cpu0 := cpuTime()
					for b.Loop() {
						if cold {
							c := r.cur.Load().cache
							c.mu.Lock()
							c.df, c.lengths = map[string]int{}, map[string]docLength{}
							c.mu.Unlock()
						}
						start := time.Now()
						if _, err := r.Search(ctx, reqs[i%len(reqs)]); err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(start))
						i++
					}
					b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(len(took))/1000, "cpu-ms")
					slices.Sort(took)
					var sum time.Duration
					for _, d := range took {
						sum += d
					}
					b.ReportMetric(float64(sum.Microseconds())/float64(len(took))/1000, "mean-ms")
					b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
				})
			}
		}
	}
	b.Run("articletable", func(b *testing.B) {
		shards := r.cur.Load().shards
		for b.Loop() {
			for _, sh := range shards {
				if _, err := buildShardArticles(sh); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
