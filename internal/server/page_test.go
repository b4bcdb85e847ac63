package server

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/search"
)

// The page tests index, with the real indexer code, the seed article, a
// hostile article and gridArticles generated articles that all contain the
// phrase "critical infrastructure", so that a query has several pages.
const (
	pageSeedName = "000_5560a174234f78d3.txt"
	gridArticles = 25
)

// hostileSeed is an article whose title and text are markup that must
// only ever appear escaped.
const hostileSeed = `Breaking <script>alert(1)</script> "quotes" &amp; onerror=alert(2) markup

By Eve Mallory (Example Wire) 10:00, May 5, 2019

The page showed <script>alert(1)</script> and <img src=x onerror=alert(1)> with "quotes" &amp; ampersands inside a storm of markup.

A second paragraph says the storm of markup passed without harm to anyone who read it.
`

var (
	gridSources = []string{"Harbour Post", "Grid Weekly", "Metro Wire"}
	gridAuthors = []string{"Ann Lee", "Bo Chen", "Cara Diaz", "Dev Patel"}
	gridMonths  = []string{"January", "February", "March", "April", "May", "June"}
	gridTowns   = []string{"Northport", "Eastvale", "Southbridge", "Westfield", "Lakeside", "Hillcrest", "Riverton"}
)

// gridSeed is a generated article: fourteen paragraphs with a heading
// before the seventh, and "critical infrastructure" only in the
// thirteenth, well below the first screen.
func gridSeed(i int) string {
	town := gridTowns[i%len(gridTowns)]
	var b strings.Builder
	fmt.Fprintf(&b, "%s grid operators rehearse a winter blackout, drill %d\n\n", town, i+1)
	fmt.Fprintf(&b, "By %s (%s) 09:%02d, %s %d, 2016\n\n", gridAuthors[i%len(gridAuthors)], gridSources[i%len(gridSources)],
		i%60, gridMonths[i%len(gridMonths)], i%27+1)
	paras := []string{
		"Operators of the regional power grid in %s spent the weekend rehearsing how they would restore electricity after a long winter blackout.",
		"The exercise in %s began before dawn, when engineers switched a substation to manual control and waited for the first alarms to arrive.",
		"Hospitals, water works and the railway in %s were told in advance, and each sent staff to watch how the operators handled the load.",
		"By midday the operators in %s had rerouted power through two older lines and brought most of the neighbourhoods back within four hours.",
		"Local officials in %s said the drill was planned months ago and had nothing to do with any recent outage or threat.",
		"Several schools in %s used the exercise as a lesson, and pupils followed the control room's progress on a map of the town.",
		"Engineers in %s will now compare the timings with last year's exercise and publish a short report for residents.",
		"The report from %s is expected to recommend spare transformers, better radios and more training for night shifts.",
		"Residents of %s who lost power during the test were offered a small credit on their next electricity bill.",
		"A few shops in %s complained that the notice came too late for them to move frozen goods to another store.",
		"The operators in %s answered that the timing of a real blackout would give far less warning than the drill did.",
		"Volunteers in %s checked on elderly neighbours during the outage, a habit the council hopes will last beyond the drill.",
		"Officials in %s said protecting critical infrastructure such as the grid, water and transport is now a daily task, not a yearly drill.",
		"The next exercise in %s is planned for the summer, when heat rather than ice puts the grid under strain.",
	}
	for n, p := range paras {
		if n == 6 {
			b.WriteString("Lessons from the drill\n\n")
		}
		fmt.Fprintf(&b, p+"\n\n", town)
	}
	return b.String()
}

// pageSeeds are the seeds of the page tests besides the seed article.
func pageSeeds() map[string]string {
	seeds := map[string]string{"hostile/markup.txt": hostileSeed}
	for i := range gridArticles {
		seeds[fmt.Sprintf("grid/%02d.txt", i)] = gridSeed(i)
	}
	return seeds
}

