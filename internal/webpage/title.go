package webpage

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// The headline by agreement: a page states its title several times, for
// different readers (<title> for the browser's tab, og:title and
// twitter:title for link previews, JSON-LD's headline for search engines,
// the h1 for the reader), and each statement may add a kicker, a section
// or the site's name. The headline the reader sees is the heading that one
// of the other statements gives as it is, or as one of its parts around a
// separator ("Kicker: Headline", "Headline | Site").

// statement is one of the page's statements of its title, with the weight
// its agreement with a heading carries: the ones written for people
// reading a link (og:title, JSON-LD's headline) carry most, the browser's
// tab and the other meta titles less, the title go-trafilatura chose
// least (it is often one of the page's headings itself).
type statement struct {
	text   string
	weight float64
}

// metaTitles are the page's statements of its title other than its
// headings: <title>, the Open Graph, Twitter, Dublin Core and plain meta
// titles, JSON-LD headlines, and the title go-trafilatura chose (chosen).
func metaTitles(root *html.Node, chosen string) []statement {
	var out []statement
	add := func(s string, w float64) {
		if s = collapse(s); titleKey(s) != "" {
			out = append(out, statement{s, w})
		}
	}
	add(chosen, 0.25)
	// The document's <title> is the first: later ones are the titles of
	// inline SVG icons ("Facebook").
	if ts := dom.GetElementsByTagName(root, "title"); len(ts) > 0 {
		add(dom.TextContent(ts[0]), 1)
	}
	for _, n := range dom.GetElementsByTagName(root, "meta") {
		switch strings.ToLower(dom.GetAttribute(n, "property") + dom.GetAttribute(n, "name")) {
		case "og:title":
			add(dom.GetAttribute(n, "content"), 2)
		case "twitter:title", "title", "dc.title", "dcterms.title", "headline":
			add(dom.GetAttribute(n, "content"), 1)
		}
	}
	for _, n := range dom.QuerySelectorAll(root, `script[type="application/ld+json"]`) {
		for _, s := range jsonLDHeadlines(dom.TextContent(n)) {
			add(s, 2)
		}
	}
	return out
}

// jsonLDHeadlines finds every headline in a JSON-LD script, however deeply
// nested.
func jsonLDHeadlines(src string) []string {
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return nil
	}
	out := jsonLDStrings(v, "headline")
	for i, s := range out {
		out[i] = html.UnescapeString(s)
	}
	return out
}

// titleKey is the form in which two statements of a title are compared:
// NFC, case folded, typographic quotes and dashes as ASCII, white space
// collapsed, and the ends trimmed of space and of separators' punctuation.
func titleKey(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '‘', '’', '‚', '‛', '´', '`':
			return '\''
		case '“', '”', '„', '‟', '«', '»':
			return '"'
		case '–', '—', '‐', '‑', '−':
			return '-'
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		if unicode.IsSpace(r) {
			return ' '
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " |:-·/»›")
}

// titlePart is one way a statement of the title may hold the headline.
type titlePart struct {
	text string
	// rest is, when the part opens the statement and a colon follows it
	// ("Kicker: Headline"), the piece after the colon: the part is then a
	// kicker when the page shows that piece as a heading of its own.
	rest string
}

// titleParts are the ways a statement of the title may hold the headline:
// the whole, and every run of its pieces between separators ("Site »
// Section » Headline" gives "Headline", "Kicker - Headline | Site" gives
// "Headline").
func titleParts(s string) []titlePart {
	type cut struct{ at, end int }
	var cuts []cut
	for _, sep := range titleSeparators() {
		for i := 0; ; {
			j := strings.Index(s[i:], sep)
			if j < 0 {
				break
			}
			j += i
			cuts = append(cuts, cut{j, j + len(sep)})
			i = j + len(sep)
		}
	}
	if len(cuts) > 12 {
		cuts = cuts[:12]
	}
	slices.SortFunc(cuts, func(a, b cut) int { return a.at - b.at })
	// bounds: the start of each piece and the end of each piece.
	starts, ends := []int{0}, []int{}
	for _, c := range cuts {
		if c.at < starts[len(starts)-1] {
			continue // overlapping separators (" - " inside " :: ")
		}
		ends = append(ends, c.at)
		starts = append(starts, c.end)
	}
	ends = append(ends, len(s))
	out := make([]titlePart, 0, len(starts)*(len(starts)+1)/2)
	for i := range starts {
		for j := i; j < len(ends); j++ {
			if starts[i] <= ends[j] {
				rest := ""
				if i == 0 && j < len(ends)-1 && strings.HasPrefix(s[ends[j]:], ": ") {
					rest = s[starts[j+1]:ends[j+1]]
				}
				out = append(out, titlePart{s[starts[i]:ends[j]], rest})
			}
		}
	}
	return out
}

