package snippet_test

import (
	"fmt"

	"github.com/newsroom/newsearch/internal/snippet"
)

func Example() {
	text := "Repairs to critical infrastructure begin in May & <b>cost</b> more."
	// Matches as the index reports them: byte offsets and token positions.
	matches := []snippet.Match{
		{Start: 20, End: 34, Pos: 4}, // infrastructure
		{Start: 11, End: 19, Pos: 3}, // critical
		{Start: 53, End: 57, Pos: 9}, // cost
	}
	spans := snippet.Spans(text, matches)
	fmt.Println(spans)
	fmt.Println(snippet.Highlight(text, spans))
	sn := snippet.Build(text, spans, snippet.Options{MaxRunes: 40})
	fmt.Println(sn.HTML)
	// Output:
	// [{11 34} {53 57}]
	// Repairs to <mark>critical infrastructure</mark> begin in May &amp; &lt;b&gt;<mark>cost</mark>&lt;/b&gt; more.
	// Repairs to <mark>critical infrastructure</mark> begin…
}
