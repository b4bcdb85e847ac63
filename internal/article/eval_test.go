package article

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The text path's evaluation proper (TextPath, the CI floor) lives in
// bench/internal/textpath; this test cross-validates the parser's
// unexported line-shape weights on the same pages, so it reads the set
// itself: bench/internal cannot be imported from here.

// devDir is the annotated extraction development set beside the project.
var devDir = filepath.Join(corpusDir, "extraction-dev")

// textCache is bench/internal/visibletext's cache (bench/out is git-ignored).
const textCache = "../../bench/out/visibletext"

// devPage is one annotated page: the snippets its body must and must not hold.
type devPage struct {
	key           string
	with, without []string
}

// devTexts returns the development pages and the text a browser saves of
// each (w3m's dump, as bench/internal/visibletext makes it).
func devTexts(t *testing.T) ([]devPage, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(devDir, "annotations.json"))
	if err != nil {
		t.Skipf("extraction set absent (%v)", err)
	}
	if _, err := exec.LookPath("w3m"); err != nil {
		t.Skip("w3m is not installed")
	}
	var m map[string]struct {
		With    []string `json:"with"`
		Without []string `json:"without"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	var pages []devPage
	var texts []string
	for k, a := range m {
		f, err := os.Open(filepath.Join(devDir, "html", k+".html.gz"))
		if err != nil {
			continue
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		html, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, devPage{key: k, with: a.With, without: a.Without})
		texts = append(texts, dump(t, html))
	}
	idx := make([]int, len(pages))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(pages[a].key, pages[b].key) })
	sp, st := make([]devPage, len(idx)), make([]string, len(idx))
	for i, j := range idx {
		sp[i], st[i] = pages[j], texts[j]
	}
	return sp, st
}

// dump is visibletext.Dump: the cached text, or w3m's.
func dump(t *testing.T, html []byte) string {
	h := sha256.Sum256(append([]byte("w3m-dump-cols10000-v1\x00"), html...))
	if b, err := os.ReadFile(filepath.Join(textCache, hex.EncodeToString(h[:16])+".txt")); err == nil {
		return string(b)
	}
	cmd := exec.Command("w3m", "-dump", "-cols", "10000", "-T", "text/html", "-O", "UTF-8", "-o", "display_link_number=0")
	cmd.Stdin = bytes.NewReader(html)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// counts are the set's metric: snippets kept and dropped.
type counts struct{ tp, fn, fp, tn int }

func (c *counts) add(d counts) { c.tp += d.tp; c.fn += d.fn; c.fp += d.fp; c.tn += d.tn }

func (c counts) f() float64 {
	if c.tp == 0 {
		return 0
	}
	p, r := float64(c.tp)/float64(c.tp+c.fp), float64(c.tp)/float64(c.tp+c.fn)
	return 2 * p * r / (p + r)
}

// scoreText parses a page's text with w and scores its body.
func scoreText(p devPage, text string, w weights) counts {
	var body string
	if a, _ := parseWith(p.key+".txt", []byte(text), w); a != nil {
		parts := make([]string, len(a.Paragraphs))
		for i, para := range a.Paragraphs {
			parts[i] = para.Text
		}
		body = strings.Join(strings.Fields(strings.Join(parts, "\n")), " ")
	}
	var c counts
	for _, s := range p.with {
		if strings.Contains(body, strings.Join(strings.Fields(s), " ")) {
			c.tp++
		} else {
			c.fn++
		}
	}
	for _, s := range p.without {
		if strings.Contains(body, strings.Join(strings.Fields(s), " ")) {
			c.fp++
		} else {
			c.tn++
		}
	}
	return c
}

// TestTextPathCrossValidated reports the out-of-fold body F of the weights
// chosen on the other folds (5 folds over pages, fixed seed), the figure
// to quote when weights are compared on the development set (CV=1).
func TestTextPathCrossValidated(t *testing.T) {
	if os.Getenv("CV") == "" {
		t.Skip("set CV=1 to cross-validate the line-shape weights on the development set")
	}
	pages, texts := devTexts(t)
	var grid []weights
	for _, short := range []int{9, 12, 16} {
		for _, follow := range []int{0, 50} {
			for _, run := range []int{0, 3, 5, 8} {
				w := defaultWeights()
				w.short, w.follow, w.run = short, follow, run
				grid = append(grid, w)
			}
		}
	}
	perGrid := make([][]counts, len(grid))
	for g, w := range grid {
		perGrid[g] = make([]counts, len(pages))
		for i, p := range pages {
			perGrid[g][i] = scoreText(p, texts[i], w)
		}
	}
	const k = 5
	fold := rand.New(rand.NewPCG(15, 15)).Perm(len(pages))
	var oof, def counts
	for f := range k {
		best, bestF := 0, -1.0
		for g := range grid {
			var c counts
			for i := range pages {
				if fold[i]%k != f {
					c.add(perGrid[g][i])
				}
			}
			if c.f() > bestF {
				best, bestF = g, c.f()
			}
		}
		for i := range pages {
			if fold[i]%k == f {
				oof.add(perGrid[best][i])
			}
		}
		t.Logf("fold %d: chose %+v (in-fold F %.3f)", f, grid[best], bestF)
	}
	for i, p := range pages {
		def.add(scoreText(p, texts[i], defaultWeights()))
	}
	t.Logf("out-of-fold F %.3f; default weights on all pages F %.3f", oof.f(), def.f())
}
