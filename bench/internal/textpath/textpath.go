// Package textpath is the text path of the extraction evaluation: a page
// of the annotated development set is turned into the text a person saves
// from a browser (package visibletext), that text is parsed by
// internal/article as a seed, and the article's body, title, date and
// author are returned for scoring.
package textpath

import (
	"path/filepath"
	"runtime"

	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/bench/internal/visibletext"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/webpage"
)

// CacheDir is the folder of cached page texts, under bench/out (git-ignored).
func CacheDir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("bench", "out", "visibletext")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "out", "visibletext")
}

// TextPath returns what the text path makes of page: the body (Body: the
// paragraphs under their section headings, one a line), the title, the
// date as YYYY-MM-DD ("" when none was found) and the author. A page whose
// text has no body is not an error: it gives empty strings.
func TextPath(p extraction.Page) (body, title, date, author string, err error) {
	html, err := p.HTML()
	if err != nil {
		return "", "", "", "", err
	}
	text, err := visibletext.Dump(html, CacheDir())
	if err != nil {
		return "", "", "", "", err
	}
	return Parse(p.Key, text)
}

// Parse parses saved text as the text path does.
func Parse(name, text string) (body, title, date, author string, err error) {
	a, err := article.Parse(name+".txt", []byte(text))
	if a == nil {
		return "", "", "", "", nil // not text the parser takes: nothing extracted
	}
	if !a.Published.IsZero() {
		date = a.Published.Format("2006-01-02")
	}
	return Body(a), a.Title, date, a.Author, nil
}

// Body is an article's body as its page shows it, in the very form the
// HTML path's is scored in (webpage.Body).
func Body(a *article.Article) string { return webpage.Body(a.Document()) }
