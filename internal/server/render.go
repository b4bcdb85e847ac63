package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsroom/newsearch/web"
)

// page renders the HTML pages from the templates embedded in package web
// and serves web's static assets. It is built once by newPage and is safe
// for concurrent use.
type page struct {
	tmpl   map[string]*template.Template // by page name: search, article, help, error
	assets map[string]*asset             // by name under web/static
}

// asset is one embedded static file.
type asset struct {
	content     []byte
	contentType string
	etag        string
	version     string // short content hash, the ?v= of the asset's URL
}

// Page templates: each is layout.html plus the file of the page, which
// defines "content".
var pageNames = []string{"search", "article", "help", "error"}

// Cache lifetimes of static assets. Pages link assets with ?v=<content
// hash>, so a versioned URL never changes content and may be cached for a
// year; an unversioned request gets a day.
const (
	cacheVersioned   = "public, max-age=31536000, immutable"
	cacheUnversioned = "public, max-age=86400"
)

func newPage() (*page, error) {
	p := &page{tmpl: map[string]*template.Template{}, assets: map[string]*asset{}}
	if err := p.loadAssets(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"marked": marked,
		"asset":  p.assetURL,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(web.FS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("page templates: %w", err)
	}
	for _, name := range pageNames {
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("page templates: %w", err)
		}
		if t, err = t.ParseFS(web.FS, "templates/"+name+".html"); err != nil {
			return nil, fmt.Errorf("page templates: %w", err)
		}
		p.tmpl[name] = t
	}
	return p, nil
}

// marked turns HTML made by the search service (escaped text with <mark>
// around matches: search.Hit's SnippetHTML, TitleHTML, SectionHTML,
// search.Article's TitleHTML, search.Paragraph's HTML) into template.HTML.
// It is the only conversion to template.HTML in the server: never pass it
// article text, the query or anything else that the service did not make
// as HTML.
func marked(snippetHTML string) template.HTML {
	return template.HTML(snippetHTML) // #nosec: escaped by the search service (internal/snippet)
}

var assetTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
}

func (p *page) loadAssets() error {
	static, err := fs.Sub(web.FS, "static")
	if err != nil {
		return err
	}
	return fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		ct := assetTypes[path.Ext(name)]
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		p.assets[name] = &asset{content: b, contentType: ct, etag: `"` + h[:32] + `"`, version: h[:12]}
		return nil
	})
}

// assetURL is the template func "asset": the versioned URL of a static file.
func (p *page) assetURL(name string) (string, error) {
	a, ok := p.assets[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "/static/" + name + "?v=" + a.version, nil
}

// static serves the embedded assets under /static/. Only files are
// served: a directory (/static/ itself included) or anything else is 404.
func (p *page) static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		a, ok := p.assets[name]
		if !ok {
			p.writeError(w, r, errNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		if r.URL.Query().Get("v") == a.version {
			h.Set("Cache-Control", cacheVersioned)
		} else {
			h.Set("Cache-Control", cacheUnversioned)
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.content))
	})
}

// pageData is what every page template receives. The layout uses the
// first group of fields; each page reads its own view.
type pageData struct {
	Title     string // the start of <title>, "" for the bare site name
	Q         string // the query in the box
	Hidden    []hiddenField
	Autofocus bool
	QError    *queryErrorView

	Start   *startView
	Search  *searchView
	Article *articleView
	Help    *helpView
	Error   *errorView
}

type hiddenField struct{ Name, Value string }

// siteDescription describes the site where a page has nothing of its own.
const siteDescription = "newsearch: full-text search over news articles, by words, phrases, dates, sources and authors."

