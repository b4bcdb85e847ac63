package webpage

import (
	"bytes"
	"encoding/json"
	nurl "net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html/atom"

	"github.com/gogs/chardet"
	"github.com/newsroom/newsearch/index/doc"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/language"
)

// rxCharset finds a charset declared anywhere in the page's head (meta
// charset, http-equiv Content-Type, an XML declaration's encoding): many
// pages declare it after more than the 1,024 bytes HTML's prescan reads.
var rxCharset = regexp.MustCompile(`(?i)<(?:meta[^>]+charset|\?xml[^>]+encoding)\s*=\s*["']?\s*([a-z0-9_:.\-]+)`)

// decode returns the page as UTF-8. A byte-order mark decides; then a
// page that is valid UTF-8 is UTF-8 whatever it declares (pages saved or
// re-served as UTF-8 keep their old Latin-1 declarations, and valid
// multibyte UTF-8 is almost never meant as Latin-1); then the declared
// charset; then a detected one; then Windows-1252, HTML's default.
func decode(data []byte) []byte {
	if e, name, certain := charset.DetermineEncoding(data, ""); certain {
		return convert(e, name, data)
	}
	if utf8.Valid(data) {
		return data
	}
	head := data
	if len(head) > 16<<10 {
		head = head[:16<<10]
	}
	if m := rxCharset.FindSubmatch(head); m != nil {
		if e, name := charset.Lookup(string(m[1])); e != nil {
			return convert(e, name, data)
		}
	}
	if r, err := chardet.NewHtmlDetector().DetectBest(data); err == nil && r.Confidence >= 50 {
		if e, name := charset.Lookup(r.Charset); e != nil {
			return convert(e, name, data)
		}
	}
	return convert(charmap.Windows1252, "windows-1252", data)
}

