package article

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons a seed is not an article. Parse wraps them with detail; test with errors.Is.
var (
	ErrEmpty       = errors.New("empty seed")
	ErrBinary      = errors.New("binary data, not text")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrNoBody      = errors.New("no article body found")
)

// Limits of the paragraph splitter, in words.
const (
	// A paragraph longer than this is split at sentence ends into passages.
	maxParagraphWords = 200
	// Passages aim at this many words.
	passageWords = 120
	// A paragraph with no sentence end is cut at a word boundary past this.
	hardCutWords = 400
)

const unset Kind = -1

// bom is the UTF-8 byte order mark.
var bom = []byte{0xef, 0xbb, 0xbf}

// Parse reads one seed file's bytes into an Article. seed is the file's
// path relative to the seeds folder; it names the article and derives its id.
// A seed that is empty, binary, not UTF-8 or has no body text is an error
// wrapping one of ErrEmpty, ErrBinary, ErrInvalidUTF8 or ErrNoBody.
func Parse(seed string, data []byte) (*Article, error) {
	return parseWith(seed, data, defaultWeights())
}

// parseWith is Parse with the given line-shape weights (the evaluation
// cross-validates them).
func parseWith(seed string, data []byte, w weights) (*Article, error) {
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w at byte offset %d", ErrInvalidUTF8, firstInvalid(data))
	}
	if isBinaryText(data) {
		return nil, fmt.Errorf("%w: too many control characters", ErrBinary)
	}
	p := newParser(string(data))
	p.w = w
	p.classify()
	a := p.article(seed)
	if len(a.Paragraphs) == 0 {
		return a, ErrNoBody
	}
	return a, nil
}

// firstInvalid returns the offset of the first byte that is not valid UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// isBinaryText reports whether text has more than 1% control characters
// other than tab, line feed, carriage return and form feed.
func isBinaryText(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			ctl++
		}
	}
	return ctl > 0 && ctl*100 > len(b)
}

// splitLines splits text at LF, CRLF and lone CR.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// parser holds the state of one parse.
type parser struct {
	w weights
	// chromeMemo memoises chrome per line: 0 not yet asked, 1 yes, 2 no.
	chromeMemo []int8
	raw        []string
	lines      []Line
	body0      int // index of the first body line

	title     string
	author    string
	source    string
	editors   string
	date      dateParts
	hasDate   bool
	titleLine bool
	// pendingDate is a date found above the title, used when none is below it.
	pendingDate *dateParts
}

func newParser(text string) *parser {
	raw := splitLines(text)
	// A final newline does not start another line.
	if len(raw) > 1 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	p := &parser{raw: raw, lines: make([]Line, len(raw))}
	for i, r := range raw {
		t := normaliseSpace(r)
		k := unset
		if t == "" {
			k = KindBlank
		}
		p.lines[i] = Line{No: i + 1, Text: t, Kind: k}
	}
	return p
}

// classify gives every line its kind. It finds the body first, as the
// best contiguous block of prose by the shape of its lines (see
// lineScore), then reads the lines above the block for the title, the
// byline and the date, and treats what stands outside the block as page
// furniture, keeping metadata lines (editors, source) wherever they are.
func (p *parser) classify() {
	scores := make([]int, len(p.lines))
	for i := range p.lines {
		if p.lines[i].Kind != KindBlank {
			scores[i] = p.lineScore(i)
		}
	}
	bs, be := bestBlock(scores)
	if bs < 0 {
		for i := range p.lines {
			if p.lines[i].Kind == unset {
				p.lines[i].Kind = KindChrome
			}
		}
		p.body0 = len(p.lines)
		return
	}
	if p.clean(bs, be) {
		// An article on its own (a title, a byline, paragraphs): all of it
		// after the head is the body, short lines and lists included.
		p.head()
		p.body(len(p.lines) - 1)
		return
	}
	be = p.continuation(scores, bs, be)
	p.dropRuns(scores, bs, be)
	p.body0 = bs
	p.above(bs)
	for i := be + 1; i < len(p.lines); i++ {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		if p.meta(l.Text) {
			l.Kind = KindMeta
		} else {
			l.Kind = KindChrome
		}
	}
	p.body(be)
	p.foot(be)
}

