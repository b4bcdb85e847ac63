// Package article reads news articles saved as text (a web page's text with
// its site chrome around the story) into an Article: title, byline metadata,
// publication time and the body split paragraph by paragraph, with section
// headings attached to the paragraphs under them.
//
// The parser is pure and general: it works from the shape of the lines, not
// from a list of one site's lines. It scores every line (running text
// gains its length in words; short lines, list items, counts, menu rows and
// widget labels cost), takes the best contiguous block as the body, reads
// the headline, byline and date from the lines just above it, and treats
// what stands outside as page furniture. A text that is an article on its
// own (a headline, a byline, paragraphs, no furniture) keeps all of it. Every line of the
// input is accounted for exactly once in Article.Lines, so nothing the seed
// says is silently lost.
package article

import (
	"time"

	"github.com/newsroom/newsearch/index/doc"
)

// Kind says what a line of a seed turned out to be.
type Kind int

// The kinds of line. Every line of a seed has exactly one.
const (
	KindBlank   Kind = iota // an empty or white-space line: layout only
	KindTitle               // the article's headline
	KindMeta                // byline, dateline, editors: metadata, not body text
	KindHeading             // a section heading inside the body
	KindText                // body text (possibly one of several lines of a paragraph)
	KindChrome              // site furniture: share links, widget labels, follow-us lines
)

var kindNames = [...]string{"blank", "title", "meta", "heading", "paragraph", "chrome"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Line is one line of the seed and what it became.
type Line struct {
	No   int    // 1-based line number in the seed
	Text string // the line with white space normalised
	Kind Kind
}

// Paragraph is one body paragraph.
type Paragraph struct {
	N       int    // 1-based position in the article
	Section string // the heading above it, "" before the first heading
	Text    string
}

// Article is a parsed seed.
type Article struct {
	ID         string    // stable id derived from the seed path
	Seed       string    // path of the seed relative to the seeds folder, with forward slashes
	Title      string    //
	Author     string    // "" when the byline names none
	Source     string    // the outlet, "" when unknown
	Published  time.Time // zero when the article carries no date
	Editors    string    // the editors line, when there is one
	Paragraphs []Paragraph
	Lines      []Line   // every line of the seed, classified
	Missing    []string // metadata the parser could not find: "author", "source", "published"
}

// IDFor returns the stable article id of a seed path: the first 16 hex
// digits of the SHA-256 of the path relative to the seeds folder. The same
// seed gives the same id on every rebuild; paragraph ids derive from it.
// It is the index's own derivation (doc.ArticleID), so that an id the
// parser gives and one the index derives are the same.
func IDFor(seed string) string { return doc.ArticleID(seed) }

// MarshalText writes the kind's name, so JSON shows "heading", not 3.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
