package index

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

const seedFile = "../seeds/000_5560a174234f78d3.txt"

// buildIndex publishes the given seed texts (path → content) into a new
// index directory and returns a Reader serving it.
func buildIndex(t testing.TB, seeds map[string][]byte) (*Reader, string) {
	t.Helper()
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	publish(t, w, seeds)
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

func publish(t testing.TB, w *Writer, seeds map[string][]byte) *Generation {
	t.Helper()
	gen, _ := publishStats(t, w, seeds)
	return gen
}

func sha(b []byte) string {
	h := 0
	for _, c := range b {
		h = h*31 + int(c)
	}
	return strings.Repeat("0", 4) + string(rune('a'+h%26)) + itoa(h)
}

func itoa(n int) string {
	if n < 0 {
		n = -n
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func seedIndex(t testing.TB) *Reader {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := buildIndex(t, map[string][]byte{"000_5560a174234f78d3.txt": data})
	return r
}

func mustParse(t testing.TB, q string) query.Node {
	t.Helper()
	n, err := query.Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return n
}

func paragraphs(res *Result) []int {
	var ns []int
	for _, h := range res.Hits {
		ns = append(ns, h.Paragraph)
	}
	slices.Sort(ns)
	return ns
}

func TestSeedPhraseAndKeyword(t *testing.T) {
	r := seedIndex(t)
	tests := []struct {
		q    string
		want []int
	}{
		{`"critical infrastructure"`, []int{4, 11, 12, 13}},
		{`espionage`, []int{10, 17, 18}},
		{`text:espionage`, []int{10, 17, 18}},
		{`"critical infrastructure" -"united nations"`, []int{4, 13}},
		{`espionage OR "no first-strike"`, []int{6, 10, 17, 18}},
		{`industrial espionage`, []int{10, 17}},
		{`section:trust espionage`, []int{17, 18}},
		{`espion*`, []int{10, 17, 18}},
		{`"to not be the first"`, []int{4}},
	}
	for _, tt := range tests {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, tt.q), Size: 50})
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		if got := paragraphs(res); !slices.Equal(got, tt.want) {
			t.Errorf("%s: paragraphs %v, want %v", tt.q, got, tt.want)
		}
		if res.Total != len(tt.want) {
			t.Errorf("%s: total %d", tt.q, res.Total)
		}
	}
}

func TestSeedHitFieldsAndSnippet(t *testing.T) {
	r := seedIndex(t)
	res, err := r.Search(context.Background(), Request{Query: mustParse(t, `"critical infrastructure"`), Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hits[0]
	if h.Title != "Cyber Deal Expected to Halt Disputes" || h.Author != "Liu Xin" || h.Source != "People's Daily Online" {
		t.Errorf("hit metadata %+v", h)
	}
	if got := h.Published.Format("2006-01-02T15:04:05Z07:00"); got != "2015-09-21T22:51:00+08:00" {
		t.Errorf("published %s", got)
	}
	for _, h := range res.Hits {
		if sn := snippet.Build(h.Text, h.Matches, snippet.Options{}).HTML; !strings.Contains(sn, "<mark>critical infrastructure</mark>") {
			t.Errorf("paragraph %d snippet has no phrase mark: %s", h.Paragraph, sn)
		}
		for _, m := range h.Matches {
			if !strings.EqualFold(h.Text[m.Start:m.End], "critical infrastructure") {
				t.Errorf("match span %q", h.Text[m.Start:m.End])
			}
		}
	}
	res, err = r.Search(context.Background(), Request{Query: mustParse(t, `cyber deal`), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if th := snippet.Highlight(res.Hits[0].Title, res.Hits[0].TitleMatch); th != "<mark>Cyber Deal</mark> Expected to Halt Disputes" {
		t.Errorf("title html %q", th)
	}
}

func TestReadArticleBack(t *testing.T) {
	r := seedIndex(t)
	data, _ := os.ReadFile(seedFile)
	want, _ := article.Parse("000_5560a174234f78d3.txt", data)
	v, err := r.Article(context.Background(), want.ID, mustParse(t, "espionage"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Title != want.Title || v.Editors != want.Editors || !v.Published.Equal(want.Published) || len(v.Paragraphs) != 21 {
		t.Fatalf("article %+v", v)
	}
	for i, p := range v.Paragraphs {
		if p.N != i+1 || p.Text != want.Paragraphs[i].Text || p.Section != want.Paragraphs[i].Section {
			t.Errorf("paragraph %d differs", i+1)
		}
		marked := len(p.Matches) > 0
		if marked != (p.N == 10 || p.N == 17 || p.N == 18) {
			t.Errorf("paragraph %d matches %v", p.N, p.Matches)
		}
	}
	if _, err := r.Article(context.Background(), "../../etc/passwd", nil); err != ErrNotFound {
		t.Errorf("bad id: %v", err)
	}
	if _, err := r.Article(context.Background(), "0123456789abcdef", nil); err != ErrNotFound {
		t.Errorf("unknown id: %v", err)
	}
}

func TestIDsStableAcrossRebuilds(t *testing.T) {
	data, _ := os.ReadFile(seedFile)
	seeds := map[string][]byte{"a.txt": data}
	r1, _ := buildIndex(t, seeds)
	r2, _ := buildIndex(t, seeds)
	ids := func(r *Reader) []string {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, "china"), Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	if a, b := ids(r1), ids(r2); !slices.Equal(a, b) || len(a) == 0 {
		t.Fatalf("ids differ: %v vs %v", a, b)
	}
}

func TestPublishIsIncrementalAndAtomic(t *testing.T) {
	data, _ := os.ReadFile(seedFile)
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := OpenWriter(dir, WriterOptions{}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second writer: %v", err)
	}
	seeds := map[string][]byte{}
	for i := range 20 {
		seeds[filepath.Join("d", itoa(i+1)+".txt")] = append([]byte(nil), data...)
	}
	g1 := publish(t, w, seeds)
	seeds["new.txt"] = data
	g2 := publish(t, w, seeds)
	if g2.Number != g1.Number+1 {
		t.Fatalf("generation %d after %d", g2.Number, g1.Number)
	}
	changed := 0
	names := map[string]bool{}
	for _, s := range g1.Shards {
		names[s.Name] = true
	}
	for _, s := range g2.Shards {
		if !names[s.Name] {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("%d shards rebuilt for one new seed, want 1", changed)
	}
	cur, err := Current(dir)
	if err != nil || cur.Number != g2.Number || len(cur.Seeds) != 21 {
		t.Fatalf("current %+v, %v", cur, err)
	}
}

func TestSuggest(t *testing.T) {
	r := seedIndex(t)
	for q, want := range map[string]string{
		"espionnage":               "espionage",
		"cyber infrastucture":      "cyber infrastructure",
		`"critical" negotations`:   `"critical" negotiations`,
		"espionage":                "",
		"qqqqqqqqq":                "",
		`title:cyber dizputes -xi`: "title:cyber disputes -xi",
	} {
		if got, err := r.Suggest(context.Background(), q, mustParse(t, q)); err != nil || got != want {
			t.Errorf("Suggest(%q) = %q, %v; want %q", q, got, err, want)
		}
	}
}
