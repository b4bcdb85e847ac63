// Package index owns everything that touches bleve: the document schema and
// mapping, building shards and publishing generations of the index, opening
// and hot-reloading the published generation, translating parsed queries
// into bleve queries, and turning hits into highlighted results.
//
// It is the only package of the project that imports bleve; the rest sees
// the small types declared here.
package index

import (
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Field names of a paragraph document.
const (
	FieldArticleID   = "article_id"
	FieldSeed        = "seed"
	FieldTitle       = "title"
	FieldSection     = "section"
	FieldParagraph   = "paragraph"
	FieldText        = "text"
	FieldPublished   = "published"
	FieldPublishedAt = "published_at" // stored RFC 3339 with the article's own offset
	FieldAuthor      = "author"
	FieldSource      = "source"
	// FieldFacets holds a paragraph's facet values in one multi-valued
	// field ("source\x1fCoast Times", "author\x1fAnn Lee",
	// "month\x1f2016-03"), so that counting them reads one doc value per
	// matching paragraph instead of three; the source and author filters
	// are term queries on it.
	FieldFacets  = "facets"
	FieldEditors = "editors"
	// FieldURL is the article's own address on the web (Document.URL):
	// stored to be shown, never searched.
	FieldURL = "url"
	// FieldLanguage is the article's language (Document.Language): a
	// keyword, stored to be shown, searched by lang:, counted by the
	// language facet. Not one of FieldFacets' values: a facet every
	// search of a one-language index would count for nothing (its doc
	// values made facet counting of such an index a third slower); the
	// language facet is asked for only where the index holds several.
	FieldLanguage = "lang"
)

// MappingVersion changes whenever the mapping or the document layout
// changes; shards built with another version are rebuilt.
const MappingVersion = "9" // 9: Chinese words, languages

// PublishedLayout is how the published field holds a date: UTC to the
// second, fixed width, so that its order as a string is the order in time
// (one indexed term per paragraph, where a bleve date field indexes 16).
const PublishedLayout = "2006-01-02T15:04:05Z"

const (
	// textAnalyzer: Unicode words of the text's NFKC form (two sentences
	// glued by a full stop split: english.go), case and accents folded
	// (fold.go), English possessives removed but contractions and names
	// with an apostrophe kept whole (english.go), Porter stems,
	// and no stop-word removal, so that a phrase made of or containing stop
	// words ("to be or not to be") still matches exactly. tokenizerName and
	// stemmerName give the very tokens of bleve's unicode tokenizer and
	// porter filter, for less CPU.
	textAnalyzer = "news_en"
	// nameAnalyzer: words with case and accents folded and possessives
	// removed ("People's Daily" is found by source:people), for author
	// and source searches.
	nameAnalyzer = "news_name"
	docType      = "paragraph"
)

// NewMapping returns the explicit index mapping of paragraph documents.
func NewMapping() (mapping.IndexMapping, error) {
	return newMapping(cjkWords)
}

// newMapping returns the mapping with Han characters cut as cjk says
// (the evaluation compares the modes; the index uses words).
func newMapping(cjk cjkMode) (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	tokenizer := nfkcTokenizerName
	if cjk != cjkWords {
		tokenizer = "news_cjk_" + [...]string{cjkBigrams: "bigrams", cjkUnigrams: "unigrams"}[cjk]
		if err := m.AddCustomTokenizer(tokenizer, map[string]any{
			"type": nfkcTokenizerName,
			"cjk":  tokenizer[len("news_cjk_"):],
		}); err != nil {
			return nil, fmt.Errorf("tokenizer: %w", err)
		}
	}
	if err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     tokenizer,
		"token_filters": []string{foldFilterName, apostropheFilterName, stemmerName},
	}); err != nil {
		return nil, fmt.Errorf("text analyzer: %w", err)
	}
	if err := m.AddCustomAnalyzer(nameAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     nfkcTokenizerName,
		"token_filters": []string{foldFilterName, apostropheFilterName},
	}); err != nil {
		return nil, fmt.Errorf("name analyzer: %w", err)
	}
	if err := addLanguageAnalyzers(m, tokenizer); err != nil {
		return nil, err
	}
	m.ScoringModel = bindex.BM25Scoring
	m.DefaultAnalyzer = textAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	text := func(analyzer string, store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(FieldArticleID, kw(true, true))
	doc.AddFieldMappingsAt(FieldSeed, storedOnly()) // read back, never searched
	doc.AddFieldMappingsAt(FieldTitle, text(textAnalyzer, true, true))
	doc.AddFieldMappingsAt(FieldSection, text(textAnalyzer, true, true))
	doc.AddFieldMappingsAt(FieldText, text(textAnalyzer, true, true))
	// Names keep their positions, so that author:"liu xin" is a phrase.
	doc.AddFieldMappingsAt(FieldAuthor, text(nameAnalyzer, true, true))
	doc.AddFieldMappingsAt(FieldSource, text(nameAnalyzer, true, true))
	doc.AddFieldMappingsAt(FieldFacets, kw(false, true))
	doc.AddFieldMappingsAt(FieldEditors, storedOnly())
	doc.AddFieldMappingsAt(FieldURL, storedOnly())
	doc.AddFieldMappingsAt(FieldLanguage, kw(true, true))
	doc.AddFieldMappingsAt(FieldPublishedAt, storedOnly())

	// The paragraph number is only read back (it is also the end of the
	// document id): an indexed number costs 16 terms per paragraph.
	para := bleve.NewNumericFieldMapping()
	para.Index = false
	para.Store = true
	para.DocValues = false
	para.IncludeInAll = false
	doc.AddFieldMappingsAt(FieldParagraph, para)

	// Date filters are term ranges and the date sort a string sort over
	// PublishedLayout values.
	doc.AddFieldMappingsAt(FieldPublished, kw(false, true))

	// No field goes into bleve's composite _all field; disabling it spares
	// every document an empty composite pass (7 % of indexing).
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.AddDocumentMapping(docType, doc)
	m.DefaultMapping = doc
	m.DefaultType = docType
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("validate mapping: %w", err)
	}
	return m, nil
}

// ParagraphID returns the document id of paragraph n of an article: stable
// for the same seed on every rebuild.
func ParagraphID(articleID string, n int) string {
	return fmt.Sprintf("%s-%04d", articleID, n)
}

// Facet names, the prefixes of FieldFacets' terms.
const (
	facetSource = "source"
	facetAuthor = "author"
	facetMonth  = "month"
	facetSep    = "\x1f"
)

// FacetTerms returns the FieldFacets terms of an article: its source,
// author and month of publication (in its own offset), those it has.
func FacetTerms(source, author string, published time.Time) []string {
	var fs []string
	if source != "" {
		fs = append(fs, facetSource+facetSep+source)
	}
	if author != "" {
		fs = append(fs, facetAuthor+facetSep+author)
	}
	if !published.IsZero() {
		fs = append(fs, facetMonth+facetSep+published.Format("2006-01"))
	}
	return fs
}
