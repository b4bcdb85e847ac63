// Package snippet owns the presentation of search hits as text: it turns the
// byte offsets of a query's matches in a plain text into highlight spans,
// chooses the window of a long text that best shows those spans, and renders
// that window (or a whole short text) as escaped HTML in which every span is
// wrapped in <mark>…</mark>.
//
// The package is pure: it knows nothing about the index, it does no I/O and it
// keeps no state, so every function is safe for concurrent use. Offsets are
// always byte offsets into the UTF-8 text; invalid offsets and invalid UTF-8
// are tolerated (dropped or replaced), never a reason to panic.
package snippet

import (
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Match is one matched token in a text: byte offsets [Start, End) and the
// token position. Pos is 1-based and consecutive tokens have consecutive
// positions; Pos 0 (or less) means the position is unknown.
type Match struct {
	Start, End int
	Pos        int
}

// Span is a highlighted range of a text, in byte offsets [Start, End).
type Span struct {
	Start, End int
}

// Spans merges matches into highlight spans.
//
// The result is sorted by Start and its spans neither overlap nor touch:
// duplicate, overlapping and touching matches are merged, and so are two
// matches whose positions are consecutive (the later one has Pos+1) when the
// text between them holds no letter or digit (only spaces, hyphens,
// punctuation), so that a matched phrase such as "critical infrastructure" is
// one span. The earlier match of such a pair must end where its span so far
// ends. Matches with Pos 0 merge only when they overlap or touch.
//
// Matches with out-of-range, empty or inverted offsets, or with an offset that
// splits a UTF-8 sequence, are dropped. The matches slice is not modified.
// Spans returns nil when no match is left.
func Spans(text string, matches []Match) []Span {
	valid := make([]Match, 0, len(matches))
	for _, m := range matches {
		if validRange(text, m.Start, m.End) {
			valid = append(valid, m)
		}
	}
	if len(valid) == 0 {
		return nil
	}
	slices.SortFunc(valid, func(a, b Match) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(a.End, b.End); c != 0 {
			return c
		}
		return cmp.Compare(a.Pos, b.Pos)
	})

	out := make([]Span, 0, len(valid))
	// endPos holds the known positions of the matches that end exactly where
	// the current span ends: only those can start a phrase across a gap.
	var endPosBuf [8]int
	endPos := endPosBuf[:0]
	cur := Span{valid[0].Start, valid[0].End}
	if valid[0].Pos > 0 {
		endPos = append(endPos, valid[0].Pos)
	}
	for _, m := range valid[1:] {
		switch {
		case m.Start <= cur.End:
			// Overlaps or touches the current span.
		case m.Pos > 1 && slices.Contains(endPos, m.Pos-1) && onlySeparators(text[cur.End:m.Start]):
			// Next token of a phrase, separated by non-word characters.
		default:
			out = append(out, cur)
			cur = Span{m.Start, m.End}
			endPos = endPos[:0]
			if m.Pos > 0 {
				endPos = append(endPos, m.Pos)
			}
			continue
		}
		switch {
		case m.End > cur.End:
			cur.End = m.End
			endPos = endPos[:0]
			if m.Pos > 0 {
				endPos = append(endPos, m.Pos)
			}
		case m.End == cur.End && m.Pos > 0 && !slices.Contains(endPos, m.Pos):
			endPos = append(endPos, m.Pos)
		}
	}
	return append(out, cur)
}

// onlySeparators reports whether s holds no letter and no digit.
func onlySeparators(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
		i += size
	}
	return true
}

// validRange reports whether [start, end) is a non-empty range of text whose
// ends are both rune boundaries.
func validRange(text string, start, end int) bool {
	return 0 <= start && start < end && end <= len(text) &&
		runeBoundary(text, start) && runeBoundary(text, end)
}

// runeBoundary reports whether byte offset i (0 <= i <= len(text)) is a place
// where ranging over text starts a rune: it does not split a valid UTF-8
// sequence. Each byte of an invalid sequence counts as a rune of its own, as
// it does for range loops and utf8.RuneCountInString.
func runeBoundary(text string, i int) bool {
	if i <= 0 || i >= len(text) || utf8.RuneStart(text[i]) {
		return true
	}
	// text[i] is a continuation byte: it is inside a rune only if the nearest
	// start byte before it begins a valid sequence that reaches past i.
	for j := i - 1; j >= 0 && j >= i-(utf8.UTFMax-1); j-- {
		if utf8.RuneStart(text[j]) {
			_, size := utf8.DecodeRuneInString(text[j:])
			return j+size <= i
		}
	}
	return true
}
