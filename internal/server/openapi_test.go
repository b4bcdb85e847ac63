package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/search"
)

// contract is the embedded OpenAPI description, loaded and checked, with
// a router that finds a request's operation in it. It also records which
// operations and statuses the tests validated, so that a test can tell
// when a documented response is never checked.
type contract struct {
	doc    *openapi3.T
	router routers.Router

	mu   sync.Mutex
	seen map[string]bool // "operationId status"
}

func loadContract(t testing.TB) *contract {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPI)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 description: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{doc: doc, router: router, seen: map[string]bool{}}
}

// check validates a response to req against the description: the route,
// the status (it must be documented), the headers and the body's schema.
func (c *contract) check(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	// The router matches on the full URL of the description's server.
	u := *req.URL
	u.Scheme, u.Host = "http", "localhost"
	r := req.Clone(context.Background())
	r.URL = &u
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		t.Errorf("%s %s: not in the description: %v", req.Method, req.URL, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: %d response does not match the description: %v\n%.600s", req.Method, req.URL, status, err, body)
	}
	if status == http.StatusServiceUnavailable && header.Get("Retry-After") == "" && route.Operation.OperationID != "readyz" {
		t.Errorf("%s: 503 without Retry-After", req.URL)
	}
	c.mu.Lock()
	c.seen[route.Operation.OperationID+" "+http.StatusText(status)] = true
	c.mu.Unlock()
}

// serve sends req to h, validates the response and returns it.
func (c *contract) serve(t testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	c.check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
	return rec
}

// missing lists the documented operation responses not in seen.
func (c *contract) missing() []string {
	var out []string
	for path, item := range c.doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				var n int
				for _, ch := range code {
					n = n*10 + int(ch-'0')
				}
				if !c.seen[op.OperationID+" "+http.StatusText(n)] {
					out = append(out, path+" "+code)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIContract validates real responses of a real server (real
// index) against /api/openapi.json, the success and error responses of
// every operation.
func TestOpenAPIContract(t *testing.T) {
	c := loadContract(t)
	f := newAPIFixture(t, nil)
	h := f.srv.Config.Handler
	id := article.IDFor("000_5560a174234f78d3.txt")
	for _, target := range []string{
		"/api/search?q=" + url.QueryEscape(`"critical infrastructure"`),
		"/api/search?q=storm&group=article&sort=date&size=3&page=2",
		"/api/search?q=storm+ferry&match=any&facets=false",
		"/api/search?q=storm+harbour",                // partial results
		"/api/search?q=espionage+zzyzxq",             // relaxed
		"/api/search?q=espionage+zzyzxq&relax=false", // strict: none
		"/api/search?q=espionnage",                   // a suggestion
		"/api/search?q=markup&from=2019-01-01&to=2019-12-31&source=Example+Wire",
		"/api/search?q=" + url.QueryEscape(`china "cyber`), // 400 with a column
		"/api/search?q=china&size=0",                       // 400 without one
		"/api/search?q=china&relax=maybe",
		"/api/articles/" + id + "?q=espionage",
		"/api/articles/" + id,
		"/api/articles/" + id + "?q=" + url.QueryEscape(`"`),
		"/api/articles/0123456789abcdef",
		"/api/help",
		"/api/openapi.json",
		"/healthz",
		"/readyz",
	} {
		rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code >= 500 {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
	// Not ready: 503 from every operation that needs the index.
	empty, err := index.NewReader(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Service: search.New(empty, search.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/search?q=china", "/api/articles/" + id, "/readyz"} {
		if rec := c.serve(t, s.Handler(), httptest.NewRequest(http.MethodGet, target, nil)); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("%s before an index: %d", target, rec.Code)
		}
	}
	// A 500: the service fails in a way nothing maps.
	broken, err := New(Config{Service: &fakeService{err: io.ErrUnexpectedEOF}})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/search?q=china", "/api/articles/" + id} {
		if rec := c.serve(t, broken.Handler(), httptest.NewRequest(http.MethodGet, target, nil)); rec.Code != http.StatusInternalServerError {
			t.Errorf("%s with a broken service: %d", target, rec.Code)
		}
	}
	if m := c.missing(); len(m) > 0 {
		t.Errorf("documented responses no test validated: %v", m)
	}
}

// TestOpenAPIServed: /api/openapi.json is the embedded description, and
// it names every parameter /api/help lists.
func TestOpenAPIServed(t *testing.T) {
	s, err := New(Config{Service: &fakeService{}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), openAPI) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	c := loadContract(t)
	op := c.doc.Paths.Find("/api/search").Get
	for _, p := range help.Params {
		for name := range strings.SplitSeq(p.Name, ", ") {
			if op.Parameters.GetByInAndName("query", name) == nil {
				t.Errorf("/api/help documents %s; the OpenAPI description does not", name)
			}
		}
	}
	if len(op.Parameters) != 12 {
		t.Errorf("%d parameters in the description", len(op.Parameters))
	}
}
