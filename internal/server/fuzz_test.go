package server

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// tagRe finds HTML tags in a snippet.
var tagRe = regexp.MustCompile(`<[^>]*>`)

// wellFormedSnippet reports whether s is escaped text with <mark> as its
// only tag, balanced and not nested.
func wellFormedSnippet(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	open := false
	for _, tag := range tagRe.FindAllString(s, -1) {
		switch {
		case tag == "<mark>" && !open:
			open = true
		case tag == "</mark>" && open:
			open = false
		default:
			return false
		}
	}
	rest := tagRe.ReplaceAllString(s, "")
	return !open && !strings.ContainsAny(rest, `<>"`)
}

// FuzzSearchHandler sends random queries and parameters to the real search
// handler over a real index: never a 5xx, never a panic, always valid JSON,
// and every snippet well formed.
func FuzzSearchHandler(f *testing.F) {
	fx := newAPIFixture(f, nil)
	h := fx.srv.Config.Handler
	for _, seed := range []struct{ q, page, size, sort, group, match, from, to string }{
		{`"critical infrastructure"`, "1", "10", "", "", "", "", ""},
		{"espionage -industrial", "2", "3", "date", "article", "", "2015-01-01", "2016-01-01"},
		{"(wu OR ni) said", "", "", "relevance", "paragraph", "any", "", ""},
		{"title:cyber*", "1", "100", "", "", "", "", "2015-09-21"},
		{"covid-19 10:30 U.S.", "", "", "", "", "", "", ""},
		{"<script>alert(1)</script>", "", "", "", "", "", "", ""},
		{"markup & co", "", "", "", "article", "", "", ""},
	} {
		f.Add(seed.q, seed.page, seed.size, seed.sort, seed.group, seed.match, seed.from, seed.to)
	}
	f.Fuzz(func(t *testing.T, q, page, size, sortBy, group, match, from, to string) {
		v := url.Values{"q": {q}}
		for k, val := range map[string]string{"page": page, "size": size, "sort": sortBy, "group": group, "match": match, "from": from, "to": to} {
			if val != "" {
				v.Set(k, val)
			}
		}
		req := httptest.NewRequest("GET", "/api/search?"+v.Encode(), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for %s: %s", rec.Code, v.Encode(), rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON for %s: %s", v.Encode(), rec.Body)
		}
		if rec.Code != 200 {
			var e errBody
			if json.Unmarshal(rec.Body.Bytes(), &e); e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%d without an error code: %s", rec.Code, rec.Body)
			}
			return
		}
		var b searchBody
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		for _, hit := range b.Hits {
			if !wellFormedSnippet(hit.Snippet) || !wellFormedSnippet(hit.TitleHTML) {
				t.Fatalf("malformed snippet for %s: %q / %q", v.Encode(), hit.Snippet, hit.TitleHTML)
			}
		}
	})
}

func TestWellFormedSnippet(t *testing.T) {
	for s, want := range map[string]bool{
		"plain &amp; text":                true,
		"<mark>a</mark> b <mark>c</mark>": true,
		"<mark><mark>a</mark></mark>":     false,
		"<b>a</b>":                        false,
		"<mark>a":                         false,
		"a > b":                           false,
	} {
		if got := wellFormedSnippet(s); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}
