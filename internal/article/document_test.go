package article

import (
	"slices"
	"testing"

	"github.com/newsroom/newsearch/index/doc"
)

// TestDocument checks that the index's document of the seed article holds
// its metadata and its paragraphs in order, paragraph n at position n-1,
// under the id the index would derive itself.
func TestDocument(t *testing.T) {
	a, err := Parse("000_5560a174234f78d3.txt", readSeed(t))
	if err != nil {
		t.Fatal(err)
	}
	d := a.Document()
	if d.ID != a.ID || d.ID != doc.ArticleID(a.Seed) || d.Seed != a.Seed || d.Title != a.Title || d.Author != a.Author ||
		d.Source != a.Source || !d.Published.Equal(a.Published) || d.Editors != a.Editors || !slices.Equal(d.Missing, a.Missing) {
		t.Errorf("document %+v of article %+v", d, a)
	}
	if len(d.Paragraphs) != len(a.Paragraphs) || len(d.Paragraphs) == 0 {
		t.Fatalf("%d paragraphs, article has %d", len(d.Paragraphs), len(a.Paragraphs))
	}
	for i, p := range a.Paragraphs {
		if p.N != i+1 || d.Paragraphs[i] != (doc.Paragraph{Section: p.Section, Text: p.Text}) {
			t.Errorf("paragraph %d: %+v, article %+v", i+1, d.Paragraphs[i], p)
		}
	}
}
