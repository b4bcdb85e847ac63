package article

// The body lines become paragraphs: blocks of lines joined, headings
// made sections, hard-wrapped text re-flowed, long paragraphs split, and
// the Article assembled.

import (
	"strings"
	"unicode/utf8"
)

// body classifies the lines of the body block, up to line be: chrome and
// metadata first, then the end of the story, then headings and paragraph
// text.
func (p *parser) body(be int) {
	end := -1 // the last end-of-story marker: an editors or follow-us line
	be = p.tail(be)
	for i := p.body0; i <= be; i++ {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		switch {
		case p.meta(l.Text):
			l.Kind = KindMeta
			if _, ok := parseEditors(l.Text); ok {
				end = i
			}
		case p.dates.isDateOnly(l.Text):
			// A date on a line of its own in the body: the post's date
			// under it, or a dated entry; metadata, not text.
			l.Kind = KindMeta
			if d, ok := p.dates.looseDate(l.Text); ok && p.bodyDate == nil {
				p.bodyDate = &d
			}
		case p.lineChrome(i) && isFollowLine(l.Text):
			l.Kind = KindChrome
			end = i
		case p.lineChrome(i) || isCaption(l.Text):
			l.Kind = KindChrome
		}
	}
	// After the end of the story, what is not prose is page furniture.
	if end >= 0 {
		for i := end + 1; i <= be; i++ {
			l := &p.lines[i]
			if l.Kind == unset && !isProse(l.Text) {
				l.Kind = KindChrome
			}
		}
	}
	blocks := p.blocks()
	for k, b := range blocks {
		if len(b) == 1 && p.isHeading(blocks, k) {
			p.lines[b[0]].Kind = KindHeading
			continue
		}
		for _, i := range b {
			p.lines[i].Kind = KindText
		}
	}
}

// tail ends the body block at the first line that opens what follows the
// story (isTail) once the story has run for tailAfter words, and returns
// the new last line of the block; the lines cut off are furniture.
func (p *parser) tail(be int) int {
	words := 0
	for i := p.body0; i <= be; i++ {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		if words >= tailAfter && isTail(l.Text) {
			for j := i; j <= be; j++ {
				if p.lines[j].Kind == unset {
					p.lines[j].Kind = KindChrome
					if p.meta(p.lines[j].Text) {
						p.lines[j].Kind = KindMeta
					}
				}
			}
			return i - 1
		}
		if words < tailAfter {
			// Past tailAfter the count is no longer asked: count only
			// up to it.
			words += countWords(l.Text, tailAfter-words)
		}
	}
	return be
}

// tailAfter is the fewest words of story before a tail label ends it.
const tailAfter = 50

// isDateOnly reports whether a line is a date with at most a clock time
// and a word or two beside it ("10. September 2017", "20. November 2022 um
// 10:36 Uhr").
func (f *dateFinder) isDateOnly(t string) bool {
	if moreWords(t, dateOnlyWords) || endsSentence(t) {
		return false
	}
	_, ok := f.looseDate(t)
	return ok
}

// dateOnlyWords is the most words of a line that is a date alone.
const dateOnlyWords = 6

// isProse reports whether a line reads as running text.
func isProse(t string) bool {
	n := wordCount(t)
	return n > 20 || (n >= 6 && endsSentence(t))
}

// blocks groups the unclassified body lines into blocks of consecutive lines.
func (p *parser) blocks() [][]int {
	var blocks [][]int
	var cur []int
	for i := p.body0; i < len(p.lines); i++ {
		if p.lines[i].Kind == unset {
			cur = append(cur, i)
			continue
		}
		if cur != nil {
			blocks = append(blocks, cur)
			cur = nil
		}
	}
	if cur != nil {
		blocks = append(blocks, cur)
	}
	return blocks
}

// isHeading reports whether block k, a single line, is a section heading:
// a short line without closing punctuation that stands between two blocks
// of running text.
func (p *parser) isHeading(blocks [][]int, k int) bool {
	t := p.lines[blocks[k][0]].Text
	if k == 0 || k == len(blocks)-1 {
		return false
	}
	if moreWords(t, 10) || utf8.RuneCountInString(t) > 80 || endsClause(t) || !startsUpper(t) || isBullet(t) ||
		strings.Count(t, ",") > 1 || endsWithFunctionWord(t) {
		return false
	}
	prev := p.blockText(blocks[k-1])
	next := p.blockText(blocks[k+1])
	prevProse := endsClause(prev) || moreWords(prev, 14)
	nextProse := endsSentence(next) && moreWords(next, 11) && !isBullet(next) &&
		(startsUpper(next) || strings.HasPrefix(next, "\"") || strings.HasPrefix(next, "“"))
	prevHeading := len(blocks[k-1]) == 1 && p.lines[blocks[k-1][0]].Kind == KindHeading
	return prevProse && nextProse && !prevHeading
}

func (p *parser) blockText(b []int) string {
	parts := make([]string, len(b))
	for i, j := range b {
		parts[i] = p.lines[j].Text
	}
	return strings.Join(parts, " ")
}

