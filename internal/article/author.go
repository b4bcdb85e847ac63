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
	if moreWords(line, 20) {
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
