package article

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Weights are the costs of the line shapes that find the body block. A
// line of running text scores its length in words, so a block of
// paragraphs outweighs the short lines between them (headings, captions);
// a short line, a list item or a label costs a little, a line of site
// furniture much more, so that a run of menu items, a share bar or a
// comment-count line separates the story from prose elsewhere on the page
// (comments, teasers). Parse uses DefaultWeights; ParseWeighted takes
// others, for tuning them (bench/internal/textpath cross-validates them).
type Weights struct {
	Short  int // a short line that does not end a sentence
	Bullet int // extra for a list item: menus and link lists are lists
	Count  int // a short line with a count: "Comments (113)", "1 Kommentar"
	Chrome int // a line that is furniture by its form: share bar, widget label
	Menu   int // a long line of words without punctuation, or with separators
	Follow int // percent of the body's score a later block needs to join it (0: none)
	Run    int // this many short lines in a row inside the body are furniture (0: none)
	Signed int // bonus of the prose right under the page's first byline or date line (0: none)
	Lead   int // the most non-blank lines between the body and a lead paragraph above it (0: no lead)
	Window int // the most non-blank lines between a byline or date line and the prose that Signed marks
	// Repeats: a line of prose the page shows more than once (a teaser
	// list shown twice, a gallery's captions under their pictures and
	// again in its list) gains nothing towards the body block.
	Repeats bool
}

// DefaultWeights are the costs Parse uses. Their order follows from the
// shapes (furniture costs more than a short line, a list item more than a
// plain short line); the values of Short, Follow, Run, Signed, Lead,
// Window and Repeats are those chosen by a 5-fold cross-validation over the
// development part of the extraction development set (bench/internal/textpath,
// TestWeightsCrossValidated; the protocol is in bench/RESULTS.md).
func DefaultWeights() Weights {
	return Weights{Short: 9, Bullet: 2, Count: 8, Chrome: 20, Menu: 5, Follow: 0, Run: 2, Signed: 200, Lead: 8, Window: 8, Repeats: true}
}

// lead extends the body block upwards to the story's lead: a paragraph of
// prose (a standfirst often has no full stop) above the block with at
// most w.Lead other lines between (a dateline, a caption's credit, a share
// bar) that the costs of those lines kept out of it. The lines between
// are metadata or furniture. It returns the new first line of the block.
func (p *parser) lead(scores []int, bs int) int {
	if p.w.Lead <= 0 {
		return bs
	}
	first, gap := bs, 0
	for i := bs - 1; i >= 0 && gap <= p.w.Lead; i-- {
		l := p.lines[i]
		if l.Kind == KindBlank {
			continue
		}
		t := l.Text
		if l.Kind == unset && scores[i] >= proseWords && !isConsent(t) {
			first, gap = i, 0
			continue
		}
		gap++
	}
	for i := first + 1; i < bs; i++ {
		l := &p.lines[i]
		if l.Kind != unset || scores[i] >= proseWords {
			continue
		}
		l.Kind = KindChrome
		if p.metaLine(l.Text) {
			l.Kind = KindMeta
		}
	}
	return first
}

// sign adds w.Signed to the first line of prose under the first byline or
// date line of the page that has prose within w.Window non-blank lines
// under it (a picture, its caption and a share bar may stand between): the story is signed and dated above its first
// paragraph, where a cookie notice, a comment section or a teaser list
// that outweighs it is not (a comment section's dates come after the
// story's).
func (p *parser) sign(scores []int) {
	if p.w.Signed <= 0 {
		return
	}
	for i := range p.lines {
		if scores[i] >= 0 || p.lines[i].Kind == KindBlank || !p.lineMeta(i) {
			continue
		}
		seen := 0
		for j := i + 1; j < len(p.lines) && seen < p.w.Window; j++ {
			if p.lines[j].Kind == KindBlank {
				continue
			}
			seen++
			if scores[j] >= proseWords {
				scores[j] += p.w.Signed
				return
			}
		}
	}
}

// repeats sets to zero the score of every line of prose whose text
// stands on another line of the page too: the story is told once, while
// teasers, captions and link lists recur (a list shown for the phone and
// again for the desktop, a gallery's captions under the pictures and in
// its index). Short lines are left alone: labels recur in any page.
func (p *parser) repeats(scores []int) {
	seen := make(map[string]int)
	for i, l := range p.lines {
		if scores[i] > 1 {
			seen[l.Text]++
		}
	}
	for i, l := range p.lines {
		if scores[i] > 1 && seen[l.Text] > 1 {
			scores[i] = 0
		}
	}
}

