// Package seeds reads a seed folder the way the indexer does (every file
// whose name does not start with a dot, parsed with the project's article
// parser) and turns articles into the paragraph records every benchmarked
// system indexes.
package seeds

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/newsroom/newsearch/internal/article"
)

// Paragraph is one paragraph document: what searchd indexes for it.
type Paragraph struct {
	ID        string // as index.ParagraphID makes it
	ArticleID string
	Seed      string
	N         int
	Title     string
	Section   string
	Text      string
	Author    string
	Source    string
	Editors   string
	Published time.Time // zero when unknown
}

// Walk parses the seeds under dir in path order and calls fn with each
// article's paragraphs. Seeds the parser rejects are skipped, as the
// indexer skips them.
func Walk(dir string, fn func([]Paragraph) error) error {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		a, err := article.Parse(filepath.ToSlash(rel), data)
		if err != nil {
			continue
		}
		if err := fn(Paragraphs(a)); err != nil {
			return err
		}
	}
	return nil
}

// Paragraphs returns the paragraph records of an article.
func Paragraphs(a *article.Article) []Paragraph {
	out := make([]Paragraph, 0, len(a.Paragraphs))
	for _, p := range a.Paragraphs {
		out = append(out, Paragraph{ID: paragraphID(a.ID, p.N), ArticleID: a.ID, Seed: a.Seed, N: p.N,
			Title: a.Title, Section: p.Section, Text: p.Text, Author: a.Author, Source: a.Source,
			Editors: a.Editors, Published: a.Published})
	}
	return out
}

// paragraphID is index.ParagraphID, repeated so that the peers module
// does not depend on bleve (a test checks that the two agree).
func paragraphID(articleID string, n int) string {
	return fmt.Sprintf("%s-%04d", articleID, n)
}
