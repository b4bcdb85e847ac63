package eval

import (
	"bytes"
	"fmt"
	nurl "net/url"
	"time"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/internal/webpage"
)

// Paths returns the extraction paths the benchmark scores, in table order.
func Paths() []Path {
	return []Path{
		{"html (internal/webpage)", HTML},
		{"text (internal/article, w3m's dump of the page)", Text},
		{"reference: go-trafilatura ContentText", Reference(false)},
		{"reference: go-trafilatura+fallback ContentText", Reference(true)},
	}
}

// HTML is the HTML seed path: webpage.Read, the document's paragraphs
// under their headings as the body.
func HTML(p extraction.Page) (Extracted, error) {
	data, err := p.HTML()
	if err != nil {
		return Extracted{}, err
	}
	d, err := webpage.Read(data, p.URL)
	if err != nil {
		return Extracted{}, err
	}
	e := Extracted{Body: webpage.Body(d), Title: d.Title, Author: d.Author, Paragraphs: len(d.Paragraphs)}
	if !d.Published.IsZero() {
		e.Date = d.Published.Format(time.DateOnly)
	}
	return e, nil
}

// Reference is go-trafilatura used directly, as its own comparison script
// uses it (comments excluded, the page parsed by its own parser), scored on
// its ContentText and metadata: without fallback, the published
// configuration; with it, the extraction internal/webpage starts from, so
// that the difference is what our decoding, paragraph assembly and
// metadata cost or gain.
func Reference(fallback bool) Func {
	return func(p extraction.Page) (Extracted, error) { return reference(p, fallback) }
}

func reference(p extraction.Page, fallback bool) (Extracted, error) {
	data, err := p.HTML()
	if err != nil {
		return Extracted{}, err
	}
	root, err := dom.Parse(bytes.NewReader(data))
	if err != nil {
		return Extracted{}, fmt.Errorf("page %s: %w", p.Key, err)
	}
	opts := trafilatura.Options{ExcludeComments: true, EnableFallback: fallback}
	if u, err := nurl.ParseRequestURI(p.URL); err == nil {
		opts.OriginalURL = u
	}
	res, err := trafilatura.ExtractDocument(root, opts)
	if err != nil {
		return Extracted{}, fmt.Errorf("page %s: %w", p.Key, err)
	}
	e := Extracted{Body: res.ContentText, Title: res.Metadata.Title, Author: res.Metadata.Author}
	if !res.Metadata.Date.IsZero() {
		e.Date = res.Metadata.Date.Format(time.DateOnly)
	}
	return e, nil
}
