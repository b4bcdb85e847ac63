package article

// The lines around the body: the title, byline and date above it, the
// notices below it, and what makes a line metadata or site furniture.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// above classifies the lines above the body block, nearest first: datelines
// and bylines are metadata; the first line shaped like a headline within
// titleWindow lines is the title; the rest is page furniture. A date
// between the title and the body wins over one above the title.
func (p *parser) above(bs int) {
	titleAt := p.titleAbove(bs)
	if titleAt < 0 {
		// A headline-shaped line with a byline or date line right under
		// it is the headline, even when other lines stand nearer the body.
		titleAt = p.signedTitle(bs)
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
		if d, ok := p.dates.isDateline(l.Text); ok {
			l.Kind = KindMeta
			p.setDateAbove(d)
		} else if d, ok := p.dates.looseDate(l.Text); ok && !endsSentence(l.Text) {
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
		if d, ok := p.dates.looseDate(l.Text); ok && !p.hasDate && !endsSentence(l.Text) {
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
		if d, ok := p.dates.isDateline(l.Text); ok {
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
		if d, ok := p.dates.isDateline(l.Text); ok {
			l.Kind = KindMeta
			p.setDate(d)
			continue
		}
		if b, ok := p.dates.parseByline(l.Text); ok && p.author == "" {
			l.Kind = KindMeta
			p.author, p.source = b.author, b.source
			if d, ok := p.dates.findDate(b.rest); ok {
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
		// A list item above the body is a menu: an article's head is a
		// headline, a byline and a date.
		if i < bs && isBullet(l.Text) {
			return false
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
	var first []int
	for i, l := range p.lines {
		if l.Kind != KindBlank {
			if first = append(first, i); len(first) == 2 {
				break
			}
		}
	}
	return len(first) == 2 && isTitleShape(p.lines[first[0]].Text) && !p.lineMeta(first[0]) && p.lineMeta(first[1])
}

// cleanHead is the most lines a clean article has above its body: a
// headline, a byline, a date, a place, a time.
const cleanHead = 8

// titleAbove is the line above the body (within titleWindow non-blank
// lines) most shaped like its headline, -1 when none is: a headline is a
// few words to a few dozen, does not end as a sentence of a caption does,
// and stands by the story's byline or date; of two alike, the nearer.
func (p *parser) titleAbove(bs int) int {
	var near []int // non-blank lines above the body, nearest first
	for i := bs - 1; i >= 0 && len(near) < titleWindow+2; i-- {
		if p.lines[i].Kind != KindBlank {
			near = append(near, i)
		}
	}
	best, bestScore := -1, 0
	for k, i := range near {
		if k >= titleWindow {
			break
		}
		l := p.lines[i]
		t := l.Text
		if l.Kind != unset || p.chrome(t) || isNotice(t) || p.lineMeta(i) || !isTitleShape(t) || isCredit(t) {
			continue
		}
		score := 4
		switch n := wordCount(t); {
		case n >= 4:
			score += 4
		case n >= 2 || multiWord(t):
			score += 2
		}
		if strings.HasSuffix(t, ".") {
			score -= 4 // a caption or a sentence of a teaser
		}
		// The byline or date within two lines around it.
		for d := -2; d <= 2; d++ {
			if d == 0 || k+d < 0 || k+d >= len(near) {
				continue
			}
			if o := p.lines[near[k+d]].Text; p.trimmedMeta(near[k+d]) || looseAuthor(o) != "" {
				score += 3
				break
			}
		}
		if p.recurs(i) {
			score += 3
		}
		score -= k / 4
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// recurs reports whether line i, of a few words, is repeated elsewhere on
// the page, within another line or as one: a page repeats its headline
// (the breadcrumb, a share text, a teaser list, the next and previous
// links), where a caption or a label of the head is said once.
func (p *parser) recurs(i int) bool {
	t := p.lines[i].Text
	if !moreWords(t, 2) && !(utf8.RuneCountInString(t) >= 8 && !strings.Contains(t, " ")) {
		return false
	}
	for j := range p.lines {
		if j != i && strings.Contains(p.lines[j].Text, t) {
			return true
		}
	}
	return false
}

// creditRe matches the lines around a story's picture that are no
// headline: a picture's credit or source, at the start or after the caption
// ("Foto: dpa", "… in Dubai.Foto: Shanghai Electric", "© AdobeStock",
// "(Elizabeth Conley / Houston Chronicle)"), a form's or an image's
// placeholder in brackets, a byline.
var creditRe = regexp.MustCompile(`(?i)(^|[\s.,;|/])(bild|foto|fotos|photo|image|quelle|source|credit|grafik|illustration|video)s?\s*:|^(by |von |\(.*\)$)|©|\(c\)|getty images|\[`)

// isCredit reports whether a line is a picture's credit, a placeholder or
// a byline (see creditRe).
func isCredit(t string) bool { return creditRe.MatchString(t) }

// captionRe matches a picture's credit: a copyright sign, or a credit
// label with a name after it ("(Photo: Anna Example)", "© Agentur").
var captionRe = regexp.MustCompile(`(?i)©|\(c\)|(^|[\s,;|/(])(bild|foto|fotos|photo|image|quelle|source|credit|grafik|illustration)s?\s*:\s*\S`)

// isCaption reports whether a line of the body is a picture's caption, the
// page's and not the story's text: it ends in a credit (see captionRe)
// with no sentence after it ("The harbour at dusk. (Photo: Anna
// Example)", "Der Hafen. © Agentur"). Only what follows the line's last
// sentence end is read.
func isCaption(t string) bool {
	tail := t[strings.LastIndexAny(t, ".!?")+1:]
	return strings.ContainsAny(tail, "©:(") && captionRe.MatchString(tail)
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
			!p.lineChrome(i) && !isNotice(l.Text) && !p.lineMeta(i) && p.lineMeta(next) {
			return i
		}
		next = i
	}
	return -1
}

// titleWindow is how many non-blank lines above the body are searched for
// the headline: a headline is followed by a byline, a date, a few labels.
const titleWindow = 15

// metaLine records what a metadata line between the title and the body
// says and reports whether it was one.
func (p *parser) metaLine(t string) bool {
	if p.chrome(t) {
		return false
	}
	if p.meta(t) {
		return true
	}
	if b, ok := p.dates.parseByline(t); ok && p.author == "" {
		p.author, p.source = b.author, b.source
		if d, ok := p.dates.findDate(b.rest); ok {
			p.setDate(d)
		}
		return true
	}
	if d, ok := p.dates.isDateline(t); ok {
		p.setDate(d)
		return true
	}
	if d, ok := p.dates.looseDate(t); ok && !endsSentence(t) {
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

// meta handles the metadata lines that may stand anywhere: editors and
// source lines. It records what they say and reports whether t was one.
func (p *parser) meta(t string) bool {
	if names, ok := parseEditors(t); ok {
		if p.editors == "" {
			p.editors = names
		}
		return true
	}
	if !hasColon(t) {
		return false
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

// dateWindow is how many non-blank lines above the body, and into it, a
// date standing on a short line of its own or in a byline's line may be
// from the body's start to date the article.
const (
	dateWindowAbove = 30
	dateWindowBelow = 5
)

// nearDate dates an article that no dateline, byline or metadata line
// dated: the date on the nearest short line around the start of the body
// ("19.11.2021", "Gunter Frank / 22.04.2020 / 06:15"), above it first.
func (p *parser) nearDate() {
	if p.hasDate || p.body0 >= len(p.lines) {
		return
	}
	try := func(i int) bool {
		t := p.lines[i].Text
		if p.lines[i].Kind == KindBlank || endsSentence(t) {
			return false
		}
		if d, ok := p.dates.looseDate(t); ok {
			p.setDate(d)
			return true
		}
		return false
	}
	seen := 0
	for i := p.body0 - 1; i >= 0 && seen < dateWindowAbove; i-- {
		if p.lines[i].Kind == KindBlank {
			continue
		}
		seen++
		if try(i) {
			return
		}
	}
	seen = 0
	for i := p.body0; i < len(p.lines) && seen < dateWindowBelow; i++ {
		if p.lines[i].Kind == KindBlank {
			continue
		}
		seen++
		if try(i) {
			return
		}
	}
	if p.bodyDate != nil {
		p.setDate(*p.bodyDate)
	}
}
