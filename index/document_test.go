package index

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsroom/newsearch/internal/article"
)

// fieldView is what bleve's segment builder reads of the fields of one name
// in a document: options, stored values, token count and terms (fields of
// one name merged, as the builder merges them).
type fieldView struct {
	Options bindex.FieldIndexingOptions
	Stored  []string // type byte, array positions and value of each stored field
	Length  int
	Terms   map[string]termView
}

type termView struct {
	Freq int
	Locs []string // start, end, position, array positions
}

// viewOf analyses a document's fields as scorch does before building a
// segment, and returns what the segment builder would read of them.
func viewOf(t *testing.T, doc *document.Document) map[string]*fieldView {
	t.Helper()
	out := map[string]*fieldView{}
	for _, f := range doc.Fields {
		v := out[f.Name()]
		if v == nil {
			v = &fieldView{Options: f.Options(), Terms: map[string]termView{}}
			out[f.Name()] = v
		} else if v.Options != f.Options() {
			t.Fatalf("field %s: options %v and %v", f.Name(), v.Options, f.Options())
		}
		ff := f.(bindex.Field)
		if f.Options().IsStored() {
			v.Stored = append(v.Stored, fmt.Sprintf("%c %v %q", ff.EncodedFieldType(), len(f.ArrayPositions()), f.Value()))
		}
		if !f.Options().IsIndexed() {
			continue
		}
		f.Analyze()
		v.Length += ff.AnalyzedLength()
		for term, tf := range ff.AnalyzedTokenFrequencies() {
			if string(tf.Term) != term {
				t.Fatalf("field %s: term %q keyed %q", f.Name(), tf.Term, term)
			}
			tv := v.Terms[term]
			tv.Freq += tf.Frequency()
			for _, l := range tf.Locations {
				tv.Locs = append(tv.Locs, fmt.Sprintf("%d-%d@%d %d %q", l.Start, l.End, l.Position, len(l.ArrayPositions), l.Field))
			}
			sort.Strings(tv.Locs)
			v.Terms[term] = tv
		}
	}
	return out
}