// heading is a candidate headline in the page's headings.
type heading struct {
	text  string
	level int // 1 for h1, 2 for h2
}

// headings lists the texts of the page's h1 and h2 elements in the order
// of the page; a heading made of parts (a kicker and the headline, each in
// an element of its own) gives its parts instead: the headline the reader
// reads is the part, the kicker is set apart above it.
func headings(root *html.Node) []heading {
	var out []heading
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.ElementNode {
			t := tagOf(n)
			if isSkipped(t) {
				return
			}
			level := 0
			switch t {
			case atom.H1:
				level = 1
			case atom.H2:
				level = 2
			}
			if level > 0 {
				parts := headingParts(n)
				if parts == nil {
					parts = []string{collapse(textOf(n))}
				}
				for _, p := range parts {
					out = append(out, heading{p, level})
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(root)
	return out
}

// headingParts are the texts of a heading's child elements, when it has
// two or more that hold text and no text of its own beside them.
func headingParts(h *html.Node) []string {
	var parts []string
	for c := h.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			if t := collapse(textOf(c)); strings.IndexFunc(t, unicode.IsLetter) >= 0 {
				parts = append(parts, t)
			}
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
		}
	}
	if len(parts) < 2 {
		return nil
	}
	return parts
}

// agreedHeadline is the heading (or part of one) that another statement
// of the title gives, whole or as a part around a separator; "" when no
// heading agrees with any. A heading that is the site's name (which the
// <title> also gives) is not the headline. Among several, the one that
// more statements give wins, then the higher heading, then the longer,
// then the earlier.
func agreedHeadline(root *html.Node, metas []statement, sites ...string) string {
	type given struct {
		weight float64
		text   string
		// kicker is the weight of the statements that give the text as
		// a kicker before the headlines in rests.
		kicker float64
		rests  []string
	}
	gs := map[string]*given{}
	for _, m := range metas {
		seen := map[string]bool{}
		for _, p := range titleParts(m.text) {
			k := titleKey(p.text)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			if gs[k] == nil {
				gs[k] = &given{text: strings.Trim(collapse(p.text), " |:-–—·/»›")}
			}
			gs[k].weight += m.weight
			if p.rest != "" {
				gs[k].kicker += m.weight
				gs[k].rests = append(gs[k].rests, titleKey(p.rest))
			}
		}
	}
	best, bestN, bestLevel, bestWords := "", 0.0, 9, 0
	consider := func(text string, n float64, level int) {
		if n == 0 || isSiteName(text, sites) {
			return
		}
		w := len(strings.Fields(text))
		if level == 1 {
			n += h1Bonus
		}
		if n > bestN || (n == bestN && (level < bestLevel || (level == bestLevel && w > bestWords))) {
			best, bestN, bestLevel, bestWords = text, n, level, w
		}
	}
	hs := headings(root)
	shown := make(map[string]bool, len(hs))
	for _, h := range hs {
		shown[titleKey(h.text)] = true
	}
	for _, h := range hs {
		if len(h.text) < 4 || len(h.text) > 400 {
			continue
		}
		hk := titleKey(h.text)
		if g := gs[hk]; g != nil {
			w := g.weight
			// A kicker whose headline the page shows as a heading too
			// is not the headline.
			if slices.ContainsFunc(g.rests, func(r string) bool { return shown[r] }) {
				w -= g.kicker * (1 - kickerShare)
			}
			consider(h.text, w, h.level)
			continue
		}
		// A heading that is a statement's title with a kicker before it
		// run into one line ("Streetart in Bonn Was hinter …"): the
		// statement's title, when the kicker is short.
		// A heading that is a statement's title with the site's name, a
		// date or categories after it, set apart by a bar, a bullet or the
		// date itself (a dash may go on the headline): the statement's
		// title.
		for k, g := range gs {
			if len(k) < 12 {
				continue
			}
			if kicker, ok := strings.CutSuffix(hk, k); ok && kicker != "" && apart(kicker, k) &&
				wordsIn(kicker) <= maxKicker {
				consider(g.text, g.weight, h.level)
			}
			if rest, ok := strings.CutPrefix(hk, k+" "); ok && startsTail(rest) {
				consider(g.text, g.weight, h.level)
			}
		}
	}
	return best
}

// h1Bonus is what being the page's top heading adds to a heading's
// agreement: the h1 is the headline the reader sees, an h2 that agrees as
// much is often a teaser of the same story.
const h1Bonus = 0.5

// kickerShare is the share of a statement's weight that a kicker keeps
// when the page shows its headline as a heading too.
const kickerShare = 0.5

// statedTitle is the title the page's statements agree on when no heading
// does: of the parts of the statements that hold no piece naming the site,
// the one given by the most weight, then one that opens a statement (the
// headline comes first, a tagline after it), then the longest; "" when there is no
// statement. "Kicker: Headline | Site" and an og:title "Headline" give
// "Headline"; a lone "Headline | Site" gives "Headline".
func statedTitle(metas []statement, sites []string) string {
	type given struct {
		weight float64
		text   string
		opens  bool // the part opens a statement
	}
	gs := map[string]*given{}
	for _, m := range metas {
		seen := map[string]bool{}
		for _, p := range titleParts(m.text) {
			k := titleKey(p.text)
			if k == "" || seen[k] || namesSite(p.text, sites) {
				continue
			}
			seen[k] = true
			if gs[k] == nil {
				gs[k] = &given{text: strings.Trim(collapse(p.text), " |:-–—·/»›")}
			}
			gs[k].weight += m.weight
			gs[k].opens = gs[k].opens || strings.HasPrefix(m.text, p.text)
		}
	}
	var best *given
	for _, g := range gs {
		if best == nil || g.weight > best.weight || (g.weight == best.weight && (g.opens && !best.opens ||
			g.opens == best.opens && (len(g.text) > len(best.text) || len(g.text) == len(best.text) && g.text < best.text))) {
			best = g
		}
	}
	if best == nil {
		return ""
	}
	return best.text
}

// namesSite says whether a part of a statement of the title is or holds
// a piece that names the site.
func namesSite(part string, sites []string) bool {
	for _, p := range titleParts(part) {
		if isSiteName(p.text, sites) {
			return true
		}
	}
	return false
}

// maxKicker is the most words of a kicker run into a headline.
const maxKicker = 6

// isSiteName says whether a short text names the site: compared by their
// letters and digits only, it is one of the site's names (og:site_name,
// the host without "www." and its top-level domain), part of one, or one
// of them with little beside it ("Four Years Remaining" of fouryears.eu).
func isSiteName(s string, sites []string) bool {
	if len(strings.Fields(s)) > 4 {
		return false
	}
	alnum := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	t := alnum(s)
	if t == "" {
		return false
	}
	for _, site := range sites {
		n := alnum(strings.TrimPrefix(strings.ToLower(collapse(site)), "www."))
		if len(n) < 3 {
			continue
		}
		if strings.Contains(n, t) || (strings.Contains(t, n) && 2*len(n) >= len(t)) {
			return true
		}
	}
	return false
}

// hostNames are the site's names in its address: the host without "www."
// and without its top-level domain ("fouryears" of www.fouryears.eu), and
// each of its labels of five letters or more ("krimiblog" of
// archiv.krimiblog.de). A page kept by the Internet Archive is named by
// the address it was kept from.
func hostNames(pageURL string) []string {
	u := strings.TrimSpace(pageURL)
	for {
		if i := strings.Index(u, "://"); i >= 0 {
			u = u[i+3:]
		}
		rest, ok := strings.CutPrefix(u, "web.archive.org/web/")
		if !ok {
			break
		}
		// web.archive.org/web/<time stamp>/<address>
		_, inner, ok := strings.Cut(rest, "/")
		if !ok || !strings.Contains(inner, ".") {
			break
		}
		u = inner
	}
	if i := strings.IndexAny(u, "/?#:"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimPrefix(strings.ToLower(u), "www.")
	if i := strings.LastIndexByte(u, '.'); i > 0 {
		u = u[:i]
	}
	out := []string{u}
	if labels := strings.Split(u, "."); len(labels) > 1 {
		for _, l := range labels {
			if len(l) >= 5 {
				out = append(out, l)
			}
		}
	}
	return out
}

// apart says whether a kicker run into a headline stands apart from it:
// a space or punctuation between them ("Kicker Headline",
// "Kicker:Headline", "Kicker\"Quote\""), not the middle of a word.
func apart(kicker, headline string) bool {
	k, _ := utf8.DecodeLastRuneInString(kicker)
	h, _ := utf8.DecodeRuneInString(headline)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	return !isWord(k) || !isWord(h)
}

// wordsIn counts the words of s, leaving out lone punctuation.
func wordsIn(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// startsTail says whether s begins as what follows a headline on its
// line and is not part of it: a bar, a bullet, a date.
func startsTail(s string) bool {
	for _, r := range s {
		return r == '|' || r == '•' || r == '·' || unicode.IsDigit(r)
	}
	return false
}
