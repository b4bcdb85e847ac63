package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/search"
)

// rawGet sends a request line exactly as given (no client-side
// normalisation of the path or query) and returns status and body.
func rawGet(t *testing.T, base, target string, headers ...string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	for _, h := range headers {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%.80s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestHostileRequests sends what a hostile or careless client sends: every
// case gets its expected status and error code, never a 5xx, always JSON.
func TestHostileRequests(t *testing.T) {
	f := newAPIFixture(t, nil)
	s, err := New(Config{Service: search.New(f.reader, search.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = s.HTTPServer(Timeouts{})
	hs.Start()
	defer hs.Close()

	nested := strings.Repeat("(", 30) + "a" + strings.Repeat(")", 30)
	manyTerms := strings.TrimSpace(strings.Repeat("ab ", 150))
	tests := []struct {
		name, target string
		status       int
		code         string
	}{
		{"empty", "/api/search?q=", 400, "empty_query"},
		{"white space", "/api/search?q=%20%09%0A", 400, "empty_query"},
		{"10 KB query", "/api/search?q=" + strings.Repeat("a", 10<<10), 400, "query_too_long"},
		{"1,000 terms", "/api/search?q=" + strings.Repeat("a+", 1000), 400, "query_too_long"},
		{"150 terms", "/api/search?q=" + strings.ReplaceAll(manyTerms, " ", "+"), 400, "too_many_clauses"},
		{"deep nesting", "/api/search?q=" + nested, 400, "too_deep"},
		{"unbalanced parens", "/api/search?q=((a)", 400, "unbalanced_paren"},
		{"unbalanced quotes", "/api/search?q=%22a%22%22b", 400, "unbalanced_quote"},
		{"nested quotes", "/api/search?q=%22a+%22b%22+c%22", 200, ""},
		{"star", "/api/search?q=*", 400, "prefix_too_short"},
		{"a star", "/api/search?q=a*", 400, "prefix_too_short"},
		{"star a star", "/api/search?q=*a*", 400, "wildcard_unsupported"},
		{"control characters", "/api/search?q=china%01%02%1b", 200, ""},
		{"NUL byte", "/api/search?q=chi%00na", 200, ""},
		{"invalid UTF-8", "/api/search?q=%ff%fe", 400, "invalid_query"},
		{"bad percent-encoding", "/api/search?q=%zz", 400, "bad_encoding"},
		{"truncated percent-encoding", "/api/search?q=china%2", 400, "bad_encoding"},
		{"SQL injection", "/api/search?q=%27+OR+1%3D1+--", 400, "dangling_operator"},
		{"SQL injection after a word", "/api/search?q=china%27+OR+1%3D1+--", 200, ""},
		{"SQL union", "/api/search?q=china%27%3B+DROP+TABLE+articles%3B+--", 200, ""},
		{"HTML injection", "/api/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 200, ""},
		{"attribute injection", "/api/search?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", 400, "unbalanced_quote"},
		{"JavaScript URL", "/api/search?q=javascript:alert(1)", 400, "unknown_field"},
		{"negative page", "/api/search?q=china&page=-5", 400, "bad_page"},
		{"zero page", "/api/search?q=china&page=0", 400, "bad_page"},
		{"huge page", "/api/search?q=china&page=99999999999999999999999", 400, "bad_page"},
		{"deep page", "/api/search?q=china&page=1001", 400, "page_out_of_range"},
		{"negative size", "/api/search?q=china&size=-1", 400, "bad_size"},
		{"zero size", "/api/search?q=china&size=0", 400, "bad_size"},
		{"huge size", "/api/search?q=china&size=1000000", 400, "bad_size"},
		{"float size", "/api/search?q=china&size=1.5", 400, "bad_size"},
		{"year zero", "/api/search?q=china&to=0000-01-01", 400, "bad_date"},
		{"far future", "/api/search?q=china&from=9999-12-31", 400, "bad_date"},
		{"unknown parameters", "/api/search?q=china&debug=1&explain=true&callback=x", 200, ""},
		{"repeated q", "/api/search?q=china&q=%22", 200, ""},
		{"traversal", "/api/articles/..%2F..%2Fetc%2Fpasswd", 404, "not_found"},
		{"traversal dots", "/api/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404, "not_found"},
		{"traversal double encoded", "/api/articles/%252e%252e%252fetc%252fpasswd", 404, "not_found"},
		{"traversal backslash", "/api/articles/..%5C..%5Cetc%5Cpasswd", 404, "not_found"},
		{"long id", "/api/articles/" + strings.Repeat("a", 5000), 404, "not_found"},
		{"article bad query", "/api/articles/4f88d817ab2df2c2?q=%22", 400, "unbalanced_quote"},
		{"long URL", "/api/search?q=china&pad=" + strings.Repeat("x", 40<<10), 431, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawGet(t, hs.URL, tt.target)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", status, tt.status, body)
			}
			if status == 431 {
				return
			}
			if !json.Valid([]byte(body)) {
				t.Fatalf("not JSON: %.300s", body)
			}
			if tt.code != "" {
				var e errBody
				json.Unmarshal([]byte(body), &e)
				if e.Error.Code != tt.code {
					t.Errorf("code %q, want %q (%s)", e.Error.Code, tt.code, e.Error.Message)
				}
			}
			for _, raw := range []string{"<script", "<img"} {
				if strings.Contains(body, raw) {
					t.Errorf("body echoes %s unescaped: %.300s", raw, body)
				}
			}
		})
	}
	// A traversal that the router cleans is redirected to a path that does not exist.
	if status, _ := rawGet(t, hs.URL, "/api/articles/../../etc/passwd"); status != 301 && status != 404 {
		t.Errorf("raw traversal: %d", status)
	}
	// Huge headers.
	if status, _ := rawGet(t, hs.URL, "/api/search?q=china", "X-Big: "+strings.Repeat("y", 64<<10)); status != 431 {
		t.Errorf("huge header: %d", status)
	}
}

// TestSlowClientCutOff opens a connection that sends its headers slowly:
// the read-header timeout closes it.
func TestSlowClientCutOff(t *testing.T) {
	f := newAPIFixture(t, nil)
	s, _ := New(Config{Service: search.New(f.reader, search.Options{})})
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = s.HTTPServer(Timeouts{ReadHeader: 200 * time.Millisecond})
	hs.Start()
	defer hs.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(hs.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /api/search?q=china HTTP/1.1\r\nHost: x\r\n")
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		// Trickle one header byte at a time; the server must give up on us.
		if _, err := io.WriteString(conn, "X"); err != nil {
			break
		}
		buf := make([]byte, 512)
		conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		n, err := conn.Read(buf)
		if n > 0 || (err != nil && !isTimeout(err)) {
			break
		}
		if time.Since(start) > 3*time.Second {
			t.Fatal("slow client still connected after 3 s")
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("slow client cut off after %v", d)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// panicky is the real index with one query that panics, to prove that a
// panic in a handler is contained.
type panicky struct{ *index.Reader }

func (p panicky) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	if t, ok := req.Query.(*query.Term); ok && t.Text == "kaboom" {
		panic("handler bug")
	}
	return p.Reader.Search(ctx, req)
}

func TestPanicBecomes500AndServerKeepsServing(t *testing.T) {
	f := newAPIFixture(t, nil)
	var logs strings.Builder
	s, _ := New(Config{Service: search.New(panicky{f.reader}, search.Options{}), Logger: newTestLogger(&logs)})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/search?q=kaboom")
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error struct {
			Code      string `json:"code"`
			RequestID string `json:"request_id"`
		} `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 500 || e.Error.RequestID == "" || e.Error.RequestID != resp.Header.Get("X-Request-ID") {
		t.Fatalf("panic: %d %+v", resp.StatusCode, e)
	}
	if !strings.Contains(logs.String(), "handler bug") || !strings.Contains(logs.String(), e.Error.RequestID) {
		t.Errorf("panic not logged with its request id: %s", logs.String())
	}
	if strings.Contains(fmt.Sprint(e), "goroutine") {
		t.Error("stack trace in the response")
	}
	resp, err = http.Get(srv.URL + "/api/search?q=china")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the panic: %v %v", err, resp)
	}
	resp.Body.Close()
}

// TestLoadShedding fills every search slot: the next search waits briefly
// and is refused with 503 and Retry-After instead of queueing.
func TestLoadShedding(t *testing.T) {
	f := newAPIFixture(t, nil)
	block := make(chan struct{})
	s, _ := New(Config{Service: search.New(blocking{f.reader, block}, search.Options{}), MaxInFlight: 2, QueueWait: 20 * time.Millisecond})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	defer close(block)
	for range 2 {
		go http.Get(srv.URL + "/api/search?q=block")
	}
	time.Sleep(100 * time.Millisecond)
	resp, err := http.Get(srv.URL + "/api/search?q=china")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("overload: %d", resp.StatusCode)
	}
	// Health checks are never shed.
	if resp, err := http.Get(srv.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz under overload: %v", err)
	}
}

// blocking holds searches for "block" until the channel closes.
type blocking struct {
	*index.Reader
	release chan struct{}
}

func (b blocking) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	if t, ok := req.Query.(*query.Term); ok && t.Text == "block" {
		<-b.release
	}
	return b.Reader.Search(ctx, req)
}
