package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/go-porterstemmer"
)

// stemmerName is the registered name of asciiPorter.
const stemmerName = "news_porter"

func init() {
	if err := registry.RegisterTokenFilter(stemmerName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return newASCIIPorter(), nil
	}); err != nil {
		panic(fmt.Errorf("register token filter %s: %w", stemmerName, err))
	}
}

// asciiPorter is bleve's porter filter without its two allocations per
// term when the term is ASCII and short: it stems in a rune array on the
// stack and writes the stem, never longer, over the term's bytes, as
// bleve's lower-case filter writes over them (bleve copies a stored field
// before analysing it). Other terms go to bleve's filter.
type asciiPorter struct {
	porter *porter.PorterStemmer
}

func newASCIIPorter() *asciiPorter {
	return &asciiPorter{porter: porter.NewPorterStemmer()}
}

// Filter implements analysis.TokenFilter.
func (f *asciiPorter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var buf [32]rune
	for _, tok := range input {
		if tok.KeyWord {
			continue
		}
		if stem, ok := stemASCII(tok.Term, buf[:]); ok {
			tok.Term = stem
		} else {
			f.porter.Filter(analysis.TokenStream{tok})
		}
	}
	return input
}

// stemASCII stems term in place when it is ASCII and no longer than buf,
// the stemmer's working space; ok is false, and term untouched, otherwise.
func stemASCII(term []byte, buf []rune) (stem []byte, ok bool) {
	if len(term) > len(buf) {
		return nil, false
	}
	rs := buf[:len(term)]
	for i, c := range term {
		if c >= 0x80 {
			return nil, false
		}
		rs[i] = rune(c)
	}
	out := porterstemmer.StemWithoutLowerCasing(rs)
	if len(out) > len(term) {
		return nil, false
	}
	for _, r := range out {
		if r >= 0x80 {
			return nil, false
		}
	}
	for i, r := range out {
		term[i] = byte(r)
	}
	return term[:len(out)], true
}
