package snippet

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// defaultMaxRunes is the window size used when Options.MaxRunes is 0 or less.
const defaultMaxRunes = 240

// Options controls a snippet. The zero value works.
type Options struct {
	// MaxRunes is the size of the window in runes (each byte of invalid
	// UTF-8 counts as one rune). 0 or less means 240. The ellipses are not
	// counted, and a single span longer than MaxRunes is shown whole.
	MaxRunes int
}

// Snippet is a window of a text with highlights.
type Snippet struct {
	// HTML is the escaped text of the window with every span wrapped in
	// <mark>…</mark>, and "…" (U+2026) where the window cuts the text.
	HTML string
	// Spans are the spans that fall inside the window, in byte offsets of
	// the full text, sorted and not overlapping. Nil when there are none.
	Spans []Span
	// Start and End are the window, byte offsets in the full text.
	Start, End int
}

// Build chooses the window of text to show and renders it.
//
// A text of at most MaxRunes runes is shown whole. Otherwise the window is
// the stretch of about MaxRunes runes holding the most distinct matched
// strings (span texts compared case-insensitively), then the most spans, then
// the earliest; it starts some context (about a fifth of MaxRunes) before its
// first span, and both edges are moved to white space when white space is
// near, never into a span; a cut inside a word happens only where there is
// no white space near (as in Chinese text). White space at the edges of such
// a window is trimmed, and "…" marks an edge only where text other than white
// space is left out. With no spans the window is the start of the text.
//
// Spans need not come from Spans: invalid ones are dropped and overlapping
// ones merged before use. The spans slice is not modified.
func Build(text string, spans []Span, opt Options) Snippet {
	maxRunes := opt.MaxRunes
	if maxRunes <= 0 {
		maxRunes = defaultMaxRunes
	}
	spans = normalize(text, spans)
	total := utf8.RuneCountInString(text)
	start, end := 0, len(text)
	if total > maxRunes {
		start, end = window(text, spans, maxRunes, total)
	}
	lo := searchStart(spans, start)
	hi := lo + searchStart(spans[lo:], end)
	in := spans[lo:hi]
	cutStart := start > 0 && strings.TrimRightFunc(text[:start], unicode.IsSpace) != ""
	cutEnd := end < len(text) && strings.TrimLeftFunc(text[end:], unicode.IsSpace) != ""

	var b strings.Builder
	b.Grow(htmlSize(end-start, len(in)) + 2*len(ellipsis))
	if cutStart {
		b.WriteString(ellipsis)
	}
	render(&b, text, in, start, end)
	if cutEnd {
		b.WriteString(ellipsis)
	}
	var out []Span
	if len(in) > 0 {
		out = slices.Clone(in)
	}
	return Snippet{HTML: b.String(), Spans: out, Start: start, End: end}
}

// Highlight renders the whole text, escaped, with every span wrapped in
// <mark>…</mark>. It is meant for titles and full paragraphs. Invalid spans
// are dropped and overlapping ones merged, as in Build.
func Highlight(text string, spans []Span) string {
	spans = normalize(text, spans)
	var b strings.Builder
	b.Grow(htmlSize(len(text), len(spans)))
	render(&b, text, spans, 0, len(text))
	return b.String()
}

const (
	ellipsis  = "\u2026"
	markOpen  = "<mark>"
	markClose = "</mark>"
)

// htmlSize estimates the size of the HTML for n bytes of text holding the
// given number of spans, leaving some room for entities.
func htmlSize(n, spans int) int {
	return n + n/16 + spans*(len(markOpen)+len(markClose))
}

// normalize returns spans as Build and Highlight need them: valid, sorted by
// Start and not overlapping. It returns spans itself when it is already so,
// and a new slice otherwise.
func normalize(text string, spans []Span) []Span {
	prevEnd := 0
	ok := true
	for _, s := range spans {
		if s.Start < prevEnd || !validRange(text, s.Start, s.End) {
			ok = false
			break
		}
		prevEnd = s.End
	}
	if ok {
		return spans
	}
	out := make([]Span, 0, len(spans))
	for _, s := range spans {
		if validRange(text, s.Start, s.End) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Span) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.End, b.End)
	})
	n := 0
	for _, s := range out {
		if n > 0 && s.Start < out[n-1].End {
			out[n-1].End = max(out[n-1].End, s.End)
			continue
		}
		out[n] = s
		n++
	}
	return out[:n]
}

