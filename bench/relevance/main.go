// Command relevance measures the ranking quality of the search service on
// the TIME test collection or the Reuters-21578 training stories: it
// indexes the collection with the project's own code, runs its queries
// through the API's code path (query.Parse, index.Reader.Search with
// group=article, size 100; as they are, with match=any, or joined by
// explicit ORs) under each ranking configuration and prints MAP, nDCG@10
// and P@10 as a Markdown table. Every configuration runs unless -config
// selects some.
//
//	go run ./bench/relevance                        # every configuration
//	go run ./bench/relevance -config api-any        # one (a prefix selects several)
//	go run ./bench/relevance -config rm3- -cv       # and cross-validate picking the best
//	go run ./bench/relevance -config 'bm25-mix0.5$,rm3-' -cv  # "$": that name only
//	go run ./bench/relevance -corpus ../shared/corpus/time -titles first-line
//	go run ./bench/relevance -collection reuters -config 'api-,cv-' -kfold
//	go run ./bench/relevance -collection reuters -export /tmp/r  # for fts5.py
//
// -kfold chooses among the cv- configurations run by 5-fold
// cross-validation over the queries and prints the out-of-fold figures;
// -collection reuters runs the ModApte training stories of Reuters-21578
// with the queries of internal/relevance/testdata/reuters-queries.txt.
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
	kfold := flag.Bool("kfold", false, "also choose among the cv- configurations run by 5-fold cross-validation and print the out-of-fold figures")
	collection := flag.String("collection", "time", `"time" or "reuters" (ModApte training stories)`)
	export := flag.String("export", "", "write the collection's documents, queries and judgments as TSV files into this folder (for bench/relevance/fts5.py) and exit")
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
	if *collection == "reuters" && *corpus == "../shared/corpus/time" {
		*corpus = "../shared/corpus/reuters21578"
	}
	if *export != "" {
		if err := exportTSV(*collection, *corpus, *export); err != nil {
			fmt.Fprintln(os.Stderr, "relevance:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*collection, *corpus, *only, style, *perQuery, *cv, *kfold); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func load(collection, corpus string) (*relevance.Collection, error) {
	switch collection {
	case "time":
		return relevance.LoadTIME(corpus)
	case "reuters":
		return relevance.LoadReutersTrain(corpus, "internal/relevance/"+relevance.ReutersQueries)
	}
	return nil, fmt.Errorf("unknown collection %q", collection)
}

// exportTSV writes docs.tsv (ordinal, title, text), queries.tsv (id,
// text) and qrels.tsv (id, ordinal) into dir.
func exportTSV(collection, corpus, dir string) error {
	c, err := load(collection, corpus)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	var docs, qs, rels strings.Builder
	for _, d := range c.Docs {
		fmt.Fprintf(&docs, "%d\t%s\t%s\n", d.Ordinal, clean(d.Title), clean(strings.Join(d.Lines, " ")))
	}
	for _, q := range c.Queries {
		fmt.Fprintf(&qs, "%d\t%s\n", q.ID, clean(q.Text))
		for o := range c.Qrels[q.ID] {
			fmt.Fprintf(&rels, "%d\t%d\n", q.ID, o)
		}
	}
	for name, b := range map[string]string{"docs.tsv": docs.String(), "queries.tsv": qs.String(), "qrels.tsv": rels.String()} {
		if err := os.WriteFile(dir+"/"+name, []byte(b), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(collection, corpus, only string, titles relevance.TitleStyle, perQuery, cv, kfold bool) error {
	ctx := context.Background()
	c, err := load(collection, corpus)
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
	if kfold {
		var grid []relevance.Scores
		for _, r := range rows {
			if strings.HasPrefix(r.Config, "cv-") {
				grid = append(grid, r)
			}
		}
		if len(grid) > 0 {
			s, picks := relevance.KFold(grid, relevance.Folds)
			fmt.Printf("\n%s over %d configurations: MAP %.3f, nDCG@10 %.3f, P@10 %.3f (out of fold; picks by fold: %s)\n",
				s.Config, len(grid), s.MAP, s.NDCG10, s.P10, strings.Join(picks, ", "))
		}
	}
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
