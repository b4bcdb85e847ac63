package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
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

// marked turns HTML built by the snippet package (escaped text with
// <mark> around matches: Hit.Snippet, Hit.TitleHTML, Hit.SectionHTML,
// ArticleView.TitleHTML, ParagraphView.HTML) into template.HTML. It is the
// only conversion to template.HTML in the server: never pass it article
// text, the query or anything else that was not built by the snippet
// package.
func marked(snippetHTML string) template.HTML {
	return template.HTML(snippetHTML) // #nosec: built and escaped by internal/snippet
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

// ---- the search page ----

// startView is the page without a query: an intro and example queries.
type startView struct {
	Examples []exampleLink
}

type exampleLink struct {
	Query, URL, Note string
}

var startExamples = []struct{ q, note string }{
	{`cyber security`, "both words, anywhere in an article's paragraph"},
	{`"critical infrastructure"`, "an exact phrase"},
	{`espionage -industrial`, "one word without another"},
	{`china (cyber OR hacking)`, "either of two words"},
	{`title:cyber author:"liu xin"`, "in the title, by an author"},
	{`espion*`, "words starting with espion"},
}

// queryErrorView is a malformed query shown next to the box: the message,
// and the query with the offending character picked out.
type queryErrorView struct {
	Message string
	Column  int    // 1-based, in runes; 0 when no character is at fault
	Before  string // the query before the column
	At      string // the character at the column ("" when AtEnd)
	After   string // the rest
	AtEnd   bool   // the column is just past the end of the query
}

func newQueryErrorView(q string, he *httpError) *queryErrorView {
	v := &queryErrorView{Message: he.Message, Column: he.Column}
	runes := []rune(q)
	switch c := he.Column; {
	case c >= 1 && c <= len(runes):
		v.Before, v.At, v.After = string(runes[:c-1]), string(runes[c-1]), string(runes[c:])
	case c == len(runes)+1:
		v.Before, v.AtEnd = q, true
	default:
		v.Column = 0
	}
	return v
}

// searchView is a page of results and what leads from it.
type searchView struct {
	Q          string
	Count      string // "23 articles"
	Took       string // "2.3 ms"
	First      int    // 1-based rank of the first hit on the page
	Last       int
	Page       int
	Pages      int
	Hits       []hitView
	Prev, Next string
	PageLinks  []pageLink
	Sorts      []choiceLink
	Facets     []facetGroup
	Active     []activeFilter
	NoResults  bool   // nothing matches, not even some of the words
	PastEnd    bool   // results exist, but not on this page
	FirstURL   string // page 1, for PastEnd
	AnyNotice  bool   // no article has all the words; these have some
	// Partial are hits with only some of the words, shown after the few
	// that have them all (fewer than fewResults, on page 1).
	Partial    []hitView
	PartialURL string // the whole match=any search
	Suggest    string // "did you mean" query, "" for none
	SuggestURL string
	Tips       []string
}

type hitView struct {
	URL         string
	TitleHTML   string // snippet HTML
	Source      string
	Author      string
	Date        string
	DateTime    string
	SectionHTML string // snippet HTML
	Snippet     string // snippet HTML
	More        int
	MoreURL     string
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis between page numbers
}

type choiceLink struct {
	Label   string
	URL     string
	Current bool
}

type facetGroup struct {
	Label  string
	Values []facetLink
}

type facetLink struct {
	Label string
	Count int
	URL   string
}

type activeFilter struct {
	Kind      string // "Source", "Author", "Date"
	Label     string
	RemoveURL string
}

// searchState is the page's URL state: the parameters links keep.
type searchState struct {
	q, page, sort, source, author, from, to, match, group, size string
}

func newSearchState(p *searchParams) searchState {
	st := searchState{q: p.Q, source: p.Source, author: p.Author, from: p.From, to: p.To}
	if p.Sort != index.SortRelevance {
		st.sort = p.Sort
	}
	if p.Match != "all" {
		st.match = p.Match
	}
	if !p.Group {
		st.group = "paragraph"
	}
	if p.Size != 10 {
		st.size = strconv.Itoa(p.Size)
	}
	if p.Page > 1 {
		st.page = strconv.Itoa(p.Page)
	}
	return st
}

func (st searchState) pairs() [][2]string {
	return [][2]string{{"q", st.q}, {"page", st.page}, {"sort", st.sort}, {"source", st.source},
		{"author", st.author}, {"from", st.from}, {"to", st.to}, {"match", st.match}, {"group", st.group}, {"size", st.size}}
}

// url is the page's URL for the state, q first, empty parameters left out.
func (st searchState) url() string {
	var b strings.Builder
	b.WriteString("/")
	sep := "?"
	for _, kv := range st.pairs() {
		if kv[1] == "" {
			continue
		}
		b.WriteString(sep + kv[0] + "=" + url.QueryEscape(kv[1]))
		sep = "&"
	}
	return b.String()
}

// hidden is the state the search form carries besides q, so that a new
// query keeps the sort, the filters and the page size.
func (st searchState) hidden() []hiddenField {
	var out []hiddenField
	for _, kv := range st.pairs() {
		if kv[0] == "q" || kv[0] == "page" || kv[1] == "" {
			continue
		}
		out = append(out, hiddenField{kv[0], kv[1]})
	}
	return out
}

// with returns a copy changed by f, back on page 1 unless f sets a page.
func (st searchState) with(f func(*searchState)) string {
	st.page = ""
	f(&st)
	return st.url()
}

func (st searchState) atPage(n int) string {
	return st.with(func(s *searchState) {
		if n > 1 {
			s.page = strconv.Itoa(n)
		}
	})
}

// handlePage serves / : the start page without a query, results with one,
// and the query's error next to the box when it is malformed.
func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) error {
	v, err := queryValues(r.URL)
	if err != nil {
		return err
	}
	q := v.Get("q")
	d := &pageData{Q: boxQuery(q)}
	if strings.TrimSpace(q) == "" {
		d.Autofocus = true
		d.Start = &startView{}
		for _, e := range startExamples {
			d.Start.Examples = append(d.Start.Examples, exampleLink{Query: e.q, URL: "/?q=" + url.QueryEscape(e.q), Note: e.note})
		}
		return s.page.render(w, r, "search", http.StatusOK, d)
	}
	d.Title = d.Q
	p, err := parseSearch(v, true)
	if err != nil {
		// Keep the other parameters in the form when only the query is
		// at fault, so that fixing it keeps the sort and the filters.
		other := url.Values{}
		for k, vs := range v {
			other[k] = vs
		}
		other.Set("q", "x")
		if op, oerr := parseSearch(other, true); oerr == nil {
			d.Hidden = newSearchState(op).hidden()
		}
		return s.queryError(w, r, d, err)
	}
	st := newSearchState(p)
	d.Hidden = st.hidden()
	res, err := s.search(r.Context(), p)
	if err != nil {
		return s.queryError(w, r, d, err)
	}
	sv := &searchView{Q: p.Q}
	if res.Total == 0 {
		// Nothing has all the words: say so, look for a spelling
		// correction, and rank by any of the words when there are several.
		sctx, cancel := context.WithTimeout(r.Context(), s.cfg.SearchTimeout)
		var err error
		sv.Suggest, err = s.cfg.Index.Suggest(sctx, p.Q, p.req.Query)
		cancel()
		if err != nil {
			// The results stand without a suggestion.
			s.log.Warn("suggest", "err", err, "request_id", requestID(r.Context()))
		}
		if sv.Suggest == p.Q {
			sv.Suggest = ""
		}
		if sv.Suggest != "" {
			sv.SuggestURL = st.with(func(s *searchState) { s.q = sv.Suggest })
		}
		if !p.req.MatchAny && len(query.Leaves(p.req.Query)) >= 2 {
			p.req.MatchAny = true
			anyRes, err := s.search(r.Context(), p)
			if err != nil {
				return s.queryError(w, r, d, err)
			}
			if anyRes.Total > 0 {
				res, sv.AnyNotice = anyRes, true
			}
		}
	}
	fillResults(sv, p, st, res)
	if res.Total > 0 && res.Total < fewResults && p.Page == 1 && !p.req.MatchAny && len(query.Leaves(p.req.Query)) >= 2 {
		// Very few have all the words: add some that have only some.
		if err := s.addPartial(r.Context(), sv, p, st, res); err != nil {
			return s.queryError(w, r, d, err)
		}
	}
	d.Search = sv
	return s.page.render(w, r, "search", http.StatusOK, d)
}

