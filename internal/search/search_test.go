package search

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/query"
)

const seedArticle = "000_5560a174234f78d3.txt"

// tmpRoot holds the test index; TestMain removes it.
var tmpRoot string

func TestMain(m *testing.M) {
	var err error
	if tmpRoot, err = os.MkdirTemp("", "search-test-"); err != nil {
		panic(err)
	}
	code := m.Run()
	if r, err := testIndex(); err == nil {
		r.Close()
	}
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// testIndex indexes testdata/seeds and the repository's seed article with
// the real indexer code and returns a reader of the result. The index is
// built once per test binary: the tests only read it.
var testIndex = sync.OnceValues(func() (*index.Reader, error) {
	seeds, dir := filepath.Join(tmpRoot, "seeds"), filepath.Join(tmpRoot, "index")
	err := filepath.WalkDir("testdata/seeds", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata/seeds", path)
		return copyFile(path, filepath.Join(seeds, rel))
	})
	if err != nil {
		return nil, err
	}
	if err := copyFile(filepath.Join("..", "..", "seeds", seedArticle), filepath.Join(seeds, seedArticle)); err != nil {
		return nil, err
	}
	w, err := index.OpenWriter(dir, index.WriterOptions{Shards: 2})
	if err != nil {
		return nil, err
	}
	_, err = ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds})
	w.Close()
	if err != nil {
		return nil, err
	}
	r, err := index.NewReader(dir, nil)
	if err != nil {
		return nil, err
	}
	if _, err := r.Reload(context.Background()); err != nil {
		return nil, err
	}
	return r, nil
})

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

func reader(t *testing.T) *index.Reader {
	t.Helper()
	r, err := testIndex()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustParse(t *testing.T, q string) Query {
	t.Helper()
	pq, err := Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return pq
}

// TestSearchPolicy is the policy, query by query, against a real index.
func TestSearchPolicy(t *testing.T) {
	svc := New(reader(t), Options{})
	tests := []struct {
		name       string
		q          string
		page       int
		group      bool
		matchAny   bool
		relax      bool
		total      int // -1: more than 0
		relaxed    bool
		partial    bool
		suggestion string
	}{
		{name: "one word", q: "espionage", relax: true, total: 3},
		// One paragraph has both words; the other paragraph of its
		// article has "storm" and only its title "harbour", which does
		// not make it a paragraph hit.
		{name: "few have all", q: "storm harbour", relax: true, total: 1, partial: true},
		{name: "few, grouped", q: "storm harbour", group: true, relax: true, total: 1, partial: true},
		{name: "few, page 2", q: "storm harbour", page: 2, relax: true, total: 1},
		{name: "few, strict", q: "storm harbour", total: 1},
		{name: "few, match any", q: "storm harbour", matchAny: true, relax: true, total: -1},
		{name: "enough have all", q: "china cyber", relax: true, total: -1},
		{name: "none has all: relaxed", q: "espionage zzyzxq", relax: true, total: 3, relaxed: true},
		{name: "none has all: strict", q: "espionage zzyzxq", total: 0},
		{name: "a phrase is not relaxed", q: `"espionage zzyzxq"`, relax: true, total: 0},
		{name: "nothing at all", q: "zzyzxq qqxyzzy", relax: true, total: 0},
		{name: "misspelt", q: "espionnage", relax: true, total: 0, suggestion: "espionage"},
		{name: "misspelt, strict: one search, no suggestion", q: "espionnage", total: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := max(tt.page, 1)
			res, err := svc.Search(context.Background(), Request{Query: mustParse(t, tt.q), Page: page, Size: 10,
				Sort: index.SortRelevance, Group: tt.group, MatchAny: tt.matchAny, Relax: tt.relax})
			if err != nil {
				t.Fatal(err)
			}
			if (tt.total < 0 && res.Total == 0) || (tt.total >= 0 && res.Total != tt.total) {
				t.Errorf("total %d, want %d", res.Total, tt.total)
			}
			if res.Relaxed != tt.relaxed {
				t.Errorf("relaxed %v, want %v", res.Relaxed, tt.relaxed)
			}
			if (len(res.Partial) > 0) != tt.partial {
				t.Errorf("%d partial hits, want some: %v", len(res.Partial), tt.partial)
			}
			if res.Suggestion != tt.suggestion {
				t.Errorf("suggestion %q, want %q", res.Suggestion, tt.suggestion)
			}
			if res.Hits == nil || res.Partial == nil || len(res.Notes) > 0 {
				t.Errorf("hits %v partial %v notes %v", res.Hits, res.Partial, res.Notes)
			}
			if len(res.Hits)+len(res.Partial) > 10 {
				t.Errorf("%d hits and %d partial exceed the page", len(res.Hits), len(res.Partial))
			}
			shown := map[string]bool{}
			for _, h := range res.Hits {
				shown[h.ID], shown[h.ArticleID] = true, tt.group
				if !strings.Contains(h.SnippetHTML+h.TitleHTML+h.SectionHTML, "<mark>") {
					t.Errorf("hit %s: nothing highlighted: %q", h.ID, h.SnippetHTML)
				}
			}
			for _, h := range res.Partial {
				if shown[h.ID] || shown[h.ArticleID] {
					t.Errorf("partial hit %s is already shown", h.ID)
				}
				if !strings.Contains(h.SnippetHTML+h.TitleHTML, "<mark>") {
					t.Errorf("partial hit %s: nothing highlighted", h.ID)
				}
			}
		})
	}
}

