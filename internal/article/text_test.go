package article

import (
	"strings"
	"testing"
	"unicode"
)

// normaliseSpaceRef is normaliseSpace written the plain way, rune by rune:
// the fast paths must agree with it on every input.
func normaliseSpaceRef(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
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

func wordCountRef(s string) int { return len(strings.Fields(s)) }

var textCases = []string{
	"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\u00a0b", "a\u3000b", "\u200bа\u200bб",
	"tab\tand\nnewline\r\n", "ctrl\x01char\x7f", "x\x85y", "Beijing  (People's Daily)  ",
	"\xff\xfe invalid", "日本 語", "a \u2060 b", "end\u2028",
}

func TestNormaliseSpaceAgreesWithReference(t *testing.T) {
	for _, s := range textCases {
		if got, want := normaliseSpace(s), normaliseSpaceRef(s); got != want {
			t.Errorf("normaliseSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := wordCount(s), wordCountRef(s); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, want)
		}
		for n := range 4 {
			if got, want := moreWords(s, n), wordCountRef(s) > n; got != want {
				t.Errorf("moreWords(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}

func FuzzNormaliseSpace(f *testing.F) {
	for _, s := range textCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := moreWords(s, 2), wordCountRef(s) > 2; got != want {
			t.Errorf("moreWords(%q, 2) = %v, want %v", s, got, want)
		}
		if got, want := normaliseSpace(s), normaliseSpaceRef(s); got != want {
			t.Errorf("normaliseSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := wordCount(s), wordCountRef(s); got != want {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, want)
		}
	})
}

// TestLineEnds: sentence ends behind closing quotes of several languages,
// and the colon that introduces what follows.
func TestLineEnds(t *testing.T) {
	t.Parallel()
	checkLines(t, []lineCase{
		{"Er sagte: „Wir bleiben.“", endsSentence, "endsSentence", true},
		{"Das Motto lautet »Wir bleiben hier!«", endsSentence, "endsSentence", true},
		{"She said: \"We stay.\"", endsSentence, "endsSentence", true},
		{"„Wir bleiben“", endsSentence, "endsSentence", false},
		{"Die Regeln für das Spiel sind diese:", introduces, "introduces", true},
		{"Die Regeln für das Spiel sind diese.", introduces, "introduces", false},
	})
}
