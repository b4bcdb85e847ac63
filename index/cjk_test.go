package index

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsroom/newsearch/index/doc"
)

func terms(t *testing.T, text string) []string {
	t.Helper()
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tok := range m.AnalyzerNamed(textAnalyzer).Analyze([]byte(text)) {
		out = append(out, string(tok.Term)+"@"+text[tok.Start:tok.End])
	}
	return out
}

// Chinese is indexed by words: a word of two characters is one term, a
// longer one the words it is made of, never a pair of characters that
// crosses two words.
func TestChineseWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"北京地铁站今天开通", "北京 地铁 站 今天 开通"},
		{"中华人民共和国成立", "中华 人民 共和 国 成立"},
		{"我们的地铁", "我们 的 地铁"},
		{"地铁", "地铁"},
		{"外交部长", "外交 部长"},
		{"大学生", "大 大学 学生"},
		{"Ｂ股和2012年", "b 股 和 2012 年"},
	} {
		var got []string
		for _, s := range terms(t, c.in) {
			term, orig, _ := strings.Cut(s, "@")
			if strings.ToLower(orig) != term && !strings.ContainsAny(orig, "Ｂ") {
				t.Errorf("%s: term %s at %q", c.in, term, orig)
			}
			got = append(got, term)
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%s: %s, want %s", c.in, g, c.want)
		}
	}
}

// TestChineseSearch: a query of two or more characters finds the words it
// names, inside longer words too, never across two words, and its
// highlight covers the whole word.
func TestChineseSearch(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{
		"a.txt": []byte("北京新闻\n\n北京地铁站今天开通，市民乘坐地铁上班。\n"),
		"b.txt": []byte("国庆报道\n\n中华人民共和国成立五十周年。\n"),
		"c.txt": []byte("侨务新闻\n\n海外华人关心祖国建设。\n"),
		"d.txt": []byte("天气\n\n今天天地铁青，大雨。\n"),
		"e.txt": []byte("外交\n\n外交部长会见了大学生代表。\n"),
	})
	for _, tc := range []struct {
		q     string
		seeds []string
		spans []string
	}{
		{"地铁", []string{"a.txt"}, []string{"地铁", "地铁"}},
		{"地铁站", []string{"a.txt"}, []string{"地铁站"}},
		{"北京地铁", []string{"a.txt"}, []string{"北京地铁"}},
		{"华人", []string{"c.txt"}, []string{"华人"}},
		{"人民", []string{"b.txt"}, []string{"人民"}},
		{"共和国", []string{"b.txt"}, []string{"共和国"}},
		{"部长", []string{"e.txt"}, []string{"部长"}},
		{"外交部长", []string{"e.txt"}, []string{"外交部长"}},
		{"大学", []string{"e.txt"}, []string{"大学"}},
		{"地铁*", []string{"a.txt"}, []string{"地铁", "地铁"}},
		{"北京地铁*", []string{"a.txt"}, []string{"北京地铁"}},
	} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, tc.q), Size: 10, NoFacets: true})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		slices.SortFunc(res.Hits, func(a, b Hit) int { return strings.Compare(a.Seed, b.Seed) })
		var got, spans []string
		for _, h := range res.Hits {
			got = append(got, h.Seed)
			for _, m := range h.Matches {
				spans = append(spans, h.Text[m.Start:m.End])
			}
		}
		if !slices.Equal(got, tc.seeds) || !slices.Equal(spans, tc.spans) {
			t.Errorf("%s: seeds %v spans %q, want %v %q", tc.q, got, spans, tc.seeds, tc.spans)
		}
	}
}

// TestChineseRanking: BM25 counts a Chinese paragraph's length in the
// analyzer's tokens (not one per run of characters), and the feedback
// never expands a query with single characters such as 的.
func TestChineseRanking(t *testing.T) {
	text := "北京地铁的新线路今天开通了，市民的出行更方便了。地铁公司的负责人说，一条新的地铁线路正在建设。"
	r, _ := buildIndex(t, map[string][]byte{
		"a.txt": []byte("地铁新闻\n\n" + text + "\n"),
		"b.txt": []byte("交通新闻\n\n北京的地铁和公交车都是市民的选择，地铁的票价不高。\n"),
		"c.txt": []byte("城市新闻\n\n上海地铁的客流量很大，有的车站很挤。\n"),
	})
	v := view{r, r.cur.Load(), nil}
	id := doc.ArticleID("a.txt")
	lens, err := v.readLengths(context.Background(), []string{ParagraphID(id, 1)}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lens[ParagraphID(id, 1)].text, len(r.text.Analyze([]byte(text))); got != want || want < 20 {
		t.Errorf("length %d, the analyzer makes %d tokens", got, want)
	}
	keys := []string{id, doc.ArticleID("b.txt"), doc.ArticleID("c.txt")}
	set, err := v.loadRankSet(context.Background(), keys, true, false, false, false)
	if err != nil {
		t.Fatal(err)
	}
	rk := &Ranking{Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.5}
	exp, err := v.expandQuery(context.Background(), []queryWord{{term: "地铁", weight: 1}}, set,
		map[string]float64{keys[0]: 3, keys[1]: 2, keys[2]: 1}, rk)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) < 2 {
		t.Fatalf("no expansion: %v", exp)
	}
	for _, w := range exp {
		if utf8.RuneCountInString(w.term) < 2 {
			t.Errorf("expanded with %q: %v", w.term, exp)
		}
	}
}