func convert(e encoding.Encoding, name string, data []byte) []byte {
	if name == "utf-8" {
		return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return out
}

// titleSeparators split a page title into the headline and the site's
// name ("Headline | Site", "Site - Headline").
func titleSeparators() []string {
	return []string{" | ", " – ", " — ", " - ", " :: ", " · ", " » ", " « ", " › ", " / ", ": ", "|"}
}

// cleanTitle returns the headline of a page title: the part that is not
// the site's name, when the title is the headline and the site's name
// joined by a separator.
func cleanTitle(title, site string) string {
	title = collapse(title)
	site = strings.ToLower(collapse(site))
	if title == "" || site == "" {
		return title
	}
	for _, sep := range titleSeparators() {
		i := strings.Index(title, sep)
		if i < 0 {
			continue
		}
		if j := strings.LastIndex(title, sep); j >= 0 && sameSite(title[j+len(sep):], site) {
			if h := strings.TrimSpace(title[:j]); h != "" {
				return h
			}
		}
		if sameSite(title[:i], site) {
			if h := strings.TrimSpace(title[i+len(sep):]); h != "" {
				return h
			}
		}
	}
	return title
}

// headline is the article's title: a heading that agrees with another
// statement of the title (agreedHeadline); else the heading (h1 or h2)
// right above the body's first paragraph when it shares most of its words
// with one of the page's statements of its title (<title>, og:title, …);
// else an h1 that does, or the page's only substantial h1; else the title
// the statements agree on without the site's name (statedTitle). Sites put
// a shortened or rewritten title, often with a section or the site's name,
// in <title> and og:title, while the h1 is the headline the reader sees.
func headline(root *html.Node, title, site, pageURL string, body []doc.Paragraph) string {
	h := chooseHeadline(root, title, site, pageURL, body)
	// A date before the headline ("23.01.2022 - Headline") is the
	// article's date, not its title.
	if loc := leadingDate.FindStringIndex(h); loc != nil && loc[1] < len(h) {
		h = h[loc[1]:]
	}
	return h
}

// leadingDate is a numeric date and a separator at the start of a title.
var leadingDate = regexp.MustCompile(`^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*[-–—|:•·]\s*`)

// chooseHeadline is headline before its date is taken off.
func chooseHeadline(root *html.Node, title, site, pageURL string, body []doc.Paragraph) string {
	sites := append([]string{site}, hostNames(pageURL)...)
	metas := metaTitles(root, title)
	if h := agreedHeadline(root, metas, sites...); h != "" {
		return h
	}
	meta := statedTitle(metas, sites)
	if meta == "" {
		meta = cleanTitle(title, site)
	}
	titles := []string{title}
	for _, m := range metas {
		titles = append(titles, m.text)
	}
	h := unagreedHeadline(root, titles, meta, body)
	if isSiteName(h, sites) {
		// The site's name is no headline (a logo in an h1): the heading
		// above the body, else the metadata's title, when not the site's
		// name too.
		for _, alt := range []string{headingAbove(root, body), meta} {
			if alt != "" && !isSiteName(alt, sites) {
				return alt
			}
		}
	}
	return h
}

// unagreedHeadline is the headline when no heading agrees with a statement
// of the title (titles: the page's statements), meta the title they agree
// on: see headline.
func unagreedHeadline(root *html.Node, titles []string, meta string, body []doc.Paragraph) string {
	overlapTitle := func(h string) float64 {
		best := 0.0
		for _, t := range titles {
			best = max(best, overlap(h, t))
		}
		return best
	}
	if h := headingAbove(root, body); h != "" && overlapTitle(h) >= 0.5 {
		return h
	}
	var h1s []string
	for _, n := range dom.GetElementsByTagName(root, "h1") {
		if t := collapse(headlineText(n)); len(t) >= 8 && len(t) <= 400 {
			h1s = append(h1s, t)
		}
	}
	best, bestScore := "", 0.0
	for _, h := range h1s {
		if s := overlapTitle(h); s > bestScore {
			best, bestScore = h, s
		}
	}
	if bestScore >= 0.5 {
		return best
	}
	// No h1 agrees: an h2 may be the headline, when it is most of the
	// metadata's title (which adds a section or a kicker to it).
	for _, n := range dom.GetElementsByTagName(root, "h2") {
		h := collapse(textOf(n))
		for _, title := range titles {
			if len(strings.Fields(h)) >= 3 && overlap(h, title) >= 0.8 && overlap(title, h) >= 0.5 {
				return h
			}
		}
	}
	if len(h1s) == 1 && (meta == "" || len(strings.Fields(h1s[0])) >= 3) {
		return h1s[0]
	}
	return meta
}

// headingAbove is the last h1 or h2 before the body's first paragraph in
// the page, "" when there is none or the paragraph is not found.
func headingAbove(root *html.Node, body []doc.Paragraph) string {
	var first string
	for _, p := range body {
		if len(p.Text) >= 20 {
			first = p.Text[:20]
			break
		}
	}
	if first == "" {
		return ""
	}
	last, found := "", false
	var rec func(*html.Node) bool
	rec = func(n *html.Node) bool {
		switch n.Type {
		case html.ElementNode:
			switch t := tagOf(n); {
			case isSkipped(t):
				return false
			case t == atom.H1 || t == atom.H2:
				last = collapse(headlineText(n))
				return false
			}
		case html.TextNode:
			if strings.HasPrefix(collapse(n.Data), first) {
				found = true
				return true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if rec(c) {
				return true
			}
		}
		return false
	}
	rec(root)
	if !found || len(strings.Fields(last)) < 2 || len(last) > 400 {
		return ""
	}
	return last
}

// headlineText is an h1's headline. Many sites put a kicker (a topic
// line, "Nach Corona-Lockerungen") in the h1 beside the headline, each in
// an element of its own: then the headline is the longest of those parts.
func headlineText(h *html.Node) string {
	var parts []string
	for c := h.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			if t := collapse(textOf(c)); t != "" {
				parts = append(parts, t)
			}
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				// Text directly in the h1 beside elements: the elements are
				// inline markup of one headline, not parts.
				return textOf(h)
			}
		}
	}
	if len(parts) < 2 {
		return textOf(h)
	}
	best := parts[0]
	for _, p := range parts[1:] {
		if len(strings.Fields(p)) > len(strings.Fields(best)) {
			best = p
		}
	}
	if len(strings.Fields(best)) < 3 {
		return textOf(h)
	}
	return best
}

// overlap is the share of a's words that occur in b, ignoring case.
func overlap(a, b string) float64 {
	aw := strings.Fields(strings.ToLower(a))
	if len(aw) == 0 {
		return 0
	}
	in := make(map[string]bool)
	for _, w := range strings.Fields(strings.ToLower(b)) {
		in[strings.Trim(w, ".,:;!?\"'()„“”«»|-–—")] = true
	}
	n := 0
	for _, w := range aw {
		if in[strings.Trim(w, ".,:;!?\"'()„“”«»|-–—")] {
			n++
		}
	}
	return float64(n) / float64(len(aw))
}

