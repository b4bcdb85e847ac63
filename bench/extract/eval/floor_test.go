package eval

import (
	"errors"
	"io/fs"
	"runtime"
	"testing"
	"time"

	"github.com/newsroom/newsearch/bench/internal/extraction"
)

// devSet is the annotated development set: ../shared/corpus/extraction-dev
// from the repository root, three levels above this package.
const devSet = "../../../../shared/corpus/extraction-dev"

// Floors of the HTML path over the development set, slightly under the
// held-out part's figures when they were set (bench/RESULTS.md,
// "Extraction": body F 0.924, titles 0.911, dates 0.834 held out; 0.915,
// 0.909, 0.864 over all pages; titles 0.920 on the sample scored under
// -race), and the body floor above the bar (F 0.904,
// go-trafilatura's published figure).
const (
	floorBodyF = 0.905
	floorDate  = 0.82
	floorTitle = 0.89
)

// raceSample is the stride of the fixed sample scored under the race
// detector: every raceSample-th page in key order.
const raceSample = 6

// TestHTMLFloor holds the HTML path (internal/webpage) to the floors over
// the development set, every page (a fixed sample under -race).
func TestHTMLFloor(t *testing.T) {
	pages, err := extraction.Load(devSet)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the extraction development set is absent (%s): %v", devSet, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if raceEnabled {
		var sample []extraction.Page
		for i := 0; i < len(pages); i += raceSample {
			sample = append(sample, pages[i])
		}
		t.Logf("race detector on: scoring every %dth page, %d of %d", raceSample, len(sample), len(pages))
		pages = sample
	}
	start := time.Now()
	r := Run(pages, HTML, runtime.GOMAXPROCS(0))
	t.Logf("%d pages in %v: body P %.3f R %.3f F %.3f, title %s, date %s, author %s, failed %d",
		r.Pages, time.Since(start).Round(time.Millisecond), r.Body.Precision(), r.Body.Recall(), r.Body.F(),
		r.Title, r.Date, r.Author, r.Failed)
	if !raceEnabled {
		// The parts of the protocol, for the record (the floors hold all pages).
		dev, held := extraction.Split(pages)
		for _, part := range []struct {
			name  string
			pages []extraction.Page
		}{{"development", dev}, {"held-out", held}} {
			pr := Run(part.pages, HTML, runtime.GOMAXPROCS(0))
			t.Logf("%s part, %d pages: body F %.3f, title %s, date %s", part.name, pr.Pages, pr.Body.F(), pr.Title, pr.Date)
		}
	}
	if f := r.Body.F(); f < floorBodyF {
		t.Errorf("body F %.3f, floor %.2f", f, floorBodyF)
	}
	if a := r.Title.Ratio(); a < floorTitle {
		t.Errorf("titles right %s, floor %.2f (wrong: %v)", r.Title, floorTitle, r.WrongTitle)
	}
	if a := r.Date.Ratio(); a < floorDate {
		t.Errorf("dates right %s, floor %.2f (wrong: %v)", r.Date, floorDate, r.WrongDay)
	}
}
