package textpath

import (
	"fmt"
	"github.com/newsroom/newsearch/internal/article"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/bench/internal/visibletext"
)

// devDir is the annotated development set beside the project (tests run in
// bench/internal/textpath).
const devDir = "../../../../shared/corpus/extraction-dev"

func loadDev(t *testing.T) []extraction.Page {
	t.Helper()
	if _, err := os.Stat(filepath.Join(devDir, "annotations.json")); err != nil {
		t.Skipf("extraction set absent (%v): it sits at ../shared/corpus/extraction-dev beside the project", err)
	}
	pages, err := extraction.Load(devDir)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// TestTextPathReport prints the text path's figures over the whole set
// (run with -v; EVAL=1 to run it at all, as it is slow without the cache).
func TestTextPathReport(t *testing.T) {
	if os.Getenv("EVAL") == "" {
		t.Skip("set EVAL=1 to print the text path's figures over the development set")
	}
	if !visibletext.Available() {
		t.Skip("w3m not installed")
	}
	pages := loadDev(t)
	t.Log(Evaluate(pages, 2))
}

// TestTextPathWorst lists the pages that lose the most (DEBUG=1).
func TestTextPathWorst(t *testing.T) {
	if os.Getenv("DEBUG") == "" {
		t.Skip("set DEBUG=1 to list the pages the text path loses most on")
	}
	for _, p := range loadDev(t) {
		body, title, _, _, err := TextPath(p)
		if err != nil {
			t.Fatal(err)
		}
		c := extraction.Score(p, body)
		if c.FN >= 2 || c.FP >= 2 {
			t.Logf("%s FN %d FP %d TP %d title %q want %q", p.Key, c.FN, c.FP, c.TP, title, p.Title)
		}
	}
}

// TestTextPathShow prints one page's lines with their kinds (KEY=<key>).
func TestTextPathShow(t *testing.T) {
	key := os.Getenv("KEY")
	if key == "" {
		t.Skip("set KEY=<page key> to print a page's classified lines")
	}
	for _, p := range loadDev(t) {
		if p.Key != key {
			continue
		}
		html, _ := p.HTML()
		text, err := visibletext.Dump(html, CacheDir())
		if err != nil {
			t.Fatal(err)
		}
		a, _ := article.Parse(key, []byte(text))
		for _, l := range a.Lines {
			if l.Text != "" {
				fmt.Printf("%-9s %.150s\n", l.Kind, l.Text)
			}
		}
		fmt.Printf("WITH %q\nWITHOUT %q\nTITLE %q DATE %q AUTHOR %q\n", p.With, p.Without, p.Title, p.Date, p.Author)
	}
}

// TestTextPathMisses lists kept "without" and lost "with" snippets (DEBUG=2).
func TestTextPathMisses(t *testing.T) {
	if os.Getenv("DEBUG") != "2" {
		t.Skip("set DEBUG=2 to list the snippets the text path gets wrong")
	}
	for _, p := range loadDev(t) {
		body, _, _, _, _ := TextPath(p)
		b := strings.Join(strings.Fields(body), " ")
		for _, s := range p.Without {
			if strings.Contains(b, strings.Join(strings.Fields(s), " ")) {
				t.Logf("FP %s %q", p.Key, s)
			}
		}
		for _, s := range p.With {
			if !strings.Contains(b, strings.Join(strings.Fields(s), " ")) {
				t.Logf("FN %s %q", p.Key, s)
			}
		}
	}
}