// bulletExtra is the extra cost of a list item.
func bulletExtra(t string, w Weights) int {
	if isBullet(t) {
		return w.Bullet
	}
	return 0
}

// longLineBytes is a length past which a line with punctuation is running
// text whatever words it starts with: labels, bylines and date lines are
// a few words long.
const longLineBytes = 400

const (
	proseWords  = 15 // a line this long is running text even without a sentence end
	midWords    = 6  // a line this long without a sentence end is neutral-positive
	maxLineGain = 80 // one very long line does not outweigh everything else
)

// lineScore scores a non-blank line by its shape: positive for running
// text, negative for the furniture of a page.
func (p *parser) lineScore(i int) int {
	t := p.lines[i].Text
	if isConsent(t) {
		return -p.w.Chrome
	}
	if len(t) > longLineBytes && hasClausePunct(t) {
		// Running text: too long for a label, a byline or a date line.
		if u := units(t); !isMenuRow(t, u) {
			return min(u, maxLineGain) - bulletExtra(t, p.w)
		}
	}
	if p.lineChrome(i) {
		return -p.w.Chrome
	}
	if p.lineMeta(i) {
		return -p.w.Short // a byline or dateline: part of the page's head, not of the prose
	}
	u := units(t)
	bullet := isBullet(t)
	extra := 0
	if bullet {
		extra = p.w.Bullet
	}
	switch {
	case u < midWords && hasCount(t) && !endsSentence(t):
		return -p.w.Count
	case isMenuRow(t, u):
		return -p.w.Menu
	case u >= proseWords && !hasClausePunct(t):
		return -p.w.Menu
	case u >= proseWords || (endsSentence(t) && u >= 3 && !bullet) || (bullet && u >= midWords && endsClause(t)) || (u >= midWords && introduces(t)):
		return min(u, maxLineGain) - extra
	case u >= midWords:
		return 1 - extra
	}
	return -p.w.Short - extra
}

// introduces reports whether a line ends in a colon: of several words, a
// sentence of the story that introduces what follows (a list, a quote, a
// table); a label with a colon is a word or two.
func introduces(t string) bool {
	return strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
}

// units is a line's length in words, up to maxLineGain+1 (a longer line
// gains no more); in scripts written without spaces two characters count
// as a word. ASCII is read byte by byte, and the line only as far as the
// limit.
func units(t string) int {
	const limit = maxLineGain + 1
	w, dense, in := 0, 0, false
	for i := 0; i < len(t); {
		var space bool
		if c := t[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(t[i:])
			i += size
			space = unicode.IsSpace(r)
			if r >= 0x0e00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai) {
				dense++
			}
		}
		if !space && !in {
			w++
		}
		in = !space
		if w+dense/2 >= limit {
			break
		}
	}
	return w + dense/2
}

// hasCount reports whether t has a number in it: on a short line, the
// count of a comment thread or a list ("(113)", "1 Kommentar").
func hasCount(t string) bool {
	for _, r := range t {
		if r >= '0' && r <= '9' {
			return true
		}
	}
	return false
}

// separators counts the characters that separate the items of a menu or
// a breadcrumb written on one line. A slash or an angle bracket counts only
// standing apart ("News / World", "Home > News"): within words it is part
// of a name, a date or markup ("HIV/Aids", "4/2/87", "<b>").
func separators(t string) int {
	n := 0
	for i, r := range t {
		switch r {
		case '|', '•', '·', '»', '›':
			n++
		case '/', '>':
			if i > 0 && t[i-1] == ' ' && (i+1 == len(t) || t[i+1] == ' ') {
				n++
			}
		}
	}
	return n
}

// isMenuRow reports whether a line of u words is a row of menu items or a
// breadcrumb: three separators or more, one for every few words (a
// sentence may name "HIV/Aids" a few times; a menu separates every item).
func isMenuRow(t string, u int) bool {
	if separatorBytes(t) < 3 {
		return false // fewer than three separators
	}
	n := separators(t)
	return n >= 3 && n*3 >= u
}

// hasClausePunct reports whether t has any punctuation that running text
// has: a line of twenty words without any is a row of links.
func hasClausePunct(t string) bool {
	// The ASCII marks are looked for as bytes, the full-width ones as
	// strings (t is UTF-8: a rune's bytes stand for that rune alone).
	return strings.ContainsAny(t, ".,;:!?") || containsAnyOf(t, clauseMarksCJK) || utf8.RuneCountInString(t) > 400
}

