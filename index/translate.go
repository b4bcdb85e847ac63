package index

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bquery "github.com/blevesearch/bleve/v2/search/query"
	"golang.org/x/text/unicode/norm"

	"github.com/newsroom/newsearch/internal/language"
	"github.com/newsroom/newsearch/internal/query"
)

// fieldsFor maps a field name of the query language (query.Fields, or ""
// for a word that names none) to the index fields it searches: the one
// place where the two sets of names meet.
func fieldsFor(name string) []string {
	switch name {
	case "":
		return []string{FieldTitle, FieldSection, FieldText}
	case query.FieldTitle:
		return []string{FieldTitle}
	case query.FieldSection:
		return []string{FieldSection}
	case query.FieldText:
		return []string{FieldText}
	case query.FieldAuthor:
		return []string{FieldAuthor}
	case query.FieldSource:
		return []string{FieldSource}
	}
	return nil
}

// searchesAny reports whether a query field name searches any of the
// index fields.
func searchesAny(name string, fields ...string) bool {
	for _, f := range fieldsFor(name) {
		for _, g := range fields {
			if f == g {
				return true
			}
		}
	}
	return false
}

// translator turns a parsed query into a bleve query.
type translator struct {
	text, name analysis.Analyzer
	// texts analyse words in text fields: the analyzers of the languages
	// the index holds (languages.go), or of those a lang: filter scopes
	// the query to; nil: text alone.
	texts []namedAnalyzer
	// all are the analyzers of every language, by language, for lang:.
	all func(langs []string) []namedAnalyzer
	// han: the index holds Han text; without any, Han words match
	// nothing and are not analysed (cjk.go).
	han      bool
	dict     func(field, prefix string) ([]string, error) // prefix search terms; nil: plain prefix queries
	err      error                                        // the first failure of dict
	matchAny bool                                         // bare words: any may match (ranked), instead of all
	// paragraphs: the hits are paragraphs, so a word that names no field
	// must be in the paragraph's own text or section heading; the title,
	// which every paragraph of an article carries, only lifts the score.
	// Otherwise (hits are articles) the title matches as the body does.
	paragraphs bool
}

// newTranslator returns a translator expanding prefixes in the view's
// dictionaries.
func newTranslator(v view, matchAny, paragraphs bool) *translator {
	return &translator{text: v.r.text, name: v.r.name, matchAny: matchAny, paragraphs: paragraphs, dict: v.expandPrefix,
		texts: v.textAnalyzers(), all: func(langs []string) []namedAnalyzer { return textAnalyzers(v.r.mapping, langs) },
		han: v.s.han}
}

