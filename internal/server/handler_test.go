package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
	"github.com/newsroom/newsearch/internal/snippet"
)

// fakeService is a Service for handler tests where a real index is not
// the point: it answers with res (or article), or fails with err, and
// records the requests it was given.
type fakeService struct {
	res      *search.Result
	article  *search.Article
	err      error
	notReady bool

	mu   sync.Mutex
	reqs []search.Request
}

func (f *fakeService) Search(_ context.Context, req search.Request) (*search.Result, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if f.err != nil {
		return nil, fmt.Errorf("fake: %w", f.err)
	}
	if f.res != nil {
		return f.res, nil
	}
	return &search.Result{Hits: []search.Hit{}, Partial: []search.Hit{}, TotalExact: true}, nil
}

func (f *fakeService) Article(_ context.Context, id string, q search.Query) (*search.Article, error) {
	if f.err != nil {
		return nil, fmt.Errorf("fake: %w", f.err)
	}
	if f.article == nil || f.article.ID != id {
		return nil, index.ErrNotFound
	}
	return f.article, nil
}

func (f *fakeService) Status() index.Status {
	if f.notReady {
		return index.Status{}
	}
	return index.Status{Ready: true, Generation: 3, Documents: 10, Articles: 2, Shards: 1, LoadedAt: time.Unix(1e9, 0)}
}

func (f *fakeService) requests() []search.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]search.Request(nil), f.reqs...)
}

// fakeHit is a search hit as the service would return it.
func fakeHit(id string, n int) search.Hit {
	text := "The storm closed the harbour."
	return search.Hit{Hit: index.Hit{ID: fmt.Sprintf("%s-%d", id, n), ArticleID: id, Seed: "a.txt", Paragraph: n, Title: "Storm",
		Author: "Ann Lee", Source: "Coast Times", Score: 1.5, Text: text, Matches: []snippet.Span{{Start: 4, End: 9}},
		TitleMatch: []snippet.Span{{Start: 0, End: 5}}, SectionMatch: nil},
		SnippetHTML: "The <mark>storm</mark> closed the harbour.", TitleHTML: "<mark>Storm</mark>"}
}

func newFakeServer(t *testing.T, svc Service, logs *strings.Builder) http.Handler {
	t.Helper()
	cfg := Config{Service: svc}
	if logs != nil {
		cfg.Logger = newTestLogger(logs)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s.Handler()
}

// TestHandlerErrorMapping: each failure of the service becomes its status,
// code and Retry-After, on the API and on the page, in one place.
func TestHandlerErrorMapping(t *testing.T) {
	c := loadContract(t)
	tests := []struct {
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{index.ErrNotReady, 503, "not_ready", "2"},
		{index.ErrTimeout, 503, "timeout", "1"},
		{context.DeadlineExceeded, 503, "timeout", "1"},
		{index.ErrTooBroad, 400, "query_too_broad", ""},
		{index.ErrNoTerms, 400, "no_terms", ""},
		{&search.RequestError{Code: "empty_query", Message: "the query is empty"}, 400, "empty_query", ""},
		{errors.New("disk on fire"), 500, "internal", ""},
	}
	for _, tt := range tests {
		var logs strings.Builder
		h := newFakeServer(t, &fakeService{err: tt.err}, &logs)
		rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/search?q=storm", nil))
		var e errBody
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if rec.Code != tt.status || e.Error.Code != tt.code || rec.Header().Get("Retry-After") != tt.retryAfter {
			t.Errorf("%v: %d %s Retry-After %q, want %d %s %q", tt.err, rec.Code, e.Error.Code, rec.Header().Get("Retry-After"),
				tt.status, tt.code, tt.retryAfter)
		}
		// An internal error is logged, on the request's one line.
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 1 {
			t.Errorf("%v: %d log lines, want 1: %s", tt.err, len(lines), logs.String())
		}
		if tt.status == 500 && (!strings.Contains(lines[0], "disk on fire") || !strings.Contains(lines[0], `"level":"ERROR"`)) {
			t.Errorf("internal error not on the request's line: %s", lines[0])
		}
		if tt.status != 500 && strings.Contains(logs.String(), `"err"`) {
			t.Errorf("%v: logged as an internal error: %s", tt.err, logs.String())
		}
		// The page maps the same way: a 400 next to the box, others as the error page.
		page := httptest.NewRecorder()
		h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, "/?q=storm", nil))
		if page.Code != tt.status || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
			t.Errorf("page %v: %d %q", tt.err, page.Code, page.Header().Get("Content-Type"))
		}
	}
}

