package load

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsroom/newsearch/bench/internal/queries"
)

func TestRateCountsEveryOutcome(t *testing.T) {
	qs := []queries.Query{{Text: "a", Kind: "keyword"}, {Text: "b", Kind: "rare"}}
	var n atomic.Int64
	do := func(ctx context.Context, q queries.Query) error {
		switch n.Add(1) % 4 {
		case 1:
			return StatusError{503}
		case 2:
			return StatusError{500}
		case 3:
			return errors.New("connection refused")
		}
		time.Sleep(2 * time.Millisecond)
		return nil
	}
	r := Rate(context.Background(), qs, 400, 500*time.Millisecond, 1000, do)
	if r.Sent != 200 || r.Dropped != 0 {
		t.Fatalf("sent %d dropped %d, want 200 and 0", r.Sent, r.Dropped)
	}
	if r.OK != 50 || r.Shed != 50 || r.Other != 50 || r.Failed != 50 {
		t.Errorf("ok %d shed %d other %d failed %d, want 50 each", r.OK, r.Shed, r.Other, r.Failed)
	}
	if len(r.Status) != 1 || r.Status[0] != 500 {
		t.Errorf("other statuses %v, want [500]", r.Status)
	}
	if r.Sustained() {
		t.Error("a run with failures counts as sustained")
	}
	if r.P50 < 2 || r.Seconds < 0.49 {
		t.Errorf("p50 %.2f ms over %.2f s: the 2 ms answers or the schedule were not measured", r.P50, r.Seconds)
	}
}

func TestRateDropsPastTheDriverCap(t *testing.T) {
	qs := []queries.Query{{Text: "a"}}
	release := make(chan struct{})
	do := func(ctx context.Context, q queries.Query) error { <-release; return nil }
	done := make(chan RateResult)
	go func() { done <- Rate(context.Background(), qs, 1000, 100*time.Millisecond, 10, do) }()
	time.Sleep(200 * time.Millisecond)
	close(release)
	r := <-done
	if r.Sent != 10 || r.Dropped != 90 || r.OK != 10 {
		t.Errorf("sent %d dropped %d ok %d, want 10, 90, 10", r.Sent, r.Dropped, r.OK)
	}
	if r.Sustained() {
		t.Error("a run that dropped requests counts as sustained")
	}
	clean := Rate(context.Background(), qs, 200, 200*time.Millisecond, 100, func(ctx context.Context, q queries.Query) error { return nil })
	if !clean.Sustained() {
		t.Errorf("a run answered in full does not count as sustained: %+v", clean)
	}
}

func TestCounts(t *testing.T) {
	if got, err := Counts(" 1, 2,8"); err != nil || len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 8 {
		t.Errorf("Counts(\" 1, 2,8\") = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,,2", "-1", "two"} {
		if got, err := Counts(bad); err == nil {
			t.Errorf("Counts(%q) = %v, want an error", bad, got)
		}
	}
}
