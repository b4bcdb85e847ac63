package article

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// authorRe finds the word for "by" (or an author label) inside a short
// line of a page's head or foot: "Veröffentlicht: 05.01.2020 | Autor:
// gnaddrig", "Eingestellt von Weinlachgummi um 10:52", "Posted by Ann on
// May 1". What follows it is read by authorName.
var authorRe = regexp.MustCompile(`(?i)(?:^|[\s|(,])(?:by|von|par|por|door|av|przez|autor(?:in)?\s*:|author\s*:|verfasst von|geschrieben von|posted by|written by)\s+`)

// nameStops end a name read after the word for "by": the words that
// introduce a date or place in the languages of bylineRe.
var nameStops = map[string]bool{
	"on": true, "at": true, "in": true, "am": true, "um": true, "le": true, "el": true, "op": true, "w": true,
	"|": true, "-": true, "–": true, "—": true, "·": true, "•": true, "and": true, "und": true, "et": true,
}

// looseAuthor returns the author a short head or foot line names after a
// word for "by", or "".
func looseAuthor(line string) string {
	if moreWords(line, 20) || !mayNameAuthor(line) {
		return ""
	}
	loc := authorRe.FindStringIndex(line)
	if loc == nil {
		return ""
	}
	var name []string
	for i, w := range strings.Fields(line[loc[1]:]) {
		if nameStops[strings.ToLower(w)] || i >= 4 {
			break
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsDigit(r) || (i > 0 && !unicode.IsUpper(r)) {
			break
		}
		if !unicode.IsLetter(r) {
			break
		}
		clean := strings.TrimRight(w, ",;:|)")
		name = append(name, clean)
		if clean != w {
			break
		}
	}
	if len(name) == 0 {
		return ""
	}
	// One lower-case word after "by" is a clause ("by far"), not a name,
	// unless an author label introduced it.
	if r, _ := utf8.DecodeRuneInString(name[0]); !unicode.IsUpper(r) && !strings.Contains(strings.ToLower(line[loc[0]:loc[1]]), "aut") {
		return ""
	}
	return strings.Join(name, " ")
}

// nearAuthor names the author of an article that no byline named: from
// the nearest short line around the start of the body (the same window as
// nearDate's) that names one after a word for "by" ("Posted 11. April
// 2018 by Walter von Aachen"), that is a lone "Von"/"By" with the name on
// the next line, that is a name on its own beside a line with a date, or
// that is a dateline with a name as one of its parts ("Gunter Frank /
// 22.04.2020 / 06:15", "Marie Merlet | lundi 9 décembre").
func (p *parser) nearAuthor() {
	if p.author != "" || p.body0 >= len(p.lines) {
		return
	}
	var near []int // non-blank lines, nearest first: above the body, then into it
	for i, seen := p.body0-1, 0; i >= 0 && seen < dateWindowAbove; i-- {
		if p.lines[i].Kind != KindBlank {
			near = append(near, i)
			seen++
		}
	}
	for i, seen := p.body0, 0; i < len(p.lines) && seen < dateWindowBelow; i++ {
		if p.lines[i].Kind != KindBlank {
			near = append(near, i)
			seen++
		}
	}
	for _, i := range near {
		t := strings.TrimLeft(p.lines[i].Text, "•*-· ")
		if endsSentence(t) && moreWords(t, 12) {
			continue
		}
		if name := looseAuthor(t); name != "" {
			p.author = name
			return
		}
		if l := strings.ToLower(t); l == "von" || l == "by" || l == "von:" || l == "by:" {
			if j := p.nextNonBlank(i); j >= 0 {
				if name := strings.TrimLeft(p.lines[j].Text, "•*-· "); isName(name) {
					p.author = name
					return
				}
			}
		}
		if isName(t) && (p.datedLine(p.nextNonBlank(i)) || p.datedLine(p.prevNonBlank(i))) {
			// A name on its own line beside the date line.
			p.author = t
			return
		}
		if d, ok := p.dates.looseDate(t); ok {
			if rest := strings.Trim(d.rest, " ,|-–—/•·"); isName(rest) {
				// A date and a name: "28. Jan. 2022 Paula Balov".
				p.author = rest
				return
			}
			for _, part := range splitDateline(t) {
				if isName(part) {
					p.author = part
					return
				}
			}
		}
	}
}

// datedLine reports whether line i (-1: none) is a short line with a date.
func (p *parser) datedLine(i int) bool {
	if i < 0 || endsSentence(p.lines[i].Text) {
		return false
	}
	_, ok := p.dates.looseDate(p.lines[i].Text)
	return ok
}

// prevNonBlank is the index of the last non-blank line before i, or -1.
func (p *parser) prevNonBlank(i int) int {
	for j := i - 1; j >= 0; j-- {
		if p.lines[j].Kind != KindBlank {
			return j
		}
	}
	return -1
}

// nextNonBlank is the index of the next non-blank line after i, or -1.
func (p *parser) nextNonBlank(i int) int {
	for j := i + 1; j < len(p.lines); j++ {
		if p.lines[j].Kind != KindBlank {
			return j
		}
	}
	return -1
}

// splitDateline splits a dateline at its separators (a bar, a slash or a
// bullet standing apart).
func splitDateline(t string) []string {
	f := func(r rune) bool { return r == '|' || r == '•' || r == '·' }
	var out []string
	for _, part := range strings.FieldsFunc(strings.ReplaceAll(t, " / ", " | "), f) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// isName reports whether s reads as a person's name: two to four words,
// each starting with a capital letter (particles such as "von" aside),
// without digits.
func isName(s string) bool {
	w := strings.Fields(s)
	if len(w) < 2 || len(w) > 4 || strings.IndexFunc(s, unicode.IsDigit) >= 0 {
		return false
	}
	for i, x := range w {
		r, _ := utf8.DecodeRuneInString(x)
		if !unicode.IsUpper(r) && !(i > 0 && i < len(w)-1 && (x == "von" || x == "van" || x == "de" || x == "der" || x == "del")) {
			return false
		}
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