// above classifies the lines above the body block, nearest first: datelines
// and bylines are metadata; the first line shaped like a headline within
// titleWindow lines is the title; the rest is page furniture. A date
// between the title and the body wins over one above the title.
func (p *parser) above(bs int) {
	seen := 0
	titleAt := -1
	// The nearest headline of several words, else the nearest of one word.
	for i := bs - 1; i >= 0 && seen < titleWindow; i-- {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		seen++
		if p.chrome(l.Text) || isNotice(l.Text) || p.metaShape(l.Text) {
			continue
		}
		if isTitleShape(l.Text) && (titleAt < 0 || !multiWord(p.lines[titleAt].Text)) {
			if titleAt < 0 || multiWord(l.Text) {
				titleAt = i
			}
			if multiWord(l.Text) {
				break
			}
		}
	}
	// A headline-shaped line with a byline or date line right under it is
	// the headline, even when other lines stand nearer the body.
	if signed := p.signedTitle(bs); signed >= 0 {
		titleAt = signed
	}
	if titleAt >= 0 {
		p.lines[titleAt].Kind = KindTitle
		p.title, p.titleLine = p.lines[titleAt].Text, true
	}
	// Between the title and the body: metadata or furniture.
	from := max(titleAt+1, 0)
	for i := bs - 1; i >= from; i-- {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		l.Kind = KindChrome
		if p.metaLine(l.Text) {
			l.Kind = KindMeta
		}
	}
	// Above the title: furniture, but a dateline still dates the article.
	for i := titleAt - 1; i >= 0; i-- {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		l.Kind = KindChrome
		if p.chrome(l.Text) {
			continue
		}
		if d, ok := isDateline(l.Text); ok {
			l.Kind = KindMeta
			p.setDateAbove(d)
		} else if d, ok := looseDate(l.Text); ok && !endsSentence(l.Text) {
			l.Kind = KindMeta
			p.setDateAbove(d)
		}
	}
	if p.pendingDate != nil && !p.hasDate {
		p.setDate(*p.pendingDate)
	}
	// A byline written into another line of the head names the author.
	for i := bs - 1; i >= 0 && p.author == "" && i >= titleAt-titleWindow; i-- {
		if l := &p.lines[i]; l.Kind == KindChrome || l.Kind == KindMeta {
			if name := looseAuthor(l.Text); name != "" {
				p.author, l.Kind = name, KindMeta
			}
		}
	}
}

// foot reads the lines just after the body block for an author and a
// date the head did not give (blogs sign and date their posts under them:
// "Posted by Ann at 10:52", "Eingestellt am 9. September 2017").
func (p *parser) foot(be int) {
	seen := 0
	for i := be + 1; i < len(p.lines) && seen < footWindow && (p.author == "" || !p.hasDate); i++ {
		l := &p.lines[i]
		if l.Kind != KindChrome {
			continue
		}
		seen++
		if name := looseAuthor(l.Text); name != "" && p.author == "" {
			p.author, l.Kind = name, KindMeta
		}
		if d, ok := looseDate(l.Text); ok && !p.hasDate && !endsSentence(l.Text) {
			p.setDate(d)
			l.Kind = KindMeta
		}
	}
}

// footWindow is how many lines under the body are read for a signature.
const footWindow = 4

