package textpath

import (
	"testing"

	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/bench/internal/visibletext"
)

// textFloor is the CI floor of the text path's body F on the development
// set: just under the held-out part's figure (0.844) and under the 5-fold
// out-of-fold figure over the development part (0.872) when it was set
// (bench/RESULTS.md, "Extraction"), and under the figures over all pages
// (0.869) and over the third of the pages scored under -race (0.864).
const textFloor = 0.84

// TestTextPathFloor holds the text path's body F on the development set
// above textFloor. Under the race detector a fixed third of the pages
// (every third by key) is scored, to stay fast on two cores.
func TestTextPathFloor(t *testing.T) {
	pages := loadDev(t)
	if !visibletext.Available() {
		t.Skip("w3m is not installed (apt-get install -y w3m): the text path needs it to make the pages' text")
	}
	var c extraction.Counts
	n := 0
	for i, p := range pages {
		if raceEnabled && i%3 != 0 {
			continue
		}
		body, _, _, _, err := TextPath(p)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(extraction.Score(p, body))
		n++
	}
	t.Logf("text path on %d pages: P %.3f R %.3f F %.3f", n, c.Precision(), c.Recall(), c.F())
	if c.F() < textFloor {
		t.Errorf("text path body F %.3f on the development set, below the floor %.2f", c.F(), textFloor)
	}
}
