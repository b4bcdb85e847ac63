package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/index"
)

// benchArticles is the corpus size of the rebuild benchmarks.
const benchArticles = 10_000

// writeBenchCorpus writes n articles of three paragraphs each, made of
// paragraphs of the BBC corpus when it is present (recombined
// deterministically), of generated text otherwise.
func writeBenchCorpus(b *testing.B, dir string, n int) {
	b.Helper()
	var paras []string
	files, _ := filepath.Glob("../../../shared/corpus/bbc/*/*.txt")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, p := range strings.Split(string(data), "\n\n")[1:] {
			if p = strings.TrimSpace(p); len(p) > 80 {
				paras = append(paras, p)
			}
		}
	}
	if len(paras) == 0 {
		b.Logf("BBC corpus absent: generated paragraphs")
		for i := range 3000 {
			paras = append(paras, strings.TrimSpace(strings.Repeat(fmt.Sprintf("word%d text%d ", i%97, i%89), 30))+".")
		}
	}
	for i := range n {
		var s strings.Builder
		fmt.Fprintf(&s, "Article %d\n\nBy Bench Writer (Bench Wire) 10:00, June %d, 2020\n\n", i, i%28+1)
		for p := range 3 {
			s.WriteString(paras[(i*7+p*131)%len(paras)])
			s.WriteString("\n\n")
		}
		path := filepath.Join(dir, fmt.Sprintf("%03d/%05d.txt", i%100, i))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func rebuildOnce(b *testing.B, seeds, dir string) Summary {
	w, err := index.OpenWriter(dir, index.WriterOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	s, err := Rebuild(context.Background(), w, Options{SeedsDir: seeds})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkRebuild compares a full build of 10,000 articles with the
// incremental rebuilds after adding one article and after changing one.
func BenchmarkRebuild(b *testing.B) {
	seeds := b.TempDir()
	writeBenchCorpus(b, seeds, benchArticles)
	b.Run("full", func(b *testing.B) {
		indexed := 0
		for b.Loop() {
			indexed += rebuildOnce(b, seeds, b.TempDir()).Indexed
		}
		b.ReportMetric(float64(indexed)/b.Elapsed().Seconds(), "paragraphs/s")
	})
	dir := b.TempDir()
	rebuildOnce(b, seeds, dir)
	b.Run("add-one", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			os.WriteFile(filepath.Join(seeds, fmt.Sprintf("new-%d.txt", i)), []byte(fmt.Sprintf("Added %d\n\nA new article number %d arrives.\n", i, i)), 0o644)
			if s := rebuildOnce(b, seeds, dir); s.New != 1 {
				b.Fatalf("%+v", s)
			}
		}
	})
	b.Run("change-one", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			os.WriteFile(filepath.Join(seeds, "000/00000.txt"), []byte(fmt.Sprintf("Changed %d\n\nThe article changed, version %d.\n", i, i)), 0o644)
			if s := rebuildOnce(b, seeds, dir); s.Changed != 1 {
				b.Fatalf("%+v", s)
			}
		}
	})
}