// head classifies the lines before the body of a clean text (see clean):
// chrome, datelines, the title
// and the byline block under it.
func (p *parser) head() {
	i := 0
	for ; i < len(p.lines); i++ {
		l := &p.lines[i]
		if l.Kind == KindBlank {
			continue
		}
		if p.lineChrome(i) {
			l.Kind = KindChrome
			continue
		}
		if d, ok := isDateline(l.Text); ok {
			l.Kind = KindMeta
			p.setDate(d)
			continue
		}
		if moreWords(l.Text, 30) || (endsSentence(l.Text) && moreWords(l.Text, 20)) {
			// Prose before any title: the article has no headline line.
			p.body0 = i
			return
		}
		l.Kind = KindTitle
		p.title, p.titleLine = l.Text, true
		i++
		break
	}
	for ; i < len(p.lines); i++ {
		l := &p.lines[i]
		switch {
		case l.Kind == KindBlank:
			continue
		case p.meta(l.Text):
			l.Kind = KindMeta
			continue
		case p.lineChrome(i):
			l.Kind = KindChrome
			continue
		}
		if d, ok := isDateline(l.Text); ok {
			l.Kind = KindMeta
			p.setDate(d)
			continue
		}
		if b, ok := parseByline(l.Text); ok && p.author == "" {
			l.Kind = KindMeta
			p.author, p.source = b.author, b.source
			if d, ok := findDate(b.rest); ok {
				p.setDate(d)
			}
			continue
		}
		break
	}
	p.body0 = i
}

// clean reports whether the text is an article on its own rather than a
// page with its furniture: a short head (a headline and a few lines of
// byline and date) above the body block, and nothing outside the block
// that has the form of furniture (a widget, share bar, notice or menu).
// Saved pages start with menus; an article on its own may end in lists
// of short lines (results, award winners) that are its body, and one that
// starts with a headline and a byline may hold them anywhere.
func (p *parser) clean(bs, be int) bool {
	head := 0
	signed := p.signedHead()
	for i, l := range p.lines {
		if l.Kind == KindBlank || (i >= bs && i <= be) {
			continue
		}
		if i < bs && !signed {
			if head++; head > cleanHead {
				return false
			}
		}
		if p.lineChrome(i) || isNotice(l.Text) || isMenuRow(l.Text, units(l.Text)) {
			return false
		}
	}
	return true
}

// signedHead reports whether the text starts as an article file does: a
// headline, then a byline or a date line. Whatever short lines (tables of
// figures, lists) come before its longest prose are then its body.
func (p *parser) signedHead() bool {
	var first []string
	for _, l := range p.lines {
		if l.Kind != KindBlank {
			if first = append(first, l.Text); len(first) == 2 {
				break
			}
		}
	}
	return len(first) == 2 && isTitleShape(first[0]) && !p.metaShape(first[0]) && p.metaShape(first[1])
}

// cleanHead is the most lines a clean article has above its body: a
// headline, a byline, a date, a place, a time.
const cleanHead = 8

