package index

import (
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// diffCorpus is the indexed corpus as the generator and evaluator see it.
type diffCorpus struct {
	paras    []*diffParagraph
	common   []string    // frequent words
	rare     []string    // the other words of at least two paragraphs
	titles   []string    // words of titles
	bigrams  [][2]string // adjacent words of the text
	prefixes []string    // the first letters of long words
	typed    []string    // words with accents, hyphens, apostrophes, digits
	sections []string    // words of section headings
}

// diffWords splits s into lower-case runs of letters, as a reader would
// type them.
func diffWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) || r >= utf8.RuneSelf })
}

// loadDiffCorpus analyses each paragraph of docs with the index's text
// analyzer and gathers the words the generator draws from.
func loadDiffCorpus(docs []*Document, text analysis.Analyzer) *diffCorpus {
	c := &diffCorpus{}
	df := map[string]int{}
	titleSeen, typedSeen, sectionSeen := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, d := range docs {
		title := newDiffField(text, d.Title)
		for _, w := range diffWords(d.Title) {
			if len(w) >= 3 && !titleSeen[w] {
				titleSeen[w] = true
				c.titles = append(c.titles, w)
			}
		}
		for i, p := range d.Paragraphs {
			c.paras = append(c.paras, &diffParagraph{
				id:      ParagraphID(articleID(d), i+1),
				title:   title,
				section: newDiffField(text, p.Section),
				text:    newDiffField(text, p.Text),
			})
			ws := diffWords(p.Text + " " + p.Section)
			seen := map[string]bool{}
			for j, w := range ws {
				if !seen[w] {
					seen[w] = true
					df[w]++
				}
				if j > 0 && j%7 == 0 {
					c.bigrams = append(c.bigrams, [2]string{ws[j-1], w})
				}
			}
			for _, w := range diffWords(p.Section) {
				if !sectionSeen[w] {
					sectionSeen[w] = true
					c.sections = append(c.sections, w)
				}
			}
			for _, w := range strings.Fields(p.Text) {
				if w = typedWord(w); w != "" && !typedSeen[w] {
					typedSeen[w] = true
					c.typed = append(c.typed, w)
				}
			}
		}
	}
	var words []string
	for w, n := range df {
		if n >= 2 && len(w) >= 2 {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if df[words[i]] != df[words[j]] {
			return df[words[i]] > df[words[j]]
		}
		return words[i] < words[j]
	})
	k := min(300, len(words))
	c.common, c.rare = words[:k], words[k:]
	for _, w := range words {
		if len(w) >= 6 {
			c.prefixes = append(c.prefixes, w)
		}
	}
	return c
}

// typedWord returns a word as typed, trimmed of punctuation around it,
// when the analyzer has more to do than with plain letters (accents,
// hyphens, apostrophes, digits), "" otherwise or when the query language
// would read it as syntax.
func typedWord(w string) string {
	w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if w == "" || strings.ContainsAny(w, `"()*:“”„`) {
		return ""
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || r >= utf8.RuneSelf {
			return w
		}
	}
	return ""
}

// diffGen writes random queries in the query language.
type diffGen struct {
	rng *rand.Rand
	c   *diffCorpus
}

func (g diffGen) pick(ws []string) string { return ws[g.rng.IntN(len(ws))] }

func (g diffGen) word() string {
	if len(g.c.typed) > 0 && g.rng.IntN(8) == 0 {
		return g.pick(g.c.typed)
	}
	if g.rng.IntN(2) == 0 || len(g.c.rare) == 0 {
		return g.pick(g.c.common)
	}
	return g.pick(g.c.rare)
}

func (g diffGen) leaf() string {
	switch r := g.rng.IntN(20); {
	case r < 8:
		return g.word()
	case r < 12:
		if g.rng.IntN(4) == 0 {
			return `"` + g.word() + " " + g.word() + `"` // mostly nowhere
		}
		b := g.c.bigrams[g.rng.IntN(len(g.c.bigrams))]
		return `"` + b[0] + " " + b[1] + `"`
	case r < 14:
		w := g.pick(g.c.prefixes)
		return w[:4+g.rng.IntN(len(w)-4)] + "*"
	case r < 16:
		return "title:" + g.pick(g.c.titles)
	case r < 17:
		b := g.c.bigrams[g.rng.IntN(len(g.c.bigrams))]
		return `text:"` + b[0] + " " + b[1] + `"`
	case r < 18:
		return "text:" + g.word()
	case r < 19:
		if len(g.c.sections) > 0 && g.rng.IntN(2) == 0 {
			return "section:" + g.pick(g.c.sections)
		}
		return "section:" + g.word()
	default:
		w := []rune(g.word())
		return strings.ToUpper(string(w[:1])) + string(w[1:]) // case does not matter
	}
}

// expr is a leaf, an exclusion, an OR or a parenthesised group.
func (g diffGen) expr(depth int) string {
	r := g.rng.IntN(100)
	switch {
	case depth == 0 || r < 45:
		return g.leaf()
	case r < 60:
		if g.rng.IntN(3) == 0 {
			return "-(" + g.seq(depth-1) + ")"
		}
		if g.rng.IntN(4) == 0 {
			return "NOT " + g.leaf()
		}
		return "-" + g.leaf()
	case r < 80:
		parts := make([]string, 2+g.rng.IntN(2))
		for i := range parts {
			parts[i] = g.expr(depth - 1)
		}
		return strings.Join(parts, " OR ")
	default:
		return "(" + g.seq(depth-1) + ")"
	}
}

func (g diffGen) seq(depth int) string {
	parts := make([]string, 1+g.rng.IntN(3))
	for i := range parts {
		parts[i] = g.expr(depth)
	}
	sep := " "
	if g.rng.IntN(6) == 0 {
		sep = " AND "
	}
	return strings.Join(parts, sep)
}
