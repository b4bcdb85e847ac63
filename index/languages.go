package index

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/mapping"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/language"
)

// Languages. Each article is analysed by its language (Document.Language,
// which the indexer's readers set: declared by the page, else detected):
// the same Unicode words, NFKC, folded case and accents and Chinese words
// as every text (fold.go, cjk.go), then its language's stemmer, so that
// German Häuser and Haus, or French chevaux and cheval, are one word.
// English keeps its own analyzer (english.go, the Porter stems); a
// language without a stemmer here, or an undetermined one, gets the
// neutral analyzer (no stemming: the words as they are written), and so do
// Chinese and Japanese, whose words need none. An article whose reader set
// no language at all is analysed as English, as every article was before
// languages were told.
//
// No language removes stop words, for the reason English does not.
//
// A query is analysed by the analyzer of every language the index holds,
// each analysis matching the field's terms in that language's articles (a
// word is found in every language it is a word of; English's analysis,
// the default, in every article); lang:de scopes it to German articles
// and to German analysis.

// stemmers names the stemming token filter of each language that has one,
// as bleve registers it (the light stemmers where bleve has both: they
// conflate fewer unrelated words).
var stemmers = map[string]string{
	"de": de.LightStemmerName,
	"fr": fr.LightStemmerName,
	"es": es.LightStemmerName,
	"it": it.LightStemmerName,
	"pt": pt.LightStemmerName,
	"nl": nl.SnowballStemmerName,
	"sv": sv.SnowballStemmerName,
	"da": da.SnowballStemmerName,
	"no": no.SnowballStemmerName,
	"fi": fi.SnowballStemmerName,
	"ru": ru.SnowballStemmerName,
}

// neutralAnalyzer analyses text of a language without a stemmer here.
const neutralAnalyzer = "news_neutral"

// japaneseAnalyzer is the neutral analyzer with Han and hiragana cut into
// overlapping bigrams (cjk.go): the Chinese dictionary does not know
// Japanese words (it reads 東京都 as 東 京都, "Kyoto"), bigrams need none,
// and a query's bigrams, as a phrase, find the word wherever it is.
const japaneseAnalyzer = "news_ja"

// analyzerName is the name of the text analyzer of a language code.
func analyzerName(lang string) string {
	switch {
	case lang == "" || lang == "en":
		return textAnalyzer
	case lang == "ja":
		return japaneseAnalyzer
	case stemmers[lang] != "":
		return "news_" + lang
	}
	return neutralAnalyzer
}

// addLanguageAnalyzers adds the neutral analyzer and one per language of
// stemmers to m, on the tokenizer the English one uses.
func addLanguageAnalyzers(m *mapping.IndexMappingImpl, tokenizer string) error {
	if err := m.AddCustomAnalyzer(neutralAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     tokenizer,
		"token_filters": []string{foldFilterName},
	}); err != nil {
		return fmt.Errorf("neutral analyzer: %w", err)
	}
	if err := m.AddCustomTokenizer("news_ja_bigrams", map[string]any{
		"type": nfkcTokenizerName,
		"cjk":  "bigrams",
	}); err != nil {
		return fmt.Errorf("japanese tokenizer: %w", err)
	}
	if err := m.AddCustomAnalyzer(japaneseAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     "news_ja_bigrams",
		"token_filters": []string{foldFilterName},
	}); err != nil {
		return fmt.Errorf("japanese analyzer: %w", err)
	}
	for lang, stem := range stemmers {
		filters := []string{foldFilterName}
		switch lang {
		case "fr":
			filters = append(filters, fr.ElisionName) // l'homme is homme
		case "it":
			filters = append(filters, it.ElisionName)
		}
		filters = append(filters, stem)
		if err := m.AddCustomAnalyzer(analyzerName(lang), map[string]any{
			"type":          custom.Name,
			"tokenizer":     tokenizer,
			"token_filters": filters,
		}); err != nil {
			return fmt.Errorf("%s analyzer: %w", lang, err)
		}
	}
	return nil
}

// textAnalyzers returns the distinct text analyzers of languages, by
// name, in a stable order (English first), each with the languages it
// analyses.
func textAnalyzers(m mapping.IndexMapping, langs []string) []namedAnalyzer {
	byName := map[string][]string{}
	var names []string
	for _, l := range langs {
		n := analyzerName(l)
		if _, ok := byName[n]; !ok {
			names = append(names, n)
		}
		if !slices.Contains(byName[n], l) {
			byName[n] = append(byName[n], l)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == textAnalyzer:
			return -1
		case b == textAnalyzer:
			return 1
		}
		return strings.Compare(a, b)
	})
	out := make([]namedAnalyzer, 0, len(names))
	for _, n := range names {
		if a := m.AnalyzerNamed(n); a != nil {
			out = append(out, namedAnalyzer{name: n, langs: byName[n], Analyzer: a})
		}
	}
	return out
}

// namedAnalyzer is an analyzer, its name and the languages (of those
// asked for) whose articles it analyses.
type namedAnalyzer struct {
	name  string
	langs []string
	analysis.Analyzer
}

// inLanguages restricts q to the articles of langs (a filter: it adds
// nothing to the score). The words a language's analysis makes of a
// query are that language's words: in an article of another language the
// same string is another word, or a stem of one (the French stem of
// "economy" is the English stem of "economic").
func inLanguages(q bquery.Query, langs []string) bquery.Query {
	var fs []bquery.Query
	for _, l := range langs {
		f := bleve.NewTermQuery(l)
		f.SetField(FieldLanguage)
		f.SetBoost(filterBoost)
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		return q
	}
	return bleve.NewConjunctionQuery(q, disjunction(fs))
}

// filterBoost weighs a clause that only filters, so that it adds next to
// nothing to a hit's score.
const filterBoost = 0.0001

// indexLanguages lists the languages of the shards' articles.
func indexLanguages(shards []shard) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, idx := range shards {
		d, err := idx.FieldDict(FieldLanguage)
		if err != nil {
			return nil, fmt.Errorf("read languages: %w", err)
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("read languages: %w", err)
			}
			if e == nil {
				break
			}
			if l := e.Term; !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("read languages: %w", err)
		}
	}
	slices.Sort(out)
	return out, nil
}

// textAnalyzers returns the text analyzers of the languages the served
// generation holds.
func (v view) textAnalyzers() []namedAnalyzer { return v.s.texts }

// queryTerms returns the terms of a query word or phrase as the English
// analyzer makes them, every one (a phrase may repeat a word), followed by
// those that the analyzers of the other served languages make and it does
// not.
func (v view) queryTerms(s string) []string {
	if !v.s.han && hasHan(s) {
		return nil // matches nothing: no Han text in the index
	}
	var out []string
	for _, tok := range v.r.text.Analyze([]byte(s)) {
		out = append(out, string(tok.Term))
	}
	if len(v.s.texts) < 2 {
		return out
	}
	seen := map[string]bool{}
	for _, t := range out {
		seen[t] = true
	}
	for _, a := range v.s.texts {
		if a.name == textAnalyzer {
			continue
		}
		for _, tok := range a.Analyze([]byte(s)) {
			if t := string(tok.Term); !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// manyLanguages reports whether the generation holds articles of two
// languages or more (undetermined ones aside): only then is the language
// facet worth counting.
func (s *snapshot) manyLanguages() bool {
	n := 0
	for _, l := range s.langs {
		if l != language.Undetermined {
			n++
		}
	}
	return n > 1
}
