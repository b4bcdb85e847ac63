package index

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/newsroom/newsearch/internal/query"
)

// The differential test checks the meaning of the query language: random
// queries over words of a real corpus are answered by the index (paragraph
// hits, every page) and by a brute-force evaluator that reads the parsed
// query tree against each paragraph's tokens. Both sides tokenize with the
// index's own text analyzer, so what is compared is the boolean logic,
// phrases, prefixes, field scopes, exclusions, totals and paging, not the
// analysis.
//
// The evaluator follows the semantics documented in translate.go and
// reader.go (expandPrefix):
//   - a word or phrase that names no field matches a paragraph whose own
//     text or section holds it; the title only lifts the score;
//   - title:, text:, section: match in that field alone (the title is the
//     article's, so title:x matches every paragraph of such an article);
//   - a word the analyzer splits into several tokens is a phrase;
//   - a phrase is its tokens at consecutive positions of one field;
//   - a prefix p* matches a term that starts with p, or, when p has at
//     least 3+stemSlack runes, a stem that p starts with and that is at
//     most stemSlack runes shorter;
//   - AND, OR and NOT are plain boolean logic on paragraphs (with
//     MatchAny every AND needs only one of its non-excluded children).
//
// Left out of the grammar: author:, source: and lang: (the corpus has no
// bylines and one language), Han text, words that analyse to nothing
// (dropped by the translator, a rule of its own), and group=article,
// whose exclusions act on whole articles.

// diffParagraph is a paragraph as the brute-force evaluator reads it.
type diffParagraph struct {
	id                   string
	title, section, text diffField
}

// diffField maps each term of a field to its positions.
type diffField map[string][]int

func newDiffField(a analysis.Analyzer, s string) diffField {
	f := diffField{}
	for _, tok := range a.Analyze([]byte(s)) {
		f[string(tok.Term)] = append(f[string(tok.Term)], tok.Position)
	}
	return f
}

// hasPhrase reports whether the field holds the phrase: slot i (nil for
// a gap) at position start+i.
func (f diffField) hasPhrase(slots [][]string) bool {
	at := func(term string, pos int) bool { return slices.Contains(f[term], pos) }
	for _, start := range f.starts(slots[0]) {
		ok := true
		for i, slot := range slots[1:] {
			if slot == nil {
				continue
			}
			if !slices.ContainsFunc(slot, func(t string) bool { return at(t, start+i+1) }) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (f diffField) starts(slot []string) []int {
	var ps []int
	for _, t := range slot {
		ps = append(ps, f[t]...)
	}
	return ps
}

// hasPrefix applies expandPrefix's rule to every term of the field.
func (f diffField) hasPrefix(p string) bool {
	n := utf8.RuneCountInString(p)
	for t := range f {
		if strings.HasPrefix(t, p) {
			return true
		}
		if n-stemSlack >= 3 && strings.HasPrefix(p, t) && utf8.RuneCountInString(t) >= n-stemSlack {
			return true
		}
	}
	return false
}

// errUnmodelled marks a query with a construct the evaluator leaves out.
var errUnmodelled = errors.New("construct not modelled")

// diffEval is the brute-force evaluator.
type diffEval struct {
	text     analysis.Analyzer
	matchAny bool
	slots    map[string][][]string // the phrase slots of each leaf's text, analysed once
}

// fields returns the fields of p a leaf scoped to name searches.
func (e diffEval) fields(p *diffParagraph, name string) ([]diffField, error) {
	switch name {
	case "":
		return []diffField{p.section, p.text}, nil
	case query.FieldTitle:
		return []diffField{p.title}, nil
	case query.FieldSection:
		return []diffField{p.section}, nil
	case query.FieldText:
		return []diffField{p.text}, nil
	}
	return nil, fmt.Errorf("field %q: %w", name, errUnmodelled)
}

// words matches a word or phrase: one token is a term, several a phrase.
func (e diffEval) words(p *diffParagraph, field, text string) (bool, error) {
	slots, ok := e.slots[text]
	if !ok {
		slots = phraseSlots(e.text.Analyze([]byte(text)))
		e.slots[text] = slots
	}
	if slots == nil {
		return false, fmt.Errorf("%q analyses to nothing: %w", text, errUnmodelled)
	}
	fs, err := e.fields(p, field)
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if f.hasPhrase(slots) {
			return true, nil
		}
	}
	return false, nil
}

// phraseSlots returns the terms at each position of toks from the first
// (nil at a gap), or nil when there are none.
func phraseSlots(toks analysis.TokenStream) [][]string {
	if len(toks) == 0 {
		return nil
	}
	first, last := toks[0].Position, toks[0].Position
	for _, tok := range toks {
		first, last = min(first, tok.Position), max(last, tok.Position)
	}
	slots := make([][]string, last-first+1)
	for _, tok := range toks {
		slots[tok.Position-first] = append(slots[tok.Position-first], string(tok.Term))
	}
	return slots
}

// matching returns the sorted ids of the paragraphs n matches.
func (e diffEval) matching(paras []*diffParagraph, n query.Node) ([]string, error) {
	var ids []string
	for _, p := range paras {
		ok, err := e.eval(p, n)
		if err != nil {
			return nil, err
		}
		if ok {
			ids = append(ids, p.id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (e diffEval) eval(p *diffParagraph, n query.Node) (bool, error) {
	switch n := n.(type) {
	case *query.Term:
		return e.words(p, n.Field, n.Text)
	case *query.Phrase:
		return e.words(p, n.Field, n.Text)
	case *query.Prefix:
		if strings.ToLower(n.Text) != n.Text || !asciiOnly(n.Text) {
			return false, fmt.Errorf("prefix %q: %w", n.Text, errUnmodelled)
		}
		fs, err := e.fields(p, n.Field)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(fs, func(f diffField) bool { return f.hasPrefix(n.Text) }), nil
	case *query.Not:
		ok, err := e.eval(p, n.Child)
		return !ok, err
	case *query.Or:
		any := false
		for _, c := range n.Children {
			ok, err := e.eval(p, c)
			if err != nil {
				return false, err
			}
			any = any || ok
		}
		return any, nil
	case *query.And:
		all, any, positives := true, false, 0
		for _, c := range n.Children {
			ok, err := e.eval(p, c)
			if err != nil {
				return false, err
			}
			if _, neg := c.(*query.Not); neg {
				all = all && ok
				continue
			}
			positives++
			if e.matchAny {
				any = any || ok
			} else {
				all = all && ok
			}
		}
		if e.matchAny && positives > 0 {
			return all && any, nil
		}
		return all, nil
	}
	return false, fmt.Errorf("node %T: %w", n, errUnmodelled)
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
