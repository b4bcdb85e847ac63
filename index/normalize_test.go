package index

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// A long Chinese paragraph is cut at sentence ends into pieces of whole
// sentences; nothing of the text is lost; short ones and other languages
// stay as they are.
func TestSplitCJKParagraph(t *testing.T) {
	sentence := "北京地铁公司今天宣布，新的地铁线路将在明年年底前建成并投入运营，方便沿线市民出行。"
	long := strings.Repeat(sentence, 40) // about 1,700 characters, one line
	parts := splitCJKParagraph(long)
	if len(parts) < 5 {
		t.Fatalf("%d pieces", len(parts))
	}
	if strings.Join(parts, "") != long {
		t.Errorf("pieces do not make up the text")
	}
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n < minCJKPiece || n > maxCJKParagraph || !strings.HasSuffix(p, "。") {
			t.Errorf("piece of %d characters: %s", n, p)
		}
	}
	quoted := strings.Repeat("他说：“今天天气很好，我们一起去公园散步吧，孩子们都很高兴！”", 20)
	for _, p := range splitCJKParagraph(quoted) {
		if !strings.HasSuffix(p, "！”") {
			t.Errorf("cut inside a quotation: %s", p)
		}
	}
	for _, s := range []string{sentence, strings.Repeat("A long English sentence. ", 40), strings.Repeat("没有句号的长文本", 60)} {
		if got := splitCJKParagraph(s); got != nil {
			t.Errorf("%.20s…: cut into %d", s, len(got))
		}
	}
}

// TestLongChineseArticle: a 2,000-character article on one line is
// indexed as several paragraphs, each found and shown on its own.
func TestLongChineseArticle(t *testing.T) {
	var b strings.Builder
	for i := range 24 {
		b.WriteString("今天上午，市政府召开新闻发布会，介绍了全市交通建设的最新进展和下一步的工作安排。")
		if i == 17 {
			b.WriteString("地铁五号线的施工已经全部完成。")
		}
	}
	r, _ := buildIndex(t, map[string][]byte{"zh.txt": []byte("交通建设\n\n" + b.String() + "\n")})
	res, err := r.Search(context.Background(), Request{Query: mustParse(t, "地铁"), Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Paragraph < 2 || utf8.RuneCountInString(res.Hits[0].Text) > maxCJKParagraph {
		t.Fatalf("hits %+v", res.Hits)
	}
	if st := r.Status(); st.Documents < 5 {
		t.Errorf("%d paragraphs", st.Documents)
	}
}