// fewResults is the count of strict results below which the page adds
// results that have only some of the words.
const fewResults = 3

// addPartial runs p with match=any and adds to sv, as Partial, the hits
// that are not already among res's.
func (s *Server) addPartial(ctx context.Context, sv *searchView, p *searchParams, st searchState, res *index.Result) error {
	ap := *p
	ap.req.MatchAny, ap.req.NoFacets = true, true
	anyRes, err := s.search(ctx, &ap)
	if err != nil {
		return err
	}
	shown := map[string]bool{} // paragraph ids, and article ids when grouped
	for _, h := range res.Hits {
		shown[h.ID] = true
		if p.Group {
			shown[h.ArticleID] = true
		}
	}
	for _, h := range anyRes.Hits {
		if len(res.Hits)+len(sv.Partial) >= p.Size {
			break
		}
		if shown[h.ID] || shown[h.ArticleID] {
			continue
		}
		sv.Partial = append(sv.Partial, makeHitView(h, p))
	}
	if len(sv.Partial) > 0 {
		sv.PartialURL = st.with(func(s *searchState) { s.match = "any" })
	}
	return nil
}

// queryError shows a bad request (a malformed query, a bad parameter, a
// query too broad) next to the box with status 400. Other errors go to the
// adapter, which renders the error page.
func (s *Server) queryError(w http.ResponseWriter, r *http.Request, d *pageData, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	he := toHTTPError(err)
	if he.Status != http.StatusBadRequest {
		return err
	}
	d.Title = "Error: " + d.Q
	d.Autofocus = true
	d.QError = newQueryErrorView(d.Q, he)
	return s.page.render(w, r, "search", http.StatusBadRequest, d)
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

// makeHitView is a hit as the page shows it.
func makeHitView(h index.Hit, p *searchParams) hitView {
	hv := hitView{URL: articlePath(h.ArticleID, p.Q, h.Paragraph), TitleHTML: snippet.Highlight(h.Title, h.TitleMatch), Source: h.Source,
		Author: h.Author, Date: humanDate(h.Published), SectionHTML: snippet.Highlight(h.Section, h.SectionMatch),
		Snippet: snippet.Build(h.Text, h.Matches, snippet.Options{}).HTML}
	if !h.Published.IsZero() {
		hv.DateTime = h.Published.Format(time.RFC3339)
	}
	if p.Group && h.MoreMatches > 0 {
		hv.More, hv.MoreURL = h.MoreMatches, articlePath(h.ArticleID, p.Q, 0)
	}
	return hv
}

func fillResults(sv *searchView, p *searchParams, st searchState, res *index.Result) {
	unit, units := "article", "articles"
	if !p.Group {
		unit, units = "paragraph", "paragraphs"
	}
	sv.Count = plural(res.Total, unit, units)
	if !res.TotalExact {
		sv.Count = "more than " + sv.Count
	}
	sv.Took = formatTook(res.Took)
	sv.Page = p.Page
	sv.NoResults = res.Total == 0
	if sv.NoResults {
		sv.Tips = []string{"Use fewer words, or more general ones.", "Check the spelling."}
		if p.Source != "" || p.Author != "" || p.From != "" || p.To != "" {
			sv.Tips = append(sv.Tips, "Remove a filter.")
		}
		sv.Tips = append(sv.Tips, "Search for words of an exact phrase without the quotes.")
	}
	sv.First = (p.Page-1)*p.Size + 1
	sv.Last = sv.First + len(res.Hits) - 1
	if res.Total > 0 && len(res.Hits) == 0 {
		sv.PastEnd, sv.FirstURL = true, st.atPage(1)
	}
	for _, h := range res.Hits {
		sv.Hits = append(sv.Hits, makeHitView(h, p))
	}

	// Pages: as many as the total fills, no deeper than the window allows.
	sv.Pages = (res.Total + p.Size - 1) / p.Size
	if limit := index.MaxWindow / p.Size; sv.Pages > limit {
		sv.Pages = limit
	}
	if p.Page > 1 {
		sv.Prev = st.atPage(min(p.Page-1, max(sv.Pages, 1)))
	}
	if p.Page < sv.Pages || (!res.TotalExact && len(res.Hits) == p.Size && (p.Page+1)*p.Size <= index.MaxWindow) {
		sv.Next = st.atPage(p.Page + 1)
	}
	if sv.Pages > 1 {
		last := 0
		for n := 1; n <= sv.Pages; n++ {
			if n != 1 && n != sv.Pages && (n < p.Page-2 || n > p.Page+2) {
				continue
			}
			if last > 0 && n > last+1 {
				sv.PageLinks = append(sv.PageLinks, pageLink{Gap: true})
			}
			sv.PageLinks = append(sv.PageLinks, pageLink{N: n, URL: st.atPage(n), Current: n == p.Page})
			last = n
		}
	}

	for _, o := range []struct{ label, sort string }{{"relevance", index.SortRelevance}, {"date", index.SortDate}} {
		sort := o.sort
		if sort == index.SortRelevance {
			sort = ""
		}
		sv.Sorts = append(sv.Sorts, choiceLink{Label: o.label, Current: p.Sort == o.sort,
			URL: st.with(func(s *searchState) { s.sort = sort })})
	}

	// Filters: the active ones with a way out, and the facets to narrow.
	if p.Source != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Source", Label: p.Source,
			RemoveURL: st.with(func(s *searchState) { s.source = "" })})
	}
	if p.Author != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Author", Label: p.Author,
			RemoveURL: st.with(func(s *searchState) { s.author = "" })})
	}
	if p.From != "" || p.To != "" {
		sv.Active = append(sv.Active, activeFilter{Kind: "Date", Label: dateRangeLabel(p.From, p.To),
			RemoveURL: st.with(func(s *searchState) { s.from, s.to = "", "" })})
	}
	counts := res.Facets
	if counts == nil { // facets=false
		counts = &index.Facets{}
	}
	if p.Source == "" && len(counts.Source) > 0 {
		g := facetGroup{Label: "Source"}
		for _, f := range counts.Source {
			v := f.Value
			g.Values = append(g.Values, facetLink{Label: v, Count: f.Count, URL: st.with(func(s *searchState) { s.source = v })})
		}
		sv.Facets = append(sv.Facets, g)
	}
	if p.Author == "" && len(counts.Author) > 0 {
		g := facetGroup{Label: "Author"}
		for _, f := range counts.Author {
			v := f.Value
			g.Values = append(g.Values, facetLink{Label: v, Count: f.Count, URL: st.with(func(s *searchState) { s.author = v })})
		}
		sv.Facets = append(sv.Facets, g)
	}
	if p.From == "" && p.To == "" && len(counts.Month) > 0 {
		g := facetGroup{Label: "Month"}
		for _, f := range counts.Month {
			from, to, label, ok := monthRange(f.Value)
			if !ok {
				continue
			}
			g.Values = append(g.Values, facetLink{Label: label, Count: f.Count,
				URL: st.with(func(s *searchState) { s.from, s.to = from, to })})
		}
		if len(g.Values) > 0 {
			sv.Facets = append(sv.Facets, g)
		}
	}
}

