package article

import "strings"

// Cheap byte scans that rule a line out before a regular expression is
// run on it. Each is a necessary condition of its expression's match, so
// that a line it rules out is one the expression would not match: they
// save work and never change an answer.

// containsFoldASCII reports whether s contains sub, a non-empty lower-case
// ASCII string, with the ASCII letters of s compared without case. Under
// the simple case folding of a (?i) expression a few ASCII letters also
// match non-ASCII runes ('k' the Kelvin sign, 's' the long s), so a piece
// of a pattern is only a necessary condition when none of its letters has
// such a partner.
func containsFoldASCII(s, sub string) bool {
	c := sub[0]
	if 'a' <= c && c <= 'z' && containsFoldFrom(s, c-'a'+'A', sub) {
		return true
	}
	return containsFoldFrom(s, c, sub)
}

// containsFoldFrom reports whether s contains sub (see containsFoldASCII)
// starting at a byte c, which is sub's first letter in one of its cases.
func containsFoldFrom(s string, c byte, sub string) bool {
	for i := 0; len(s)-i >= len(sub); i++ {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if len(s)-i < len(sub) {
			return false
		}
		if equalFoldASCII(s[i+1:i+len(sub)], sub[1:]) {
			return true
		}
	}
	return false
}

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