// newPageServer indexes the seed article and pageSeeds in temporary
// folders with the real indexer and serves them with the real handler.
// wrap, when not nil, wraps the index the server searches.
func newPageServer(t testing.TB, wrap func(search.Index) search.Index) *httptest.Server {
	t.Helper()
	seeds, dir := t.TempDir(), t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "seeds", pageSeedName))
	if err != nil {
		t.Fatal(err)
	}
	files := pageSeeds()
	files[pageSeedName] = string(data)
	for name, text := range files {
		path := filepath.Join(seeds, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err := index.OpenWriter(dir, index.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds})
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) > 0 || sum.Articles != len(files) {
		t.Fatalf("indexed %d articles of %d; skipped %v", sum.Articles, len(files), sum.Skipped)
	}
	reader, err := index.NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	if _, err := reader.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	var searcher search.Index = reader
	if wrap != nil {
		searcher = wrap(reader)
	}
	// Failures are logged at error level: show them in the test's log.
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := New(Config{Service: search.New(searcher, search.Options{}), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// testLog writes the server's log lines to the test's log.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// fetched is a response of the page tests, its body read.
type fetched struct {
	status int
	header http.Header
	body   string
}

func fetch(t testing.TB, srv *httptest.Server, method, path string) fetched {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fetched{resp.StatusCode, resp.Header, string(b)}
}

// getPage fetches an HTML page, checks its status and the rules every
// page follows, and returns the body.
func getPage(t testing.TB, srv *httptest.Server, path string, status int) string {
	t.Helper()
	r := fetch(t, srv, http.MethodGet, path)
	if r.status != status {
		t.Fatalf("GET %s: status %d, want %d\n%s", path, r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: content type %q", path, ct)
	}
	checkPageRules(t, path, r.body)
	return r.body
}

var (
	scriptTagRe   = regexp.MustCompile(`<script[^>]*>`)
	externalRe    = regexp.MustCompile(`(?i)(src|href)="(https?:)?//`)
	styleAttrRe   = regexp.MustCompile(`(?i)\sstyle=`)
	eventAttrRe   = regexp.MustCompile(`(?i)<[a-z0-9]+(\s+[a-z-]+(="[^"]*")?)*\s+on[a-z]+=`)
	titleRe       = regexp.MustCompile(`<title>([^<]*)</title>`)
	hitParagraphs = regexp.MustCompile(`<p id="p(\d+)" class="hit">`)
)

// checkPageRules checks what the CSP and accessibility ask of every page:
// the only scripts are external ones from /static/, no style attributes,
// no event handler attributes, nothing loaded from another site, and the
// landmarks, language and viewport.
func checkPageRules(t testing.TB, path, body string) {
	t.Helper()
	for _, tag := range scriptTagRe.FindAllString(body, -1) {
		if !strings.Contains(tag, `src="/static/app.js?v=`) {
			t.Errorf("GET %s: script tag %s is not the external app.js", path, tag)
		}
	}
	if n := strings.Count(body, "<script"); n != 1 {
		t.Errorf("GET %s: %d <script, want 1", path, n)
	}
	for _, re := range []*regexp.Regexp{externalRe, styleAttrRe, eventAttrRe} {
		if m := re.FindString(body); m != "" {
			t.Errorf("GET %s: forbidden markup %q", path, m)
		}
	}
	for _, want := range []string{`<html lang="en">`, `<meta name="viewport"`, `<header`, `<main id="main" role="main"`,
		`<label for="q">`, `<form class="search" action="/" method="get" role="search"`, `href="/help"`,
		`<link rel="stylesheet" href="/static/style.css?v=`} {
		if !strings.Contains(body, want) {
			t.Errorf("GET %s: page lacks %s", path, want)
		}
	}
	if !titleRe.MatchString(body) {
		t.Errorf("GET %s: no <title>", path)
	}
}

// title returns the unescaped <title> of a page.
func title(body string) string {
	m := titleRe.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// boxValue returns the unescaped value of the search box.
func boxValue(t testing.TB, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<input id="q" name="q" type="search" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no search box with a double-quoted value in\n%s", body)
	}
	return html.UnescapeString(m[1])
}

// hrefs returns the unescaped href of every link.
func hrefs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// linkTo returns the href of the first <a> whose attributes contain attr.
func linkTo(t testing.TB, body, attr string) string {
	t.Helper()
	re := regexp.MustCompile(`<a href="([^"]*)"[^>]*` + regexp.QuoteMeta(attr))
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link with %s", attr)
	}
	return html.UnescapeString(m[1])
}

// linkByText returns the href of the first <a> whose text is text.
func linkByText(t testing.TB, body, text string) string {
	t.Helper()
	re := regexp.MustCompile(`<a href="([^"]*)"[^>]*>` + regexp.QuoteMeta(html.EscapeString(text)) + `</a>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link with text %q", text)
	}
	return html.UnescapeString(m[1])
}

func linkQuery(t testing.TB, link string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestPageStart(t *testing.T) {
	srv := newPageServer(t, nil)
	for _, path := range []string{"/", "/?q=", "/?q=+++", "/?q=&source=Grid+Weekly"} {
		body := getPage(t, srv, path, http.StatusOK)
		for _, want := range []string{" autofocus", `aria-keyshortcuts="/"`, "Search the news archive", `href="/?q=%22critical&#43;infrastructure%22"`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: start page lacks %s", path, want)
			}
		}
		if strings.Contains(body, `class="results"`) || strings.Contains(body, "qerror\"") {
			t.Errorf("GET %s: start page shows results or an error", path)
		}
		if got := title(body); got != "newsearch" {
			t.Errorf("GET %s: title %q", path, got)
		}
	}
	r := fetch(t, srv, http.MethodHead, "/")
	if r.status != http.StatusOK || r.body != "" || r.header.Get("Content-Length") == "" {
		t.Errorf("HEAD /: status %d, %d bytes, length %q", r.status, len(r.body), r.header.Get("Content-Length"))
	}
	if r.header.Get("Content-Security-Policy") == "" {
		t.Error("no CSP header on the page")
	}
}

func TestPageResults(t *testing.T) {
	srv := newPageServer(t, nil)
	body := getPage(t, srv, "/?q=espionage", http.StatusOK)
	id := article.IDFor(pageSeedName)
	for _, want := range []string{
		`<p class="count" role="status">1 article, `,
		` ms</p>`,
		`<span class="source">People&#39;s Daily Online</span>`,
		`<span class="author">Liu Xin</span>`,
		`<time datetime="2015-09-21T22:51:00&#43;08:00">21 Sep 2015 22:51 &#43;08:00</time>`,
		`<mark>espionage</mark>`,
		`<a href="/articles/` + id + `?q=espionage">2 more matching paragraphs</a>`,
		`value="espionage"`,
		`<nav class="sort" aria-label="Sort">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %s", want)
		}
	}
	// The title links to the article at its best paragraph.
	if !regexp.MustCompile(`<a href="/articles/` + id + `\?q=espionage#p(10|17|18)">Cyber Deal Expected to Halt Disputes</a>`).MatchString(body) {
		t.Error("the title does not link to the best paragraph of the article")
	}
	if got := title(body); got != "espionage · newsearch" {
		t.Errorf("title %q", got)
	}
	if strings.Contains(body, " autofocus") {
		t.Error("the results page takes the focus: keyboard users land in the box instead of the results")
	}
	// A section heading that matches is highlighted in the hit.
	body = getPage(t, srv, "/?q=summit", http.StatusOK)
	if !strings.Contains(body, `<span class="section">Top of <mark>summit</mark> agenda</span>`) {
		t.Error("the matching section heading is not shown highlighted")
	}
	// group=paragraph counts paragraphs.
	body = getPage(t, srv, "/?q=espionage&group=paragraph", http.StatusOK)
	if !strings.Contains(body, `<p class="count" role="status">3 paragraphs, `) {
		t.Error("group=paragraph does not count paragraphs")
	}
	if strings.Contains(body, "more matching paragraph") {
		t.Error("paragraph hits announce more matching paragraphs")
	}
	if !strings.Contains(body, `<input type="hidden" name="group" value="paragraph">`) {
		t.Error("the form does not keep group=paragraph for the next query")
	}
}

func TestPageEscapesArticleText(t *testing.T) {
	srv := newPageServer(t, nil)
	id := article.IDFor("hostile/markup.txt")
	for _, path := range []string{"/?q=markup", "/?q=markup&group=paragraph", "/articles/" + id + "?q=markup", "/articles/" + id} {
		highlighted := strings.Contains(path, "q=")
		body := getPage(t, srv, path, http.StatusOK)
		for _, bad := range []string{"<script>alert", "<img", "<b>", `"quotes"`} {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s: article text reaches the page unescaped: %s", path, bad)
			}
		}
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&amp;amp;", "&#34;quotes&#34;"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: page lacks escaped %s", path, want)
			}
		}
		if highlighted != strings.Contains(body, "<mark>markup</mark>") {
			t.Errorf("GET %s: no highlight", path)
		}
	}
	body := getPage(t, srv, "/articles/"+id, http.StatusOK)
	if got, want := title(body), `Breaking <script>alert(1)</script> "quotes" &amp; onerror=alert(2) markup · newsearch`; got != want {
		t.Errorf("article title %q, want %q", got, want)
	}
	if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the img markup is not shown as text")
	}
}

func TestPageEscapesQuery(t *testing.T) {
	srv := newPageServer(t, nil)
	for _, q := range []string{
		`"><script>alert(1)</script>`, // a malformed query: shown next to the box
		`' onmouseover='x`,
		`</title><script>alert(1)</script>`,
		`cyber "&amp; <b>`,
		`x" autofocus onfocus="alert(1)`,
	} {
		path := "/?q=" + url.QueryEscape(q)
		r := fetch(t, srv, http.MethodGet, path)
		if r.status != http.StatusOK && r.status != http.StatusBadRequest {
			t.Fatalf("q=%q: status %d", q, r.status)
		}
		body := r.body
		checkPageRules(t, path, body)
		if got := boxValue(t, body); got != q {
			t.Errorf("q=%q: box value %q", q, got)
		}
		want := q + " · newsearch"
		if r.status == http.StatusBadRequest {
			want = "Error: " + want
		}
		if got := title(body); got != want {
			t.Errorf("q=%q: title %q, want %q", q, got, want)
		}
		for _, bad := range []string{"<script>alert", "<b>", "' onmouseover='", `"alert(1)`, "</title><script>"} {
			if strings.Contains(body, bad) {
				t.Errorf("q=%q: the query reaches the page unescaped: %s", q, bad)
			}
		}
		// Every link that carries the query carries it whole and encoded.
		for _, h := range hrefs(body) {
			if !strings.Contains(h, "q=") {
				continue
			}
			if strings.ContainsAny(h, `"'<> `) {
				t.Errorf("q=%q: link %q carries the query unencoded", q, h)
			}
			if got := linkQuery(t, strings.SplitN(h, "#", 2)[0]).Get("q"); got != q && !strings.HasPrefix(h, "/?q=%22") {
				t.Errorf("q=%q: link %q carries q=%q", q, h, got)
			}
		}
	}
}

func TestPageQueryErrorNextToBox(t *testing.T) {
	srv := newPageServer(t, nil)
	for _, tc := range []struct {
		q, msg, where string
		col           int
	}{
		{`cyber "attack`, "unbalanced quote", `cyber <mark class="at">&#34;</mark>attack`, 7},
		{`(cyber attack`, "never closed", `<mark class="at">(</mark>cyber attack`, 1},
		{`"unclosed`, "unbalanced quote", `<mark class="at">&#34;</mark>unclosed`, 1},
		{`nosuch:word`, "nosuch", `<mark class="at">n</mark>osuch:word`, 1},
		{`-cyber`, "only negative", `<mark class="at">-</mark>cyber`, 1},
	} {
		path := "/?q=" + url.QueryEscape(tc.q)
		body := getPage(t, srv, path, http.StatusBadRequest)
		m := regexp.MustCompile(`(?s)<input id="q".*?<div id="qerror" class="qerror" role="alert">(.*?)</div>`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("q=%q: no error next to the box", tc.q)
			continue
		}
		box := m[1]
		for _, want := range []string{tc.msg, fmt.Sprintf("(column %d)", tc.col), `<code>` + tc.where + `</code>`} {
			if !strings.Contains(box, want) {
				t.Errorf("q=%q: error next to the box lacks %s:\n%s", tc.q, want, box)
			}
		}
		if got := boxValue(t, body); got != tc.q {
			t.Errorf("q=%q: box value %q", tc.q, got)
		}
		if !strings.Contains(body, `aria-invalid="true" aria-describedby="qerror"`) {
			t.Errorf("q=%q: the box is not marked invalid", tc.q)
		}
		if strings.Contains(body, `class="results"`) {
			t.Errorf("q=%q: results shown for a malformed query", tc.q)
		}
	}
	// Fixing the query keeps the other parameters.
	body := getPage(t, srv, "/?q=%22unclosed&source=Grid+Weekly&sort=date", http.StatusBadRequest)
	for _, want := range []string{`<input type="hidden" name="source" value="Grid Weekly">`, `<input type="hidden" name="sort" value="date">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form of a malformed query drops %s", want)
		}
	}
	// Bad parameters are shown next to the box too, without a column.
	for _, path := range []string{"/?q=cyber&page=0", "/?q=cyber&sort=oldest", "/?q=cyber&from=yesterday", "/?q=" + strings.Repeat("a", MaxQueryBytes+1)} {
		body := getPage(t, srv, path, http.StatusBadRequest)
		if !strings.Contains(body, `<div id="qerror" class="qerror" role="alert">`) || strings.Contains(body, "(column") {
			t.Errorf("GET %s: the error is not shown next to the box without a column", path)
		}
	}
}

// suggester wraps an index with a fixed spelling suggestion.
type suggester struct {
	search.Index
	from, to string
}

func (s suggester) Suggest(_ context.Context, q string, _ query.Node) (string, error) {
	if q == s.from {
		return s.to, nil
	}
	return "", nil
}

func TestPageNoResults(t *testing.T) {
	srv := newPageServer(t, func(s search.Index) search.Index { return suggester{s, "espionnage", "espionage"} })
	body := getPage(t, srv, "/?q=zzyzxq", http.StatusOK)
	for _, want := range []string{"No articles match <q>zzyzxq</q>", "fewer words", "spelling", "0 articles"} {
		if !strings.Contains(body, want) {
			t.Errorf("no-results page lacks %s", want)
		}
	}
	if strings.Contains(body, "Did you mean") || strings.Contains(body, "some of them") {
		t.Error("a suggestion or partial results with nothing to suggest")
	}
	body = getPage(t, srv, "/?q=espionnage&source=People%27s+Daily+Online", http.StatusOK)
	if !strings.Contains(body, `Did you mean <a href="/?q=espionage&amp;source=People%27s&#43;Daily&#43;Online">espionage</a>?`) {
		t.Errorf("no did-you-mean link keeping the filter:\n%s", body)
	}
	if !strings.Contains(body, "Remove a filter") {
		t.Error("no advice to remove the active filter")
	}
	// No article has all the words: show those with some, and say so.
	body = getPage(t, srv, "/?q=espionage+zzyzxq", http.StatusOK)
	if !strings.Contains(body, "No article has all of the words; showing articles with some of them") {
		t.Error("no notice for the match-any fallback")
	}
	if !strings.Contains(body, "<mark>espionage</mark>") || !strings.Contains(body, "1 article,") {
		t.Error("the match-any fallback shows no results")
	}
	// Very few have all the words: they come first, then some that have
	// only some of them, under a heading, with a link to all of those.
	body = getPage(t, srv, "/?q=drill+3", http.StatusOK)
	strict := strings.Index(body, `<ol class="results"`)
	partial := strings.Index(body, `<h2 class="partial">Only 1 article has all of the words. These have some of them:</h2>`)
	if strict < 0 || partial < strict {
		t.Fatalf("no partial results after the strict one:\n%s", body)
	}
	if !strings.Contains(body[partial:], "<mark>") || !strings.Contains(body, `href="/?q=drill&#43;3&amp;match=any">All results with some of the words`) {
		t.Errorf("partial results without highlights or without the link to all:\n%s", body[partial:])
	}
	if n := strings.Count(body, `<li class="result">`); n < 2 {
		t.Errorf("%d results on the page, want the strict one and partial ones", n)
	}
	// Enough have all the words: no partial results.
	if body := getPage(t, srv, "/?q=Eastvale+13", http.StatusOK); strings.Contains(body, `class="partial"`) || !strings.Contains(body, "5 articles") {
		t.Error("partial results although several articles have all the words")
	}
	// One word: nothing to fall back to.
	body = getPage(t, srv, "/?q=%22espionage+zzyzxq%22", http.StatusOK)
	if strings.Contains(body, "some of them") || !strings.Contains(body, "No articles match") {
		t.Error("a phrase fell back to any of its words")
	}
}

func TestPagePagination(t *testing.T) {
	srv := newPageServer(t, nil)
	q := `"critical infrastructure"`
	body := getPage(t, srv, "/?q="+url.QueryEscape(q), http.StatusOK)
	total := gridArticles + 1
	if want := fmt.Sprintf("%d articles, ", total); !strings.Contains(body, want) {
		t.Fatalf("results page lacks %q", want)
	}
	if !strings.Contains(body, "page 1 of 3") {
		t.Error("no page count")
	}
	if n := strings.Count(body, `<li class="result">`); n != 10 {
		t.Errorf("%d results on page 1, want 10", n)
	}
	if strings.Contains(body, `rel="prev"`) {
		t.Error("page 1 links to a previous page")
	}
	next := linkTo(t, body, `rel="next"`)
	if next != "/?q=%22critical+infrastructure%22&page=2" {
		t.Errorf("next link %q", next)
	}
	if v := linkQuery(t, next); v.Get("q") != q || v.Get("page") != "2" {
		t.Errorf("next link %q: q=%q page=%q", next, v.Get("q"), v.Get("page"))
	}
	if got := linkTo(t, body, `aria-label="Page 3"`); linkQuery(t, got).Get("page") != "3" {
		t.Errorf("page 3 link %q", got)
	}

	// Sorted by date, paging keeps the sort.
	byDate := linkByText(t, body, "date")
	if v := linkQuery(t, byDate); v.Get("q") != q || v.Get("sort") != "date" || v.Has("page") {
		t.Errorf("sort link %q", byDate)
	}
	body = getPage(t, srv, byDate, http.StatusOK)
	if !strings.Contains(body, `aria-current="true">date</a>`) {
		t.Error("the date sort is not shown as current")
	}
	next = linkTo(t, body, `rel="next"`)
	if v := linkQuery(t, next); v.Get("q") != q || v.Get("sort") != "date" || v.Get("page") != "2" {
		t.Errorf("next link of the date sort %q", next)
	}
	if !strings.Contains(body, `<input type="hidden" name="sort" value="date">`) {
		t.Error("the form does not keep the sort")
	}

	body = getPage(t, srv, next, http.StatusOK)
	if !strings.Contains(body, `aria-current="page" aria-label="Page 2, current">2</a>`) {
		t.Error("page 2 is not marked current")
	}
	prev := linkTo(t, body, `rel="prev"`)
	if v := linkQuery(t, prev); v.Get("q") != q || v.Get("sort") != "date" || v.Has("page") {
		t.Errorf("prev link %q", prev)
	}
	if !strings.Contains(body, `<ol class="results" start="11">`) {
		t.Error("page 2 does not number from 11")
	}

	body = getPage(t, srv, "/?q="+url.QueryEscape(q)+"&page=3", http.StatusOK)
	if n := strings.Count(body, `<li class="result">`); n != total-20 {
		t.Errorf("%d results on the last page, want %d", n, total-20)
	}
	if strings.Contains(body, `rel="next"`) {
		t.Error("the last page links to a next page")
	}
	body = getPage(t, srv, "/?q="+url.QueryEscape(q)+"&page=9", http.StatusOK)
	if !strings.Contains(body, "no results on this page") || !strings.Contains(body, `rel="prev"`) {
		t.Error("a page past the end does not lead back")
	}
}

func TestPageFacets(t *testing.T) {
	srv := newPageServer(t, nil)
	q := `"critical infrastructure"`
	body := getPage(t, srv, "/?q="+url.QueryEscape(q)+"&page=2", http.StatusOK)
	if !strings.Contains(body, `<nav class="facets" aria-label="Filter results">`) {
		t.Fatal("no facets")
	}
	src := linkByText(t, body, "Grid Weekly")
	if v := linkQuery(t, src); v.Get("q") != q || v.Get("source") != "Grid Weekly" || v.Has("page") {
		t.Fatalf("source facet link %q", src)
	}
	body = getPage(t, srv, src, http.StatusOK)
	if n, want := strings.Count(body, `<li class="result">`), gridArticles/3; n < want-1 || n > want+1 {
		t.Errorf("%d results from Grid Weekly", n)
	}
	if c := strings.Count(body, `<span class="source">`); c != strings.Count(body, `<span class="source">Grid Weekly</span>`) {
		t.Error("the source filter lets other sources through")
	}
	if !strings.Contains(body, `Source: <strong>Grid Weekly</strong>`) {
		t.Error("the active source filter is not shown")
	}
	remove := linkTo(t, body, `aria-label="Remove the Source filter Grid Weekly"`)
	if v := linkQuery(t, remove); v.Get("q") != q || v.Has("source") {
		t.Errorf("remove link %q", remove)
	}
	if !strings.Contains(body, `<input type="hidden" name="source" value="Grid Weekly">`) {
		t.Error("the form does not keep the source filter")
	}

	// Author facet narrows further and keeps the source.
	author := linkByText(t, body, "Bo Chen")
	if v := linkQuery(t, author); v.Get("q") != q || v.Get("source") != "Grid Weekly" || v.Get("author") != "Bo Chen" {
		t.Fatalf("author facet link %q", author)
	}
	body = getPage(t, srv, author, http.StatusOK)
	if strings.Count(body, `<span class="author">`) != strings.Count(body, `<span class="author">Bo Chen</span>`) {
		t.Error("the author filter lets other authors through")
	}

	// Month facet: from and to of that month.
	body = getPage(t, srv, "/?q="+url.QueryEscape(q), http.StatusOK)
	month := linkByText(t, body, "Feb 2016")
	if v := linkQuery(t, month); v.Get("q") != q || v.Get("from") != "2016-02-01" || v.Get("to") != "2016-02-29" {
		t.Fatalf("month facet link %q", month)
	}
	body = getPage(t, srv, month, http.StatusOK)
	if !strings.Contains(body, `Date: <strong>Feb 2016</strong>`) {
		t.Error("the active month filter is not shown")
	}
	for _, m := range regexp.MustCompile(`datetime="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], "2016-02-") {
			t.Errorf("a result of %s under the Feb 2016 filter", m[1])
		}
	}
	remove = linkTo(t, body, `aria-label="Remove the Date filter Feb 2016"`)
	if v := linkQuery(t, remove); v.Get("q") != q || v.Has("from") || v.Has("to") {
		t.Errorf("remove link %q", remove)
	}
}

func TestArticlePage(t *testing.T) {
	srv := newPageServer(t, nil)
	id := article.IDFor(pageSeedName)
	body := getPage(t, srv, "/articles/"+id+"?q=espionage", http.StatusOK)
	var hits []string
	for _, m := range hitParagraphs.FindAllStringSubmatch(body, -1) {
		hits = append(hits, m[1])
	}
	if strings.Join(hits, ",") != "10,17,18" {
		t.Errorf("hit paragraphs %v, want 10, 17, 18", hits)
	}
	if n := strings.Count(body, `class="hit"`); n != 3 {
		t.Errorf("%d elements with the hit class, want 3", n)
	}
	for _, want := range []string{
		`<p id="p1">China and the US are reportedly negotiating`,
		`<p id="p10" class="hit">`,
		`industrial <mark>espionage</mark>`,
		`<h2>Top of summit agenda</h2>`,
		`<a href="/?q=espionage">← Back to the results</a>`,
		`<span class="author">Liu Xin</span>`,
		`<time datetime="2015-09-21T22:51:00&#43;08:00">21 Sep 2015 22:51 &#43;08:00</time>`,
		`<nav class="jump" aria-label="Matching paragraphs">`,
		`<a href="#p17">¶17</a>`,
		`value="espionage"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %s", want)
		}
	}
	if strings.Count(body, "<h2>Top of summit agenda</h2>") != 1 {
		t.Error("the section heading is repeated")
	}
	if got := title(body); got != "Cyber Deal Expected to Halt Disputes · newsearch" {
		t.Errorf("title %q", got)
	}
	for n := 1; n <= 20; n++ {
		if !strings.Contains(body, fmt.Sprintf(`<p id="p%d"`, n)) {
			t.Errorf("no paragraph p%d", n)
		}
	}

	// Without q, or with a malformed q: the article, nothing highlighted.
	for _, path := range []string{"/articles/" + id, "/articles/" + id + "?q=%22unclosed"} {
		body = getPage(t, srv, path, http.StatusOK)
		if strings.Contains(body, `class="hit"`) || strings.Contains(body, "<mark>") {
			t.Errorf("GET %s: highlights without a query", path)
		}
		if !strings.Contains(body, `<p id="p10">`) || !strings.Contains(body, `<a href="/">← New search</a>`) {
			t.Errorf("GET %s: no paragraphs or back link", path)
		}
	}
	// A title match is highlighted in the heading.
	body = getPage(t, srv, "/articles/"+id+"?q=cyber", http.StatusOK)
	if !strings.Contains(body, `<h1 id="title"><mark>Cyber</mark> Deal Expected to Halt Disputes</h1>`) {
		t.Error("the title match is not highlighted")
	}
}

func TestPageNotFound(t *testing.T) {
	srv := newPageServer(t, nil)
	for _, tc := range []struct{ path, heading string }{
		{"/articles/0123456789abcdef", "Article not found"},
		{"/articles/not-an-id?q=cyber", "Article not found"},
		{"/articles/..%2F..%2Fetc%2Fpasswd", "Article not found"},
		{"/nowhere", "Page not found"},
		{"/static/", "Page not found"},
		{"/static/nosuch.css", "Page not found"},
	} {
		body := getPage(t, srv, tc.path, http.StatusNotFound)
		if !strings.Contains(body, "<h1 id=\"error-h\">"+tc.heading+"</h1>") {
			t.Errorf("GET %s: no %q heading", tc.path, tc.heading)
		}
		if !strings.Contains(body, `<a href="/">Go to the search</a>`) {
			t.Errorf("GET %s: no way back", tc.path)
		}
	}
	r := fetch(t, srv, http.MethodPost, "/")
	if r.status != http.StatusMethodNotAllowed || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("POST /: status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
}

func TestPageWriteError(t *testing.T) {
	p, err := newPage()
	if err != nil {
		t.Fatal(err)
	}
	for _, he := range []*httpError{
		{Status: http.StatusServiceUnavailable, Code: "overloaded", Message: "the server is busy: retry in a second", RetryAfter: 1},
		{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "the index is not loaded yet: try again shortly", RetryAfter: 2},
		{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"},
	} {
		rec := httptest.NewRecorder()
		p.writeError(rec, httptest.NewRequest(http.MethodGet, "/?q=%3Cb%3E", nil), he)
		if rec.Code != he.Status {
			t.Errorf("%s: status %d", he.Code, rec.Code)
		}
		if got, want := rec.Header().Get("Retry-After"), fmt.Sprint(he.RetryAfter); he.RetryAfter > 0 && got != want {
			t.Errorf("%s: Retry-After %q, want %q", he.Code, got, want)
		}
		if he.RetryAfter == 0 && rec.Header().Get("Retry-After") != "" {
			t.Errorf("%s: Retry-After without a retry", he.Code)
		}
		body := rec.Body.String()
		checkPageRules(t, he.Code, body)
		if !strings.Contains(body, html.EscapeString(sentence(he.Message))) || strings.Contains(body, "<b>") {
			t.Errorf("%s: body\n%s", he.Code, body)
		}
	}
}

func TestPageStatic(t *testing.T) {
	srv := newPageServer(t, nil)
	body := getPage(t, srv, "/", http.StatusOK)
	css := regexp.MustCompile(`href="(/static/style\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
	js := regexp.MustCompile(`src="(/static/app\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
	if css == nil || js == nil {
		t.Fatal("the page does not link versioned assets")
	}
	for _, tc := range []struct{ path, ctype, cache string }{
		{css[1], "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{js[1], "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/static/style.css", "text/css; charset=utf-8", "public, max-age=86400"},
		{"/static/favicon.svg", "image/svg+xml", "public, max-age=86400"},
	} {
		r := fetch(t, srv, http.MethodGet, tc.path)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != tc.ctype || r.header.Get("Cache-Control") != tc.cache || r.body == "" {
			t.Errorf("GET %s: status %d, type %q, cache %q, %d bytes", tc.path, r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"), len(r.body))
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
		req.Header.Set("If-None-Match", r.header.Get("ETag"))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: status %d, want 304", tc.path, resp.StatusCode)
		}
	}
	for _, path := range []string{"/static/", "/static", "/static/.", "/static/..%2Fweb.go", "/static/../web.go"} {
		if r := fetch(t, srv, http.MethodGet, path); r.status != http.StatusNotFound && r.status != http.StatusMovedPermanently {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
		} else if r.status == http.StatusOK {
			t.Errorf("GET %s: served", path)
		}
	}
}

func TestHelpPage(t *testing.T) {
	srv := newPageServer(t, nil)
	body := getPage(t, srv, "/help", http.StatusOK)
	for _, want := range []string{
		`<h1 id="help-h">Query syntax</h1>`,
		`<code>&#34;exact phrase&#34;</code>`,
		`<a href="/?q=%22critical&#43;infrastructure%22"><code>&#34;critical infrastructure&#34;</code></a>`,
		`<code>title: author: source: section: text:</code>`,
		`<dt><code>sort</code></dt>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("help page lacks %s", want)
		}
	}
	if n := strings.Count(body, "<tr><th scope=\"row\">"); n != len(help.Syntax) {
		t.Errorf("%d syntax rows, want %d", n, len(help.Syntax))
	}
	// Every example runs.
	for _, x := range help.Syntax {
		r := fetch(t, srv, http.MethodGet, "/?q="+url.QueryEscape(x.Example))
		if r.status != http.StatusOK {
			t.Errorf("example %q: status %d", x.Example, r.status)
		}
	}
}
