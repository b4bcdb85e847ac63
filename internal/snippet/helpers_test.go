package snippet

import (
	"html"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tokenMatches splits text into tokens of letters and digits, as an analyzer
// would, numbers them from 1 and returns a match for every token equal (up to
// case) to one of the terms.
func tokenMatches(text string, terms ...string) []Match {
	var ms []Match
	pos, start := 0, -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		pos++
		for _, t := range terms {
			if strings.EqualFold(text[start:end], t) {
				ms = append(ms, Match{Start: start, End: end, Pos: pos})
				break
			}
		}
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return ms
}

// validText returns text with every byte of invalid UTF-8 replaced by U+FFFD,
// which is how the package renders it.
func validText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// parseMarks checks that h is valid UTF-8 whose only tags are balanced,
// non-nested <mark> elements, and returns the unescaped text outside and
// inside the marks.
func parseMarks(t testing.TB, h string) (plain string, marked []string) {
	t.Helper()
	if !utf8.ValidString(h) {
		t.Fatalf("output is not valid UTF-8: %q", h)
	}
	var b strings.Builder
	open := -1
	for i := 0; i < len(h); {
		switch {
		case strings.HasPrefix(h[i:], markOpen):
			if open >= 0 {
				t.Fatalf("nested <mark> at %d in %q", i, h)
			}
			open = b.Len()
			i += len(markOpen)
		case strings.HasPrefix(h[i:], markClose):
			if open < 0 {
				t.Fatalf("</mark> without <mark> at %d in %q", i, h)
			}
			if b.Len() == open {
				t.Fatalf("empty mark at %d in %q", i, h)
			}
			marked = append(marked, html.UnescapeString(b.String()[open:]))
			open = -1
			i += len(markClose)
		case h[i] == '<' || h[i] == '>':
			t.Fatalf("tag character outside a mark tag at %d in %q", i, h)
		default:
			b.WriteByte(h[i])
			i++
		}
	}
	if open >= 0 {
		t.Fatalf("unclosed <mark> in %q", h)
	}
	return html.UnescapeString(b.String()), marked
}

// checkSpans checks the invariants of normalized spans of text.
func checkSpans(t testing.TB, text string, spans []Span, touching bool) {
	t.Helper()
	prev := -1
	for _, s := range spans {
		if !validRange(text, s.Start, s.End) {
			t.Fatalf("invalid span %v in text of %d bytes: %v", s, len(text), spans)
		}
		if s.Start < prev || !touching && s.Start == prev {
			t.Fatalf("spans not sorted and apart: %v", spans)
		}
		prev = s.End
	}
}

// checkSnippet checks every property a snippet of text must have.
func checkSnippet(t testing.TB, text string, sn Snippet, maxRunes int) {
	t.Helper()
	if maxRunes <= 0 {
		maxRunes = defaultMaxRunes
	}
	if sn.Start < 0 || sn.Start > sn.End || sn.End > len(text) ||
		!runeBoundary(text, sn.Start) || !runeBoundary(text, sn.End) {
		t.Fatalf("bad window [%d, %d) for text of %d bytes", sn.Start, sn.End, len(text))
	}
	checkSpans(t, text, sn.Spans, true)
	for _, s := range sn.Spans {
		if s.Start < sn.Start || s.End > sn.End {
			t.Fatalf("span %v outside window [%d, %d)", s, sn.Start, sn.End)
		}
	}
	if n := utf8.RuneCountInString(text[sn.Start:sn.End]); n > maxRunes {
		if len(sn.Spans) != 1 || sn.Spans[0] != (Span{sn.Start, sn.End}) {
			t.Fatalf("window of %d runes > %d is not one long span: %+v", n, maxRunes, sn)
		}
	}
	if utf8.RuneCountInString(text) <= maxRunes && (sn.Start != 0 || sn.End != len(text)) {
		t.Fatalf("short text not shown whole: [%d, %d) of %d", sn.Start, sn.End, len(text))
	}

	plain, marked := parseMarks(t, sn.HTML)
	want := validText(text[sn.Start:sn.End])
	if strings.TrimRightFunc(text[:sn.Start], unicode.IsSpace) != "" {
		want = ellipsis + want
	}
	if strings.TrimLeftFunc(text[sn.End:], unicode.IsSpace) != "" {
		want += ellipsis
	}
	if plain != want {
		t.Fatalf("unmarked, unescaped HTML\n got %q\nwant %q", plain, want)
	}
	if len(marked) != len(sn.Spans) {
		t.Fatalf("%d marks for %d spans: %q", len(marked), len(sn.Spans), sn.HTML)
	}
	for i, s := range sn.Spans {
		if w := validText(text[s.Start:s.End]); marked[i] != w {
			t.Fatalf("mark %d is %q, want %q", i, marked[i], w)
		}
	}
}