// testArticles are articles that exercise every field: the seed, and made
// ones with missing metadata, repeated sections, repeated words and
// non-ASCII text.
func testArticles(t testing.TB) []*article.Article {
	t.Helper()
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := article.Parse("000_5560a174234f78d3.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	arts := []*article.Article{seed}
	pub := time.Date(2024, 3, 5, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	arts = append(arts,
		&article.Article{ID: "00000000000000a1", Seed: "a.txt", Title: "The Prime Minister's plan: the plan", Author: "Ann Lee", Source: "Daily News",
			Editors: "(Web editor: Bo)", Published: pub, Paragraphs: []article.Paragraph{
				{N: 1, Text: "The plan, the plan and the plan again; the minister's plans."},
				{N: 2, Section: "Reaction", Text: "Über café naïve résumé — ＦＵＬＬ width, 北京 2024年, COVID-19 and e-mail."},
				{N: 3, Section: "Reaction", Text: "Reaction was mixed; reaction reacted."},
				{N: 4, Section: "Next", Text: "x"},
			}},
		&article.Article{ID: "00000000000000a2", Seed: "dir/b.txt", Title: "No byline", Paragraphs: []article.Paragraph{
			{N: 1, Text: "Only text here, and 42 numbers 3.14."},
		}},
	)
	// Real news text, when the shared corpus is beside the project.
	files, _ := filepath.Glob("../../shared/corpus/bbc/politics/*.txt")
	for i, f := range files {
		if i == 60 {
			break
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if a, err := article.Parse(filepath.Base(f), data); err == nil {
			arts = append(arts, a)
		}
	}
	return arts
}

// sameAsMapped fails t unless the prepared documents of a are what the
// mapping makes of mappedDocuments(a), field by field.
func sameAsMapped(t *testing.T, m mapping.IndexMapping, dm *docMaker, a *article.Article) int {
	t.Helper()
	bm := dm.builder
	mapped := mappedDocuments(a)
	prepared, err := dm.document(documentOf(a))
	if err != nil {
		t.Fatal(err)
	}
	if len(mapped) != len(prepared) {
		t.Fatalf("%s: %d prepared documents, %d mapped", a.Seed, len(prepared), len(mapped))
	}
	fields := 0
	for i := range mapped {
		if mapped[i].id != prepared[i].id {
			t.Fatalf("%s: document %d is %s, mapped %s", a.Seed, i, prepared[i].id, mapped[i].id)
		}
		want := document.NewDocument(mapped[i].id)
		if err := m.MapDocument(want, mapped[i].fields); err != nil {
			t.Fatal(err)
		}
		got := document.NewDocument(prepared[i].id)
		if err := bm.MapDocument(got, &prepared[i]); err != nil {
			t.Fatal(err)
		}
		if len(got.CompositeFields) != len(want.CompositeFields) {
			t.Fatalf("%s: %d composite fields, mapped %d", prepared[i].id, len(got.CompositeFields), len(want.CompositeFields))
		}
		gv, wv := viewOf(t, got), viewOf(t, want)
		if !reflect.DeepEqual(gv, wv) {
			for name := range wv {
				if !reflect.DeepEqual(gv[name], wv[name]) {
					t.Errorf("%s field %s:\nprepared %+v\nmapped   %+v", prepared[i].id, name, gv[name], wv[name])
				}
			}
			for name := range gv {
				if wv[name] == nil {
					t.Errorf("%s: field %s is not mapped", prepared[i].id, name)
				}
			}
			t.FailNow()
		}
		fields += len(wv)
	}
	return fields
}

// newTestDocMaker returns the project's mapping and a document maker for it.
func newTestDocMaker(t testing.TB) (mapping.IndexMapping, *docMaker) {
	t.Helper()
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	dm, err := newDocMaker(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, dm
}

// TestPreparedDocumentsAsMapped holds the builder's prepared documents to
// what bleve's mapping makes of mappedDocuments(): the same ids, and for each
// field name the same options, stored values, token count, terms,
// frequencies and locations.
func TestPreparedDocumentsAsMapped(t *testing.T) {
	m, dm := newTestDocMaker(t)
	fields := 0
	for _, a := range testArticles(t) {
		fields += sameAsMapped(t, m, dm, a)
	}
	if fields == 0 {
		t.Fatal("no fields compared")
	}
	// The built index stores the mapping: the wrapper must marshal as it.
	a, _ := json.Marshal(m)
	b, err := json.Marshal(dm.builder)
	if err != nil || string(a) != string(b) {
		t.Fatalf("builder mapping marshals differently (%v):\n%s\n%s", err, b, a)
	}
}

// TestPreparedDocumentsSearchAsMapped builds one index from prepared
// documents and one from mapped ones with bleve's builder, and compares
// what searches return: hits, scores, stored fields and match locations.
func TestPreparedDocumentsSearchAsMapped(t *testing.T) {
	m, dm := newTestDocMaker(t)
	arts := testArticles(t)
	build := func(prepared bool) bleve.Index {
		dir := filepath.Join(t.TempDir(), "idx")
		var im mapping.IndexMapping = m
		if prepared {
			im = dm.builder
		}
		b, err := bleve.NewBuilder(dir, im, map[string]any{"buildPathPrefix": t.TempDir(), "batchSize": 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arts {
			if prepared {
				docs, err := dm.document(documentOf(a))
				if err != nil {
					t.Fatal(err)
				}
				for i := range docs {
					if err := b.Index(docs[i].id, &docs[i]); err != nil {
						t.Fatal(err)
					}
				}
				continue
			}
			for _, d := range mappedDocuments(a) {
				if err := b.Index(d.id, d.fields); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		idx, err := bleve.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		return idx
	}
	got, want := build(true), build(false)
	queries := map[string]func() *bleve.SearchRequest{}
	for _, f := range []string{FieldText, FieldTitle, FieldSection, FieldAuthor, FieldSource} {
		for _, w := range []string{"the", "plan", "minister", "reaction", "china", "said", "lee", "news", "café"} {
			queries[f+":"+w] = func() *bleve.SearchRequest {
				q := bleve.NewMatchQuery(w)
				q.SetField(f)
				return bleve.NewSearchRequest(q)
			}
		}
	}
	for _, p := range []string{"the plan", "prime minister", "critical infrastructure", "the government"} {
		queries["phrase:"+p] = func() *bleve.SearchRequest {
			q := bleve.NewMatchPhraseQuery(p)
			q.SetField(FieldText)
			return bleve.NewSearchRequest(q)
		}
	}
	for _, kv := range [][2]string{{FieldFacets, "source:Daily News"}, {FieldFacets, facetAuthor + facetSep + "Ann Lee"}, {FieldArticleID, "00000000000000a1"}} {
		queries[kv[0]+"="+kv[1]] = func() *bleve.SearchRequest {
			q := bleve.NewTermQuery(kv[1])
			q.SetField(kv[0])
			return bleve.NewSearchRequest(q)
		}
	}
	queries["all, sorted by date"] = func() *bleve.SearchRequest {
		r := bleve.NewSearchRequest(bleve.NewMatchAllQuery())
		r.SortBy([]string{"-" + FieldPublished, "_id"})
		return r
	}
	hits := 0
	for name, mk := range queries {
		run := func(idx bleve.Index) *bleve.SearchResult {
			r := mk()
			r.Size = 1000
			r.Fields = []string{"*"}
			r.IncludeLocations = true
			res, err := idx.Search(r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return res
		}
		g, w := run(got), run(want)
		if g.Total != w.Total || len(g.Hits) != len(w.Hits) {
			t.Fatalf("%s: %d hits, mapped %d", name, g.Total, w.Total)
		}
		// Equal scores may come in either order.
		for _, res := range []*bleve.SearchResult{g, w} {
			sort.SliceStable(res.Hits, func(i, j int) bool {
				if res.Hits[i].Score != res.Hits[j].Score {
					return res.Hits[i].Score > res.Hits[j].Score
				}
				return res.Hits[i].ID < res.Hits[j].ID
			})
		}
		for i := range g.Hits {
			if !sameHit(g.Hits[i], w.Hits[i]) {
				t.Fatalf("%s: hit %d:\nprepared %+v\nmapped   %+v", name, i, g.Hits[i], w.Hits[i])
			}
		}
		hits += len(g.Hits)
	}
	if hits < 50 {
		t.Fatalf("only %d hits compared", hits)
	}
}

func sameHit(a, b *search.DocumentMatch) bool {
	return a.ID == b.ID && a.Score == b.Score && reflect.DeepEqual(a.Fields, b.Fields) &&
		reflect.DeepEqual(a.Locations, b.Locations) && reflect.DeepEqual(a.Sort, b.Sort)
}

// FuzzPreparedDocuments holds prepared documents to mapped ones for any
// title, byline, section and paragraph text.
func FuzzPreparedDocuments(f *testing.F) {
	f.Add("The Prime Minister's plan", "Ann Lee", "Daily News", "Reaction", "The plan, the plan; the minister's plans.", int64(1709602200))
	f.Add("", "", "", "", "x", int64(0))
	f.Add("北京 2024年", "Ö", "ＦＵＬＬ", "Über", "COVID-19 e-mail café naïve 3.14 ...", int64(-1))
	m, dm := newTestDocMaker(f)
	f.Fuzz(func(t *testing.T, title, author, source, section, text string, unix int64) {
		a := &article.Article{ID: "00000000000000f1", Seed: "f.txt", Title: title, Author: author, Source: source,
			Paragraphs: []article.Paragraph{{N: 1, Section: section, Text: text}, {N: 2, Section: section, Text: text + " " + title}}}
		if unix != 0 {
			a.Published = time.Unix(unix%(1<<40), 0).In(time.FixedZone("X", int(unix%50000)))
		}
		sameAsMapped(t, m, dm, a)
	})
}

// BenchmarkDocuments measures making and analysing the documents of an
// article: through bleve's mapping, and prepared for the builder.
func BenchmarkDocuments(b *testing.B) {
	arts := testArticles(b)
	m, dm := newTestDocMaker(b)
	bm := dm.builder
	analyse := func(d *document.Document) {
		for _, f := range d.Fields {
			if f.Options().IsIndexed() {
				f.Analyze()
			}
		}
	}
	b.Run("mapped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, a := range arts {
				for _, p := range mappedDocuments(a) {
					d := document.NewDocument(p.id)
					if err := m.MapDocument(d, p.fields); err != nil {
						b.Fatal(err)
					}
					analyse(d)
				}
			}
		}
	})
	b.Run("prepared", func(b *testing.B) {
		in := make([]*Document, len(arts))
		for i, a := range arts {
			in[i] = a.Document()
		}
		b.ReportAllocs()
		for b.Loop() {
			for _, d := range in {
				docs, err := dm.document(d)
				if err != nil {
					b.Fatal(err)
				}
				for i := range docs {
					d := document.NewDocument(docs[i].id)
					if err := bm.MapDocument(d, &docs[i]); err != nil {
						b.Fatal(err)
					}
					analyse(d)
				}
			}
		}
	})
}

// testURL is the web address the tests give an article (text seeds carry
// none), so that the stored url field is compared too; "" for one article
// in two, so that its absence is as well.
func testURL(a *article.Article) string {
	if len(a.Seed)%2 == 0 {
		return ""
	}
	return "https://news.example.com/" + a.Seed
}

// documentOf is a's document with testURL set.
func documentOf(a *article.Article) *Document {
	d := a.Document()
	d.URL = testURL(a)
	return d
}

// mappedDocuments turns an article into its paragraph documents as maps
// of field values, which bleve's mapping maps: the reference the prepared
// documents are held to.
func mappedDocuments(a *article.Article) []paragraphDoc {
	docs := make([]paragraphDoc, 0, len(a.Paragraphs))
	for _, p := range a.Paragraphs {
		d := paragraphDoc{
			id: ParagraphID(a.ID, p.N),
			fields: map[string]any{
				FieldArticleID: a.ID,
				FieldSeed:      a.Seed,
				FieldTitle:     a.Title,
				FieldSection:   p.Section,
				FieldParagraph: float64(p.N),
				FieldText:      p.Text,
				FieldAuthor:    a.Author,
				FieldSource:    a.Source,
				FieldEditors:   a.Editors,
				FieldURL:       testURL(a),
			},
		}
		if !a.Published.IsZero() {
			d.fields[FieldPublished] = a.Published.UTC().Format(PublishedLayout)
			d.fields[FieldPublishedAt] = a.Published.Format(time.RFC3339)
		}
		fs := FacetTerms(a.Source, a.Author, a.Published)
		if documentHasHan(a.Document()) {
			fs = append(fs, hanTerm)
		}
		if len(fs) > 0 {
			d.fields[FieldFacets] = fs
		}
		for k, v := range d.fields {
			if s, ok := v.(string); ok && s == "" {
				delete(d.fields, k)
			}
		}
		docs = append(docs, d)
	}
	return docs
}

// paragraphDoc is one bleve document.
type paragraphDoc struct {
	id     string
	fields map[string]any
}