// TestHandlerBadRequestsNeverReachTheService: a malformed query or
// parameter is a 400 (with the column for a query) before any search.
func TestHandlerBadRequestsNeverReachTheService(t *testing.T) {
	c := loadContract(t)
	svc := &fakeService{}
	h := newFakeServer(t, svc, nil)
	for _, tt := range []struct {
		params string
		code   string
		column int
	}{
		{"q=" + url.QueryEscape(`storm "harbour`), "unbalanced_quote", 7},
		{"q=" + url.QueryEscape(`storm)`), "unbalanced_paren", 6},
		{"q=%ff", "invalid_query", 0},
		{"q=" + strings.Repeat("x", MaxQueryBytes+1), "query_too_long", 0},
		{"q=", "empty_query", 0},
		{"q=storm&relax=perhaps", "bad_relax", 0},
		{"q=storm&size=1000", "bad_size", 0},
		{"q=storm&page=101&size=100", "page_out_of_range", 0},
	} {
		rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/search?"+tt.params, nil))
		var e errBody
		json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != 400 || e.Error.Code != tt.code || e.Error.Column != tt.column {
			t.Errorf("%.40s: %d %+v, want 400 %s column %d", tt.params, rec.Code, e.Error, tt.code, tt.column)
		}
	}
	if n := len(svc.requests()); n != 0 {
		t.Errorf("%d bad requests reached the service", n)
	}
}