// clauseMarksCJK are the full-width clause marks of hasClausePunct.
var clauseMarksCJK = []string{"。", "，", "；", "：", "！", "？"}

// containsAnyOf reports whether s contains one of subs.
func containsAnyOf(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// separatorBytes is at least separators(t): the count of the bytes that
// a separator starts with ('|', '/', '>', and 0xC2 and 0xE2, the first
// bytes of '·', '»', '•' and '›'), counted quickly.
func separatorBytes(t string) int {
	n := 0
	for _, b := range [...]string{"|", "/", ">", "\xc2", "\xe2"} {
		n += strings.Count(t, b)
	}
	return n
}

// bestBlock returns the first and last index of the contiguous run of
// lines with the greatest total score (a maximum subarray), or -1, -1 when
// no run scores above zero.
func bestBlock(scores []int) (int, int) {
	best, bs, be := 0, -1, -1
	sum, start := 0, 0
	for i, s := range scores {
		if sum <= 0 {
			sum, start = 0, i
		}
		sum += s
		if sum > best {
			best, bs, be = sum, start, i
		}
	}
	if bs < 0 {
		return bs, be
	}
	// The run starts at a scoring line, not at a blank; a line of middle
	// length at its start is the headline above the prose, not prose.
	skip := func() {
		for bs < be && scores[bs] == 0 {
			bs++
		}
	}
	skip()
	if scores[bs] == 1 && bs < be {
		bs++
		skip()
	}
	return bs, be
}

// continuation extends the body past be with the blocks of prose that
// follow it across furniture (an advertisement, a gallery, a box of links
// in the middle of the story): a later block that scores at least
// w.Follow percent of the body so far joins it, and the furniture between
// is marked as such. It returns the new end of the body.
func (p *parser) continuation(scores []int, bs, be int) int {
	if p.w.Follow <= 0 {
		return be
	}
	total := 0
	for i := bs; i <= be; i++ {
		total += scores[i]
	}
	for be+1 < len(scores) {
		s, e := bestBlock(scores[be+1:])
		if s < 0 {
			break
		}
		s, e = s+be+1, e+be+1
		sum := 0
		for i := s; i <= e; i++ {
			sum += scores[i]
		}
		if sum*100 < total*p.w.Follow {
			break
		}
		for i := be + 1; i < s; i++ {
			if l := &p.lines[i]; l.Kind == unset {
				l.Kind = KindChrome
				if p.meta(l.Text) {
					l.Kind = KindMeta
				}
			}
		}
		be, total = e, total+sum
	}
	return be
}

// wrapped reports whether the lines bs to be are hard-wrapped text: none
// is wider than wrapWidth (a page's text keeps a paragraph on one line).
func (p *parser) wrapped(bs, be int) bool {
	for i := bs; i <= be; i++ {
		if len(p.raw[i]) > wrapWidth && utf8.RuneCountInString(p.raw[i]) > wrapWidth {
			return false
		}
	}
	return true
}

// dropRuns marks as furniture the runs of w.Run or more consecutive lines
// that are not prose inside the body block (blank lines do not end a run):
// a list of links or a box of labels that the prose around it outweighed.
// Not prose is a score of at most 1: short lines and labels, and also the
// headline-shaped lines of a teaser list (several words, no sentence end)
// and, with w.Repeats, prose the page repeats; a section heading stands
// alone above its paragraph. In hard-wrapped text only short lines make
// runs. 0: none.
func (p *parser) dropRuns(scores []int, bs, be int) {
	if p.w.Run <= 0 || !slices.ContainsFunc(scores[bs:be+1], func(s int) bool { return s > 1 }) {
		// A block with no prose at all (a table of figures, a list) is
		// all the text has: nothing in it is dropped.
		return
	}
	// In hard-wrapped text a line is a piece of a paragraph whose end
	// tells nothing: there only short lines make runs.
	notProse := 1
	if p.wrapped(bs, be) {
		notProse = -1
	}
	var run []int
	flush := func() {
		if len(run) >= p.w.Run {
			for _, i := range run {
				if p.lines[i].Kind == unset {
					p.lines[i].Kind = KindChrome
				}
			}
		}
		run = run[:0]
	}
	for i := bs; i <= be; i++ {
		switch {
		case p.lines[i].Kind == KindBlank:
		case scores[i] <= notProse:
			run = append(run, i)
		default:
			flush()
		}
	}
	flush()
}
