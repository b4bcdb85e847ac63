package index

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/size"
	bindex "github.com/blevesearch/bleve_index_api"
)

// This file makes the documents the writer indexes directly: the fields,
// options and analysis that the mapping would give a paragraph, without
// bleve's reflective walk over a map, and with the fields that are the same
// in every paragraph of a document (title, byline, ids, facets) analysed
// once per document instead of once per paragraph. Tests hold them to what
// the mapping makes of the same paragraphs as maps (mappedDocuments), field
// by field and search by search.

// fieldSpec is what the mapping says about one field.
type fieldSpec struct {
	name     string
	options  bindex.FieldIndexingOptions
	analyzer analysis.Analyzer // nil for a field that is not analysed
}

// docMaker makes the bleve documents of a Document's paragraphs, for bleve's offline
// builder (through builderMapping) and for its batch API (preparedDoc.document).
type docMaker struct {
	specs   map[string]fieldSpec
	builder builderMapping // the mapping to hand bleve's offline builder
	// byLanguage holds the text fields' specs with each language's
	// analyzer (languages.go), by analyzer name; the mapping's own
	// (English) are specs.
	byLanguage map[string]map[string]fieldSpec
}

// newDocMaker reads the fields' options and analyzers from the mapping.
func newDocMaker(m mapping.IndexMapping) (*docMaker, error) {
	impl, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("document maker: mapping is a %T", m)
	}
	dm := &docMaker{specs: map[string]fieldSpec{}, builder: builderMapping{impl}}
	for name, pm := range impl.DefaultMapping.Properties {
		if len(pm.Fields) != 1 {
			continue // _all, disabled
		}
		fm := pm.Fields[0]
		s := fieldSpec{name: name, options: fm.Options()}
		switch fm.Type {
		case "text":
			an := fm.Analyzer
			if an == "" {
				an = impl.DefaultAnalyzer
			}
			s.analyzer = impl.AnalyzerNamed(an)
			if s.analyzer == nil && s.options.IsIndexed() {
				return nil, fmt.Errorf("document maker: field %s: no analyzer %q", name, an)
			}
		case "number": // the paragraph number, stored only: no analysis
		default:
			return nil, fmt.Errorf("document maker: field %s has type %s", name, fm.Type)
		}
		dm.specs[name] = s
	}
	dm.byLanguage = map[string]map[string]fieldSpec{}
	for _, lang := range append(slices.Collect(maps.Keys(stemmers)), "und", "ja") {
		an := analyzerName(lang)
		a := impl.AnalyzerNamed(an)
		if a == nil {
			return nil, fmt.Errorf("document maker: no analyzer %q", an)
		}
		specs := map[string]fieldSpec{}
		for _, f := range [...]string{FieldTitle, FieldSection, FieldText} {
			s := dm.specs[f]
			s.analyzer = a
			specs[f] = s
		}
		dm.byLanguage[an] = specs
	}
	return dm, nil
}

// spec returns the spec of field name for a document in language lang.
func (dm *docMaker) spec(name, lang string) (fieldSpec, bool) {
	if specs, ok := dm.byLanguage[analyzerName(lang)]; ok {
		if s, ok := specs[name]; ok {
			return s, true
		}
	}
	s, ok := dm.specs[name]
	return s, ok
}

// preparedDoc is a paragraph document whose fields are made and analysed;
// builderMapping maps it.
type preparedDoc struct {
	id     string
	fields []document.Field
}

