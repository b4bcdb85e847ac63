package snippet

import (
	"strings"
	"testing"
)

// benchParagraph is about 2 KB of text with ten matched tokens.
var benchParagraph = func() string {
	var b strings.Builder
	for b.Len() < 2048 {
		b.WriteString("Members of the harbour board spent the evening on the parking rules for the market square, ")
		b.WriteString("and then the engineer said the solar farm would feed the grid through a new battery store. ")
	}
	return b.String()
}()

var bigParagraph = strings.Repeat(benchParagraph, 100)

func benchMatches(text string, terms []string, n int) []Match {
	ms := tokenMatches(text, terms...)
	if len(ms) > n {
		ms = ms[:n]
	}
	return ms
}

func BenchmarkBuild(b *testing.B) {
	short := "Repairs to critical infrastructure along the river begin in May, the council said."
	cases := []struct {
		name  string
		text  string
		spans []Span
	}{
		{"short", short, Spans(short, tokenMatches(short, "critical", "infrastructure", "river"))},
		{"2KB-10matches", benchParagraph, Spans(benchParagraph, benchMatches(benchParagraph, []string{"solar", "grid", "battery"}, 10))},
		// A scaling check: 200 KB and every "the", "grid" and "solar" marked.
		{"200KB-many", bigParagraph, Spans(bigParagraph, tokenMatches(bigParagraph, "the", "grid", "solar"))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.text)))
			for b.Loop() {
				Build(c.text, c.spans, Options{})
			}
		})
	}
}

func BenchmarkSpans(b *testing.B) {
	matches := benchMatches(benchParagraph, []string{"solar", "grid", "battery", "the"}, 40)
	// Reverse them: the index reports them term by term, not in text order.
	for i, j := 0, len(matches)-1; i < j; i, j = i+1, j-1 {
		matches[i], matches[j] = matches[j], matches[i]
	}
	b.ReportAllocs()
	for b.Loop() {
		Spans(benchParagraph, matches)
	}
}

func BenchmarkHighlight(b *testing.B) {
	spans := Spans(benchParagraph, benchMatches(benchParagraph, []string{"solar", "grid", "battery"}, 10))
	b.ReportAllocs()
	b.SetBytes(int64(len(benchParagraph)))
	for b.Loop() {
		Highlight(benchParagraph, spans)
	}
}