func TestSearchHTMLIsEscaped(t *testing.T) {
	svc := New(reader(t), Options{})
	res, err := svc.Search(context.Background(), Request{Query: mustParse(t, "markup"), Page: 1, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	h := res.Hits[0]
	if h.TitleHTML != "<mark>Markup</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" {
		t.Errorf("title HTML %q", h.TitleHTML)
	}
	stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.SnippetHTML)
	if strings.ContainsAny(stripped, "<>") || !strings.Contains(h.SnippetHTML, "&lt;b&gt;bold&lt;/b&gt;") {
		t.Errorf("snippet not escaped: %s", h.SnippetHTML)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		q    string
		code string
	}{
		{"china", ""},
		{"", CodeEmptyQuery},
		{" \t\n", CodeEmptyQuery},
		{"\xff\xfe", CodeInvalidQuery},
		{strings.Repeat("a", MaxQueryBytes), ""},
		{strings.Repeat("a", MaxQueryBytes+1), CodeQueryTooLong},
		{`china "cyber`, query.CodeUnbalancedQuote},
	}
	for _, tt := range tests {
		q, err := Parse(tt.q)
		var code string
		var re *RequestError
		var qe *query.Error
		switch {
		case errors.As(err, &re):
			code = re.Code
		case errors.As(err, &qe):
			code = qe.Code
		case err != nil:
			t.Errorf("%.20q: unexpected error %v", tt.q, err)
		}
		if code != tt.code {
			t.Errorf("%.20q: code %q, want %q", tt.q, code, tt.code)
		}
		if err == nil && (q.IsZero() || q.Text != tt.q) {
			t.Errorf("%.20q: query %+v", tt.q, q)
		}
	}
	if _, err := New(reader(t), Options{}).Search(context.Background(), Request{}); err == nil {
		t.Error("a request without a query was searched")
	}
}

// faulty wraps an index: its suggestion, its searches by any of the words,
// or every search after the first can fail or wait for the deadline. It
// records the deadline each call saw.
type faulty struct {
	Index
	suggestErr error
	anyErr     error
	slowAfter  int // searches after this many wait for the deadline (0: none)

	mu        sync.Mutex
	searches  int
	deadlines []time.Time
}

func (f *faulty) record(ctx context.Context) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, _ := ctx.Deadline()
	f.deadlines = append(f.deadlines, d)
	f.searches++
	return f.searches
}

func (f *faulty) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	n := f.record(ctx)
	if f.slowAfter > 0 && n > f.slowAfter {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if req.MatchAny && f.anyErr != nil {
		return nil, f.anyErr
	}
	return f.Index.Search(ctx, req)
}

