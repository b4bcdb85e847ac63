package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/query"
)

// defaultFields are searched by words that name no field.
var defaultFields = []string{FieldTitle, FieldSection, FieldText}

// fieldsFor maps a query field name to the index fields it searches.
func fieldsFor(name string) []string {
	switch name {
	case "":
		return defaultFields
	case "title":
		return []string{FieldTitle}
	case "section":
		return []string{FieldSection}
	case "text":
		return []string{FieldText}
	case "author":
		return []string{FieldAuthor}
	case "source":
		return []string{FieldSource}
	}
	return nil
}

// translator turns a parsed query into a bleve query.
type translator struct {
	text, name analysis.Analyzer
	dict       func(field, prefix string) ([]string, error) // prefix search terms; nil: plain prefix queries
	err        error                                        // the first failure of dict
	matchAny   bool                                         // bare words: any may match (ranked), instead of all
}

func newTranslator(r *Reader, matchAny bool) (*translator, error) {
	text := r.mapping.AnalyzerNamed(textAnalyzer)
	name := r.mapping.AnalyzerNamed(nameAnalyzer)
	if text == nil || name == nil {
		return nil, fmt.Errorf("analyzers %s/%s not registered", textAnalyzer, nameAnalyzer)
	}
	return &translator{text: text, name: name, matchAny: matchAny, dict: r.prefixTerms}, nil
}

func (t *translator) analyzer(field string) analysis.Analyzer {
	if field == FieldAuthor || field == FieldSource {
		return t.name
	}
	return t.text
}

// translate returns nil for a node that has nothing searchable in it (a
// word made only of punctuation), which its parent then leaves out.
func (t *translator) translate(n query.Node) bquery.Query {
	switch n := n.(type) {
	case *query.Term:
		return t.words(n.Field, n.Text)
	case *query.Phrase:
		return t.words(n.Field, n.Text)
	case *query.Prefix:
		return t.prefix(n.Field, n.Text)
	case *query.Not:
		inner := t.translate(n.Child)
		if inner == nil {
			return nil
		}
		b := bleve.NewBooleanQuery()
		b.AddMust(bleve.NewMatchAllQuery())
		b.AddMustNot(inner)
		return b
	case *query.Or:
		var qs []bquery.Query
		for _, c := range n.Children {
			if q := t.translate(c); q != nil {
				qs = append(qs, q)
			}
		}
		return disjunction(qs)
	case *query.And:
		var must, not []bquery.Query
		for _, c := range n.Children {
			if neg, ok := c.(*query.Not); ok {
				if q := t.translate(neg.Child); q != nil {
					not = append(not, q)
				}
				continue
			}
			if q := t.translate(c); q != nil {
				must = append(must, q)
			}
		}
		if len(must) == 0 {
			return nil
		}
		b := bleve.NewBooleanQuery()
		if t.matchAny {
			b.AddShould(must...)
			b.SetMinShould(1)
		} else {
			b.AddMust(must...)
		}
		if len(not) > 0 {
			b.AddMustNot(not...)
		}
		return b
	}
	return nil
}

// words matches a word or phrase in each of the field's index fields. A
// word the analyzer splits into several tokens ("covid-19", "10:30") is
// matched as a phrase; one it reduces to nothing is left out.
func (t *translator) words(field, text string) bquery.Query {
	var qs []bquery.Query
	for _, f := range fieldsFor(field) {
		toks := t.analyzer(f).Analyze([]byte(text))
		switch len(toks) {
		case 0:
			continue
		case 1:
			// One token: a term query. A phrase query of one term would
			// read the term's positions in every matching document.
			q := bleve.NewTermQuery(string(toks[0].Term))
			q.SetField(f)
			qs = append(qs, q)
		default:
			q := bleve.NewMatchPhraseQuery(text)
			q.SetField(f)
			qs = append(qs, q)
		}
	}
	return disjunction(qs)
}

// prefix matches the words starting with text. Index terms are lower-case
// and, in text fields, Porter stems, which can be shorter than the prefix
// typed: "negotiat*" must find "negotiations", indexed as "negoti". So in
// stemmed fields the dictionary is read from a slightly shorter prefix and
// a term matches when it starts with the prefix, or when it is a stem the
// prefix starts with (at most stemSlack letters shorter).
func (t *translator) prefix(field, text string) bquery.Query {
	text = strings.ToLower(text)
	var qs []bquery.Query
	for _, f := range fieldsFor(field) {
		if f == FieldAuthor || f == FieldSource || t.dict == nil {
			q := bleve.NewPrefixQuery(text)
			q.SetField(f)
			qs = append(qs, q)
			continue
		}
		terms, err := t.dict(f, text)
		if err != nil {
			t.err = err
			return nil
		}
		for _, term := range terms {
			q := bleve.NewTermQuery(term)
			q.SetField(f)
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		// No word starts so: match nothing rather than drop the clause.
		return bleve.NewMatchNoneQuery()
	}
	return disjunction(qs)
}

// stemSlack is how much shorter than a typed prefix a stem may be.
const stemSlack = 3

func disjunction(qs []bquery.Query) bquery.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}
