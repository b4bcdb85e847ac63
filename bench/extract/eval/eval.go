// Package eval runs extraction paths over the annotated development set
// and scores them: the body with the set's metric
// (bench/internal/extraction), title, date and author as accuracies on the
// pages that have each annotated. The command bench/extract prints its
// table; the floor test holds the HTML path to the bar.
package eval

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/newsroom/newsearch/bench/internal/extraction"
)

// Extracted is what a path makes of a page: its body (paragraphs joined by
// newlines), title, date as YYYY-MM-DD ("" when none) and author (several
// joined by "; ", "" when none).
type Extracted struct {
	Body, Title, Date, Author string
	Paragraphs                int // paragraphs made, for the paragraphs/s of the cost
}

// Func extracts one page.
type Func func(extraction.Page) (Extracted, error)

// Path is one extraction path of the table.
type Path struct {
	Name    string
	Extract Func
}

// Accuracy counts right answers among the pages that have an annotation.
type Accuracy struct{ Right, Of int }

// Ratio is Right / Of, 0 when nothing is annotated.
func (a Accuracy) Ratio() float64 {
	if a.Of == 0 {
		return 0
	}
	return float64(a.Right) / float64(a.Of)
}

// String is "0.912 (785/861)".
func (a Accuracy) String() string { return fmt.Sprintf("%.3f (%d/%d)", a.Ratio(), a.Right, a.Of) }

// Result is a path's score over a set of pages.
type Result struct {
	Body                 extraction.Counts
	Title, Date, Author  Accuracy
	Failed               int // pages the path returned an error for (scored as empty)
	Pages                int
	Paragraphs           int
	Elapsed              time.Duration
	FailedKeys           []string
	WrongTitle, WrongDay []string // keys, for looking into failures
	WrongTitles          []Wrong  // the wrong titles themselves
}

// Wrong is a page's extracted title beside the annotated one.
type Wrong struct{ Key, Got, Want string }

// PagesPerSecond is the pages extracted per second of wall time.
func (r Result) PagesPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Pages) / r.Elapsed.Seconds()
}

// ParagraphsPerSecond is the paragraphs made per second of wall time (0
// for a path that does not count them).
func (r Result) ParagraphsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Paragraphs) / r.Elapsed.Seconds()
}

// Run extracts every page with f, jobs at a time, and scores the results.
// Reading the page files is inside the timing (a seed is read too).
func Run(pages []extraction.Page, f Func, jobs int) Result {
	jobs = max(jobs, 1)
	type out struct {
		e   Extracted
		err error
	}
	outs := make([]out, len(pages))
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range jobs {
		wg.Go(func() {
			for i := range next {
				e, err := f(pages[i])
				outs[i] = out{e, err}
			}
		})
	}
	for i := range pages {
		next <- i
	}
	close(next)
	wg.Wait()
	r := Result{Pages: len(pages), Elapsed: time.Since(start)}
	for i, p := range pages {
		o := outs[i]
		if o.err != nil {
			r.Failed++
			r.FailedKeys = append(r.FailedKeys, p.Key)
			o.e = Extracted{}
		}
		r.Paragraphs += o.e.Paragraphs
		r.Body.Add(extraction.Score(p, o.e.Body))
		if strings.TrimSpace(p.Title) != "" {
			r.Title.Of++
			if SameTitle(o.e.Title, p.Title) {
				r.Title.Right++
			} else {
				r.WrongTitle = append(r.WrongTitle, p.Key)
				r.WrongTitles = append(r.WrongTitles, Wrong{p.Key, o.e.Title, p.Title})
			}
		}
		if p.Date != "" {
			r.Date.Of++
			if o.e.Date == p.Date {
				r.Date.Right++
			} else {
				r.WrongDay = append(r.WrongDay, p.Key)
			}
		}
		if len(p.Author) > 0 {
			r.Author.Of++
			if SameAuthor(o.e.Author, p.Author) {
				r.Author.Right++
			}
		}
	}
	return r
}

// normal is the comparison form of a title or a name: Unicode NFC, white
// space collapsed, and typographic quotes and dashes as their ASCII forms
// (pages and annotations write the same headline with either).
func normal(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '‘', '’', '‚', '‛', '´', '`':
			return '\''
		case '“', '”', '„', '‟', '«', '»':
			return '"'
		case '–', '—', '‐', '‑', '−':
			return '-'
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// SameTitle says whether an extracted title is the annotated one: equal
// after normal (space collapsed, NFC, quotes and dashes folded) and
// ignoring case: annotators copied titles as displayed, and many pages
// display the headline in capitals (CSS text-transform) that the page's
// text does not have.
func SameTitle(got, want string) bool { return strings.EqualFold(normal(got), normal(want)) }

// SameAuthor says whether the extracted author names the annotated
// authors: every annotated name appears in it, ignoring case, and it is
// not empty.
func SameAuthor(got string, want []string) bool {
	g := strings.ToLower(normal(got))
	if g == "" {
		return false
	}
	for _, a := range want {
		if !strings.Contains(g, strings.ToLower(normal(a))) {
			return false
		}
	}
	return true
}