// continuation extends the body past be with the blocks of prose that
// follow it across furniture (an advertisement, a gallery, a box of links
// in the middle of the story): a later block that scores at least
// w.follow percent of the body so far joins it, and the furniture between
// is marked as such. It returns the new end of the body.
func (p *parser) continuation(scores []int, bs, be int) int {
	if p.w.follow <= 0 {
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
		if sum*100 < total*p.w.follow {
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

// dropRuns marks as furniture the runs of w.run or more consecutive short
// lines inside the body block (blank lines do not end a run): a list of
// links or a box of labels that the prose around it outweighed. 0: none.
func (p *parser) dropRuns(scores []int, bs, be int) {
	if p.w.run <= 0 {
		return
	}
	var run []int
	flush := func() {
		if len(run) >= p.w.run {
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
		case scores[i] < 0:
			run = append(run, i)
		default:
			flush()
		}
	}
	flush()
}

// signedTitle returns the nearest line within titleWindow lines above bs
// that has the shape of a headline of several words and a byline or date
// line as the next non-blank line, or -1.
func (p *parser) signedTitle(bs int) int {
	seen := 0
	next := -1 // the next non-blank line below i
	for i := bs - 1; i >= 0 && seen < titleWindow; i-- {
		l := p.lines[i]
		if l.Kind == KindBlank {
			continue
		}
		seen++
		if l.Kind == unset && next >= 0 && isTitleShape(l.Text) && multiWord(l.Text) &&
			!p.lineChrome(i) && !isNotice(l.Text) && !p.metaShape(l.Text) && p.metaShape(p.lines[next].Text) {
			return i
		}
		next = i
	}
	return -1
}

// titleWindow is how many non-blank lines above the body are searched for
// the headline: a headline is followed by a byline, a date, a few labels.
const titleWindow = 15

// metaShape reports whether t is a metadata line (dateline, byline,
// editors, source) without recording anything.
func (p *parser) metaShape(t string) bool {
	if _, ok := parseEditors(t); ok {
		return true
	}
	if isSourceLine(t) {
		return true
	}
	if _, ok := isDateline(t); ok {
		return true
	}
	if _, ok := looseDate(t); ok && !endsSentence(t) {
		return true
	}
	_, ok := parseByline(t)
	return ok
}

// metaLine records what a metadata line between the title and the body
// says and reports whether it was one.
func (p *parser) metaLine(t string) bool {
	if p.chrome(t) {
		return false
	}
	if p.meta(t) {
		return true
	}
	if b, ok := parseByline(t); ok && p.author == "" {
		p.author, p.source = b.author, b.source
		if d, ok := findDate(b.rest); ok {
			p.setDate(d)
		}
		return true
	}
	if d, ok := isDateline(t); ok {
		p.setDate(d)
		return true
	}
	if d, ok := looseDate(t); ok && !endsSentence(t) {
		p.setDate(d)
		return true
	}
	return false
}

// setDateAbove keeps the first date found above the title, used only when
// none stands between the title and the body.
func (p *parser) setDateAbove(d dateParts) {
	if p.pendingDate == nil {
		p.pendingDate = &d
	}
}

// isTitleShape reports whether t can be a headline: a short line with
// letters in it, not a list item, a label ending in a colon or an image.
func isTitleShape(t string) bool {
	if moreWords(t, 25) || isBullet(t) || strings.HasSuffix(t, ":") || strings.HasPrefix(t, "[") || isMenuRow(t, 0) {
		return false
	}
	letters := 0
	for _, r := range t {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// multiWord reports whether a title candidate has several words (or, in a
// script written without spaces, several characters).
func multiWord(t string) bool {
	return moreWords(t, 2) || utf8.RuneCountInString(t) >= 8 && !strings.Contains(t, " ")
}

// lineChrome is chrome for line i, asked once.
func (p *parser) lineChrome(i int) bool {
	if p.chromeMemo == nil {
		p.chromeMemo = make([]int8, len(p.lines))
	}
	switch p.chromeMemo[i] {
	case 1:
		return true
	case 2:
		return false
	}
	c := p.chrome(p.lines[i].Text)
	p.chromeMemo[i] = 2
	if c {
		p.chromeMemo[i] = 1
	}
	return c
}

// chrome reports whether a line is site furniture wherever it stands.
func (p *parser) chrome(t string) bool {
	return isShareBar(t) || isFollowLine(t) || isWidget(t)
}

// meta handles the metadata lines that may stand anywhere: editors and
// source lines. It records what they say and reports whether t was one.
func (p *parser) meta(t string) bool {
	if names, ok := parseEditors(t); ok {
		if p.editors == "" {
			p.editors = names
		}
		return true
	}
	if m := sourceRe.FindStringSubmatch(t); m != nil && isSourceLine(t) {
		if p.source == "" {
			p.source = strings.TrimSpace(m[1])
		}
		return true
	}
	return false
}

func (p *parser) setDate(d dateParts) {
	if !p.hasDate {
		p.date, p.hasDate = d, true
	}
}

// body classifies the lines of the body block, up to line be: chrome and
// metadata first, then the end of the story, then headings and paragraph
// text.
func (p *parser) body(be int) {
	end := -1 // the last end-of-story marker: an editors or follow-us line
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
		case p.lineChrome(i) && isFollowLine(l.Text):
			l.Kind = KindChrome
			end = i
		case p.lineChrome(i):
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
	return blocks >= 8 && width <= 100 && single*10 >= blocks*9 && sentence*2 < blocks, width
}

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
