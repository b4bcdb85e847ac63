package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/query"
)

// The differential check of the query language: differential_eval_test.go
// has the brute-force evaluator and the semantics it follows,
// differential_gen_test.go the corpus words and the query generator.

// collectAll pages through every hit of req and checks the pages: no
// repeated id, the same total on each page.
func collectAll(ctx context.Context, r *Reader, req Request) ([]string, int, error) {
	var ids []string
	seen := map[string]bool{}
	total := -1
	for req.Page = 1; ; req.Page++ {
		if req.Page*req.Size > MaxWindow {
			return nil, 0, fmt.Errorf("more than %d hits: past the window", MaxWindow)
		}
		res, err := r.Search(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		if total >= 0 && res.Total != total {
			return nil, 0, fmt.Errorf("page %d: total %d, page 1 said %d", req.Page, res.Total, total)
		}
		total = res.Total
		for _, h := range res.Hits {
			if seen[h.ID] {
				return nil, 0, fmt.Errorf("page %d (size %d): hit %s again", req.Page, req.Size, h.ID)
			}
			seen[h.ID] = true
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < req.Size || len(ids) >= total {
			break
		}
	}
	slices.Sort(ids)
	return ids, total, nil
}

// TestDifferentialBBC compares the index's answers with the brute-force
// evaluator's on random queries over a deterministic sample of the BBC
// corpus.
func TestDifferentialBBC(t *testing.T) {
	const root = "../../shared/corpus/bbc"
	files, _ := filepath.Glob(root + "/*/*.txt")
	if len(files) == 0 {
		t.Skip("BBC corpus absent (../shared/corpus/bbc beside the project): no differential check")
	}
	sort.Strings(files)
	// The race detector slows analysis and search some tenfold: a smaller
	// sample and fewer queries keep the check cheap there.
	every, queries := 12, 500
	if raceEnabled {
		every, queries = 24, 300
	}
	if testing.Short() {
		every, queries = 36, 120
	}
	var docs []*Document
	for i, f := range files {
		if i%every != 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		a, err := article.Parse(rel, data)
		if err != nil {
			continue // the writer would skip it too
		}
		d := a.Document()
		d.Language = "en"
		docs = append(docs, d)
	}
	r := buildDocIndex(t, docs)
	c := loadDiffCorpus(docs, r.text)
	if len(c.paras) == 0 || len(c.bigrams) == 0 || len(c.prefixes) == 0 || len(c.titles) == 0 {
		t.Fatalf("corpus sample too small: %d paragraphs", len(c.paras))
	}
	t.Logf("%d articles, %d paragraphs", len(docs), len(c.paras))
	runDifferential(t, r, c, queries)
}

// TestDifferentialSmall runs the differential check on articles written
// for it (testdata/differential.txt), with section headings, accents,
// possessives, hyphens and numbers, always available.
func TestDifferentialSmall(t *testing.T) {
	docs := diffArticles(t)
	r := buildDocIndex(t, docs)
	queries := 300
	if testing.Short() {
		queries = 100
	}
	runDifferential(t, r, loadDiffCorpus(docs, r.text), queries)
}

// parseDiffArticles reads the format of testdata/differential.txt.
func parseDiffArticles(s string) []*Document {
	var docs []*Document
	section := ""
	for _, line := range strings.Split(s, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			section = strings.TrimPrefix(line, "== ")
		case strings.HasPrefix(line, "= "):
			section = ""
			docs = append(docs, &Document{Seed: fmt.Sprintf("differential/%02d.txt", len(docs)+1), Title: strings.TrimPrefix(line, "= "), Language: "en"})
		case len(docs) > 0:
			d := docs[len(docs)-1]
			d.Paragraphs = append(d.Paragraphs, Paragraph{Section: section, Text: line})
		}
	}
	return docs
}

// buildDocIndex publishes docs, one seed each, and returns a Reader
// serving them.
func buildDocIndex(t *testing.T, docs []*Document) *Reader {
	t.Helper()
	return buildDocIndexShards(t, docs, 3)
}

// buildDocIndexShards is buildDocIndex into that many shards.
func buildDocIndexShards(t testing.TB, docs []*Document, shards int) *Reader {
	t.Helper()
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	src := benchSource{}
	var entries []Entry
	for _, d := range docs {
		src[d.Seed] = d
		entries = append(entries, Entry{Seed: d.Seed, Info: SeedInfo{SHA256: d.Seed}})
	}
	p, err := w.Plan(context.Background(), entries, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Publish(context.Background(), p, src, nil); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func runDifferential(t *testing.T, r *Reader, c *diffCorpus, queries int) {
	ctx := context.Background()
	g := diffGen{rng: rand.New(rand.NewPCG(17, 2026)), c: c}
	compared, skipped, mismatches, partial := 0, map[string]int{}, 0, 0
	for range queries {
		s := g.seq(2)
		n, err := query.Parse(s)
		if err != nil {
			skipped["parse: "+err.Error()[:min(len(err.Error()), 30)]]++
			continue
		}
		if os.Getenv("DIFF_SHOW") != "" { // DIFF_SHOW=1 go test -v: the queries
			t.Log(s)
		}
		matchAny := g.rng.IntN(4) == 0
		ev := diffEval{text: r.text, matchAny: matchAny, slots: map[string][][]string{}}
		want, err := ev.matching(c.paras, n)
		if err != nil {
			skipped["unmodelled"]++
			continue
		}
		// Small pages where they are few, so that paging is tested
		// without hundreds of searches for a broad query.
		size := 7 + g.rng.IntN(MaxSize-6)
		if len(want) > 4*size {
			size = MaxSize
		}
		req := Request{Query: n, Size: size, MatchAny: matchAny, NoFacets: g.rng.IntN(2) == 0}
		if g.rng.IntN(3) == 0 {
			req.Sort = SortDate
		}
		got, total, err := collectAll(ctx, r, req)
		if errors.Is(err, ErrTooBroad) {
			skipped["too broad"]++
			continue
		}
		compared++
		if len(want) > 0 && len(want) < len(c.paras) {
			partial++
		}
		desc := fmt.Sprintf("%s (parsed %s; any=%v size=%d sort=%q)", s, query.String(n), matchAny, req.Size, req.Sort)
		switch {
		case err != nil:
			mismatches++
			t.Errorf("%s: %v", desc, err)
		case total != len(want):
			mismatches++
			t.Errorf("%s: total %d, want %d (%d hits collected)\n%s", desc, total, len(want), len(got), setDiff(want, got))
		case !slices.Equal(got, want):
			mismatches++
			t.Errorf("%s: hits differ\n%s", desc, setDiff(want, got))
		}
	}
	t.Logf("%d queries compared (%d matching some but not all paragraphs), %d mismatches, skipped %v", compared, partial, mismatches, skipped)
	if compared < queries/2 || partial < compared/4 {
		t.Errorf("only %d of %d queries compared, %d of them matching some but not all paragraphs (skipped %v)", compared, queries, partial, skipped)
	}
}

// setDiff describes what want has that got lacks and the reverse, a few
// ids of each.
func setDiff(want, got []string) string {
	in := func(s []string, x string) bool { _, ok := slices.BinarySearch(s, x); return ok }
	var missing, extra []string
	for _, x := range want {
		if !in(got, x) {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !in(want, x) {
			extra = append(extra, x)
		}
	}
	cut := func(s []string) []string { return s[:min(len(s), 5)] }
	return fmt.Sprintf("  missing %d %v\n  unexpected %d %v", len(missing), cut(missing), len(extra), cut(extra))
}
