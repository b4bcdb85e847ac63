package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsroom/newsearch/internal/search"
)

// realServer serves the fixture's index through the http.Server searchd
// uses (its header limit included).
func realServer(t *testing.T) *httptest.Server {
	t.Helper()
	f := newAPIFixture(t, nil)
	s, err := New(Config{Service: search.New(f.reader, search.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = s.HTTPServer(Timeouts{})
	hs.Start()
	t.Cleanup(hs.Close)
	return hs
}

// TestOversizedRequestIs431JSON: a request line or headers past
// MaxHeaderBytes get 431 in the site's error format (JSON under /api/, the
// error page elsewhere), not http.Server's plain text.
func TestOversizedRequestIs431JSON(t *testing.T) {
	hs := realServer(t)
	long := strings.Repeat("x", 100<<10)
	for _, c := range []struct {
		name, target string
		headers      []string
		json         bool
	}{
		{"100 KB URL", "/api/search?q=china&pad=" + long, nil, true},
		{"100 KB query", "/api/search?q=" + long, nil, true},
		{"64 KB header", "/api/search?q=china", []string{"X-Big: " + strings.Repeat("y", 64<<10)}, true},
		{"100 KB page URL", "/?q=" + long, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := rawGet(t, hs.URL, c.target, c.headers...)
			if status != http.StatusRequestHeaderFieldsTooLarge {
				t.Fatalf("status %d: %.200s", status, body)
			}
			if !c.json {
				if !strings.Contains(body, "<html") || strings.Contains(body, long[:1000]) {
					t.Errorf("not the error page, or the query echoed: %.300s", body)
				}
				return
			}
			var e errBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "header_too_large" {
				t.Errorf("not the JSON error: %v %.300s", err, body)
			}
		})
	}
	// Past what the server reads at all (1 MB), http.Server itself says 431.
	if status, _ := rawGet(t, hs.URL, "/api/search?q="+strings.Repeat("z", 2<<20)); status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("2 MB URL: %d", status)
	}
	if status, body := rawGet(t, hs.URL, "/api/search?q=china&pad="+strings.Repeat("x", 20<<10)); status != 200 {
		t.Errorf("20 KB URL: %d %.200s", status, body)
	}
}

// fetchEnc GETs target with the given Accept-Encoding and returns the
// response and its body, undecoded.
func fetchEnc(t *testing.T, base, target, accept string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+target, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

// TestCompression: HTML, JSON and static files are gzipped when the client
// accepts it and the body is worth it; tiny bodies never are; every
// response varies on Accept-Encoding; a client that does not accept gzip
// (or refuses it with q=0) gets the same bytes plain.
func TestCompression(t *testing.T) {
	hs := realServer(t)
	for _, target := range []string{"/api/search?q=china", "/?q=china", "/static/style.css", "/static/app.js", "/api/openapi.json", "/help"} {
		t.Run(target, func(t *testing.T) {
			plain, pb := fetchEnc(t, hs.URL, target, "")
			if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" {
				t.Fatalf("without Accept-Encoding: %d %q", plain.StatusCode, plain.Header.Get("Content-Encoding"))
			}
			resp, b := fetchEnc(t, hs.URL, target, "br;q=1.0, gzip;q=0.8")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("with gzip accepted: %d %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") || !strings.Contains(plain.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary %q / %q", resp.Header.Get("Vary"), plain.Header.Get("Vary"))
			}
			if len(b) >= len(pb) {
				t.Errorf("compressed %d bytes, plain %d", len(b), len(pb))
			}
			got := gunzip(t, b)
			if strings.HasPrefix(target, "/static/") && !bytes.Equal(got, pb) {
				t.Errorf("decompressed body differs from the plain one")
			}
			if resp.Header.Get("Content-Type") != plain.Header.Get("Content-Type") {
				t.Errorf("content type %q, plain %q", resp.Header.Get("Content-Type"), plain.Header.Get("Content-Type"))
			}
			if refused, _ := fetchEnc(t, hs.URL, target, "gzip;q=0, identity"); refused.Header.Get("Content-Encoding") != "" {
				t.Errorf("gzip;q=0 still compressed")
			}
		})
	}
	// Tiny bodies go out as they are.
	for _, target := range []string{"/healthz", "/readyz", "/static/favicon.svg"} {
		resp, b := fetchEnc(t, hs.URL, target, "gzip")
		if resp.Header.Get("Content-Encoding") != "" || len(b) > minGzipBytes {
			t.Errorf("%s: %q, %d bytes", target, resp.Header.Get("Content-Encoding"), len(b))
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary %q", target, resp.Header.Get("Vary"))
		}
	}
	// /metrics compresses itself (promhttp): once, not twice.
	if resp, b := fetchEnc(t, hs.URL, "/metrics", "gzip"); resp.Header.Get("Content-Encoding") == "gzip" {
		if body := gunzip(t, b); !bytes.Contains(body, []byte("searchd_requests_total")) {
			t.Errorf("/metrics compressed twice or empty: %.100q", body)
		}
	}
	// A range of a static file is of its bytes, never compressed.
	resp, b := fetchEnc(t, hs.URL, "/static/style.css", "gzip", "Range", "bytes=0-99")
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Encoding") != "" || len(b) != 100 {
		t.Errorf("range: %d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(b))
	}
	// Errors are compressed like the rest when large enough, and say so.
	resp, b = fetchEnc(t, hs.URL, "/api/search?q=%22", "gzip")
	if resp.StatusCode != 400 {
		t.Errorf("bad query: %d", resp.StatusCode)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		b = gunzip(t, b)
	}
	if !json.Valid(b) {
		t.Errorf("bad query body: %s", b)
	}
}

// TestAcceptsGzip reads Accept-Encoding as RFC 9110 says.
func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=0.5": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"*": true, "br": false, "identity": false, "x-gzip": false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("%q: %v", h, got)
		}
	}
}

// TestMetaDescription: every page has one meta description saying what
// the page is.
func TestMetaDescription(t *testing.T) {
	hs := realServer(t)
	_, search := fetchEnc(t, hs.URL, "/?q=china", "")
	m := regexp.MustCompile(`href="(/articles/[0-9a-f]+)[?"]`).FindSubmatch(search)
	if m == nil {
		t.Fatalf("no article link on the results page")
	}
	re := regexp.MustCompile(`<meta name="description" content="([^"]*)">`)
	for target, want := range map[string]string{
		"/":                    "full-text search over news articles",
		"/?q=china":            "matching china",
		string(m[1]) + "?q=ch": "China",
		"/help":                "How to write newsearch queries",
		"/nope":                "not found",
	} {
		_, body := fetchEnc(t, hs.URL, target, "")
		all := re.FindAllSubmatch(body, -1)
		if len(all) != 1 {
			t.Errorf("%s: %d meta descriptions", target, len(all))
			continue
		}
		d := html.UnescapeString(string(all[0][1]))
		if !strings.Contains(strings.ToLower(d), strings.ToLower(want)) || utf8.RuneCountInString(d) > 160 {
			t.Errorf("%s: description %q, want it to say %q", target, d, want)
		}
	}
}
