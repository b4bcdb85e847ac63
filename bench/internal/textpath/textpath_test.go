package textpath

import (
	"os"
	"path/filepath"
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