func (f *faulty) Suggest(ctx context.Context, q string, n query.Node) (string, error) {
	f.record(ctx)
	if f.suggestErr != nil {
		return "", f.suggestErr
	}
	return f.Index.Suggest(ctx, q, n)
}

func TestSearchFailures(t *testing.T) {
	boom := errors.New("boom")
	req := func(t *testing.T, q string) Request {
		return Request{Query: mustParse(t, q), Page: 1, Size: 10, Relax: true}
	}
	t.Run("a failed suggestion leaves the result, with a note", func(t *testing.T) {
		svc := New(&faulty{Index: reader(t), suggestErr: boom}, Options{})
		res, err := svc.Search(context.Background(), req(t, "espionage zzyzxq"))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Relaxed || res.Total == 0 || len(res.Notes) != 1 || !errors.Is(res.Notes[0], boom) {
			t.Errorf("relaxed %v total %d notes %v", res.Relaxed, res.Total, res.Notes)
		}
	})
	t.Run("failed partial results leave the result, with a note", func(t *testing.T) {
		svc := New(&faulty{Index: reader(t), anyErr: boom}, Options{})
		res, err := svc.Search(context.Background(), req(t, "storm harbour"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Partial) != 0 || len(res.Notes) != 1 || !errors.Is(res.Notes[0], boom) {
			t.Errorf("total %d partial %d notes %v", res.Total, len(res.Partial), res.Notes)
		}
	})
	t.Run("a failed relaxed search fails the request", func(t *testing.T) {
		svc := New(&faulty{Index: reader(t), anyErr: boom}, Options{})
		if _, err := svc.Search(context.Background(), req(t, "espionage zzyzxq")); !errors.Is(err, boom) {
			t.Errorf("error %v, want boom", err)
		}
	})
	t.Run("the first search's error is the request's", func(t *testing.T) {
		svc := New(&faulty{Index: reader(t), anyErr: boom}, Options{})
		r := req(t, "storm harbour")
		r.MatchAny = true
		if _, err := svc.Search(context.Background(), r); !errors.Is(err, boom) {
			t.Errorf("error %v, want boom", err)
		}
	})
	t.Run("one deadline for every search of a request", func(t *testing.T) {
		f := &faulty{Index: reader(t), slowAfter: 2} // the strict search and the suggestion answer; the relaxed one hangs
		svc := New(f, Options{Timeout: 100 * time.Millisecond})
		start := time.Now()
		_, err := svc.Search(context.Background(), req(t, "espionage zzyzxq"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want the deadline", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("took %v: the deadline is not shared", took)
		}
		if len(f.deadlines) != 3 {
			t.Fatalf("%d calls, want 3", len(f.deadlines))
		}
		for _, d := range f.deadlines {
			if d.IsZero() || !d.Equal(f.deadlines[0]) {
				t.Errorf("deadlines %v: not one", f.deadlines)
			}
		}
	})
	t.Run("a client that left cancels", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		svc := New(reader(t), Options{})
		if _, err := svc.Search(ctx, req(t, "storm harbour")); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want canceled", err)
		}
	})
}

func TestArticle(t *testing.T) {
	svc := New(reader(t), Options{})
	id := article.IDFor(seedArticle)
	a, err := svc.Article(context.Background(), id, mustParse(t, "espionage"))
	if err != nil {
		t.Fatal(err)
	}
	var marked []int
	for _, p := range a.Paragraphs {
		if p.HTML != "" {
			marked = append(marked, p.N)
			if !strings.Contains(p.HTML, "<mark>espionage</mark>") || len(p.Matches) == 0 {
				t.Errorf("paragraph %d: %q", p.N, p.HTML)
			}
		}
	}
	if len(a.Paragraphs) != 21 || len(marked) != 3 {
		t.Errorf("%d paragraphs, highlighted %v", len(a.Paragraphs), marked)
	}
	plain, err := svc.Article(context.Background(), id, Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plain.Paragraphs {
		if p.HTML != "" || p.Matches != nil {
			t.Errorf("paragraph %d highlighted without a query", p.N)
		}
	}
	if _, err := svc.Article(context.Background(), "0123456789abcdef", Query{}); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}