// searchStart returns the index of the first span that starts at or after
// pos (len(spans) if none). spans must be sorted.
func searchStart(spans []Span, pos int) int {
	lo, hi := 0, len(spans)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if spans[m].Start < pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// inSpan reports whether pos is strictly inside one of the sorted,
// non-overlapping spans, and returns that span.
func inSpan(spans []Span, pos int) (Span, bool) {
	lo, hi := 0, len(spans)
	for lo < hi { // first span that ends after pos
		m := int(uint(lo+hi) >> 1)
		if spans[m].End <= pos {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(spans) && spans[lo].Start < pos {
		return spans[lo], true
	}
	return Span{}, false
}

// window chooses the window [start, end) of a text longer than maxRunes
// runes (total is its rune count) for the normalized spans.
func window(text string, spans []Span, maxRunes, total int) (start, end int) {
	// The core is the run of spans the window is chosen for, in bytes and
	// in runes. Without spans it is the empty stretch at the start.
	var coreB, coreEndB, coreR, coreEndR int
	if len(spans) > 0 {
		coreB, coreEndB, coreR, coreEndR = densest(text, spans, maxRunes)
	}

	// Keep the rest of the word after the core (such as closing punctuation)
	// when it is short and fits.
	tolerance := max(maxRunes/4, 20) // how far (in runes) an edge may move to reach white space
	if n, size, ok := restOfWord(text[coreEndB:], tolerance); ok && coreEndR+n-coreR <= maxRunes {
		coreEndB += size
		coreEndR += n
	}

	// The window in runes: the core plus some context before it, filled up
	// to maxRunes, shifted back when it would run past the end of the text.
	ws := coreR
	if coreLen := coreEndR - coreR; coreLen < maxRunes {
		lead := min(maxRunes/5, maxRunes-coreLen)
		ws = max(0, min(coreR-lead, total-maxRunes))
	}
	start = coreB - bytesBack(text[:coreB], coreR-ws)

	// Move the start to a word boundary: back to the start of its word when
	// that keeps the core inside the window, else forward to white space.
	if start > 0 {
		back := min(tolerance, ws-(coreEndR-maxRunes))
		start, ws = cutStart(text, spans, start, ws, coreB, back, tolerance)
	}
	we := max(coreEndR, min(total, ws+maxRunes))
	end = coreEndB + bytesForward(text[coreEndB:], we-coreEndR)
	if end < len(text) {
		end = cutEnd(text, spans, end, coreEndB, tolerance)
	}
	return trim(text, spans, start, end)
}

// restOfWord returns the length in runes and bytes of the text up to the
// first white space in s (or its end), and whether it was found within at
// most limit runes.
func restOfWord(s string, limit int) (runes, size int, ok bool) {
	for runes <= limit {
		if size == len(s) {
			return runes, size, true
		}
		r, n := utf8.DecodeRuneInString(s[size:])
		if unicode.IsSpace(r) {
			return runes, size, true
		}
		size += n
		runes++
	}
	return 0, 0, false
}

// densest returns the run of spans with the most distinct matched strings
// that fits in maxRunes runes (ties: most spans, then earliest), as the byte
// and rune offsets of its start and end. A single span longer than maxRunes
// forms a run of its own.
func densest(text string, spans []Span, maxRunes int) (startB, endB, startR, endR int) {
	k := len(spans)
	var bufR [64]int
	var bufN [64]int32
	// Rune offsets of each span's start (2i) and end (2i+1).
	runes := bufR[:0]
	if 2*k > len(bufR) {
		runes = make([]int, 0, 2*k)
	}
	prevB, prevR := 0, 0
	for _, s := range spans {
		prevR += utf8.RuneCountInString(text[prevB:s.Start])
		runes = append(runes, prevR)
		prevR += utf8.RuneCountInString(text[s.Start:s.End])
		runes = append(runes, prevR)
		prevB = s.End
	}

	// ids[i] names the distinct string of span i; counts[id] is how many
	// spans of that string the sliding window holds.
	var ids, counts []int32
	if 2*k <= len(bufN) {
		ids, counts = bufN[:k], bufN[k:2*k]
	} else {
		buf := make([]int32, 2*k)
		ids, counts = buf[:k], buf[k:]
	}
	foldIDs(text, spans, ids)

	best, bestEnd, bestDistinct := 0, 1, -1
	distinct := 0
	j := 0 // the window holds spans [i, j)
	for i := 0; i < k; i++ {
		for j < k && (j == i || runes[2*j+1]-runes[2*i] <= maxRunes) {
			if counts[ids[j]] == 0 {
				distinct++
			}
			counts[ids[j]]++
			j++
		}
		if distinct > bestDistinct || distinct == bestDistinct && j-i > bestEnd-best {
			best, bestEnd, bestDistinct = i, j, distinct
		}
		counts[ids[i]]--
		if counts[ids[i]] == 0 {
			distinct--
		}
	}
	last := bestEnd - 1
	return spans[best].Start, spans[last].End, runes[2*best], runes[2*last+1]
}

// foldIDs sets ids[i], for each span i, to a small number naming its text up
// to case: two spans get the same number exactly when strings.EqualFold holds
// for their texts. The numbers are less than len(spans).
func foldIDs(text string, spans []Span, ids []int32) {
	const smallSet = 16
	if len(spans) <= smallSet {
		// Few spans: pairwise comparison, no allocation.
		for i, s := range spans {
			ids[i] = int32(i)
			for p := range i {
				if strings.EqualFold(text[spans[p].Start:spans[p].End], text[s.Start:s.End]) {
					ids[i] = ids[p]
					break
				}
			}
		}
		return
	}
	seen := make(map[string]int32, len(spans))
	for i, s := range spans {
		key := foldKey(text[s.Start:s.End])
		id, ok := seen[key]
		if !ok {
			id = int32(i)
			seen[key] = id
		}
		ids[i] = id
	}
}

// foldKey maps s to a key that is equal for two strings exactly when
// strings.EqualFold holds for them: every rune is replaced by a fixed member
// of its simple case-folding orbit (see foldRune), and invalid bytes by
// U+FFFD. Text that is already folded, such as lower-case ASCII, is returned
// as it is, without allocating.
func foldKey(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the member of r's simple case-folding orbit that stands for
// the whole orbit: the lower-case ASCII letter when the orbit has one (so that
// 'K', 'k' and the Kelvin sign give 'k'), else the smallest rune.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return foldRune(f)
		}
		m = min(m, f)
	}
	return m
}

// bytesBack returns how many bytes the last n runes of s take (all of s if it
// has fewer runes).
func bytesBack(s string, n int) int {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		if s[i-1] < utf8.RuneSelf {
			i--
			continue
		}
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return len(s) - i
}

// bytesForward returns how many bytes the first n runes of s take (all of s
// if it has fewer runes).
func bytesForward(s string, n int) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// wordBoundary reports whether byte offset pos of text has white space on
// either side (or is an end of the text).
func wordBoundary(text string, pos int) bool {
	if pos <= 0 || pos >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[pos:])
	l, _ := utf8.DecodeLastRuneInString(text[:pos])
	return unicode.IsSpace(r) || unicode.IsSpace(l)
}

