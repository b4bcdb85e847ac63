package index

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// English words with an apostrophe. bleve's possessive filter cuts "'s"
// from every word, so "he's willing" indexes "he will" and "that's that"
// "that that"; the stemmer then reads O'Neill as O'Neil. The apostrophe
// filter instead:
//
//   - writes every apostrophe as ' (’ and ＇ are typed as often), so that
//     don’t and don't are one word;
//   - cuts "'s" from a noun (the possessive: "Blair's" is "blair"), but
//     keeps a pronoun's contraction whole ("he's", "that's", "let's"),
//     which is not a form of the pronoun;
//   - marks every word still holding an apostrophe (names such as
//     O'Neill, contractions such as don't) as a keyword, which the stemmer
//     leaves as it is.
const apostropheFilterName = "news_apostrophe"

func init() {
	if err := registry.RegisterTokenFilter(apostropheFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return apostropheFilter{}, nil
	}); err != nil {
		panic(fmt.Errorf("register token filter %s: %w", apostropheFilterName, err))
	}
}

// contracted are the words whose "'s" is "is", "has" or "us": the
// pronouns and question words of English, a closed class.
var contracted = map[string]bool{
	"he": true, "she": true, "it": true, "that": true, "there": true, "here": true, "what": true,
	"who": true, "where": true, "when": true, "why": true, "how": true, "let": true, "this": true,
}

type apostropheFilter struct{}

// Filter implements analysis.TokenFilter. It expects folded (lower-case)
// terms.
func (apostropheFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if bytes.IndexByte(tok.Term, '\'') < 0 && !bytes.ContainsRune(tok.Term, '’') && !bytes.ContainsRune(tok.Term, '＇') {
			continue
		}
		term := bytes.ReplaceAll(bytes.ReplaceAll(tok.Term, []byte("’"), []byte("'")), []byte("＇"), []byte("'"))
		if stem, ok := bytes.CutSuffix(term, []byte("'s")); ok && len(stem) > 0 && !contracted[string(stem)] {
			term = stem
		}
		tok.Term = term
		if bytes.IndexByte(term, '\'') >= 0 {
			tok.KeyWord = true
		}
	}
	return input
}

// splitGlued splits the tokens in which a sentence's full stop lost the
// space after it ("the tsunami.Steve said", "dangerous.The man"): the
// unicode rules join letter.letter into one word, as they must for
// "U.S." or "e.g". A word is split at a full stop with at least two
// lower-case letters before it and an upper-case letter followed by a
// lower-case one after it, the shape of a sentence's end and the next
// one's start, and no abbreviation's. Positions are renumbered.
func splitGlued(toks analysis.TokenStream) analysis.TokenStream {
	glued := false
	for _, tok := range toks {
		if bytes.IndexByte(tok.Term, '.') > 0 && gluedAt(tok.Term) > 0 {
			glued = true
			break
		}
	}
	if !glued {
		return toks
	}
	out := make(analysis.TokenStream, 0, len(toks)+2)
	for _, tok := range toks {
		for {
			i := gluedAt(tok.Term)
			if i <= 0 || tok.End-tok.Start != len(tok.Term) {
				// Not glued, or a term that is not the text it spans (an
				// NFKC form): left whole rather than cut at a wrong offset.
				break
			}
			head := *tok
			head.Term, head.End = tok.Term[:i], tok.Start+i
			out = append(out, &head)
			rest := *tok
			rest.Term, rest.Start = tok.Term[i+1:], tok.Start+i+1
			tok = &rest
		}
		out = append(out, tok)
	}
	for i, tok := range out {
		tok.Position = i + 1
	}
	return out
}

// gluedAt returns the offset of the first full stop of term where two
// sentences meet (see splitGlued), or -1.
func gluedAt(term []byte) int {
	for i := bytes.IndexByte(term, '.'); i > 0 && i < len(term)-1; {
		before, n1 := utf8.DecodeLastRune(term[:i])
		before2, _ := utf8.DecodeLastRune(term[:i-n1])
		after, n2 := utf8.DecodeRune(term[i+1:])
		after2, _ := utf8.DecodeRune(term[i+1+n2:])
		if unicode.IsLower(before) && unicode.IsLower(before2) && unicode.IsUpper(after) && unicode.IsLower(after2) {
			return i
		}
		j := bytes.IndexByte(term[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}
