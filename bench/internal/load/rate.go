package load

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
)

// RateResult is an open-loop phase: requests sent on a fixed schedule
// whatever the answers, so that a slow server meets more load, not less
// (no coordinated omission).
type RateResult struct {
	Rate    float64 `json:"rate"`        // requests per second asked for
	Seconds float64 `json:"seconds"`     // from the first send to the last answer
	Sent    int     `json:"sent"`        // requests sent
	OK      int     `json:"ok"`          // 200 answers
	Shed    int     `json:"shed"`        // 503 answers: the server refusing load on purpose
	Status  []int   `json:"status"`      // every other non-200 status seen, sorted
	Other   int     `json:"other"`       // answers with those statuses
	Failed  int     `json:"failed"`      // no answer: transport errors, timeouts
	Dropped int     `json:"dropped"`     // not sent: the driver's own in-flight cap was reached
	QPS     float64 `json:"qps"`         // 200 answers per second
	P50     float64 `json:"p50_ms"`      // of 200 answers, from their scheduled send time
	P99     float64 `json:"p99_ms"`      //
	Max     float64 `json:"max_ms"`      //
	ShedP50 float64 `json:"shed_p50_ms"` // how fast a refusal comes back
}

// Sustained reports whether the server kept up with the rate: every
// request sent and answered 200, at least 97 % of the rate per second,
// and a p99 under a second.
func (r RateResult) Sustained() bool {
	return r.Sent > 0 && r.OK == r.Sent && r.Dropped == 0 && r.QPS >= 0.97*r.Rate && r.P99 < 1000
}

// Rate sends rate requests per second for d, cycling through qs, each
// request in its own goroutine; at most maxInFlight are outstanding (the
// rest are counted as dropped, a limit of the driver, not of the server).
// Latency is measured from the moment a request was due, so a driver that
// falls behind does not hide the wait.
func Rate(ctx context.Context, qs []queries.Query, rate float64, d time.Duration, maxInFlight int, do Search) RateResult {
	res := RateResult{Rate: rate}
	if rate <= 0 || d <= 0 || len(qs) == 0 {
		return res
	}
	var (
		mu       sync.Mutex
		ok, shed []time.Duration
		statuses = map[int]bool{}
		wg       sync.WaitGroup
		slots    = make(chan struct{}, maxInFlight)
	)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	n := int(d.Seconds() * rate)
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case slots <- struct{}{}:
		default:
			res.Dropped++
			continue
		}
		res.Sent++
		q := qs[i%len(qs)]
		wg.Go(func() {
			defer func() { <-slots }()
			err := do(ctx, q)
			lat := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			var se StatusError
			switch {
			case err == nil:
				ok = append(ok, lat)
			case errors.As(err, &se) && se.Code == 503:
				shed = append(shed, lat)
			case errors.As(err, &se):
				res.Other++
				statuses[se.Code] = true
			default:
				res.Failed++
			}
		})
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.OK, res.Shed = len(ok), len(shed)
	for s := range statuses {
		res.Status = append(res.Status, s)
	}
	sort.Ints(res.Status)
	if res.Seconds > 0 {
		res.QPS = float64(res.OK) / res.Seconds
	}
	sort.Slice(ok, func(i, j int) bool { return ok[i] < ok[j] })
	sort.Slice(shed, func(i, j int) bool { return shed[i] < shed[j] })
	res.P50, res.P99 = result.Percentile(ok, 50), result.Percentile(ok, 99)
	if len(ok) > 0 {
		res.Max = result.Percentile(ok, 100)
	}
	res.ShedP50 = result.Percentile(shed, 50)
	return res
}
