// Command load drives searchd's JSON API on the loopback with N clients
// cycling through the benchmark queries, for a duration or a request
// count, and reports latency percentiles, throughput and non-200 answers.
//
//	go run ./bench/load -url http://127.0.0.1:8080 -clients 2 -duration 10s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"time"

	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "searchd base URL (loopback only)")
	qfile := flag.String("queries", "bench/queries.txt", "query file")
	clients := flag.Int("clients", 1, "concurrent clients")
	dur := flag.Duration("duration", 10*time.Second, "how long to run (0: until -n requests)")
	n := flag.Int("n", 0, "stop after this many requests (0: until -duration)")
	size := flag.Int("size", 10, "hits per search")
	warm := flag.Bool("warm", true, "one pass over the queries before measuring")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	if *dur <= 0 && *n <= 0 {
		fmt.Fprintln(os.Stderr, "load: set -duration or -n")
		os.Exit(2)
	}
	qs, err := queries.Load(*qfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	do, err := load.HTTP(*base, *size, *clients)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *warm {
		load.Run(ctx, qs, load.Options{Clients: 1, Requests: len(qs)}, do)
	}
	p, rec := load.Run(ctx, qs, load.Options{Clients: *clients, Duration: *dur, Requests: *n}, do)
	kinds := rec.KindP50()
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(map[string]any{"phase": p, "kind_p50_ms": kinds})
	} else {
		fmt.Printf("clients=%d requests=%d non-200/errors=%d elapsed=%.1fs throughput=%.1f req/s\n",
			p.Clients, p.Requests, p.Errors, p.Seconds, p.QPS)
		fmt.Printf("latency ms: p50=%.2f p95=%.2f p99=%.2f max=%.2f\n", p.P50, p.P95, p.P99, p.Max)
		var ks []string
		for k := range kinds {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			fmt.Printf("  p50 %-8s %.2f ms\n", k, kinds[k])
		}
	}
	if p.Errors > 0 {
		os.Exit(1)
	}
}
