package snippet

import (
	"encoding/binary"
	"testing"
)

// fuzzMatches turns fuzzer bytes into matches: 4 bytes each, giving a start
// near the text (sometimes out of range), a length (sometimes empty or
// inverted) and a small position, so that phrases are common.
func fuzzMatches(text string, raw []byte) []Match {
	var ms []Match
	for ; len(raw) >= 4 && len(ms) < 64; raw = raw[4:] {
		start := int(binary.LittleEndian.Uint16(raw))%(len(text)+4) - 2
		length := int(raw[2]%48) - 4
		ms = append(ms, Match{Start: start, End: start + length, Pos: int(raw[3] % 12)})
	}
	return ms
}

func FuzzBuild(f *testing.F) {
	f.Add(councilText, []byte("\x50\x01\x05\x03\x90\x01\x04\x04\x00\x00\x08\x01"), 60)
	f.Add(floodText, []byte("\x00\x00\x08\x01\x09\x00\x06\x02"), 20)
	f.Add(chineseText, []byte("\x03\x00\x06\x01\x09\x00\x06\x02\x30\x00\x09\x05"), 10)
	f.Add(frenchText, []byte("\x10\x00\x0a\x01"), 0)
	f.Add(emojiText, []byte("\x00\x00\x04\x01\x04\x00\x04\x02"), 7)
	f.Add(hostileText, []byte("\x01\x00\x06\x01\x14\x00\x06\x02"), 5)
	f.Add("bad \xff bytes \xe2\x82 and \xf0\x9f more", []byte("\x04\x00\x01\x00\x0c\x00\x03\x01"), 3)
	f.Add("   \t\n  ", []byte("\x01\x00\x02\x00"), 1)
	f.Add("", []byte{}, -1)
	f.Fuzz(func(t *testing.T, text string, raw []byte, maxRunes int) {
		maxRunes %= 300
		matches := fuzzMatches(text, raw)
		spans := Spans(text, matches)
		checkSpans(t, text, spans, false)
		sn := Build(text, spans, Options{MaxRunes: maxRunes})
		checkSnippet(t, text, sn, maxRunes)

		// Spans straight from the matches, unchecked and unsorted.
		rawSpans := make([]Span, len(matches))
		for i, m := range matches {
			rawSpans[i] = Span{m.Start, m.End}
		}
		sn = Build(text, rawSpans, Options{MaxRunes: maxRunes})
		checkSnippet(t, text, sn, maxRunes)

		h := Highlight(text, rawSpans)
		plain, _ := parseMarks(t, h)
		if plain != validText(text) {
			t.Fatalf("Highlight text %q, want %q", plain, validText(text))
		}
	})
}
