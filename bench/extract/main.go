// Command extract scores the extraction paths (HTML page → article) over
// the annotated development set ../shared/corpus/extraction-dev: body
// precision, recall and F with the set's own metric, the accuracy of
// title, date and author on the pages that have each annotated, and pages
// per second.
//
//	go run ./bench/extract [-set ../shared/corpus/extraction-dev] [-j 2] [-path html] [-part dev,held] [-wrong]
//
// Each path is scored on the development part and on the held-out part of
// the set, one row each (extraction.Split: a fixed hash of the page key;
// the protocol is in bench/RESULTS.md); -wrong prints the wrong titles,
// for looking into the development part's. Each path is one entry of the
// table eval.Paths. A path's body is its
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
	parts := flag.String("part", "dev,held", "the parts of the set to score, each on its own row: dev, held (the held-out part), all")
	wrong := flag.Bool("wrong", false, "print the pages whose title is wrong (key, extracted, annotated)")
	flag.Parse()

	pages, err := extraction.Load(*set)
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err, "(the set is ../shared/corpus/extraction-dev)")
		os.Exit(1)
	}
	dev, held := extraction.Split(pages)
	fmt.Printf("%d pages (development part %d, held-out part %d), %d at once, %s\n\n",
		len(pages), len(dev), len(held), *jobs, time.Now().UTC().Format(time.DateOnly))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "path\tpart\tprecision\trecall\tF\ttitle\tdate\tauthor\tfailed\tpages/s\tparagraphs/s\t")
	var wrongs []string
	for _, p := range eval.Paths() {
		if *only != "" && !strings.Contains(p.Name, *only) {
			continue
		}
		for _, part := range strings.Split(*parts, ",") {
			set, err := extraction.Part(pages, part)
			if err != nil {
				fmt.Fprintln(os.Stderr, "extract:", err)
				os.Exit(2)
			}
			r := eval.Run(set, p.Extract, *jobs)
			fmt.Fprintf(w, "%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%d\t%.1f\t%.0f\t\n", p.Name, part,
				r.Body.Precision(), r.Body.Recall(), r.Body.F(),
				r.Title, r.Date, r.Author, r.Failed, r.PagesPerSecond(), r.ParagraphsPerSecond())
			w.Flush()
			for _, t := range r.WrongTitles {
				wrongs = append(wrongs, fmt.Sprintf("%s\t%s\t%s\n\tgot  %q\n\twant %q", p.Name, part, t.Key, t.Got, t.Want))
			}
		}
	}
	if *wrong {
		fmt.Println()
		for _, s := range wrongs {
			fmt.Println(s)
		}
	}
}