// TestHandlerPassesThePolicyOn: the API asks the service to relax unless
// relax=false, and reports what the service did: relaxed, partial,
// suggestion; the page shows the same.
func TestHandlerPassesThePolicyOn(t *testing.T) {
	c := loadContract(t)
	svc := &fakeService{res: &search.Result{Total: 1, TotalExact: true, Hits: []search.Hit{fakeHit("aaaaaaaaaaaaaaaa", 1)},
		Relaxed: true, Partial: []search.Hit{fakeHit("bbbbbbbbbbbbbbbb", 2)}, Suggestion: "storm harbor"}}
	h := newFakeServer(t, svc, nil)
	for _, tt := range []struct {
		params string
		relax  bool
	}{{"q=storm+harbr", true}, {"q=storm+harbr&relax=true", true}, {"q=storm+harbr&relax=false", false}, {"q=storm+harbr&relax=0", false}} {
		rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/search?"+tt.params, nil))
		var b struct {
			Relaxed    bool     `json:"relaxed"`
			Suggestion string   `json:"suggestion"`
			Partial    []apiHit `json:"partial"`
			Hits       []apiHit `json:"hits"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		reqs := svc.requests()
		if got := reqs[len(reqs)-1]; got.Relax != tt.relax || got.Query.Text != "storm harbr" {
			t.Errorf("%s: request %+v", tt.params, got)
		}
		if !b.Relaxed || b.Suggestion != "storm harbor" || len(b.Partial) != 1 || b.Partial[0].ID != "bbbbbbbbbbbbbbbb-2" ||
			b.Partial[0].SnippetHTML != "The <mark>storm</mark> closed the harbour." || len(b.Hits) != 1 {
			t.Errorf("%s: %s", tt.params, rec.Body)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q=storm+harbr", nil))
	body := rec.Body.String()
	for _, want := range []string{"No article has all of the words", `Did you mean <a href="/?q=storm&#43;harbor">storm harbor</a>?`,
		`<h2 class="partial">`, "/?q=storm&#43;harbr&amp;match=any"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if reqs := svc.requests(); !reqs[len(reqs)-1].Relax || !reqs[len(reqs)-1].Group {
		t.Errorf("page request %+v", reqs[len(reqs)-1])
	}
}

// TestHandlerLogsNotes: what the result does without (a failed
// suggestion) is on the request's one log line, as a warning; the answer
// is 200.
func TestHandlerLogsNotes(t *testing.T) {
	var logs strings.Builder
	svc := &fakeService{res: &search.Result{Hits: []search.Hit{}, Partial: []search.Hit{},
		Notes: []error{errors.New("suggestion left out: dictionary unavailable")}}}
	h := newFakeServer(t, svc, &logs)
	for _, target := range []string{"/api/search?q=storm", "/?q=storm"} {
		logs.Reset()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if rec.Code != 200 || len(lines) != 1 || !strings.Contains(lines[0], "dictionary unavailable") || !strings.Contains(lines[0], `"level":"WARN"`) {
			t.Errorf("%s: %d, log %s", target, rec.Code, logs.String())
		}
	}
}

// TestHandlerArticle: the article API and page show the service's HTML;
// an unknown id is 404 on both; a bad q is 400 on the API and the article
// without highlights on the page.
func TestHandlerArticle(t *testing.T) {
	c := loadContract(t)
	a := &search.Article{ID: "aaaaaaaaaaaaaaaa", Seed: "a.txt", Title: "Storm <b>", TitleHTML: "<mark>Storm</mark> &lt;b&gt;",
		Paragraphs: []search.Paragraph{{N: 1, Text: "A storm.", HTML: "A <mark>storm</mark>.", Matches: []snippet.Span{{Start: 2, End: 7}}}, {N: 2, Text: "Calm."}}}
	h := newFakeServer(t, &fakeService{article: a}, nil)
	rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/articles/aaaaaaaaaaaaaaaa?q=storm", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"html":"A \u003cmark\u003estorm\u003c/mark\u003e."`) {
		t.Errorf("article: %d %s", rec.Code, rec.Body)
	}
	if rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/articles/bbbbbbbbbbbbbbbb", nil)); rec.Code != 404 {
		t.Errorf("unknown id: %d", rec.Code)
	}
	if rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/api/articles/aaaaaaaaaaaaaaaa?q=%22", nil)); rec.Code != 400 {
		t.Errorf("bad q: %d", rec.Code)
	}
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, "/articles/aaaaaaaaaaaaaaaa?q=%22", nil))
	if page.Code != 200 || !strings.Contains(page.Body.String(), "<mark>Storm</mark> &lt;b&gt;") {
		t.Errorf("page with a bad q: %d", page.Code)
	}
}

// TestHandlerReadiness: readyz follows the service's status; health never
// depends on it.
func TestHandlerReadiness(t *testing.T) {
	c := loadContract(t)
	for _, notReady := range []bool{false, true} {
		h := newFakeServer(t, &fakeService{notReady: notReady}, nil)
		want := 200
		if notReady {
			want = 503
		}
		if rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/readyz", nil)); rec.Code != want {
			t.Errorf("not ready %v: readyz %d", notReady, rec.Code)
		}
		if rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, "/healthz", nil)); rec.Code != 200 {
			t.Errorf("not ready %v: healthz %d", notReady, rec.Code)
		}
	}
}

// TestPageKeepsRelaxFalse: the page honours relax=false and its links and
// form keep it.
func TestPageKeepsRelaxFalse(t *testing.T) {
	svc := &fakeService{res: &search.Result{Total: 11, TotalExact: true, Hits: []search.Hit{fakeHit("aaaaaaaaaaaaaaaa", 1)}, Partial: []search.Hit{}}}
	h := newFakeServer(t, svc, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q=storm&relax=false", nil))
	body := rec.Body.String()
	if reqs := svc.requests(); len(reqs) != 1 || reqs[0].Relax {
		t.Fatalf("requests %+v", reqs)
	}
	if !strings.Contains(body, `<input type="hidden" name="relax" value="false">`) || !strings.Contains(body, "relax=false") {
		t.Errorf("the page drops relax=false:\n%s", body)
	}
}
