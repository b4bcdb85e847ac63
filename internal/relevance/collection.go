// Package relevance measures the ranking quality of the search service on
// a classic IR test collection (the TIME magazine collection in SMART
// format): it turns the documents into seed files, indexes them with the
// project's own indexer, runs the collection's queries through the same
// code the API uses (query.Parse, then index.Reader.Search) and scores the
// rankings against the relevance judgments with MAP, nDCG@10 and P@10.
//
// The collection is not part of the repository: tests read it from
// ../shared/corpus/time relative to the repository root and skip when it is
// absent.
package relevance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Doc is one document of the collection.
type Doc struct {
	Ordinal int    // 1-based position in the collection file: what the judgments name
	Number  string // the number on its header line ("017")
	Date    string // the issue date on its header line ("01/04/63")
	// Title, when set, is the seed's title line whatever the style (a
	// collection with real titles: Reuters).
	Title string
	Lines []string
}

// Query is one query of the collection.
type Query struct {
	ID   int
	Text string // the query text, its lines joined by spaces
}

// Collection is a test collection: documents, queries and binary relevance
// judgments (query id → set of relevant document ordinals).
type Collection struct {
	Docs    []Doc
	Queries []Query
	Qrels   map[int]map[int]bool
	// Dropped counts the judgments that name a document past the last one.
	Dropped int
	// Titles is the title line WriteSeeds gives each seed.
	Titles TitleStyle
}

// TitleStyle is the kind of title line a seed gets.
type TitleStyle int

const (
	// TitleNumber names the document: "TIME 017 (01/04/63)".
	TitleNumber TitleStyle = iota
	// TitleFirstLine repeats the document's first line (its section
	// label, headline and first words), which the body keeps too.
	TitleFirstLine
)

// ErrNoCorpus is returned when the collection's files are not there.
var ErrNoCorpus = errors.New("test collection not found")

// The files of the TIME collection.
const (
	timeDocs  = "TIME.ALL"
	timeQuery = "TIME.QUE"
	timeRels  = "TIME.REL.ALL"
)

// LoadTIME reads the TIME collection from dir (TIME.ALL, TIME.QUE,
// TIME.REL.ALL). A missing file is ErrNoCorpus.
func LoadTIME(dir string) (*Collection, error) {
	open := func(name string) (*os.File, error) {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNoCorpus, name)
		}
		return f, err
	}
	c := &Collection{}
	for _, step := range []struct {
		name  string
		parse func(io.Reader) error
	}{
		{timeDocs, func(r io.Reader) (err error) { c.Docs, err = ParseDocs(r); return }},
		{timeQuery, func(r io.Reader) (err error) { c.Queries, err = ParseQueries(r); return }},
		{timeRels, func(r io.Reader) (err error) { c.Qrels, err = ParseQrels(r); return }},
	} {
		f, err := open(step.name)
		if err != nil {
			return nil, err
		}
		err = step.parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", step.name, err)
		}
	}
	c.Dropped = c.dropUnknown()
	return c, nil
}

// dropUnknown removes judgments naming ordinals past the last document and
// returns how many it removed.
func (c *Collection) dropUnknown() int {
	n := 0
	for _, rel := range c.Qrels {
		for d := range rel {
			if d < 1 || d > len(c.Docs) {
				delete(rel, d)
				n++
			}
		}
	}
	return n
}

// ParseDocs reads a SMART document file: each document starts with a
// header line "*TEXT <number> <date> PAGE <page>"; the lines up to the next
// header (or the end, or a "*STOP" line) are its text, kept as they are
// apart from leading and trailing blank lines.
func ParseDocs(r io.Reader) ([]Doc, error) {
	var docs []Doc
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var cur *Doc
	finish := func() {
		if cur == nil {
			return
		}
		for len(cur.Lines) > 0 && strings.TrimSpace(cur.Lines[len(cur.Lines)-1]) == "" {
			cur.Lines = cur.Lines[:len(cur.Lines)-1]
		}
		docs = append(docs, *cur)
		cur = nil
	}
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "*TEXT"):
			finish()
			f := strings.Fields(line)
			cur = &Doc{Ordinal: len(docs) + 1}
			if len(f) > 1 {
				cur.Number = f[1]
			}
			if len(f) > 2 {
				cur.Date = f[2]
			}
		case strings.HasPrefix(line, "*STOP"):
			finish()
		case cur != nil:
			if len(cur.Lines) == 0 && strings.TrimSpace(line) == "" {
				continue
			}
			cur.Lines = append(cur.Lines, line)
		}
	}
	finish()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no *TEXT documents")
	}
	return docs, nil
}

// ParseQueries reads a SMART query file: "*FIND <id>" then the query's
// lines.
func ParseQueries(r io.Reader) ([]Query, error) {
	var qs []Query
	var text []string
	id := -1
	finish := func() {
		if id >= 0 {
			qs = append(qs, Query{ID: id, Text: strings.Join(text, " ")})
		}
		text = nil
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "*FIND"):
			finish()
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*FIND")))
			if err != nil {
				return nil, fmt.Errorf("bad query header %q", line)
			}
			id = n
		case strings.HasPrefix(line, "*STOP"):
			finish()
			id = -1
		case line != "" && id >= 0:
			text = append(text, line)
		}
	}
	finish()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, errors.New("no *FIND queries")
	}
	return qs, nil
}

// ParseQrels reads judgments, one query a line: "<query id> <doc> <doc> ...".
func ParseQrels(r io.Reader) (map[int]map[int]bool, error) {
	out := map[int]map[int]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		q, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, fmt.Errorf("bad query id %q", f[0])
		}
		if out[q] == nil {
			out[q] = map[int]bool{}
		}
		for _, s := range f[1:] {
			d, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("query %d: bad document %q", q, s)
			}
			out[q][d] = true
		}
	}
	return out, sc.Err()
}

// SeedName is the seed file name of the document with the given ordinal.
func SeedName(ordinal int) string { return fmt.Sprintf("%04d.txt", ordinal) }

// OrdinalOf returns the ordinal a seed name stands for, or 0.
func OrdinalOf(seed string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(seed), ".txt"))
	if err != nil {
		return 0
	}
	return n
}

// Seed is the text of a document's seed file: a title line, by default
// naming the document ("TIME 017 (01/04/63)"), a blank line, then the
// document's lines exactly as they are, blank lines included.
// Paragraphing is left to the article parser.
func (d Doc) Seed(style TitleStyle) []byte {
	var b strings.Builder
	switch {
	case d.Title != "":
		b.WriteString(d.Title)
	case style == TitleFirstLine:
		for _, l := range d.Lines {
			if t := strings.TrimSpace(l); t != "" {
				b.WriteString(t)
				break
			}
		}
	default:
		b.WriteString("TIME " + d.Number)
		if d.Date != "" {
			b.WriteString(" (" + d.Date + ")")
		}
	}
	b.WriteString("\n\n")
	for _, l := range d.Lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// WriteSeeds writes one seed file per document into dir.
func (c *Collection) WriteSeeds(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range c.Docs {
		if err := os.WriteFile(filepath.Join(dir, SeedName(d.Ordinal)), d.Seed(c.Titles), 0o644); err != nil {
			return err
		}
	}
	return nil
}
