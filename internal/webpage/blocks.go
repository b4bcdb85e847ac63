package webpage

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsroom/newsearch/index/doc"
)

// isBlock says whether an element ends the paragraph before it and
// starts a new one. Anything else (links, emphasis, spans) is inline: its
// text joins the paragraph around it. The content may come from a
// fallback extractor, whose tree is the page's own markup, so these are
// HTML's block elements, not only trafilatura's output tags. (Switches,
// not shared maps: no package state a caller could change.)
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.Blockquote, atom.Pre, atom.Section, atom.Article, atom.Main,
		atom.Header, atom.Footer, atom.Aside, atom.Figure, atom.Figcaption,
		atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Caption,
		atom.Hr, atom.Address, atom.Details, atom.Summary, atom.Body, atom.Html,
		atom.Form, atom.Fieldset, atom.Center:
		return true
	}
	return false
}

// isCell says whether an element is a table cell: inline within its row,
// but never run into the next cell's text.
func isCell(a atom.Atom) bool { return a == atom.Td || a == atom.Th }

// isSkipped says whether an element holds no readable text.
func isSkipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head,
		atom.Svg, atom.Math, atom.Iframe, atom.Object, atom.Embed, atom.Button,
		atom.Select, atom.Textarea, atom.Input, atom.Rt, atom.Rp:
		return true
	}
	return false
}

// isHeading says whether an element is a heading, the Section of the
// paragraphs after it.
func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
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
	case isSkipped(tag):
	case isHeading(tag):
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
	case isBlock(tag):
		a.flush()
		a.children(n)
		a.flush()
	case isCell(tag):
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
		case n.Type == html.ElementNode && isSkipped(tagOf(n)):
		default:
			if n.Type == html.ElementNode && (tagOf(n) == atom.Br || isBlock(tagOf(n))) {
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
