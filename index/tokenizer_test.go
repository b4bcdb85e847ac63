package index

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/newsroom/newsearch/internal/article"
)

// tokenizerCases are inputs where the UAX#29 rules are easy to get wrong.
var tokenizerCases = []string{
	"", " ", "\t\n\r\n\v\f", "a", "_", "__", "_1", "1_", "a_b", "_a_", "1_a", "a1", "1a",
	"U.S.", "U.S. troops", "don't", "rock 'n' roll", "'quoted'", "\"x.y.z\"", "x.y.z",
	"1,000.50", "1,000.", ",1", "1,,2", "1.a", "a.1", "a1.2", "1.1a", "1.a1", "a:b", "3:30",
	"a::b", "a..b", "a'b'c", "1'000", "1;2", "a;b", "a,b", "e-mail", "10am", "$7,500.",
	"end.", "end,", "(paren)", "semi;", "x' ", "'s", "Jaynes' lawyer", "O'Neil's",
	"tab\tsep", "new\nline", "cr\rlf\r\n", "\x00ctl\x01a\x7f", "a\x1fb", "@home #tag",
	"\u2018curly\u2019 \u201cquotes\u201d", "don\u2019t", "caf\u00e9 au lait", "na\u00efve",
	"\u5317\u4eac\u5e02 CJK", "\u3072\u3089\u304c\u306a \u30ab\u30bf\u30ab\u30ca", "emoji \U0001F600 x",
	"flag \U0001F1EB\U0001F1F7 x", "a \u0301b", "word \u0301 next", "\u00a3500m deal",
	"\u2014dash\u2014", "x\xffy", "a \xff b", "a\xcd b c", "a \xe5 b", "\xff", "ok then \xc3",
	"\u05d0\"\u05d1 \u05d0'", "\uac00\ub098 \ud55c", "\u00adsoft", "a\u200db",
	"a \u302e b", "\u302e\u302f", "a\n\u302e b", "a\r\n\u302e b", "\u30ab\u3099 x",
}

// compareTokenizers fails t when the two tokenizers differ on input.
func compareTokenizers(t *testing.T, want, got analysis.Tokenizer, input []byte) {
	t.Helper()
	w := want.Tokenize(bytes.Clone(input))
	g := got.Tokenize(bytes.Clone(input))
	if len(w) != len(g) {
		t.Fatalf("%q: %d tokens, want %d\n got %v\nwant %v", input, len(g), len(w), g, w)
	}
	for i := range w {
		if !bytes.Equal(w[i].Term, g[i].Term) || w[i].Start != g[i].Start || w[i].End != g[i].End ||
			w[i].Position != g[i].Position || w[i].Type != g[i].Type || w[i].KeyWord != g[i].KeyWord {
			t.Fatalf("%q: token %d is %v, want %v", input, i, g[i], w[i])
		}
	}
}

func TestTokenizerMatchesUnicode(t *testing.T) {
	want, got := unicode.NewUnicodeTokenizer(), newASCIITokenizer()
	for _, in := range tokenizerCases {
		compareTokenizers(t, want, got, []byte(in))
		for _, sep := range []string{" ", "\n", "\r\n", "\t"} { // in the middle of a text
			compareTokenizers(t, want, got, []byte("Before"+sep+in+sep+"after 1.5."))
		}
	}
}

// TestTokenizerEveryRune compares the tokenizers on every rune, alone
// and beside letters, digits and white space: segment's tables hold
// surprises (U+302E after a space is part of the space, alone a word).
// Under the race detector, which has nothing to look for here, it takes
// every 13th rune.
func TestTokenizerEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("1.1 million runes")
	}
	step := rune(1)
	if raceEnabled {
		step = 13
	}
	want, got := unicode.NewUnicodeTokenizer(), newASCIITokenizer()
	for r := rune(0x80); r <= utf8.MaxRune; r += step {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		for _, in := range []string{" " + s + " y", "a" + s + s + " y", "1" + s + "1 y"} {
			compareTokenizers(t, want, got, []byte(in))
		}
	}
}

func TestTokenizerRegistered(t *testing.T) {
	tok, err := registry.NewCache().TokenizerNamed(tokenizerName)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tok.(*asciiTokenizer); !ok {
		t.Fatalf("%s is a %T", tokenizerName, tok)
	}
}

