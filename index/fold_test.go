package index

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"golang.org/x/text/unicode/norm"
)

// TestFold: case, width and accents are folded; the marks of scripts
// where they make other letters stay.
func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"café": "cafe", "CAFÉ": "cafe", "naïve": "naive", "Straße": "strasse", "İstanbul": "istanbul",
		"Ελλάδα": "ελλαδα", "й": "й", "ёж": "ёж", "हिंदी": "हिंदी", "北京": "北京", "Œuvre": "œuvre",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNFKCTokenizer: on text already in NFKC the tokenizer is the unicode
// one; on other text its terms are those of the text's NFKC form, and each
// token spans whole characters of the original text. (Han characters as
// the unicode tokenizer gives them, one a token: cjk_test.go tests words.)
func TestNFKCTokenizer(t *testing.T) {
	inner, nt := newASCIITokenizer(), &nfkcTokenizer{inner: newASCIITokenizer(), cjk: cjkUnigrams}
	for _, in := range tokenizerCases {
		if norm.NFKC.IsNormalString(in) || !utf8.ValidString(in) {
			compareTokenizers(t, inner, nt, []byte(in))
		}
	}
	for in, want := range map[string][]string{
		"Ｂｌａｉｒ ＶＩＰ":          {"Ｂｌａｉｒ", "ＶＩＰ"},
		"２０１２年 report":       {"２０１２", "年", "report"},
		"the ﬁnal ﬂight":     {"the", "ﬁnal", "ﬂight"},
		"x² and café":        {"x²", "and", "café"},
		"cafe\u0301 au lait": {"cafe\u0301", "au", "lait"},
		"①②③ go":             {"①②③", "go"},
	} {
		toks := nt.Tokenize([]byte(in))
		var got []string
		for _, tok := range toks {
			got = append(got, in[tok.Start:tok.End])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: spans %q, want %q", in, got, want)
		}
		wantTerms := inner.Tokenize([]byte(norm.NFKC.String(in)))
		if len(wantTerms) != len(toks) {
			t.Fatalf("%q: %d tokens, want %d", in, len(toks), len(wantTerms))
		}
		for i := range toks {
			if !bytes.Equal(toks[i].Term, wantTerms[i].Term) || toks[i].Position != wantTerms[i].Position {
				t.Errorf("%q: token %d %v, want %v", in, i, toks[i], wantTerms[i])
			}
		}
	}
}

// FuzzNFKCTokenizer: any input gives tokens in order, inside the input,
// on character boundaries, with terms of the input's NFKC form.
func FuzzNFKCTokenizer(f *testing.F) {
	for _, in := range tokenizerCases {
		f.Add([]byte(in))
	}
	f.Add([]byte("Ｂｌａｉｒ ２０１２年 ﬁnal x² ①"))
	nt := &nfkcTokenizer{inner: newASCIITokenizer()}
	f.Fuzz(func(t *testing.T, input []byte) {
		valid := validUTF8(input)
		for _, in := range [][]byte{input, valid} {
			checkSpans(t, in, nt.Tokenize(bytes.Clone(in)))
		}
	})
}

func checkSpans(t *testing.T, in []byte, toks analysis.TokenStream) {
	t.Helper()
	end := 0
	for i, tok := range toks {
		if tok.Start < end || tok.End <= tok.Start || tok.End > len(in) || tok.Position != i+1 {
			t.Fatalf("%q: token %d %v out of order or out of the input", in, i, tok)
		}
		if utf8.Valid(in) && (!utf8.RuneStart(in[tok.Start]) || (tok.End < len(in) && !utf8.RuneStart(in[tok.End]))) {
			t.Fatalf("%q: token %d %v splits a character", in, i, tok)
		}
		end = tok.End
	}
}

