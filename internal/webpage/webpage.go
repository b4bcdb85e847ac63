// Package webpage turns a raw HTML page (a news article or a blog post as
// served by its site) into the index's document: title, author, source,
// publication time, language, canonical URL, and the body as paragraphs
// under their section headings.
//
// The main content and the metadata are found by go-trafilatura; this
// package decodes the page's charset, assembles paragraphs from the
// content's blocks (paragraphs, list items, block quotes, headings as the
// sections of the paragraphs after them) and recovers the publication
// time with its offset where the page states one.
package webpage

import (
	"bytes"
	"errors"
	"fmt"
	nurl "net/url"
	"strings"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/newsroom/newsearch/index/doc"
)

// ErrNoBody is returned (wrapped) for a page in which no article body is
// found: a page of links, an empty page, something that is not HTML.
var ErrNoBody = errors.New("no article body found")

// MaxSize is the largest page Read accepts: go-trafilatura holds the whole
// tree, and a page larger than this is not an article.
const MaxSize = 32 << 20

// Read extracts the article of an HTML page. pageURL is the address the
// page was fetched from, or "" when unknown; it is the document's URL when
// the page names no canonical URL of its own, and it lets relative
// canonical links resolve. The caller sets the document's Seed and ID.
//
// Read never panics: a failure inside the extractor is returned as an
// error. A page without a body is an error wrapping ErrNoBody.
func Read(data []byte, pageURL string) (d *doc.Document, err error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("webpage: page of %d bytes, more than %d", len(data), MaxSize)
	}
	defer func() {
		// go-trafilatura and its dependencies walk arbitrary trees with
		// many regular expressions and index arithmetic; one bad page
		// must cost that page, not the indexer.
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("webpage: extractor failed: %v", r)
		}
	}()
	root, err := html.Parse(bytes.NewReader(decode(data)))
	if err != nil {
		return nil, fmt.Errorf("webpage: parse: %w", err)
	}
	return extract(root, pageURL)
}

// options are go-trafilatura's options for one page. Comments are left
// out (they are not the article); fallback extractors are enabled because
// they recover bodies trafilatura's own pass misses.
func options(pageURL string) trafilatura.Options {
	opts := trafilatura.Options{
		EnableFallback:  true,
		ExcludeComments: true,
		Focus:           trafilatura.Balanced,
	}
	if u, err := nurl.Parse(strings.TrimSpace(pageURL)); err == nil && u.IsAbs() {
		opts.OriginalURL = u
	}
	return opts
}

func extract(root *html.Node, pageURL string) (*doc.Document, error) {
	// go-trafilatura modifies the tree it is given; the metadata this
	// package reads itself (times with offsets) comes from a copy.
	meta := dom.Clone(root, true)
	res, err := trafilatura.ExtractDocument(root, options(pageURL))
	if err != nil || res == nil || res.ContentNode == nil {
		if err == nil {
			err = ErrNoBody
		} else {
			err = fmt.Errorf("%w: %w", ErrNoBody, err)
		}
		return nil, fmt.Errorf("webpage: %w", err)
	}
	m := res.Metadata
	all := paragraphs(res.ContentNode)
	title := headline(meta, m.Title, m.Sitename, pageURL, all)
	paras := untitled(all, title, m.Title)
	if words(paras) < minWords {
		return nil, fmt.Errorf("webpage: %w", ErrNoBody)
	}
	d := &doc.Document{
		Title:      title,
		Author:     cleanAuthor(m.Author),
		Source:     collapse(m.Sitename),
		Published:  published(meta, m.Date),
		URL:        canonical(m.URL, pageURL),
		Language:   languageTag(m.Language),
		Paragraphs: paras,
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"title", d.Title != ""},
		{"author", d.Author != ""},
		{"source", d.Source != ""},
		{"published", !d.Published.IsZero()},
		{"url", d.URL != ""},
		{"language", d.Language != ""},
	} {
		if !f.set {
			d.Missing = append(d.Missing, f.name)
		}
	}
	return d, nil
}

// minWords is the fewest words a body has: what go-trafilatura returns
// for a page without an article is often a lone link or label ("Home").
const minWords = 2

func words(paras []doc.Paragraph) int {
	n := 0
	for _, p := range paras {
		n += len(strings.Fields(p.Text))
		if n >= minWords {
			break
		}
	}
	return n
}

// untitled takes the headline out of the body: a heading that is the
// title is not a section (the paragraphs under it are under none), and a
// paragraph that is only the title is not body text (go-trafilatura gives
// the title as the body of a page that has none).
func untitled(paras []doc.Paragraph, titles ...string) []doc.Paragraph {
	isTitle := func(s string) bool {
		for _, t := range titles {
			if t = collapse(t); t != "" && strings.EqualFold(s, t) {
				return true
			}
		}
		return false
	}
	out := paras[:0]
	for _, p := range paras {
		if isTitle(p.Section) {
			p.Section = ""
		}
		if isTitle(p.Text) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Body is the document's body as the article page shows it: each section
// heading once, before its first paragraph, then the paragraphs, one a
// line. It is what the extraction benchmark scores.
func Body(d *doc.Document) string {
	var b strings.Builder
	section := ""
	for _, p := range d.Paragraphs {
		if p.Section != section {
			section = p.Section
			if section != "" {
				b.WriteString(section)
				b.WriteByte('\n')
			}
		}
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}