// document returns the prepared documents of d's paragraphs. They hold
// the fields the mapping gives each paragraph, with the same values;
// paragraph n (1-based) is the document ParagraphID(id, n).
func (dm *docMaker) document(d *Document) ([]preparedDoc, error) {
	id := articleID(d)
	var shared []document.Field
	add := func(to *[]document.Field, name string, values ...string) error {
		s, ok := dm.spec(name, d.Language)
		if !ok {
			return fmt.Errorf("field %s is not in the mapping", name)
		}
		if f := s.field(values); f != nil {
			*to = append(*to, f)
		}
		return nil
	}
	var published, publishedAt string
	if !d.Published.IsZero() {
		published = d.Published.UTC().Format(PublishedLayout)
		publishedAt = d.Published.Format(time.RFC3339)
	}
	for _, kv := range [...][2]string{
		{FieldArticleID, id}, {FieldSeed, d.Seed}, {FieldTitle, d.Title},
		{FieldAuthor, d.Author}, {FieldSource, d.Source},
		{FieldEditors, d.Editors}, {FieldPublished, published}, {FieldPublishedAt, publishedAt},
		{FieldURL, d.URL}, {FieldLanguage, d.Language},
	} {
		if err := add(&shared, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	facets := FacetTerms(d.Source, d.Author, d.Published)
	if documentHasHan(d) {
		facets = append(facets, hanTerm) // cjk.go
	}
	if err := add(&shared, FieldFacets, facets...); err != nil {
		return nil, err
	}
	para := dm.specs[FieldParagraph]
	sections := map[string]document.Field{} // a section heading covers several paragraphs
	docs := make([]preparedDoc, 0, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		n := i + 1
		fields := make([]document.Field, 0, len(shared)+3)
		fields = append(fields, shared...)
		fields = append(fields, document.NewNumericFieldWithIndexingOptions(FieldParagraph, []uint64{}, float64(n), para.options))
		if err := add(&fields, FieldText, p.Text); err != nil {
			return nil, err
		}
		if p.Section != "" {
			f, ok := sections[p.Section]
			if !ok {
				sec, _ := dm.spec(FieldSection, d.Language)
				f = sec.field([]string{p.Section})
				sections[p.Section] = f
			}
			fields = append(fields, f)
		}
		docs = append(docs, preparedDoc{id: ParagraphID(id, n), fields: fields})
	}
	return docs, nil
}

// field returns the analysed field of the non-empty values, nil when there
// are none. Several values make one field holding the terms of all of them,
// which is what bleve's segment builder makes of a multi-valued field; only
// fields without term vectors or stored values may have several.
func (s fieldSpec) field(values []string) *preparedField {
	var vs []string
	for _, v := range values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	f := &preparedField{name: s.name, options: s.options}
	if len(vs) == 1 {
		f.value = []byte(vs[0])
	}
	if !s.options.IsIndexed() {
		return f
	}
	var tokens analysis.TokenStream
	for _, v := range vs {
		// Filters change terms in place: analyse a copy, never the stored value.
		tokens = append(tokens, s.analyzer.Analyze([]byte(v))...)
	}
	f.length = len(tokens)
	f.freqs = tokenFrequencies(tokens, s.options.IncludeTermVectors() && len(vs) == 1)
	return f
}

// tokenFrequencies counts the terms of a token stream as bleve's
// analysis.TokenFrequency does for a field without array positions, from
// three allocations instead of two per distinct term.
func tokenFrequencies(tokens analysis.TokenStream, locations bool) bindex.TokenFrequencies {
	rv := make(bindex.TokenFrequencies, len(tokens))
	freqs := make([]bindex.TokenFreq, 0, len(tokens)) // never grown: pointers into it stay valid
	var locs []bindex.TokenLocation
	var ptrs []*bindex.TokenLocation
	if locations {
		locs = make([]bindex.TokenLocation, len(tokens))
		ptrs = make([]*bindex.TokenLocation, len(tokens))
	}
	for i, t := range tokens {
		tf, ok := rv[string(t.Term)]
		if !ok {
			freqs = append(freqs, bindex.TokenFreq{Term: t.Term})
			tf = &freqs[len(freqs)-1]
			rv[string(t.Term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		if locations {
			locs[i] = bindex.TokenLocation{Start: t.Start, End: t.End, Position: t.Position}
			ptrs[i] = &locs[i]
			if len(tf.Locations) == 0 {
				tf.Locations = ptrs[i : i+1 : i+1] // the first: no allocation of its own
			} else {
				tf.Locations = append(tf.Locations, ptrs[i])
			}
		}
	}
	return rv
}

// preparedField is a text field analysed when it was made, possibly shared
// by the documents of all paragraphs of a Document: bleve's segment builder
// only reads a field's token frequencies (it merges into the first of
// several fields of one name, and a prepared document has one per name).
type preparedField struct {
	name    string
	value   []byte // nil for a multi-valued field, which is never stored
	options bindex.FieldIndexingOptions
	length  int
	freqs   bindex.TokenFrequencies
}

// Name returns the field's name.
func (f *preparedField) Name() string { return f.name }

// ArrayPositions returns none: no prepared field is inside an array.
func (f *preparedField) ArrayPositions() []uint64 { return []uint64{} }

// Options returns the mapping's indexing options of the field.
func (f *preparedField) Options() bindex.FieldIndexingOptions { return f.options }

// Analyze does nothing: the field was analysed when made.
func (f *preparedField) Analyze() {}

// Value returns the stored value.
func (f *preparedField) Value() []byte { return f.value }

// NumPlainTextBytes returns the length of the value.
func (f *preparedField) NumPlainTextBytes() uint64 { return uint64(len(f.value)) }

// AnalyzedLength returns the number of tokens.
func (f *preparedField) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies returns the terms and their frequencies.
func (f *preparedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// EncodedFieldType returns 't', a text field, as stored values are read back.
func (f *preparedField) EncodedFieldType() byte { return 't' }

// Size estimates the field's memory, as bleve's fields do.
func (f *preparedField) Size() int {
	return size.SizeOfPtr + len(f.name) + len(f.value) + f.freqs.Size()
}

// builderMapping is the mapping handed to bleve's offline builder: it maps
// a preparedDoc by taking its fields, and anything else as the mapping it
// wraps does. It marshals as the wrapped mapping, which is what the built
// index stores.
type builderMapping struct {
	*mapping.IndexMappingImpl
}

// MapDocument adds the fields of a *preparedDoc, or maps data with the
// wrapped mapping.
func (m builderMapping) MapDocument(doc *document.Document, data any) error {
	p, ok := data.(*preparedDoc)
	if !ok {
		return m.IndexMappingImpl.MapDocument(doc, data)
	}
	p.addTo(doc)
	return nil
}

// addTo adds the document's fields to doc, as mapping it would.
func (p *preparedDoc) addTo(doc *document.Document) {
	for _, f := range p.fields {
		doc.AddField(f)
	}
	doc.SetIndexed()
}

// document returns the bleve document, for bleve's batch API.
func (p *preparedDoc) document() *document.Document {
	doc := document.NewDocument(p.id)
	p.addTo(doc)
	return doc
}

// MarshalJSON marshals the wrapped mapping.
func (m builderMapping) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.IndexMappingImpl)
}
