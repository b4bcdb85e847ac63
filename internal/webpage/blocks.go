package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsroom/newsearch/index/doc"
)

// blockTags are the elements that end the paragraph before them and start
// a new one. Anything else (links, emphasis, spans) is inline: its text
// joins the paragraph around it. The content may come from a fallback
// extractor, whose tree is the page's own markup, so the set is HTML's
// block elements, not only trafilatura's output tags.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Blockquote: true,
	atom.Pre: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Figure: true,
	atom.Figcaption: true, atom.Table: true, atom.Thead: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Tr: true, atom.Caption: true, atom.Hr: true,
	atom.Address: true, atom.Details: true, atom.Summary: true, atom.Body: true,
	atom.Html: true, atom.Form: true, atom.Fieldset: true, atom.Center: true,
}

// cellTags are table cells: inline within their row, but never run into
// the next cell's text.
var cellTags = map[atom.Atom]bool{atom.Td: true, atom.Th: true}

// skipTags hold no readable text.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Iframe: true,
	atom.Object: true, atom.Embed: true, atom.Button: true, atom.Select: true,
	atom.Textarea: true, atom.Input: true,
}

// headingTags become the Section of the paragraphs after them.
var headingTags = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

// assembler collects paragraphs from a content tree in reading order.
type assembler struct {
	out     []doc.Paragraph
	buf     strings.Builder
	breaks  int    // consecutive <br> since the last text
	section string // the heading over the paragraphs to come
	used    bool   // a paragraph has been emitted under section
	last    string // the section of the last paragraph emitted
}

// paragraphs returns the content's paragraphs, each under the heading
// above it. A heading with no paragraph of its own (followed by another
// heading, or last) is kept as a paragraph so that its words are indexed.
func paragraphs(content *html.Node) []doc.Paragraph {
	var a assembler
	a.walk(content)
	a.flush()
	a.orphan()
	return a.out
}

func (a *assembler) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if strings.TrimSpace(n.Data) != "" {
			a.breaks = 0
		}
		a.buf.WriteString(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		a.children(n)
		return
	default:
		return
	}
	tag := tagOf(n)
	switch {
	case skipTags[tag]:
	case headingTags[tag]:
		a.flush()
		if h := collapse(textOf(n)); h != "" {
			a.orphan()
			a.section, a.used = h, false
		}
	case tag == atom.Br:
		// One break is a line within a paragraph (an address, a verse);
		// two in a row are how some pages separate paragraphs.
		a.breaks++
		if a.breaks >= 2 {
			a.flush()
		} else {
			a.buf.WriteByte(' ')
		}
	case blockTags[tag]:
		a.flush()
		a.children(n)
		a.flush()
	case cellTags[tag]:
		a.buf.WriteByte(' ')
		a.children(n)
		a.buf.WriteByte(' ')
	default:
		a.children(n)
	}
}

func (a *assembler) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		a.walk(c)
	}
}

// flush ends the paragraph being collected.
func (a *assembler) flush() {
	t := collapse(a.buf.String())
	a.buf.Reset()
	a.breaks = 0
	if t == "" {
		return
	}
	a.out = append(a.out, doc.Paragraph{Section: a.section, Text: t})
	a.used, a.last = true, a.section
}

// orphan keeps the pending heading as a paragraph when nothing was
// emitted under it.
func (a *assembler) orphan() {
	if a.section != "" && !a.used {
		a.out = append(a.out, doc.Paragraph{Section: a.last, Text: a.section})
		a.used = true
	}
}

// tagOf is an element's tag. go-trafilatura makes the elements of its
// output by name without their atom, so the name decides.
func tagOf(n *html.Node) atom.Atom {
	if n.DataAtom != 0 {
		return n.DataAtom
	}
	return atom.Lookup([]byte(strings.ToLower(n.Data)))
}

// textOf is the text of n's subtree, elements without text skipped.
func textOf(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && skipTags[tagOf(n)]:
		default:
			if n.Type == html.ElementNode && (tagOf(n) == atom.Br || blockTags[tagOf(n)]) {
				b.WriteByte(' ')
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				rec(c)
			}
		}
	}
	rec(n)
	return b.String()
}

// invisible are characters that only guide rendering: soft hyphens and
// zero-width spaces and joiners inside words would split or hide the word
// from search.
var invisible = strings.NewReplacer("\u00ad", "", "\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "")

// collapse removes invisible characters, makes every run of white space
// one space and trims the ends.
func collapse(s string) string {
	if strings.ContainsAny(s, "\u00ad\u200b\u200c\u200d\u2060\ufeff") {
		s = invisible.Replace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}
