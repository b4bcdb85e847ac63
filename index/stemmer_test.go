package index

import (
	"bytes"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// stemmerCases are terms with every kind of Porter step, and others: upper
// case, non-ASCII, invalid UTF-8, longer than the stack buffer.
var stemmerCases = []string{
	"", "a", "is", "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered",
	"bled", "motoring", "sing", "conflated", "troubled", "sized", "hopping", "tanned", "falling",
	"hissing", "fizzed", "failing", "filing", "happy", "sky", "relational", "conditional",
	"rational", "valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
	"vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
	"decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti", "sensibiliti",
	"triplicate", "formative", "formalize", "electriciti", "electrical", "hopeful", "goodness",
	"revival", "allowance", "inference", "airliner", "gyroscopic", "adjustable", "defensible",
	"irritant", "replacement", "adjustment", "dependent", "adoption", "homologou", "communism",
	"activate", "angulariti", "homologous", "effective", "bowdlerize", "probate", "rate",
	"cease", "controll", "roll", "generalizations", "oscillators", "Running", "UPPER", "Mixed",
	"1,000.50", "u.s", "don't", "a_b", "caf\u00e9s", "na\u00efvet\u00e9", "\u5317\u4eac",
	"\xff\xfe", "runn\xffing", "\u0130stanbul", "abcdefghijklmnopqrstuvwxyzations", "abcdefghijklmnopqrstuvwxyzational",
	"hopefulnesses-with-a-very-long-tail", "RELATIONAL", "sky\u00e9",
}

// compareStems fails t when f does not stem terms as bleve's porter
// filter does.
func compareStems(t *testing.T, f analysis.TokenFilter, terms []string) {
	t.Helper()
	for _, term := range terms {
		want := analysis.Token{Term: []byte(term)}
		porter.NewPorterStemmer().Filter(analysis.TokenStream{&want})
		got := analysis.Token{Term: []byte(term)}
		f.Filter(analysis.TokenStream{&got})
		if !bytes.Equal(got.Term, want.Term) {
			t.Fatalf("%q stems to %q, want %q", term, got.Term, want.Term)
		}
	}
}

func TestStemmerMatchesPorter(t *testing.T) {
	compareStems(t, newASCIIPorter(), stemmerCases)
}

func TestStemmerKeyWord(t *testing.T) {
	tok := analysis.Token{Term: []byte("running"), KeyWord: true}
	newASCIIPorter().Filter(analysis.TokenStream{&tok})
	if string(tok.Term) != "running" {
		t.Fatalf("a keyword became %q", tok.Term)
	}
}

func TestStemmerRegistered(t *testing.T) {
	f, err := registry.NewCache().TokenFilterNamed(stemmerName)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.(*asciiPorter); !ok {
		t.Fatalf("%s is a %T", stemmerName, f)
	}
}

// newsChain returns the text analyzer's token filters ending with last.
func newsChain(last analysis.TokenFilter) []analysis.TokenFilter {
	return []analysis.TokenFilter{en.NewPossessiveFilter(), lowercase.NewLowerCaseFilter(), last}
}

// analyze tokenizes input with bleve's unicode tokenizer and runs filters.
func analyze(input string, filters []analysis.TokenFilter) analysis.TokenStream {
	ts := unicode.NewUnicodeTokenizer().Tokenize([]byte(input))
	for _, f := range filters {
		ts = f.Filter(ts)
	}
	return ts
}

// FuzzStemmer compares the filter with bleve's porter filter on the words
// of the input after the text analyzer's other filters, and on the raw
// words and input.
func FuzzStemmer(f *testing.F) {
	for _, s := range stemmerCases {
		f.Add(s)
	}
	f.Add("The Caresses of Ponies' relational hopefulness, U.S. don't 1,000.50 RUNNING running")
	want, got := newsChain(porter.NewPorterStemmer()), newsChain(newASCIIPorter())
	f.Fuzz(func(t *testing.T, input string) {
		w, g := analyze(input, want), analyze(input, got)
		if len(w) != len(g) {
			t.Fatalf("%q: %d tokens, want %d", input, len(g), len(w))
		}
		for i := range w {
			if !bytes.Equal(w[i].Term, g[i].Term) {
				t.Fatalf("%q: token %d is %q, want %q", input, i, g[i].Term, w[i].Term)
			}
		}
		compareStems(t, newASCIIPorter(), append(strings.Fields(input), input))
	})
}

// BenchmarkStemmer stems the words of real paragraphs, lower-cased, with
// bleve's porter filter and with ours.
func BenchmarkStemmer(b *testing.B) {
	paras := benchParagraphs(b, 20000)
	var streams []analysis.TokenStream
	var terms [][]byte
	for _, p := range paras {
		ts := analyze(string(p), newsChain(analysis.TokenFilter(nil))[:2])
		streams = append(streams, ts)
		for _, tok := range ts {
			terms = append(terms, bytes.Clone(tok.Term))
		}
	}
	for _, tc := range []struct {
		name   string
		filter analysis.TokenFilter
	}{{"porter", porter.NewPorterStemmer()}, {stemmerName, newASCIIPorter()}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				i := 0
				for _, ts := range streams { // the lower-cased terms again
					for _, tok := range ts {
						tok.Term = append(tok.Term[:0], terms[i]...)
						i++
					}
				}
				b.StartTimer()
				for _, ts := range streams {
					tc.filter.Filter(ts)
				}
			}
		})
	}
}
