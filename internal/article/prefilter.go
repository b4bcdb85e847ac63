package article

import (
	"regexp"
	"strings"
)

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

// matchIf is re.FindStringSubmatchIndex(s) when may, a necessary condition
// of re's match, holds, and nil otherwise.
func matchIf(may bool, re *regexp.Regexp, s string) []int {
	if !may {
		return nil
	}
	return re.FindStringSubmatchIndex(s)
}

// mayHaveMonth is a necessary condition of monthRe: the first three
// letters of an English month's name in any case, or the "ep" of "sep"
// (whose s also folds to the long s). No other letter of theirs folds to
// a non-ASCII rune.
func mayHaveMonth(s string) bool { return firstMonth(s) >= 0 }

// firstMonth is the offset of the first place in s where mayHaveMonth
// finds a month's letters (of the "ep" for "sep"), or -1.
func firstMonth(s string) int {
	for i := 0; i+1 < len(s); i++ {
		// b|0x20 lower-cases an ASCII letter, and maps no other byte
		// to a letter.
		a, b := s[i]|0x20, s[i+1]|0x20
		if a == 'e' && b == 'p' {
			return i
		}
		if i+2 >= len(s) {
			continue
		}
		c := s[i+2] | 0x20
		switch a {
		case 'j':
			if b == 'a' && c == 'n' || b == 'u' && (c == 'n' || c == 'l') {
				return i
			}
		case 'f':
			if b == 'e' && c == 'b' {
				return i
			}
		case 'm':
			if b == 'a' && (c == 'r' || c == 'y') {
				return i
			}
		case 'a':
			if b == 'p' && c == 'r' || b == 'u' && c == 'g' {
				return i
			}
		case 'o':
			if b == 'c' && c == 't' {
				return i
			}
		case 'n':
			if b == 'o' && c == 'v' {
				return i
			}
		case 'd':
			if b == 'e' && c == 'c' {
				return i
			}
		}
	}
	return -1
}

// matchMonthFirst is mdyRe.FindStringSubmatchIndex(s) (nil when s has no
// month's letters), run on the part of s that can hold the match: every
// match starts at a month's name, so at most two bytes before the first
// place firstMonth finds (the s, or long s, of "sep"). The part starts
// at a space, so that the expression sees the same word boundaries and
// rune starts as in s; the offsets are given in s.
func matchMonthFirst(s string) []int {
	i := firstMonth(s)
	if i < 0 {
		return nil
	}
	cut := strings.LastIndexByte(s[:max(i-2, 0)], ' ')
	if cut <= 0 {
		return mdyRe.FindStringSubmatchIndex(s)
	}
	m := mdyRe.FindStringSubmatchIndex(s[cut:])
	for k := range m {
		if m[k] >= 0 {
			m[k] += cut
		}
	}
	return m
}

// mayHaveZone is a necessary condition of zoneRe: a plus or minus sign, or
// a zone's name: "gmt", "utc", "bjt", "edt", "pdt" in any case, or a b, c,
// e or p before an s (or the long s) and a t.
func mayHaveZone(s string) bool {
	if strings.ContainsAny(s, "+-") {
		return true
	}
	for i := 2; i < len(s); i++ {
		if s[i]|0x20 != 't' {
			continue
		}
		a, b := s[i-2]|0x20, s[i-1]|0x20
		switch {
		case a == 'g' && b == 'm', a == 'b' && b == 'j', a == 'e' && b == 'd', a == 'p' && b == 'd':
			return true
		case b == 's' && (a == 'b' || a == 'c' || a == 'e' || a == 'p'):
			return true
		case i >= 3 && s[i-2:i] == "ſ":
			if a := s[i-3] | 0x20; a == 'b' || a == 'c' || a == 'e' || a == 'p' {
				return true
			}
		}
	}
	return containsFoldASCII(s, "utc")
}

// containsFoldASCII reports whether s contains sub, a non-empty lower-case
// ASCII string none of whose letters folds to a non-ASCII rune, its ASCII
// letters compared without case.
func containsFoldASCII(s, sub string) bool {
	c := sub[0]
	if 'a' <= c && c <= 'z' && containsFoldFrom(s, c-'a'+'A', sub) {
		return true
	}
	return containsFoldFrom(s, c, sub)
}

// containsFoldFrom is containsFoldASCII looking only at the places where
// s has the byte c, sub's first letter in one of its cases.
func containsFoldFrom(s string, c byte, sub string) bool {
	for i := 0; len(s)-i >= len(sub); i++ {
		j := strings.IndexByte(s[i:], c)
		if j < 0 || len(s)-i-j < len(sub) {
			return false
		}
		i += j
		if equalFoldASCII(s[i+1:i+len(sub)], sub[1:]) {
			return true
		}
	}
	return false
}

// noticeStarts are the beginnings of noticeRe's notices that stand at the
// start of a line, cut before a k (which also folds to the Kelvin sign);
// "k" and the Kelvin sign themselves stand for "keywords".
var noticeStarts = []string{"clic", "tag", "k", "\u212a", "copyright", "©", "(c)"}

// mayBeNotice is a necessary condition of noticeRe: the line starts as one
// of its notices does, or has "all right" in it (of "all rights reserved",
// whose s also folds to the long s).
func mayBeNotice(line string) bool {
	return hasPrefixFoldASCII(line, noticeStarts...) || containsFoldASCII(line, "all right")
}

// mayFollow is a necessary condition of isFollowLine: the line starts with
// a bracket, or (after spaces) with the first letter of one of followRe's
// invitations ("for the latest", "follow", "like", "join", "subscribe",
// whose s also folds to the long s).
func mayFollow(line string) bool {
	if strings.HasPrefix(line, "(") {
		return true
	}
	i := 0
	for i < len(line) && reSpace(line[i]) {
		i++
	}
	if i == len(line) {
		return false
	}
	switch line[i] | 0x20 {
	case 'f', 'l', 'j', 's':
		return true
	}
	return strings.HasPrefix(line[i:], "ſ")
}

// widgetFirst marks the lower-case first letters of widgetRe's labels.
var widgetFirst = [256]bool{'a': true, 'b': true, 'c': true, 'e': true, 'h': true, 'i': true, 'l': true, 'm': true,
	'n': true, 'p': true, 'r': true, 's': true, 't': true, 'v': true, 'w': true, 'y': true}

// mayBeWidget is a necessary condition of widgetRe: the line starts with
// the first letter of one of its labels in any case, with the long s
// (which folds to s) or with one of the arrows of a pager.
func mayBeWidget(line string) bool {
	if line == "" {
		return false
	}
	return widgetFirst[line[0]|0x20] || strings.HasPrefix(line, "ſ") || strings.HasPrefix(line, "«") || strings.HasPrefix(line, "‹")
}
