package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsroom/newsearch/internal/article"
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

func (s benchSource) Read(_ context.Context, e Entry) (*Document, string, error) {
	return s[e.Seed], e.Seed, nil
}
