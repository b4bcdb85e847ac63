package index

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/newsroom/newsearch/index/doc"
)

// Document is what the index takes: an article's metadata and its ordered
// paragraphs. The readers of seed formats make it (article.Article's
// Document method for the text seeds); the type lives in package doc so
// that they need not import the index.
type Document = doc.Document

// Paragraph is one body paragraph of a Document.
type Paragraph = doc.Paragraph

// Entry is one seed file the index is to hold: its path relative to the
// seeds folder, with forward slashes, and what the scan found of its file.
//
// Info.Size and Info.ModTime are the file's as scanned. Info.SHA256 is
// usually left empty: Plan takes the hash from the current manifest when
// size and modification time are as recorded there, or asks the Source
// for it; a caller that has hashed the content already may set it, and it
// is then taken as it is. Info.Reason, when set, says why the file cannot
// be indexed whatever its content (unreadable, too large): it is recorded
// as skipped and never read.
type Entry struct {
	Seed string
	Info SeedInfo
}

// A Source reads seed files for the writer: Plan asks it for the hashes it
// needs to tell a changed seed from a touched one, Publish for the
// documents of the seeds it indexes. Its methods are called from several
// goroutines at once.
type Source interface {
	// Hash returns the hex SHA-256 of the content of e's file. Plan calls
	// it for the seeds the current generation holds whose size or
	// modification time differ from the manifest's. An error records the
	// seed as skipped, with the error as the reason.
	Hash(ctx context.Context, e Entry) (string, error)
	// Read reads and parses e's file into the Documents it holds, each
	// with Seed e.Seed: one for a seed of one article (a saved page), zero
	// or more for a seed of many (a file of records, a web crawl). Each
	// document of a seed has its own article id (Document.ID, or
	// doc.ArticleID of the seed path when empty, which only one document
	// of a seed may use); the ids of one seed must differ. A seed that
	// yields no document is recorded as skipped. Read is called once per
	// seed of the shards being written, and only for them. When e.Info.SHA256 is empty (a seed not hashed
	// yet: a new one, read here for the first time) it returns the hex
	// SHA-256 of the bytes it read, also with an error when they were read
	// but do not parse, so that the seed is hashed once, here, and a bad
	// seed is not read again until it changes. An error records the seed
	// as skipped, with the error as the reason; an error wrapping
	// ErrNotRead says the bytes could not be read (the file is gone,
	// unreadable, or changed since the scan), and the next plan reads the
	// seed again whatever its hash.
	Read(ctx context.Context, e Entry) (docs []*Document, sha256 string, err error)
}

// A VersionedSource is a Source that names the version of its readers:
// what they make of a seed's bytes. A generation records the version it
// was published with; when the Source's differs (a reader was improved,
// or reads seeds an older one skipped), the next plan reads every seed
// again and builds every shard whole, once, as after a change of the
// mapping. A Source without a version is version "".
type VersionedSource interface {
	Source
	ReaderVersion() string
}

// readerVersion returns the version of src's readers, "" when it names
// none.
func readerVersion(src Source) string {
	if v, ok := src.(VersionedSource); ok {
		return v.ReaderVersion()
	}
	return ""
}

// ErrNotRead marks a Source's failure to read a seed's bytes, as opposed to
// bytes read that do not parse: the seed's hash is not recorded with the
// failure, so that it is read again once it can be.
var ErrNotRead = errors.New("seed not read")

// SeedProblems is the error a Source returns together with the documents
// it did read of a seed some of whose articles it could not (a bad record
// of a .jsonl file, a broken record of a crawl): the documents are
// indexed, and the problems recorded with the seed (SeedInfo.Problems)
// for reports. Returned with no document, it is the reason the seed is
// skipped.
type SeedProblems []string

// Error says how many articles were not read, and the first reasons.
func (p SeedProblems) Error() string {
	const shown = 3
	s := fmt.Sprintf("articles not read (%d): %s", len(p), strings.Join(p[:min(len(p), shown)], "; "))
	if len(p) > shown {
		s += fmt.Sprintf("; and %d more", len(p)-shown)
	}
	return s
}

// maxProblems is how many of a seed's problems the manifest keeps: enough
// to see what is wrong, not a copy of a broken file.
const maxProblems = 20

// articleID returns the article id of d: its own, or the one derived from
// its seed path.
func articleID(d *Document) string {
	if d.ID != "" {
		return d.ID
	}
	return doc.ArticleID(d.Seed)
}