// cutStart moves the window start pos (rune offset posR) out of any span and,
// when it is inside a word, to a word boundary: back to the start of the word
// if that is at most back runes away, else forward to the next white space if
// that is at most forward runes away and before limit (the first span the
// window was chosen for). Without white space in reach (as in Chinese text)
// the start stays where it is. It returns the new start in bytes and runes.
func cutStart(text string, spans []Span, pos, posR, limit, back, forward int) (int, int) {
	if s, ok := inSpan(spans, pos); ok {
		posR += utf8.RuneCountInString(text[pos:s.End])
		pos = s.End
	}
	if wordBoundary(text, pos) {
		return pos, posR
	}
	for i, n := pos, 0; n <= back; n++ {
		if i == 0 {
			return 0, posR - n
		}
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			if _, ok := inSpan(spans, i); !ok {
				return i, posR - n
			}
		}
		i -= size
	}
	for i, n := pos, 0; i < limit && n < forward; n++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if _, ok := inSpan(spans, i); !ok {
				return i, posR + n
			}
		}
		i += size
	}
	return pos, posR
}

// cutEnd moves the window end pos out of any span and, when it is inside a
// word, back to the previous white space, looking at most tolerance runes
// back and never before limit (the end of the last span the window was
// chosen for). Without white space in reach it stays where it is.
func cutEnd(text string, spans []Span, pos, limit, tolerance int) int {
	if s, ok := inSpan(spans, pos); ok {
		pos = s.Start
	}
	if wordBoundary(text, pos) {
		return pos
	}
	for i, n := pos, 0; i > limit && n < tolerance; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
		if unicode.IsSpace(r) {
			if _, ok := inSpan(spans, i); !ok {
				return i
			}
		}
	}
	return pos
}

// trim removes white space at both edges of the window [start, end), without
// entering a span.
func trim(text string, spans []Span, start, end int) (int, int) {
	next := searchStart(spans, start)
	for start < end && (next == len(spans) || spans[next].Start != start) {
		r, size := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += size
		for next < len(spans) && spans[next].Start < start {
			next++
		}
	}
	prev := searchStart(spans, end) - 1 // last span starting before end
	for end > start && (prev < 0 || spans[prev].End != end) {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
		for prev >= 0 && spans[prev].Start >= end {
			prev--
		}
	}
	return start, end
}

// render writes text[start:end], escaped, with each of the spans (all inside
// [start, end), sorted, not overlapping) wrapped in a mark element.
func render(b *strings.Builder, text string, spans []Span, start, end int) {
	pos := start
	for _, s := range spans {
		escape(b, text[pos:s.Start])
		b.WriteString(markOpen)
		escape(b, text[s.Start:s.End])
		b.WriteString(markClose)
		pos = s.End
	}
	escape(b, text[pos:end])
}

// special marks the bytes escape must look at: the five HTML-special ASCII
// characters and every byte that is not ASCII (possibly invalid UTF-8).
var special = func() (t [256]bool) {
	for _, c := range `<>&'"` {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < len(t); c++ {
		t[c] = true
	}
	return t
}()

// escape writes s escaped as html.EscapeString does, with every byte of
// invalid UTF-8 replaced by U+FFFD.
func escape(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if !special[c] {
			i++
			continue
		}
		var entity string
		switch c {
		case '<':
			entity = "&lt;"
		case '>':
			entity = "&gt;"
		case '&':
			entity = "&amp;"
		case '\'':
			entity = "&#39;"
		case '"':
			entity = "&#34;"
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			entity = "\uFFFD"
		}
		b.WriteString(s[last:i])
		b.WriteString(entity)
		i++
		last = i
	}
	b.WriteString(s[last:])
}