// TestFoldedSearch: a word typed in full width, with or without accents,
// or in another case finds the word as the article writes it, and the
// match is highlighted on the article's own text.
func TestFoldedSearch(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{
		"a.txt": []byte("Politics today\n\nTony Blair met the VIP guests at the café in 2012.\n"),
		"b.txt": []byte("Coffee report\n\nThe cafe on the Straße was full of naïve tourists.\n"),
		"c.txt": []byte("Ｗｉｄｅ ｔｅｘｔ\n\nＢｌａｉｒ spoke in ２０１２ about ﬁnance.\n"),
	})
	for _, tc := range []struct {
		q     string
		seeds []string
		spans []string // the text the matches cover, in order of the seeds
	}{
		{"Ｂｌａｉｒ", []string{"a.txt", "c.txt"}, []string{"Blair", "Ｂｌａｉｒ"}},
		{"blair", []string{"a.txt", "c.txt"}, []string{"Blair", "Ｂｌａｉｒ"}},
		{"ＶＩＰ", []string{"a.txt"}, []string{"VIP"}},
		{"cafe", []string{"a.txt", "b.txt"}, []string{"café", "cafe"}},
		{"CAFÉ", []string{"a.txt", "b.txt"}, []string{"café", "cafe"}},
		{"２０１２", []string{"a.txt", "c.txt"}, []string{"2012", "２０１２"}},
		{"strasse", []string{"b.txt"}, []string{"Straße"}},
		{"naive", []string{"b.txt"}, []string{"naïve"}},
		{"finance", []string{"c.txt"}, []string{"ﬁnance"}},
		{`"the cafe"`, []string{"a.txt", "b.txt"}, []string{"the café", "The cafe"}},
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

// TestEnglishWords: sentences glued by a full stop are split, a pronoun's
// contraction is not its pronoun, a name with an apostrophe is not
// stemmed into another name, and abbreviations stay whole.
func TestEnglishWords(t *testing.T) {
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(textAnalyzer)
	terms := func(s string) []string {
		var out []string
		for _, tok := range a.Analyze([]byte(s)) {
			out = append(out, string(tok.Term))
		}
		return out
	}
	for in, want := range map[string][]string{
		"victims of the tsunami.Steve said": {"victim", "of", "the", "tsunami", "steve", "said"},
		"always dangerous.The man":          {"alwai", "danger", "the", "man"},
		"the U.S. and e.g. Node.js":         {"the", "u.", "and", "e.g", "node.j"},
		"he's willing":                      {"he's", "will"},
		"that's that":                       {"that's", "that"},
		"Blair's plan":                      {"blair", "plan"},
		"Blair’s plan":                      {"blair", "plan"},
		"O'Neill and O’Neil":                {"o'neill", "and", "o'neil"},
		"don’t stop":                        {"don't", "stop"},
	} {
		if got := terms(in); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// TestEnglishSearch: the words above, searched.
func TestEnglishSearch(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{
		"a.txt": []byte("Aftermath\n\nMany were victims of the tsunami.Steve Smith said it was always dangerous.The man agreed.\n"),
		"b.txt": []byte("Talks\n\nHe's willing to talk, and that's that, said Mr O'Neill.\n"),
		"c.txt": []byte("Other talks\n\nHe will talk, said Ms O'Neil, and that that was all.\n"),
	})
	for q, want := range map[string][]string{
		"tsunami":     {"a.txt"},
		"danger":      {"a.txt"},
		"steve":       {"a.txt"},
		`"he will"`:   {"c.txt"},
		`"that that"`: {"c.txt"},
		"O'Neil":      {"c.txt"},
		"O'Neill":     {"b.txt"},
		`"he's"`:      {"b.txt"},
	} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, q), Size: 10, NoFacets: true})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Seed)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}

// TestNameSearch: author and source are searched as words and phrases,
// a possessive by its noun.
func TestNameSearch(t *testing.T) {
	r := seedIndex(t) // by Liu Xin, People's Daily Online
	for q, want := range map[string]bool{
		`author:"liu xin"`:               true,
		`author:"Liu Xin"`:               true,
		`author:"xin liu"`:               false,
		`source:"People's Daily Online"`: true,
		`source:"daily online"`:          true,
		`source:people`:                  true,
		`source:People's`:                true,
		`title:cyber author:"liu xin"`:   true,
		`source:"online daily"`:          false,
	} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, q), Size: 1, NoFacets: true})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if (res.Total > 0) != want {
			t.Errorf("%s: %d hits, want some: %v", q, res.Total, want)
		}
	}
}
