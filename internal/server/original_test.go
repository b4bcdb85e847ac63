package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/search"
)

// TestSourceURL: the article's own address is the API's source_url and a
// link "original" on the result and the article page; an address that is
// not http(s) is given in the API as it is but never linked.
func TestSourceURL(t *testing.T) {
	c := loadContract(t)
	const web = "https://news.example.com/2024/storm?id=1&x=2"
	for _, tt := range []struct {
		url  string
		link string // the href expected on the page, "" for none
	}{
		{web, `<a class="original" href="https://news.example.com/2024/storm?id=1&amp;x=2" rel="noopener noreferrer">original</a>`},
		{"javascript:alert(1)", ""},
		{"", ""},
	} {
		hit := fakeHit("aaaaaaaaaaaaaaaa", 1)
		hit.URL = tt.url
		a := &search.Article{ID: "aaaaaaaaaaaaaaaa", Seed: "a.txt", Title: "Storm", URL: tt.url,
			Paragraphs: []search.Paragraph{{N: 1, Text: "A storm."}}}
		svc := &fakeService{article: a, res: &search.Result{Total: 1, TotalExact: true, Hits: []search.Hit{hit}, Partial: []search.Hit{}}}
		h := newFakeServer(t, svc, nil)
		wantJSON := `"source_url":"` + tt.url + `"`
		for _, target := range []string{"/api/search?q=storm", "/api/articles/aaaaaaaaaaaaaaaa"} {
			rec := c.serve(t, h, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code != 200 || !strings.Contains(strings.ReplaceAll(rec.Body.String(), `\u0026`, "&"), wantJSON) {
				t.Errorf("%s with url %q: %d %s", target, tt.url, rec.Code, rec.Body)
			}
		}
		for _, target := range []string{"/?q=storm", "/articles/aaaaaaaaaaaaaaaa"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			body := rec.Body.String()
			if tt.link != "" && !strings.Contains(body, tt.link) {
				t.Errorf("%s with url %q: no link %s:\n%s", target, tt.url, tt.link, body)
			}
			if tt.link == "" && strings.Contains(body, `class="original"`) {
				t.Errorf("%s with url %q: links the original:\n%s", target, tt.url, body)
			}
		}
	}
}
