package textpath

import (
	"fmt"
	"strings"
	"sync"

	"github.com/newsroom/newsearch/bench/internal/extraction"
)

// Report is the text path's score over a set of pages.
type Report struct {
	Pages                 int
	Body                  extraction.Counts
	Titles, TitlesRight   int // pages with an annotated title, and those the path got right
	Dates, DatesRight     int
	Authors, AuthorsRight int
	Errors                int // pages whose text could not be made
}

// String is the report on one line: body P/R/F, then the accuracy of
// title, date and author over the pages that have them annotated.
func (r Report) String() string {
	return fmt.Sprintf("pages %d: body P %.3f R %.3f F %.3f; title %d/%d (%.3f), date %d/%d (%.3f), author %d/%d (%.3f); errors %d",
		r.Pages, r.Body.Precision(), r.Body.Recall(), r.Body.F(),
		r.TitlesRight, r.Titles, frac(r.TitlesRight, r.Titles),
		r.DatesRight, r.Dates, frac(r.DatesRight, r.Dates),
		r.AuthorsRight, r.Authors, frac(r.AuthorsRight, r.Authors), r.Errors)
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Evaluate runs the text path over pages with workers goroutines.
func Evaluate(pages []extraction.Page, workers int) Report {
	var mu sync.Mutex
	var r Report
	ch := make(chan extraction.Page)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range ch {
				body, title, date, author, err := TextPath(p)
				mu.Lock()
				r.add(p, body, title, date, author, err)
				mu.Unlock()
			}
		}()
	}
	for _, p := range pages {
		ch <- p
	}
	close(ch)
	wg.Wait()
	return r
}

func (r *Report) add(p extraction.Page, body, title, date, author string, err error) {
	r.Pages++
	if err != nil {
		r.Errors++
	}
	r.Body.Add(extraction.Score(p, body))
	if p.Title != "" {
		r.Titles++
		if TitleRight(p.Title, title) {
			r.TitlesRight++
		}
	}
	if p.Date != "" {
		r.Dates++
		if date == p.Date {
			r.DatesRight++
		}
	}
	if len(p.Author) > 0 {
		r.Authors++
		if AuthorRight(p.Author, author) {
			r.AuthorsRight++
		}
	}
}

// TitleRight reports whether got is the annotated title, compared with
// white space collapsed and case folded.
func TitleRight(want, got string) bool {
	return got != "" && norm(got) == norm(want)
}

// AuthorRight reports whether got names one of the annotated authors
// (one contains the other, white space collapsed and case folded).
func AuthorRight(want []string, got string) bool {
	g := norm(got)
	if g == "" {
		return false
	}
	for _, w := range want {
		w = norm(w)
		if w != "" && (strings.Contains(g, w) || strings.Contains(w, g)) {
			return true
		}
	}
	return false
}

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