// MetaDescription is the page's <meta name="description">: what the page
// is, in a sentence a search engine or a link preview can show.
func (d *pageData) MetaDescription() string {
	s := siteDescription
	switch {
	case d.Article != nil:
		a := d.Article
		s = a.Title
		var by []string
		for _, v := range []string{a.Author, a.Source, a.Date} {
			if v != "" {
				by = append(by, v)
			}
		}
		if len(by) > 0 {
			s += " (" + strings.Join(by, ", ") + ")"
		}
		if len(a.Paras) > 0 {
			s += ": " + a.Paras[0].Text
		}
	case d.Help != nil:
		s = "How to write newsearch queries: words, phrases, exclusions, prefixes, dates, sources and authors."
	case d.Search != nil && d.Q != "":
		s = "News articles matching " + d.Q + ", found by newsearch, a full-text search over news articles."
	case d.Error != nil:
		s = d.Error.Heading + ". " + siteDescription
	}
	return cutRunes(strings.Join(strings.Fields(s), " "), 160)
}

// cutRunes shortens s to at most n runes, ending with "…" when cut.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// render executes a page into a buffer and writes it only when complete,
// so that a failing template is a clean error and never half a page.
func (p *page) render(w http.ResponseWriter, r *http.Request, name string, status int, d *pageData) error {
	var buf bytes.Buffer
	if err := p.tmpl[name].ExecuteTemplate(&buf, "layout", d); err != nil {
		return fmt.Errorf("render %s page: %w", name, err)
	}
	writeHTML(w, r, status, buf.Bytes())
	return nil
}

func writeHTML(w http.ResponseWriter, r *http.Request, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// errorView is the body of an error page.
type errorView struct {
	Status    int
	Heading   string
	Message   string
	RequestID string
}

// fallbackErrorPage is written when the error template itself fails.
const fallbackErrorPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Error · newsearch</title>` +
	`<h1>Something went wrong</h1><p><a href="/">Back to the search</a></p></html>`

// writeError renders he as an HTML error page with its status, and with
// Retry-After when the client should come back.
func (p *page) writeError(w http.ResponseWriter, r *http.Request, he *httpError) {
	if he.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.RetryAfter))
	}
	heading := http.StatusText(he.Status)
	switch he.Status {
	case http.StatusNotFound:
		heading = "Page not found"
		if he.Code == "not_found" && strings.HasPrefix(r.URL.Path, "/articles/") {
			heading = "Article not found"
		}
	case http.StatusServiceUnavailable:
		heading = "Try again in a moment"
	case http.StatusInternalServerError:
		heading = "Something went wrong"
	}
	if heading == "" {
		heading = "Error"
	}
	d := &pageData{Title: heading, Q: boxQuery(r.URL.Query().Get("q")),
		Error: &errorView{Status: he.Status, Heading: heading, Message: sentence(he.Message), RequestID: requestID(r.Context())}}
	var buf bytes.Buffer
	if err := p.tmpl["error"].ExecuteTemplate(&buf, "layout", d); err != nil {
		buf.Reset()
		buf.WriteString(fallbackErrorPage)
	}
	writeHTML(w, r, he.Status, buf.Bytes())
}

// sentence makes an error message a sentence: a capital first letter
// and a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = strings.ToUpper(string(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") && !strings.HasSuffix(msg, "?") && !strings.HasSuffix(msg, "!") {
		msg += "."
	}
	return msg
}

// boxQuery is q as shown in the search box: valid UTF-8, and not longer
// than a query may be (a longer one is cut, never reflected whole).
func boxQuery(q string) string {
	q = strings.ToValidUTF8(q, "\uFFFD")
	if len(q) > 4*MaxQueryBytes {
		q = logText(q, 4*MaxQueryBytes)
	}
	return q
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + many
}

// formatCount writes n with thousands separators: 12,345.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func formatTook(d time.Duration) string {
	ms := float64(d.Microseconds()) / 1000
	if ms < 10 {
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
}

// humanDate is a publication time as people read it, in the article's own
// offset: 21 Sep 2015 22:51 +08:00.
func humanDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 Jan 2006 15:04 -07:00")
}
