package partition

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		spec string
		want []string // each group's String
		err  bool
	}{
		{spec: "http://a:1", want: []string{"http://a:1"}},
		{spec: "http://a1:1,http://a2:1/ http://b:2", want: []string{"http://a1:1,http://a2:1", "http://b:2"}},
		{spec: "  http://a:1 ,, ", want: []string{"http://a:1"}},
		{spec: "https://a", want: []string{"https://a"}},
		{spec: "", err: true},
		{spec: "a:1", err: true},
		{spec: "ftp://a", err: true},
		{spec: "http://", err: true},
		{spec: "http://a:1,b", err: true},
	} {
		groups, err := Parse(c.spec, Options{})
		if (err != nil) != c.err {
			t.Errorf("Parse(%q): error %v, want error %v", c.spec, err, c.err)
			continue
		}
		var got []string
		for _, g := range groups {
			got = append(got, g.String())
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q) = %q, want %q", c.spec, got, c.want)
		}
	}
}

func TestParseBuckets(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		err  bool
	}{
		{in: "", want: nil},
		{in: "0", want: []int{0}},
		{in: "0,2-3", want: []int{0, 2, 3}},
		{in: " 1 , 4-4 ", want: []int{1, 4}},
		{in: "3-1", err: true},
		{in: "-1", err: true},
		{in: "a", err: true},
		{in: "1-", err: true},
		{in: "0-100000000", err: true}, // a mistyped range, not 10⁸ numbers
	} {
		got, err := ParseBuckets(c.in)
		if (err != nil) != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseBuckets(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// replica is a leaf replica answering with status and body, after delay.
func replica(t *testing.T, status int, body string, delay time.Duration, hits *atomic.Int32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/internal/shards/search" || r.Header.Get("Content-Type") != index.ShardMediaType {
			http.Error(w, "unexpected request "+r.Method+" "+r.URL.Path, http.StatusTeapot)
			return
		}
		if b, _ := io.ReadAll(r.Body); string(b) != "question" {
			http.Error(w, "unexpected body", http.StatusTeapot)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCall: a group's replicas are tried in turn until one answers; a
// refusal (400) is final; when none answers the error is
// index.ErrShardUnavailable; the caller's deadline ends the call.
func TestCall(t *testing.T) {
	ctx := context.Background()
	var okHits, failHits, slowHits, refuseHits atomic.Int32
	ok := replica(t, 200, "answer", 0, &okHits)
	failing := replica(t, 500, "broken", 0, &failHits)
	slow := replica(t, 200, "late", 2*time.Second, &slowHits)
	refusing := replica(t, 400, `{"error":"bad"}`, 0, &refuseHits)
	closed := httptest.NewServer(http.NotFoundHandler())
	dead := closed.URL
	closed.Close()
	opts := Options{Timeout: 300 * time.Millisecond}

	groups, err := Parse(strings.Join([]string{dead, failing, slow, ok}, ","), opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 { // whichever replica a call starts with, the good one answers
		out, err := groups[0].Call(ctx, "search", []byte("question"))
		if err != nil || string(out) != "answer" {
			t.Fatalf("call %d: %q, %v", i, out, err)
		}
	}
	if okHits.Load() != 4 || failHits.Load() == 0 || slowHits.Load() == 0 {
		t.Errorf("replicas asked: ok %d, failing %d, slow %d", okHits.Load(), failHits.Load(), slowHits.Load())
	}

	groups, _ = Parse(dead+","+failing+","+slow, opts)
	if _, err := groups[0].Call(ctx, "search", []byte("question")); !errors.Is(err, index.ErrShardUnavailable) {
		t.Errorf("no replica answering: %v, want ErrShardUnavailable", err)
	}

	groups, _ = Parse(refusing+","+ok, opts)
	before := okHits.Load()
	for range 2 { // starting with either replica
		out, err := groups[0].Call(ctx, "search", []byte("question"))
		if err == nil && string(out) == "answer" {
			continue // the good replica came first
		}
		if err == nil || errors.Is(err, index.ErrShardUnavailable) || !strings.Contains(err.Error(), "refused") {
			t.Errorf("a refused request: %q, %v", out, err)
		}
	}
	if okHits.Load()-before != 1 {
		t.Errorf("after a refusal the request went to another replica (%d calls answered)", okHits.Load()-before)
	}

	groups, _ = Parse(slow, Options{Timeout: 5 * time.Second})
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := groups[0].Call(cctx, "search", []byte("question")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("past the caller's deadline: %v", err)
	}
}

// BenchmarkCall is one round trip to a leaf on loopback with a 4 KB
// answer: the fixed cost each round of a root's search pays per leaf.
func BenchmarkCall(b *testing.B) {
	body := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	groups, err := Parse(srv.URL, Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := groups[0].Call(ctx, "search", []byte("question")); err != nil {
			b.Fatal(err)
		}
	}
}
