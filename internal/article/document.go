package article

import "github.com/newsroom/newsearch/index/doc"

// Document returns what the index takes of the article: its metadata and
// its paragraphs in order, without the classified lines, which only the
// parser's own reports need.
func (a *Article) Document() *doc.Document {
	d := &doc.Document{
		ID:         a.ID,
		Seed:       a.Seed,
		Title:      a.Title,
		Author:     a.Author,
		Source:     a.Source,
		Published:  a.Published,
		Editors:    a.Editors,
		Paragraphs: make([]doc.Paragraph, len(a.Paragraphs)),
		Missing:    a.Missing,
	}
	for i, p := range a.Paragraphs {
		d.Paragraphs[i] = doc.Paragraph{Section: p.Section, Text: p.Text}
	}
	return d
}
