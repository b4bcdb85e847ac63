// Command extract scores the extraction paths (HTML page → article) over
// the annotated development set ../shared/corpus/extraction-dev: body
// precision, recall and F with the set's own metric, the accuracy of
// title, date and author on the pages that have each annotated, and pages
// per second.
//
//	go run ./bench/extract [-set ../shared/corpus/extraction-dev] [-j 2] [-path html]
//
// Each path is one entry of the table eval.Paths. A path's body is its
// paragraphs joined by newlines (section headings included, as the article
// page shows them), scored with the set's metric. A title is right when it
// equals the annotated one after eval.SameTitle's normalisation (white
// space collapsed, NFC, typographic quotes and dashes folded, invisible
// characters dropped, case ignored); a date when the YYYY-MM-DD of the
// published time, in its own offset, is the annotated day; an author when
// every annotated name occurs in the extracted byline, ignoring case.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newsroom/newsearch/bench/extract/eval"
	"github.com/newsroom/newsearch/bench/internal/extraction"
)

func main() {
	set := flag.String("set", "../shared/corpus/extraction-dev", "the extraction development set")
	jobs := flag.Int("j", runtime.GOMAXPROCS(0), "pages extracted at once")
	only := flag.String("path", "", "run only the paths whose name contains this")
	flag.Parse()

	pages, err := extraction.Load(*set)
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err, "(the set is ../shared/corpus/extraction-dev)")
		os.Exit(1)
	}
	fmt.Printf("%d pages, %d at once, %s\n\n", len(pages), *jobs, time.Now().UTC().Format(time.DateOnly))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "path\tprecision\trecall\tF\ttitle\tdate\tauthor\tfailed\tpages/s\tparagraphs/s\t")
	for _, p := range eval.Paths() {
		if *only != "" && !strings.Contains(p.Name, *only) {
			continue
		}
		r := eval.Run(pages, p.Extract, *jobs)
		fmt.Fprintf(w, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%d\t%.1f\t%.0f\t\n", p.Name,
			r.Body.Precision(), r.Body.Recall(), r.Body.F(),
			r.Title, r.Date, r.Author, r.Failed, r.PagesPerSecond(), r.ParagraphsPerSecond())
		w.Flush()
	}
}
