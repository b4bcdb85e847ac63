package article

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normaliseSpace replaces every Unicode white-space character (non-breaking
// and ideographic spaces included) with a plain space, drops zero-width and
// control characters, collapses runs of spaces and trims the ends.
func normaliseSpace(s string) string {
	if plainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII: no need to decode
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
				space = true
				continue
			case c < 0x20 || c == 0x7f:
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff':
			continue
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// plainASCII reports whether s is printable ASCII with single spaces
// between words and none at the ends: already normalised.
func plainASCII(s string) bool {
	prev := byte(' ') // a leading space is not plain
	for i := 0; i < len(s); i++ {
		c := s[i]
		// Outside '!'..'~' only a space after a non-space is plain.
		if c-'!' > '~'-'!' && (c != ' ' || prev == ' ') {
			return false
		}
		prev = c
	}
	return len(s) == 0 || prev != ' '
}

// indented reports whether a raw line starts with two or more spaces or a tab.
func indented(raw string) bool {
	return strings.HasPrefix(raw, "\t") || strings.HasPrefix(raw, "  ")
}

// moreWords reports whether s has more than n white-space separated
// words.
func moreWords(s string, n int) bool {
	if len(s) < 2*n+1 {
		return false // n+1 words take at least n+1 bytes and n separators
	}
	if n >= manyWords && spaceBytes(s) < n {
		return false // every word but the first comes after a space
	}
	return countWords(s, n+1) > n
}

// manyWords is the number of words from which moreWords first counts the
// bytes that may be white space (quick, whatever the length) rather than
// the words (slower, but stopping at n+1).
const manyWords = 100

// spaceBytes is at least the number of white-space runes in s: the count
// of the ASCII white-space bytes and of 0xC2, 0xE1, 0xE2 and 0xE3, the
// first bytes of every other white-space rune (U+0085, U+00A0, U+1680,
// U+2000 to U+205F, U+3000).
func spaceBytes(s string) int {
	n := 0
	for _, b := range [...]string{" ", "\t", "\n", "\v", "\f", "\r", "\xc2", "\xe1", "\xe2", "\xe3"} {
		n += strings.Count(s, b)
	}
	return n
}

// wordCount counts white-space separated words.
func wordCount(s string) int { return countWords(s, -1) }

// asciiSpace marks the ASCII white-space bytes (unicode.IsSpace's).
var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\t': true, '\n': true, '\r': true, '\v': true, '\f': true}

// countWords counts the white-space separated words of s, stopping at
// limit words (limit < 0: no limit). ASCII is read byte by byte.
func countWords(s string, limit int) int {
	if limit == 0 {
		return 0
	}
	n, in := 0, false
	for i := 0; i < len(s); {
		if c := s[i]; in && c > ' ' && c < utf8.RuneSelf {
			// Inside a word every byte from '!' to DEL is a letter of it:
			// skip to the word's end.
			for i++; i < len(s) && s[i] > ' ' && s[i] < utf8.RuneSelf; i++ {
			}
			continue
		}
		var space bool
		if c := s[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !in {
			n++
			if n == limit {
				return n
			}
		}
		in = !space
	}
	return n
}

// endsSentence reports whether s ends like a sentence: a full stop,
// question or exclamation mark, possibly followed by closing quotes or
// brackets.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return r == '"' || r == '\'' || r == '”' || r == '’' || r == ')' || r == ']' || r == '»' || r == ' ' || r == '“' || r == '«'
	})
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '.', '!', '?', '。', '！', '？', '…':
		return true
	}
	return false
}

// endsClause reports whether s ends with any punctuation that continues or
// ends a sentence (as opposed to a label or headline, which has none).
func endsClause(s string) bool {
	if endsSentence(s) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	switch r {
	case ',', ';', ':', '"', '”', '\'', '’', '，', '；', '：':
		return true
	}
	return false
}

// bulletMarks start list items: the usual ones, and those a browser's text
// view draws for nested lists (□, ◦).
var bulletMarks = []string{"- ", "* ", "• ", "· ", "– ", "— ", "□ ", "◦ ", "○ ", "■ ", "▪ ", "● "}

// isBullet reports whether a line starts with a list marker.
func isBullet(s string) bool {
	for _, p := range bulletMarks {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// startsUpper reports whether s starts with an upper-case letter or a digit.
func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.Is(unicode.Han, r)
}

// abbreviations that end with a full stop without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "sr": true, "jr": true, "prof": true,
	"gen": true, "col": true, "lt": true, "sgt": true, "rev": true, "gov": true, "sen": true, "rep": true,
	"no": true, "vs": true, "etc": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// sentenceEnds returns the byte offsets just after each sentence end in s
// where a new sentence starts (a full stop, question or exclamation mark,
// optional closing quotes, a space, then an upper-case letter, digit or
// opening quote), skipping common abbreviations and initials.
func sentenceEnds(s string) []int {
	var ends []int
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '"' || s[j] == '\'' || s[j] == ')') {
			j++
		}
		if j >= len(s) || s[j] != ' ' {
			continue
		}
		k := j + 1
		if k >= len(s) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[k:])
		if !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '\'') {
			continue
		}
		if c == '.' {
			// The word before the stop: an abbreviation or an initial does not end a sentence.
			w := i
			for w > 0 && s[w-1] != ' ' {
				w--
			}
			word := strings.ToLower(strings.Trim(s[w:i], "\"'(“"))
			if abbreviations[word] || utf8.RuneCountInString(word) == 1 || strings.Contains(word, ".") {
				continue
			}
		}
		ends = append(ends, j)
	}
	return ends
}

// functionWords cannot end a heading: a line ending in one is a sentence cut short.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "as": true, "of": true,
	"to": true, "in": true, "on": true, "at": true, "by": true, "for": true, "with": true, "from": true,
	"that": true, "which": true, "who": true, "is": true, "was": true, "are": true, "were": true, "had": true,
	"has": true, "have": true, "be": true, "his": true, "her": true, "their": true, "its": true,
}

// endsWithFunctionWord reports whether the last word of s is a function word.
func endsWithFunctionWord(s string) bool {
	f := strings.Fields(s)
	return len(f) > 0 && functionWords[f[len(f)-1]]
}
