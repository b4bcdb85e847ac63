// Package extraction reads the annotated extraction development set
// (../shared/corpus/extraction-dev: real pages, each with snippets an
// extractor must keep and snippets it must drop) and scores extracted
// articles against it with that set's own metric: a kept "with" snippet is
// a true positive, a missing one a false negative; a kept "without"
// snippet is a false positive, a dropped one a true negative; precision,
// recall and F over all pages together.
package extraction

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Page is one annotated page.
type Page struct {
	Key     string   // file name stem: html/<Key>.html.gz
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Date    string   `json:"date"`   // YYYY-MM-DD; "" when not annotated
	Author  []string `json:"author"` // may be empty
	With    []string `json:"with"`
	Without []string `json:"without"`
	dir     string
}

// HTML reads the page as saved (the gzip undone).
func (p Page) HTML() ([]byte, error) {
	f, err := os.Open(filepath.Join(p.dir, "html", p.Key+".html.gz"))
	if err != nil {
		return nil, fmt.Errorf("page %s: %w", p.Key, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("page %s: %w", p.Key, err)
	}
	defer zr.Close()
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("page %s: %w", p.Key, err)
	}
	return data, nil
}

// Load reads the annotations of dir (the extraction-dev folder) and
// returns the pages that have a file, sorted by key.
func Load(dir string) ([]Page, error) {
	data, err := os.ReadFile(filepath.Join(dir, "annotations.json"))
	if err != nil {
		return nil, fmt.Errorf("extraction set: %w", err)
	}
	var m map[string]Page
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("extraction set annotations: %w", err)
	}
	out := make([]Page, 0, len(m))
	for k, p := range m {
		if _, err := os.Stat(filepath.Join(dir, "html", k+".html.gz")); err != nil {
			continue
		}
		p.Key, p.dir = k, dir
		p.URL = strings.TrimSpace(p.URL)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Page) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Counts are the metric's counts, added up over pages.
type Counts struct {
	TP, FN, FP, TN int
}

// Add adds c2 to c.
func (c *Counts) Add(c2 Counts) {
	c.TP += c2.TP
	c.FN += c2.FN
	c.FP += c2.FP
	c.TN += c2.TN
}

// Precision is TP / (TP + FP).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP / (TP + FN).
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F is the harmonic mean of precision and recall.
func (c Counts) F() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Accuracy is (TP + TN) over all snippets.
func (c Counts) Accuracy() float64 { return ratio(c.TP+c.TN, c.TP+c.TN+c.FP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score counts the page's snippets in body, the text an extractor kept
// (its paragraphs joined by newlines). Snippets and body are compared
// with white space collapsed, as the set's own scorer does.
func Score(p Page, body string) Counts {
	b := collapse(body)
	var c Counts
	for _, s := range p.With {
		if strings.Contains(b, collapse(s)) {
			c.TP++
		} else {
			c.FN++
		}
	}
	for _, s := range p.Without {
		if strings.Contains(b, collapse(s)) {
			c.FP++
		} else {
			c.TN++
		}
	}
	return c
}

// collapse makes every run of white space one space and trims the ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// The evaluation protocol (bench/RESULTS.md, "Extraction"): the set is
// split once, by a stable hash of each page's key, into a development part
// (about 80 %) on which extraction rules are looked at and tuned, and a
// held-out part (about 20 %) that is only scored. The split was fixed
// before any page was looked at and must not change: a page's part
// depends on its key alone, never on its content or on scores.
const (
	splitSalt = "newsearch extraction split v1\x00"
	// heldOutOf: a page is held out when its hash is 0 modulo heldOutOf.
	heldOutOf = 5
)

// HeldOut reports whether the page with this key is in the held-out part.
func HeldOut(key string) bool {
	h := sha256.Sum256([]byte(splitSalt + key))
	return binary.BigEndian.Uint64(h[:8])%heldOutOf == 0
}

// Split divides pages into the development part and the held-out part,
// each in the order of pages.
func Split(pages []Page) (dev, held []Page) {
	for _, p := range pages {
		if HeldOut(p.Key) {
			held = append(held, p)
		} else {
			dev = append(dev, p)
		}
	}
	return dev, held
}

// Part returns the pages of one part by name: "dev", "held" (the held-out
// part) or "all".
func Part(pages []Page, name string) ([]Page, error) {
	dev, held := Split(pages)
	switch name {
	case "dev":
		return dev, nil
	case "held":
		return held, nil
	case "all", "":
		return pages, nil
	}
	return nil, fmt.Errorf("extraction set: no part %q (dev, held or all)", name)
}
