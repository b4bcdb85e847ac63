package index

import (
	"cmp"
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// ArticleView is a whole article read back from the index.
type ArticleView struct {
	ID         string
	Seed       string
	Title      string
	TitleMatch []snippet.Span // the query's matches in Title, when a query was given
	Author     string
	Source     string
	Editors    string
	URL        string // the article's own address on the web, "" when unknown
	Language   string // the article's language (ISO 639-1, "und"), "" when its reader set none
	Published  time.Time
	Paragraphs []ParagraphView
}

// ParagraphView is one paragraph of an ArticleView.
type ParagraphView struct {
	N       int
	Section string
	Text    string
	Matches []snippet.Span // the query's matches in Text; nil when it does not match
}

// articleIDRe is the shape of an article id; anything else is not found
// without touching the index.
var articleIDRe = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Article reads the article with the given id and its paragraphs in order.
// When q is not nil, the paragraphs that match it carry their match spans.
// It reads one snapshot of the served generation, like a search.
func (r *Reader) Article(ctx context.Context, id string, q query.Node) (*ArticleView, error) {
	snap := r.acquire()
	defer snap.release()
	return view{r, snap, nil}.article(ctx, id, q)
}

func (v view) article(ctx context.Context, id string, q query.Node) (*ArticleView, error) {
	if !v.s.status.Ready {
		return nil, ErrNotReady
	}
	if !articleIDRe.MatchString(id) {
		return nil, ErrNotFound
	}
	ctx = searchContext(ctx)
	byID := bleve.NewTermQuery(id)
	byID.SetField(FieldArticleID)
	sr := bleve.NewSearchRequestOptions(byID, maxArticleParagraphs, 0, false)
	sr.Fields = storedFields()
	sr.Score = "none"
	res, err := v.run(ctx, sr)
	if err != nil {
		return nil, err
	}
	if len(res.Hits) == 0 {
		return nil, ErrNotFound
	}
	slices.SortFunc(res.Hits, func(a, b *bsearch.DocumentMatch) int {
		n, _ := a.Fields[FieldParagraph].(float64)
		m, _ := b.Fields[FieldParagraph].(float64)
		return cmp.Compare(n, m)
	})
	first := makeHit(res.Hits[0])
	editors, _ := res.Hits[0].Fields[FieldEditors].(string)
	av := &ArticleView{ID: id, Seed: first.Seed, Title: first.Title, Author: first.Author, Source: first.Source,
		Editors: editors, URL: first.URL, Language: first.Language, Published: first.Published}
	for _, dm := range res.Hits {
		h := makeHit(dm)
		av.Paragraphs = append(av.Paragraphs, ParagraphView{N: h.Paragraph, Section: h.Section, Text: h.Text})
	}
	if q == nil {
		return av, nil
	}
	t := newTranslator(v, false, false)
	// Highlight what the query's words match in this article, whether or
	// not the whole query matches each paragraph.
	var leaves []bquery.Query
	for _, l := range query.Leaves(q) {
		if lq := t.translate(l); lq != nil {
			leaves = append(leaves, lq)
		}
	}
	if t.err != nil {
		return nil, t.err
	}
	if len(leaves) == 0 {
		return av, nil
	}
	hq := bleve.NewConjunctionQuery(byID, disjunction(leaves))
	hr := bleve.NewSearchRequestOptions(hq, maxArticleParagraphs, 0, false)
	hr.Fields = []string{FieldParagraph, FieldText, FieldTitle}
	hr.IncludeLocations = true
	hres, err := v.run(ctx, hr)
	if err != nil {
		return nil, err
	}
	for _, dm := range hres.Hits {
		n, _ := dm.Fields[FieldParagraph].(float64)
		text, _ := dm.Fields[FieldText].(string)
		if i := int(n) - 1; i >= 0 && i < len(av.Paragraphs) && av.Paragraphs[i].N == int(n) {
			av.Paragraphs[i].Matches = spansOf(dm, FieldText, text)
		}
		if av.TitleMatch == nil {
			av.TitleMatch = spansOf(dm, FieldTitle, av.Title)
		}
	}
	return av, nil
}
