// Package doc defines what the index takes: a document, that is an
// article's metadata and its ordered paragraphs, whatever format the
// article was read from.
//
// It is a package of its own, beside index, so that the readers of seed
// formats (internal/article today) produce documents without importing the
// index and bleve with it, and so that the index's own tests can use those
// readers. The index refers to these types as index.Document and
// index.Paragraph.
package doc

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Document is one article to index.
type Document struct {
	// ID is the article's stable id. Empty, the index derives it from Seed
	// with ArticleID, which is what a reader should do unless its format
	// carries an id of its own.
	ID string
	// Seed is the path of the seed file relative to the seeds folder, with
	// forward slashes.
	Seed      string
	Title     string
	Author    string    // "" when the byline names none
	Source    string    // the outlet, "" when unknown
	Published time.Time // zero when the article carries no date
	Editors   string    // the editors line, when there is one
	// URL is the article's own address on the web (its canonical URL, or
	// the address it was fetched from), "" when the seed does not say.
	URL string
	// Language is the BCP 47 tag of the article's language ("en", "de",
	// "zh"), "" when unknown.
	Language string
	// Paragraphs are the body in reading order; paragraph n (1-based) is
	// Paragraphs[n-1].
	Paragraphs []Paragraph
	// Missing names the metadata the reader could not find ("author",
	// "source", "published", ...); the manifest records it for reports.
	Missing []string
}

// Paragraph is one body paragraph of a Document.
type Paragraph struct {
	Section string // the heading above it, "" before the first heading
	Text    string
}

// ArticleID returns the stable article id of a seed path: the first 16 hex
// digits of the SHA-256 of the path relative to the seeds folder. The same
// seed gives the same id on every rebuild; paragraph ids derive from it.
func ArticleID(seed string) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:8])
}

// RecordID returns the stable article id of one article of a seed that
// holds several (a file of records, a web crawl): ArticleID of the seed
// path and key joined by a NUL, which no path contains, so that it never
// equals the id of a seed of one article. key names the article within
// its seed and must outlive edits of the others: the record's own id
// ("id:" + id) when it has one, else its URL ("url:" + url), else its
// position ("n:" + line or index), which changes when records are
// inserted before it.
func RecordID(seed, key string) string {
	return ArticleID(seed + "\x00" + key)
}
