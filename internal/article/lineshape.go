package article

// The shapes of a line that the parser asks about from several places
// (the body block, the signature, the title, the head): whether it is
// furniture or metadata by its form, each asked once per line.

import "strings"

// lineMeta is metaShape for line i, asked once: the shape of a line is
// asked for the body block, the signature, the title and the head.
func (p *parser) lineMeta(i int) bool {
	if p.metaMemo == nil {
		p.metaMemo = make([]int8, len(p.lines))
	}
	switch p.metaMemo[i] {
	case 1:
		return true
	case 2:
		return false
	}
	m := p.metaShape(p.lines[i].Text)
	p.metaMemo[i] = 2
	if m {
		p.metaMemo[i] = 1
	}
	return m
}

// trimmedMeta is metaShape of line i without the list marks before it.
func (p *parser) trimmedMeta(i int) bool {
	t := p.lines[i].Text
	if trimmed := strings.TrimLeft(t, "•*- "); trimmed != t {
		return p.metaShape(trimmed)
	}
	return p.lineMeta(i)
}

// metaShape reports whether t is a metadata line (dateline, byline,
// editors, source) without recording anything.
func (p *parser) metaShape(t string) bool {
	if _, ok := parseEditors(t); ok {
		return true
	}
	if isSourceLine(t) {
		return true
	}
	if _, ok := p.dates.isDateline(t); ok {
		return true
	}
	if _, ok := p.dates.looseDate(t); ok && !endsSentence(t) {
		return true
	}
	_, ok := p.dates.parseByline(t)
	return ok
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
	return isShareBar(t) || isFollowLine(t) || isWidget(t) || isConsent(t)
}
