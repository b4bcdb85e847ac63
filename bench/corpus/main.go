// Command corpus builds a benchmark corpus of seed files from the shared
// news corpora (BBC News and Reuters-21578): real articles first, then
// articles recombined from real paragraphs until the target paragraph
// count is reached. The output is deterministic.
//
//	go run ./bench/corpus -paragraphs 100000            # → bench/out/corpus-100000/
//	go run ./bench/corpus -paragraphs 1000000 -out DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/newsroom/newsearch/bench/internal/corpus"
)

func main() {
	root := flag.String("corpora", "../shared/corpus", "folder of the shared corpora (bbc/, reuters21578/), relative to the repository root")
	target := flag.Int("paragraphs", 10000, "paragraphs to reach, as the article parser counts them")
	out := flag.String("out", "", "output folder (default bench/out/corpus-<paragraphs>)")
	force := flag.Bool("force", false, "rebuild even if the folder holds this corpus already")
	flag.Parse()
	if *out == "" {
		*out = filepath.Join("bench", "out", fmt.Sprintf("corpus-%d", *target))
	}
	start := time.Now()
	m, err := corpus.Build(corpus.Options{Root: *root, Out: *out, Target: *target, Force: *force})
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d paragraphs in %d articles (%d real: %d BBC, %d Reuters; %d synthetic), %.1f MB, %s\n",
		*out, m.Paragraphs, m.Articles, m.Real, m.BBC, m.Reuters, m.Synthetic, float64(m.Bytes)/1e6,
		time.Since(start).Round(time.Millisecond))
}
