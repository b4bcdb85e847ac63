// Package load drives searches against a system: N clients cycling
// through the query set for a fixed time (or a fixed count), recording
// each request's latency. The same driver measures searchd over HTTP and
// the in-process peers, so their numbers compare.
package load

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
)

// Search runs one query; an error counts as a failed request.
type Search func(ctx context.Context, q queries.Query) error

// Options bounds a phase: it ends after Duration or after Requests
// requests, whichever comes first (0: no bound of that kind; at least one
// must be set).
type Options struct {
	Clients  int
	Duration time.Duration
	Requests int
}

// Run runs one phase: opts.Clients goroutines, client i starting at query
// i·len(qs)/clients and cycling through the set in order.
func Run(ctx context.Context, qs []queries.Query, opts Options, do Search) (result.Phase, *result.Recorder) {
	clients := max(opts.Clients, 1)
	if opts.Duration <= 0 && opts.Requests <= 0 {
		opts.Requests = len(qs)
	}
	if opts.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Duration)
		defer cancel()
	}
	var (
		mu    sync.Mutex
		all   = result.NewRecorder()
		sent  int
		wg    sync.WaitGroup
		start = time.Now()
	)
	take := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if opts.Requests > 0 && sent >= opts.Requests {
			return false
		}
		sent++
		return true
	}
	for c := range clients {
		wg.Go(func() {
			rec := result.NewRecorder()
			i := c * len(qs) / clients
			for ctx.Err() == nil && take() {
				q := qs[i%len(qs)]
				i++
				t0 := time.Now()
				err := do(ctx, q)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					break // cut off by the end of the phase: not a failure
				}
				rec.Add(q.Kind, d, err == nil)
			}
			mu.Lock()
			all.Merge(rec)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all.Phase(clients, time.Since(start)), all
}

// Suite is the standard measurement: one warm-up pass over the queries,
// then a single client (its latencies and per-kind medians), then each of
// the concurrent client counts, each phase for d.
func Suite(ctx context.Context, qs []queries.Query, d time.Duration, concurrency []int, do Search) ([]result.Phase, map[string]float64) {
	Run(ctx, qs, Options{Clients: 1, Requests: len(qs)}, do)
	single, rec := Run(ctx, qs, Options{Clients: 1, Duration: d}, do)
	phases := []result.Phase{single}
	for _, n := range concurrency {
		if n == 1 {
			continue
		}
		p, _ := Run(ctx, qs, Options{Clients: n, Duration: d}, do)
		phases = append(phases, p)
	}
	return phases, rec.KindP50()
}

// StatusError is a non-200 answer.
type StatusError struct{ Code int }

func (e StatusError) Error() string { return fmt.Sprintf("HTTP %d", e.Code) }

// HTTP returns a Search that asks searchd's JSON API at base (an
// http://127.0.0.1:PORT address) for the first page of size hits, with
// params (e.g. "facets=false", "" for none) added to each request. It
// refuses any host but the loopback.
func HTTP(base string, size, clients int, params string) (Search, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing to load %s: only loopback addresses are benchmarked", base)
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        clients * 2,
			MaxIdleConnsPerHost: clients * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
	if params != "" {
		params = "&" + params
	}
	return func(ctx context.Context, q queries.Query) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("%s/api/search?q=%s&size=%d%s", base, url.QueryEscape(q.Text), size, params), nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return StatusError{resp.StatusCode}
		}
		return nil
	}, nil
}

// Counts parses a comma-separated list of positive whole numbers, such as
// the client counts of the load phases ("1,2,8") or corpus sizes.
func Counts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q: want positive whole numbers separated by commas", f)
		}
		out = append(out, n)
	}
	return out, nil
}
