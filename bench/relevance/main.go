// Command relevance measures the ranking quality of the search service on
// the TIME test collection: it indexes the collection with the project's
// own code, runs its 83 queries through the API's code path (query.Parse,
// index.Reader.Search with group=article, size 100) under each ranking
// configuration and prints MAP, nDCG@10 and P@10 as a Markdown table.
//
//	go run ./bench/relevance                        # every configuration
//	go run ./bench/relevance -config api-any        # one (a prefix selects several)
//	go run ./bench/relevance -config rm3- -cv       # and cross-validate picking the best
//	go run ./bench/relevance -config 'bm25-mix0.5$,rm3-' -cv  # "$": that name only
//	go run ./bench/relevance -corpus ../shared/corpus/time -titles first-line
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/newsroom/newsearch/internal/relevance"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus/time", "folder of TIME.ALL, TIME.QUE and TIME.REL.ALL")
	only := flag.String("config", "", `run only the configurations whose name starts with this (or with one of these, comma-separated; "name$": that one)`)
	perQuery := flag.Bool("queries", false, "also print each query's AP, nDCG@10 and P@10")
	titles := flag.String("titles", "number", `seed title lines: "number" ("TIME 017 (01/04/63)") or "first-line" (the document's first line)`)
	cv := flag.Bool("cv", false, "also cross-validate picking the best of the configurations run (2 folds: odd and even query ids)")
	flag.Parse()
	style := relevance.TitleNumber
	switch *titles {
	case "number":
	case "first-line":
		style = relevance.TitleFirstLine
	default:
		fmt.Fprintln(os.Stderr, "relevance: -titles is number or first-line")
		os.Exit(2)
	}
	if err := run(*corpus, *only, style, *perQuery, *cv); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func run(corpus, only string, titles relevance.TitleStyle, perQuery, cv bool) error {
	ctx := context.Background()
	c, err := relevance.LoadTIME(corpus)
	if err != nil {
		return err
	}
	c.Titles = titles
	dir, err := os.MkdirTemp("", "relevance-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := relevance.Setup(ctx, c, dir)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Printf("%d documents, %d paragraphs, %d queries, %d judgments dropped (past the last document); indexed in %s\n\n",
		b.Articles, b.Paragraph, len(c.Queries), c.Dropped, b.Build.Round(1e6))
	var rows []relevance.Scores
	for _, cfg := range relevance.Configs() {
		if !selected(cfg.Name, only) {
			continue
		}
		s, err := b.Run(ctx, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", cfg.Name, err)
		}
		rows = append(rows, s)
		if perQuery {
			fmt.Printf("%s\n", cfg.Name)
			for _, q := range s.PerQuery {
				fmt.Printf("  q%-3d rel=%-2d AP=%.3f nDCG@10=%.3f P@10=%.2f first=%d\n", q.ID, q.Relevant, q.AP, q.NDCG10, q.P10, q.FirstRelevantRank)
			}
		}
	}
	fmt.Print(relevance.Table(rows))
	if cv && len(rows) > 1 {
		s, picks := relevance.CrossValidate(rows)
		fmt.Printf("\n%s: MAP %.3f, nDCG@10 %.3f, P@10 %.3f (odd queries scored with %s, even with %s)\n",
			s.Config, s.MAP, s.NDCG10, s.P10, picks[1], picks[0])
	}
	return nil
}

// selected reports whether name starts with one of the comma-separated
// prefixes of only (everything when only is empty), or is one of them
// that ends with "$".
func selected(name, only string) bool {
	for _, p := range strings.Split(only, ",") {
		if exact, ok := strings.CutSuffix(p, "$"); ok && name == exact || !ok && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