// inParagraph makes the clause of a word that names no field, from its
// query in each default field, for paragraph hits: the text or section
// must match, the title adds to the score.
func (t *translator) inParagraph(byField map[string]bquery.Query) bquery.Query {
	body := disjunction(nonNil(byField[FieldSection], byField[FieldText]))
	title := byField[FieldTitle]
	if body == nil || title == nil {
		return body
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(body)
	b.AddShould(title)
	return b
}

func nonNil(qs ...bquery.Query) []bquery.Query {
	out := qs[:0:0]
	for _, q := range qs {
		if q != nil {
			out = append(out, q)
		}
	}
	return out
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
		if n.Field == query.FieldLang {
			return languageQuery(n.Text)
		}
		return t.words(n.Field, n.Text)
	case *query.Phrase:
		if n.Field == query.FieldLang {
			return languageQuery(n.Text)
		}
		return t.words(n.Field, n.Text)
	case *query.Prefix:
		if n.Field == query.FieldLang {
			return languageQuery(n.Text)
		}
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
		return anyOf(qs)
	case *query.And:
		if langs := scopedLanguages(n); len(langs) > 0 && t.all != nil {
			// lang:de beside the words: they are German words.
			saved := t.texts
			t.texts = t.all(langs)
			defer func() { t.texts = saved }()
		}
		var must, not, filters []bquery.Query
		positives := 0
		for _, c := range n.Children {
			if neg, ok := c.(*query.Not); ok {
				if q := t.translate(neg.Child); q != nil {
					not = append(not, q)
				}
				continue
			}
			positives++
			if isLanguageFilter(c) {
				// A filter, whatever the mode: any words, but in German.
				filters = append(filters, t.translate(c))
				continue
			}
			if q := t.translate(c); q != nil {
				must = append(must, q)
			}
		}
		if positives == 0 && len(not) > 0 {
			// A group of exclusions only ("apple OR (-banana -cherry)"):
			// everything without them, as "a OR -b" means for one. The
			// parser refuses such a group as the whole query.
			b := bleve.NewBooleanQuery()
			b.AddMust(bleve.NewMatchAllQuery())
			b.AddMustNot(not...)
			return b
		}
		if len(must) == 0 && len(filters) == 0 {
			// Every word was punctuation only: nothing to search for.
			return nil
		}
		if t.matchAny && len(not) == 0 && len(filters) == 0 {
			// The very query of "a OR b OR c": the same candidates in the
			// same first-stage order, so the same ranking (rank.go).
			return anyOf(must)
		}
		b := bleve.NewBooleanQuery()
		if t.matchAny && len(must) > 0 {
			b.AddShould(must...)
			b.SetMinShould(1)
		} else if len(must) > 0 {
			b.AddMust(must...)
		}
		if len(filters) > 0 {
			b.AddMust(filters...)
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
	if !t.han && hasHan(text) {
		return bleve.NewMatchNoneQuery() // no Han text in the index
	}
	byField := map[string]bquery.Query{}
	var qs []bquery.Query
	for _, f := range fieldsFor(field) {
		if f == FieldTitle || f == FieldSection || f == FieldText {
			if q := t.textWords(f, text); q != nil {
				byField[f] = q
				qs = append(qs, q)
			}
			continue
		}
		toks := t.analyzer(f).Analyze([]byte(text))
		var q bquery.Query
		switch len(toks) {
		case 0:
			continue
		case 1:
			// One token: a term query. A phrase query of one term would
			// read the term's positions in every matching document.
			tq := bleve.NewTermQuery(string(toks[0].Term))
			tq.SetField(f)
			q = tq
		default:
			pq := bleve.NewMatchPhraseQuery(text)
			pq.SetField(f)
			q = pq
		}
		byField[f] = q
		qs = append(qs, q)
	}
	if field == "" && t.paragraphs {
		return t.inParagraph(byField)
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
	// As the analyzers read a word (fold.go): "CAFÉ*" finds "cafeteria".
	text = fold(norm.NFKC.String(text))
	if !t.han && hasHan(text) {
		return bleve.NewMatchNoneQuery() // no Han text in the index
	}
	if hasHan(text) && len(t.text.Analyze([]byte(text))) > 1 {
		// Chinese: the index holds words of at most cjkMaxWord characters
		// (cjk.go), so no term starts with 北京地铁; the words typed, as
		// a phrase, find it and the longer words that start with it
		// (北京地铁站 is indexed 北京 地铁 站).
		return t.words(field, text)
	}
	byField := map[string]bquery.Query{}
	var qs []bquery.Query
	for _, f := range fieldsFor(field) {
		if f == FieldAuthor || f == FieldSource || t.dict == nil {
			q := bleve.NewPrefixQuery(text)
			q.SetField(f)
			qs = append(qs, q)
			byField[f] = q
			continue
		}
		terms, err := t.dict(f, text)
		if err != nil {
			t.err = err
			return nil
		}
		var fqs []bquery.Query
		for _, term := range terms {
			q := bleve.NewTermQuery(term)
			q.SetField(f)
			fqs = append(fqs, q)
		}
		if q := disjunction(fqs); q != nil {
			byField[f] = q
			qs = append(qs, fqs...)
		}
	}
	if field == "" && t.paragraphs {
		if q := t.inParagraph(byField); q != nil {
			return q
		}
	} else if len(qs) > 0 {
		return disjunction(qs)
	}
	// No word starts so: match nothing rather than drop the clause.
	return bleve.NewMatchNoneQuery()
}

// anyOf matches what any of qs matches: the one query of an explicit OR
// ("a OR b OR c") and of the same words with match=any ("a b c"), so that
// both find the same candidates in the same order and rank alike.
func anyOf(qs []bquery.Query) bquery.Query {
	if len(qs) < 2 {
		return disjunction(qs)
	}
	b := bleve.NewBooleanQuery()
	b.AddShould(qs...)
	b.SetMinShould(1)
	return b
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

// textWords matches a word or phrase in a text field as each language
// analyses it (one query when they agree, as for most words): a term
// query for one token, a phrase of the tokens for several (tokens at one
// position, as a Chinese word beside its pieces, are alternatives). The
// words another language than English makes of it are looked for in its
// own articles only (inLanguages); English's, in every article, as before
// languages were told (an article of no language is English).
func (t *translator) textWords(field, text string) bquery.Query {
	texts := t.texts
	if len(texts) == 0 {
		texts = []namedAnalyzer{{name: textAnalyzer, Analyzer: t.text}}
	}
	type analysed struct {
		toks  analysis.TokenStream
		langs []string // nil: every article
	}
	var order []string
	byKey := map[string]*analysed{}
	for _, a := range texts {
		toks := a.Analyze([]byte(text))
		if len(toks) == 0 {
			continue
		}
		var key strings.Builder
		for _, tok := range toks {
			fmt.Fprintf(&key, "%d\x00%s\x00", tok.Position, tok.Term)
		}
		k := key.String()
		all := len(texts) == 1 || a.name == textAnalyzer
		if an, ok := byKey[k]; ok {
			// Two languages read it alike: one query for the articles
			// of both.
			if an.langs != nil {
				an.langs = append(an.langs, a.langs...)
			}
			continue
		}
		an := &analysed{toks: toks}
		if !all {
			an.langs = slices.Clip(a.langs)
		}
		byKey[k] = an
		order = append(order, k)
	}
	var qs []bquery.Query
	for _, k := range order {
		an := byKey[k]
		var q bquery.Query
		if len(an.toks) == 1 {
			// One token: a term query. A phrase query of one term would
			// read the term's positions in every matching document.
			tq := bleve.NewTermQuery(string(an.toks[0].Term))
			tq.SetField(field)
			q = tq
		} else {
			q = bquery.NewMultiPhraseQuery(tokensToPhrase(an.toks), field)
		}
		if an.langs != nil {
			q = inLanguages(q, an.langs)
		}
		qs = append(qs, q)
	}
	return disjunction(qs)
}

// tokensToPhrase is the phrase of a token stream as bleve's match phrase
// query makes it: the terms at each position from the first, a gap where
// a position has none.
func tokensToPhrase(toks analysis.TokenStream) [][]string {
	first, last := toks[0].Position, toks[0].Position
	for _, tok := range toks {
		first, last = min(first, tok.Position), max(last, tok.Position)
	}
	phrase := make([][]string, last-first+1)
	for _, tok := range toks {
		i := tok.Position - first
		phrase[i] = append(phrase[i], string(tok.Term))
	}
	return phrase
}

// languageQuery matches the articles in the language a lang: filter names
// (de, "de-AT", German is not a code: it matches nothing).
func languageQuery(text string) bquery.Query {
	l := language.Tag(text)
	if strings.EqualFold(strings.TrimSpace(text), language.Undetermined) {
		l = language.Undetermined
	}
	q := bleve.NewTermQuery(l)
	q.SetField(FieldLanguage)
	return q
}

// scopedLanguages returns the languages of the lang: filters among the
// direct children of an AND, which scope its words.
func scopedLanguages(n *query.And) []string {
	var langs []string
	for _, c := range n.Children {
		if term, ok := c.(*query.Term); ok && term.Field == query.FieldLang {
			if l := language.Tag(term.Text); l != "" {
				langs = append(langs, l)
			}
		}
	}
	return langs
}

// isLanguageFilter reports whether n is a lang: filter.
func isLanguageFilter(n query.Node) bool {
	switch n := n.(type) {
	case *query.Term:
		return n.Field == query.FieldLang
	case *query.Phrase:
		return n.Field == query.FieldLang
	case *query.Prefix:
		return n.Field == query.FieldLang
	}
	return false
}
