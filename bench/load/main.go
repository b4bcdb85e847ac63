// Command load drives searchd's JSON API on the loopback, cycling through
// the benchmark queries, and reports latency percentiles, throughput and
// non-200 answers. Two modes:
//
//	closed loop: N clients, each sending its next query when the last one is answered
//	  go run ./bench/load -url http://127.0.0.1:8080 -clients 2 -duration 10s
//	open loop: a fixed request rate whatever the answers (overload tests)
//	  go run ./bench/load -url http://127.0.0.1:8080 -rate 400 -duration 60s -pid $(pidof searchd)
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"sync"
	"time"

	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "searchd base URL (loopback only)")
	qfile := flag.String("queries", "bench/queries.txt", "query file")
	clients := flag.Int("clients", 1, "concurrent clients (closed loop)")
	rate := flag.Float64("rate", 0, "requests per second, open loop (0: closed loop with -clients)")
	inflight := flag.Int("max-outstanding", 4096, "open loop: requests the driver keeps in flight at most")
	dur := flag.Duration("duration", 10*time.Second, "how long to run (0: until -n requests)")
	n := flag.Int("n", 0, "closed loop: stop after this many requests (0: until -duration)")
	size := flag.Int("size", 10, "hits per search")
	params := flag.String("params", "", "extra query-string parameters of every search, e.g. facets=false")
	pid := flag.Int("pid", 0, "searchd's process id: report its memory (VmRSS, and the peak seen every 100 ms)")
	warm := flag.Bool("warm", true, "one pass over the queries before measuring")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	orForm := flag.Bool("or", false, "send each query's words and phrases joined by explicit OR (issue 16's cost of the OR form)")
	flag.Parse()
	if *dur <= 0 && (*n <= 0 || *rate > 0) {
		fmt.Fprintln(os.Stderr, "load: set -duration (or -n in closed loop)")
		os.Exit(2)
	}
	qs, err := queries.Load(*qfile)
	if err == nil && *orForm {
		for i := range qs {
			qs[i].Text = qs[i].OrText()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	conns := *clients
	if *rate > 0 {
		conns = min(*inflight, 512)
	}
	do, err := load.HTTP(*base, *size, conns, *params)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *warm {
		load.Run(ctx, qs, load.Options{Clients: 1, Requests: len(qs)}, do)
	}
	mem := watchMemory(ctx, *pid)
	var out map[string]any
	bad := false
	if *rate > 0 {
		r := load.Rate(ctx, qs, *rate, *dur, *inflight, do)
		out = map[string]any{"open_loop": r, "sustained": r.Sustained()}
		bad = r.Other > 0 || r.Failed > 0
		if !*asJSON {
			fmt.Printf("rate=%.0f/s sent=%d ok=%d shed(503)=%d other-status=%d %v failed=%d dropped-by-driver=%d elapsed=%.1fs\n",
				r.Rate, r.Sent, r.OK, r.Shed, r.Other, r.Status, r.Failed, r.Dropped, r.Seconds)
			fmt.Printf("throughput=%.1f ok/s; ok latency ms from due time: p50=%.2f p99=%.2f max=%.2f; 503 p50=%.2f ms; sustained=%v\n",
				r.QPS, r.P50, r.P99, r.Max, r.ShedP50, r.Sustained())
		}
	} else {
		p, rec := load.Run(ctx, qs, load.Options{Clients: *clients, Duration: *dur, Requests: *n}, do)
		kinds := rec.KindP50()
		out = map[string]any{"phase": p, "kind_p50_ms": kinds}
		bad = p.Errors > 0
		if !*asJSON {
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
	}
	if *pid > 0 {
		rss, peak := mem()
		out["rss_kb"], out["rss_peak_kb"] = rss, peak
		if !*asJSON {
			fmt.Printf("searchd memory: VmRSS %.0f MB at the end, %.0f MB at most during the run\n", float64(rss)/1024, float64(peak)/1024)
		}
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(out)
	}
	if bad {
		os.Exit(1)
	}
}

// watchMemory samples pid's VmRSS every 100 ms until the returned function
// is called, which gives the last sample and the largest.
func watchMemory(ctx context.Context, pid int) func() (last, peak int64) {
	if pid <= 0 {
		return func() (int64, int64) { return 0, 0 }
	}
	var (
		mu         sync.Mutex
		last, peak int64
	)
	sample := func() {
		if rss, _, err := result.ProcMem(pid); err == nil {
			mu.Lock()
			last, peak = rss, max(peak, rss)
			mu.Unlock()
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() (int64, int64) {
		cancel()
		<-done
		sample()
		mu.Lock()
		defer mu.Unlock()
		return last, peak
	}
}