// monthRange turns a month facet value (YYYY-MM) into the from and to
// dates of that month and a label: Sep 2015.
func monthRange(m string) (from, to, label string, ok bool) {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "", "", "", false
	}
	end := t.AddDate(0, 1, -1)
	return t.Format("2006-01-02"), end.Format("2006-01-02"), t.Format("Jan 2006"), true
}

// dateRangeLabel describes a from/to filter: a whole month by its name.
func dateRangeLabel(from, to string) string {
	if from != "" && to != "" {
		if f, err := time.Parse("2006-01-02", from); err == nil && f.Day() == 1 {
			if mf, mt, label, ok := monthRange(f.Format("2006-01")); ok && mf == from && mt == to {
				return label
			}
		}
		return from + " to " + to
	}
	if from != "" {
		return "from " + from
	}
	return "until " + to
}

// ---- the article page ----

type articleView struct {
	Title     string
	TitleHTML string // snippet HTML, "" when the title does not match
	Source    string
	Author    string
	Date      string
	DateTime  string
	Editors   string
	BackURL   string
	BackLabel string
	Hits      []int // the matching paragraphs
	Paras     []paraView
}

type paraView struct {
	N       int
	Heading string // the section heading to show before the paragraph
	Text    string
	HTML    string // snippet HTML when the paragraph matches
}