// fuzzRunes stand for the bytes ≥ 0x80 of a fuzz input in its valid UTF-8
// variant: a letter, digit, joiner, space, mark or ideograph of each
// word-break class that segment knows, and a few others.
var fuzzRunes = []rune("\u00e9\u00c9\u00df\u03a3\u0436\u00a3\u20ac\u2018\u2019\u201c\u201d\u2014\u2013" +
	"\u00a0\u0085\u2028\u3000\u200b\u00b7\u037e\u2024\ufe52\uff0e\uff07\u0660\uff11\u203f" +
	"\u0301\u0308\u00ad\u200d\u200c\ufeff\u05d0\u05d1\u5317\u4eac\u3072\u30ab\uff76\uac00\u1100" +
	"\U0001F600\U0001F1EB\U0001F1F7\u0e01\u0627\u0915\u093f\ufffd\u302e\u3099\uff9e")

// validUTF8 replaces each byte ≥ 0x80 of input with one of fuzzRunes,
// so that a fuzzer's bytes make valid UTF-8 of every kind.
func validUTF8(input []byte) []byte {
	var valid []byte
	for _, c := range input {
		if c < 0x80 {
			valid = append(valid, c)
		} else {
			valid = utf8.AppendRune(valid, fuzzRunes[int(c-0x80)%len(fuzzRunes)])
		}
	}
	return valid
}

// FuzzTokenizer compares the tokenizer with bleve's unicode tokenizer on
// the input, on the input with its high bits cleared (so that the ASCII
// path is searched as much as the other) and on the input with each byte
// ≥ 0x80 replaced by one of fuzzRunes (valid UTF-8 of every kind).
func FuzzTokenizer(f *testing.F) {
	for _, in := range tokenizerCases {
		f.Add([]byte(in))
	}
	want, got := unicode.NewUnicodeTokenizer(), newASCIITokenizer()
	f.Fuzz(func(t *testing.T, input []byte) {
		compareTokenizers(t, want, got, input)
		ascii := bytes.Clone(input)
		for i := range ascii {
			ascii[i] &= 0x7f
		}
		compareTokenizers(t, want, got, ascii)
		valid := validUTF8(input)
		compareTokenizers(t, want, got, valid)
	})
}

// benchParagraphs returns up to n paragraphs of the benchmark corpus
// (bench/out/corpus-100000, built by bench/profile), or those of the
// seed article when it is absent.
func benchParagraphs(b *testing.B, n int) [][]byte {
	b.Helper()
	root, err := filepath.EvalSymlinks(filepath.Join("..", "bench", "out", "corpus-100000"))
	if err != nil {
		return seedParagraphs(b)
	}
	var paras [][]byte
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".txt") || len(paras) >= n {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read seed: %w", err)
		}
		rel, _ := filepath.Rel(root, path)
		a, err := article.Parse(rel, data)
		if err != nil {
			return nil // not every seed parses; the indexer skips them too
		}
		for _, p := range a.Paragraphs {
			paras = append(paras, []byte(p.Text))
		}
		return nil
	})
	if err != nil || len(paras) == 0 {
		return seedParagraphs(b)
	}
	return paras
}

// seedParagraphs returns the paragraphs of the bundled seed article.
func seedParagraphs(b *testing.B) [][]byte {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		b.Fatal(err)
	}
	a, err := article.Parse(filepath.Base(seedFile), data)
	if err != nil {
		b.Fatal(err)
	}
	var paras [][]byte
	for _, p := range a.Paragraphs {
		paras = append(paras, []byte(p.Text))
	}
	return paras
}

// BenchmarkTokenizer tokenizes real paragraphs with bleve's unicode
// tokenizer and with ours.
func BenchmarkTokenizer(b *testing.B) {
	paras := benchParagraphs(b, 20000)
	size := 0
	for _, p := range paras {
		size += len(p)
	}
	for _, tc := range []struct {
		name string
		tok  analysis.Tokenizer
	}{{"unicode", unicode.NewUnicodeTokenizer()}, {tokenizerName, newASCIITokenizer()}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range paras {
					tc.tok.Tokenize(p)
				}
			}
		})
	}
}
