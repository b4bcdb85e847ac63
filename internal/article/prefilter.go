package article

import "strings"

// Cheap byte scans that rule a line out before a regular expression is
// run on it. Each is a necessary condition of its expression's match, so
// that a line it rules out is one the expression would not match: they
// save work and never change an answer.

// equalFoldASCII reports whether s, of the same length as the lower-case
// ASCII string lower, equals it with the ASCII letters of s compared
// without case.
func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// hasPrefixFoldASCII reports whether s starts with one of the lower-case
// ASCII prefixes, its ASCII letters compared without case.
func hasPrefixFoldASCII(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && equalFoldASCII(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// reSpace reports whether c is in the \s class of Go's regular
// expressions.
func reSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// mayBeEditors is a necessary condition of editorRe: after an optional
// bracket and spaces, the line starts with "edit", "re" or "web" in any
// case (the rest of "responsible" has an s, which also folds to the long s).
func mayBeEditors(line string) bool {
	i := 0
	if i < len(line) && line[i] == '(' {
		i++
	}
	for i < len(line) && reSpace(line[i]) {
		i++
	}
	return hasPrefixFoldASCII(line[i:], "edit", "re", "web")
}

// bylineStarts are the first two letters of every word for "by" that
// bylineRe takes; none folds to a non-ASCII rune.
var bylineStarts = []string{"by", "wr", "re", "po", "fr", "vo", "ge", "ei", "pa", "do", "av", "pr", "au"}

// mayBeByline is a necessary condition of bylineRe: the line starts with
// the first two letters of one of its words for "by".
func mayBeByline(line string) bool {
	return hasPrefixFoldASCII(line, bylineStarts...)
}

// hasColon is a necessary condition of sourceRe: a source line has a
// colon, ASCII or full width.
func hasColon(line string) bool {
	return strings.IndexByte(line, ':') >= 0 || strings.Contains(line, "：")
}

// mayHaveCookie is a necessary condition of consentRe, (?i)cookie: a k,
// or the Kelvin sign, which folds to k, after "coo" in any case (none of
// its letters folds to a non-ASCII rune). The k is looked for first: it
// is the rarest of them in text.
func mayHaveCookie(line string) bool {
	return cooBefore(line, "k") || cooBefore(line, "K") || cooBefore(line, "\u212a")
}

// cooBefore reports whether k stands in s right after "coo" in any case.
func cooBefore(s, k string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], k)
		if j < 0 {
			return false
		}
		i += j
		// b|0x20 lower-cases an ASCII letter, and maps no other byte
		// to 'c' or 'o'.
		if i >= 3 && s[i-3]|0x20 == 'c' && s[i-2]|0x20 == 'o' && s[i-1]|0x20 == 'o' {
			return true
		}
		i += len(k)
	}
}

// lowerASCII lower-cases an ASCII upper-case letter; other bytes are kept.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// authorWords are the words for "by" of authorRe that end at white space,
// and the author labels; authorRe's longer alternatives end in one of
// them ("posted by", "geschrieben von"). None has a letter that folds to
// a non-ASCII rune.
var authorWords = []string{"by", "von", "par", "por", "door", "av", "przez"}

// mayNameAuthor is a necessary condition of authorRe: at the start of the
// line or after white space, a bar, a bracket or a comma, a word for "by"
// followed by white space, or "autor" or "author".
func mayNameAuthor(line string) bool {
	for i := 0; i < len(line); i++ {
		if i > 0 {
			if c := line[i-1]; !reSpace(c) && c != '|' && c != '(' && c != ',' {
				continue
			}
		}
		rest := line[i:]
		if hasPrefixFoldASCII(rest, "autor", "author") {
			return true
		}
		for _, w := range authorWords {
			if len(rest) > len(w) && equalFoldASCII(rest[:len(w)], w) && reSpace(rest[len(w)]) {
				return true
			}
		}
	}
	return false
}