// sameSite says whether part of a title names the site: equal to the
// site's name, ignoring case, spaces and a leading "www.", or one
// containing the other (the name "Spiegel" and "SPIEGEL ONLINE").
func sameSite(part, site string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimPrefix(strings.ToLower(collapse(s)), "www."))
		return strings.ReplaceAll(s, " ", "")
	}
	p, s := norm(part), norm(site)
	if p == "" || s == "" {
		return false
	}
	return p == s || (len(p) >= 3 && strings.Contains(s, p)) || (len(s) >= 3 && strings.Contains(p, s))
}

// cleanAuthor collapses space in the author names go-trafilatura found
// (several are joined by "; ").
func cleanAuthor(a string) string { return collapse(a) }

// canonical is the page's canonical URL (go-trafilatura reads link
// rel=canonical and og:url), resolved against pageURL, or pageURL.
func canonical(found, pageURL string) string {
	found, pageURL = strings.TrimSpace(found), strings.TrimSpace(pageURL)
	if found == "" {
		return pageURL
	}
	u, err := nurl.Parse(found)
	if err != nil {
		return pageURL
	}
	if !u.IsAbs() {
		base, err := nurl.Parse(pageURL)
		if err != nil || !base.IsAbs() {
			return pageURL
		}
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return pageURL
	}
	return u.String()
}

// languageTag is the page's language as a BCP 47 tag ("de", "en-GB"), ""
// when the page declares none or an invalid one.
func languageTag(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" {
		return ""
	}
	t, err := language.Parse(s)
	if err != nil || t == language.Und {
		return ""
	}
	return t.String()
}

// published returns the page's publication time. go-trafilatura's date
// (from htmldate) is the day; when the page states that day with a time
// and an offset (Open Graph's article:published_time, JSON-LD's
// datePublished, itemprop, <time datetime>), that time is kept, in the
// page's own offset.
func published(root *html.Node, day time.Time) time.Time {
	if day.IsZero() {
		return time.Time{}
	}
	want := day.Format(time.DateOnly)
	for _, s := range timeCandidates(root) {
		t, ok := parseTime(s)
		if ok && t.Format(time.DateOnly) == want {
			return t
		}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
}

// timeCandidates lists the page's machine-readable publication times, the
// most specific sources first.
func timeCandidates(root *html.Node) []string {
	var out []string
	for _, sel := range []string{
		`meta[property="article:published_time"]`, `meta[property="og:published_time"]`,
		`meta[name="article:published_time"]`, `meta[itemprop="datePublished"]`,
		`meta[name="date"]`, `meta[name="pubdate"]`, `meta[name="DC.date.issued"]`,
		`meta[name="dcterms.created"]`,
	} {
		for _, n := range dom.QuerySelectorAll(root, sel) {
			out = append(out, dom.GetAttribute(n, "content"))
		}
	}
	for _, n := range dom.QuerySelectorAll(root, `script[type="application/ld+json"]`) {
		out = append(out, jsonLDDates(dom.TextContent(n))...)
	}
	for _, n := range dom.QuerySelectorAll(root, `[itemprop="datePublished"], time[datetime]`) {
		out = append(out, dom.GetAttribute(n, "datetime"), dom.GetAttribute(n, "content"))
	}
	return out
}

// jsonLDDates finds every datePublished in a JSON-LD script, however
// deeply nested (@graph, arrays, mainEntity).
func jsonLDDates(src string) []string {
	var v any
	if err := json.NewDecoder(bytes.NewReader([]byte(src))).Decode(&v); err != nil {
		return nil
	}
	return jsonLDStrings(v, "datePublished")
}

// jsonLDStrings returns every string value of key in decoded JSON-LD, in
// document order, however deeply nested (@graph, arrays, mainEntity), to
// a depth of 16.
func jsonLDStrings(v any, key string) []string {
	var out []string
	var rec func(any, int)
	rec = func(v any, depth int) {
		if depth > 16 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x[key].(string); ok {
				out = append(out, s)
			}
			for _, c := range x {
				rec(c, depth+1)
			}
		case []any:
			for _, c := range x {
				rec(c, depth+1)
			}
		}
	}
	rec(v, 0)
	return out
}

// timeLayouts are the machine-readable forms of a time with an offset.
func timeLayouts() []string {
	return []string{
		time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02T15:04-07:00",
		"2006-01-02T15:04:05.000-0700", "2006-01-02 15:04:05-07:00", "2006-01-02 15:04:05 -0700",
	}
}

// parseTime parses a time that states its offset; a time without one is
// not taken (its zone is unknown).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 16 {
		return time.Time{}, false
	}
	for _, l := range timeLayouts() {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
