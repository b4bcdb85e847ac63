package textpath

import (
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/bench/internal/visibletext"
	"github.com/newsroom/newsearch/internal/article"
)

// bodyOf is the body the text path makes of a page's text with weights w.
func bodyOf(key, text string, w article.Weights) string {
	a, _ := article.ParseWeighted(key+".txt", []byte(text), w)
	if a == nil {
		return ""
	}
	return Body(a)
}

// TestWeightsCrossValidated chooses internal/article's line-shape weights
// by 5-fold cross-validation over the development part of the set (folds
// by a fixed seed) and reports the out-of-fold body F, then the held-out
// part's F for the weights chosen on the whole development part and for
// article.DefaultWeights (CV=1; HELD=1 for the held-out part, scored once
// at the end of a piece of work; the protocol is in bench/RESULTS.md).
func TestWeightsCrossValidated(t *testing.T) {
	if os.Getenv("CV") == "" {
		t.Skip("set CV=1 to cross-validate the text path's line-shape weights on the development part")
	}
	if !visibletext.Available() {
		t.Skip("w3m not installed")
	}
	dev, held := extraction.Split(loadDev(t))
	texts := func(pages []extraction.Page) []string {
		out := make([]string, len(pages))
		for i, p := range pages {
			html, err := p.HTML()
			if err != nil {
				t.Fatal(err)
			}
			if out[i], err = visibletext.Dump(html, CacheDir()); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	devTexts, heldTexts := texts(dev), texts(held)
	var grid []article.Weights
	for _, short := range []int{9, 12} {
		for _, follow := range []int{0, 50} {
			for _, run := range []int{2, 3, 5} {
				for _, signed := range []int{200, 400} {
					for _, lead := range []int{4, 8} {
						for _, window := range []int{3, 8, 16} {
							for _, repeats := range []bool{false, true} {
								w := article.DefaultWeights()
								w.Short, w.Follow, w.Run, w.Signed, w.Lead, w.Window, w.Repeats = short, follow, run, signed, lead, window, repeats
								grid = append(grid, w)
							}
						}
					}
				}
			}
		}
	}
	// per[g][i]: the counts of dev page i with grid entry g.
	per := make([][]extraction.Counts, len(grid))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for g := range next {
				per[g] = make([]extraction.Counts, len(dev))
				for i, p := range dev {
					per[g][i] = extraction.Score(p, bodyOf(p.Key, devTexts[i], grid[g]))
				}
			}
		})
	}
	for g := range grid {
		next <- g
	}
	close(next)
	wg.Wait()
	best := func(in func(i int) bool) (int, float64) {
		b, bf := 0, -1.0
		for g := range grid {
			var c extraction.Counts
			for i := range dev {
				if in(i) {
					c.Add(per[g][i])
				}
			}
			if c.F() > bf {
				b, bf = g, c.F()
			}
		}
		return b, bf
	}
	const k = 5
	fold := rand.New(rand.NewPCG(15, 15)).Perm(len(dev))
	var oof extraction.Counts
	for f := range k {
		g, inF := best(func(i int) bool { return fold[i]%k != f })
		for i := range dev {
			if fold[i]%k == f {
				oof.Add(per[g][i])
			}
		}
		t.Logf("fold %d: chose %+v (in-fold F %.3f)", f, grid[g], inF)
	}
	g, allF := best(func(int) bool { return true })
	t.Logf("development part (%d pages): out-of-fold F %.3f; chosen on all of it %+v, F %.3f", len(dev), oof.F(), grid[g], allF)
	if os.Getenv("HELD") == "" {
		t.Log("held-out part not scored (HELD=1 scores it: once, at the end of a piece of work)")
		return
	}
	heldF := func(w article.Weights) float64 {
		var c extraction.Counts
		for i, p := range held {
			c.Add(extraction.Score(p, bodyOf(p.Key, heldTexts[i], w)))
		}
		return c.F()
	}
	t.Logf("held-out part (%d pages): F %.3f with the chosen weights, %.3f with DefaultWeights %+v",
		len(held), heldF(grid[g]), heldF(article.DefaultWeights()), article.DefaultWeights())
}