// article assembles the result.
func (p *parser) article(seed string) *Article {
	a := &Article{ID: IDFor(seed), Seed: seed, Title: p.title, Author: p.author, Source: p.source, Editors: p.editors}
	if p.hasDate {
		t, zoneKnown := p.date.at(p.source)
		a.Published = t
		if !zoneKnown {
			a.Missing = append(a.Missing, "timezone")
		}
	}
	section := ""
	for _, unit := range p.units() {
		if unit.heading != "" {
			section = unit.heading
			continue
		}
		for _, text := range splitLong(unit.text) {
			a.Paragraphs = append(a.Paragraphs, Paragraph{N: len(a.Paragraphs) + 1, Section: section, Text: text})
		}
	}
	if !p.titleLine {
		a.Missing = append(a.Missing, "title")
		if len(a.Paragraphs) > 0 {
			a.Title = headline(a.Paragraphs[0].Text)
		}
	}
	if a.Author == "" {
		a.Missing = append(a.Missing, "author")
	}
	if a.Source == "" {
		a.Missing = append(a.Missing, "source")
	}
	if !p.hasDate {
		a.Missing = append(a.Missing, "published")
	}
	a.Lines = p.lines
	return a
}

// headline makes a title from the first words of a text.
func headline(s string) string {
	f := strings.Fields(s)
	if len(f) <= 12 {
		return s
	}
	return strings.Join(f[:12], " ") + " …"
}

// unit is a heading or the text of one paragraph before long ones are split.
type unit struct {
	heading string
	text    string
}

// units turns the classified body lines into headings and paragraph texts.
// Blank lines separate paragraphs; a bullet or an indented line starts a
// new one. In hard-wrapped text (every line a block of its own, cut at a
// fixed width, most not ending a sentence), blank lines are not paragraph
// breaks: lines are re-flowed and a paragraph ends at a short line that
// ends a sentence.
func (p *parser) units() []unit {
	var out []unit
	wrapped, width := p.hardWrapped()
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, unit{text: strings.Join(cur, " ")})
			cur = nil
		}
	}
	for i := p.body0; i < len(p.lines); i++ {
		l := p.lines[i]
		switch l.Kind {
		case KindHeading:
			flush()
			out = append(out, unit{heading: l.Text})
		case KindText:
			if isBullet(l.Text) || (indented(p.raw[i]) && len(cur) > 0 && !indented(p.raw[i-1])) {
				flush()
			}
			cur = append(cur, l.Text)
			if wrapped && endsSentence(l.Text) && utf8.RuneCountInString(p.raw[i]) < width*6/10 {
				flush()
			}
		case KindBlank:
			if !wrapped {
				flush()
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// hardWrapped reports whether the body is hard-wrapped text whose blank
// lines do not mark paragraphs, and its wrap width.
func (p *parser) hardWrapped() (bool, int) {
	blocks, single, sentence, width := 0, 0, 0, 0
	inBlock := false
	lines := 0
	for i := p.body0; i < len(p.lines); i++ {
		l := p.lines[i]
		if l.Kind != KindText {
			inBlock = false
			continue
		}
		n := utf8.RuneCountInString(p.raw[i])
		width = max(width, n)
		if !inBlock {
			blocks++
			lines = 0
			if i+1 >= len(p.lines) || p.lines[i+1].Kind != KindText {
				single++
				if endsSentence(l.Text) {
					sentence++
				}
			}
		}
		lines++
		inBlock = true
	}
	return blocks >= 8 && width <= wrapWidth && single*10 >= blocks*9 && sentence*2 < blocks, width
}

// wrapWidth is the widest line of hard-wrapped text, in characters.
const wrapWidth = 100

// splitLong splits a paragraph of more than maxParagraphWords words at
// sentence ends into passages of about passageWords words. Text with no
// sentence end is cut at a word boundary once it passes hardCutWords.
func splitLong(text string) []string {
	if !moreWords(text, maxParagraphWords) {
		return []string{text}
	}
	var out []string
	start, words := 0, 0 // the current passage starts at start and has words words so far
	prev := 0
	for _, e := range sentenceEnds(text) {
		words += wordCount(text[prev:e])
		prev = e
		for words > hardCutWords {
			cut := start + wordBoundary(text[start:], passageWords)
			out = append(out, strings.TrimSpace(text[start:cut]))
			start = cut
			words = wordCount(text[start:e])
		}
		if words >= passageWords && moreWords(text[e:], passageWords/3-1) {
			out = append(out, strings.TrimSpace(text[start:e]))
			start, words = e, 0
		}
	}
	for rest := text[start:]; moreWords(rest, hardCutWords); rest = text[start:] {
		cut := start + wordBoundary(rest, passageWords)
		out = append(out, strings.TrimSpace(text[start:cut]))
		start = cut
	}
	if tail := strings.TrimSpace(text[start:]); tail != "" {
		out = append(out, tail)
	}
	return out
}

// wordBoundary returns the byte offset just after the first n words of s.
func wordBoundary(s string, n int) int {
	seen := 0
	in := false
	for i, r := range s {
		if r == ' ' {
			if in {
				seen++
				if seen == n {
					return i
				}
			}
			in = false
			continue
		}
		in = true
	}
	return len(s)
}