func (s *Server) handleArticlePage(w http.ResponseWriter, r *http.Request) error {
	v, q, err := s.article(r)
	if err != nil && toHTTPError(err).Status == http.StatusBadRequest {
		// A bad q must not hide the article: show it without highlights.
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.SearchTimeout)
		q = ""
		v, err = s.cfg.Index.Article(ctx, mux.Vars(r)["id"], nil)
		cancel()
	}
	if err != nil {
		return err
	}
	av := &articleView{Title: v.Title, Source: v.Source, Author: v.Author,
		Date: humanDate(v.Published), Editors: v.Editors, BackURL: "/", BackLabel: "New search"}
	if !v.Published.IsZero() {
		av.DateTime = v.Published.Format(time.RFC3339)
	}
	if len(v.TitleMatch) > 0 {
		av.TitleHTML = snippet.Highlight(v.Title, v.TitleMatch)
	}
	if q != "" {
		av.BackURL = "/?q=" + url.QueryEscape(q)
		av.BackLabel = "Back to the results"
	}
	section := ""
	for _, p := range v.Paragraphs {
		pv := paraView{N: p.N, Text: p.Text}
		if len(p.Matches) > 0 {
			pv.HTML = snippet.Highlight(p.Text, p.Matches)
		}
		if p.Section != section && p.Section != "" {
			pv.Heading = p.Section
		}
		section = p.Section
		if pv.HTML != "" {
			av.Hits = append(av.Hits, p.N)
		}
		av.Paras = append(av.Paras, pv)
	}
	d := &pageData{Title: v.Title, Q: q, Article: av}
	return s.page.render(w, r, "article", http.StatusOK, d)
}

// ---- the help page ----

type helpView struct {
	Syntax  []helpSyntax
	Params  []Param
	Offsets string
	Errors  string
}

type helpSyntax struct {
	Syntax, Meaning, Example, ExampleURL string
}

func (s *Server) handleHelpPage(w http.ResponseWriter, r *http.Request) error {
	hv := &helpView{Params: help.Params, Offsets: help.Offsets, Errors: help.Errors}
	for _, x := range help.Syntax {
		hv.Syntax = append(hv.Syntax, helpSyntax{Syntax: x.Syntax, Meaning: x.Meaning, Example: x.Example,
			ExampleURL: "/?q=" + url.QueryEscape(x.Example)})
	}
	q := r.URL.Query().Get("q")
	if !utf8.ValidString(q) {
		q = ""
	}
	d := &pageData{Title: "Query syntax", Q: boxQuery(q), Help: hv}
	return s.page.render(w, r, "help", http.StatusOK, d)
}
