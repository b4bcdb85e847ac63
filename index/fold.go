package index

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Text is compared the way a reader compares it, not byte by byte: the
// same word typed in full width (Ｂｌａｉｒ), with a compatibility form
// (ﬁ, ²) or with or without its accents (café, cafe) is one word. Two
// steps do it, at index and at query time alike, since both go through the
// same analyzers:
//
//   - nfkcTokenizer reads the text in NFKC before it splits words, so that
//     full-width digits and letters are words at all (the unicode
//     tokenizer drops full-width digits), and maps every token's offsets
//     back to the original text, which snippets highlight;
//   - foldFilter folds case (ß is ss) and drops the accents of Latin and
//     Greek letters, a token at a time; the marks of other scripts stay,
//     since there they make other letters (Cyrillic й is not и) or are
//     letters of their words (Devanagari vowel signs).
//
// A quoted phrase folds too: "café crème" finds "cafe creme". Exact
// accents are rarely what a news reader means, and a second unfolded field
// would double the index for it.

// Registered names of the tokenizer and the filter.
const (
	nfkcTokenizerName = "news_nfkc_unicode"
	foldFilterName    = "news_fold"
)

func init() {
	if err := registry.RegisterTokenizer(nfkcTokenizerName, func(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
		t := &nfkcTokenizer{inner: newASCIITokenizer()}
		// "cjk": how Han characters are cut (cjk.go); words by default.
		switch config["cjk"] {
		case nil, "words":
		case "bigrams":
			t.cjk = cjkBigrams
		case "unigrams":
			t.cjk = cjkUnigrams
		default:
			return nil, fmt.Errorf("tokenizer %s: unknown cjk mode %v", nfkcTokenizerName, config["cjk"])
		}
		return t, nil
	}); err != nil {
		panic(fmt.Errorf("register tokenizer %s: %w", nfkcTokenizerName, err))
	}
	if err := registry.RegisterTokenFilter(foldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}); err != nil {
		panic(fmt.Errorf("register token filter %s: %w", foldFilterName, err))
	}
}

// nfkcTokenizer tokenizes the NFKC form of its input with inner and
// places the tokens in the original input: a token starts where the
// normalisation segment holding its first byte starts and ends where the
// one holding its last byte ends. Input already in NFKC (all ASCII text,
// and nearly all text) goes to inner as it is.
type nfkcTokenizer struct {
	inner analysis.Tokenizer
	cjk   cjkMode // how runs of Han characters are cut (cjk.go)
}

// Tokenize implements analysis.Tokenizer.
func (t *nfkcTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if isASCII(input) {
		return splitGlued(t.inner.Tokenize(input))
	}
	if !utf8.Valid(input) || norm.NFKC.IsNormal(input) {
		// Invalid UTF-8 is left to inner as it is: normalising would
		// replace the bad bytes, and inner has its own rules for them.
		return segmentCJK(splitGlued(t.inner.Tokenize(input)), t.cjk)
	}
	var (
		out               []byte
		normStart, origAt []int // segment i: out[normStart[i]:...] is NFKC of input[origAt[i]:origAt[i+1]]
		it                norm.Iter
	)
	it.Init(norm.NFKC, input)
	for !it.Done() {
		normStart = append(normStart, len(out))
		origAt = append(origAt, it.Pos())
		out = append(out, it.Next()...)
	}
	origAt = append(origAt, len(input))
	seg := func(n int) int { // the segment holding normalised byte n
		return sort.Search(len(normStart), func(i int) bool { return normStart[i] > n }) - 1
	}
	toks := t.inner.Tokenize(out)
	for _, tok := range toks {
		first, last := seg(tok.Start), seg(tok.End-1)
		tok.Start, tok.End = origAt[first], origAt[last+1]
	}
	return segmentCJK(splitGlued(toks), t.cjk)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldFilter folds each token's case and drops the accents of Latin and
// Greek letters. ASCII terms are lower-cased in place, as
// bleve's lower-case filter does.
type foldFilter struct{}

// Filter implements analysis.TokenFilter.
func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if isASCII(tok.Term) {
			for i, c := range tok.Term {
				if 'A' <= c && c <= 'Z' {
					tok.Term[i] = c + 'a' - 'A'
				}
			}
			continue
		}
		tok.Term = []byte(fold(string(tok.Term)))
	}
	return input
}

// fold returns s case-folded, without the accents of Latin and Greek
// letters, in NFC.
func fold(s string) string {
	s = norm.NFD.String(cases.Fold().String(s))
	var b strings.Builder
	b.Grow(len(s))
	var base rune = -1
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) && base >= 0 && (unicode.Is(unicode.Latin, base) || unicode.Is(unicode.Greek, base)) {
			continue
		}
		if !unicode.Is(unicode.Mn, r) {
			base = r
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}
