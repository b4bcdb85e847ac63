package snippet

import (
	"slices"
	"testing"
)

func TestSpans(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		matches []Match
		want    []Span
	}{
		{
			name:    "phrase is one span",
			text:    "Repairs to critical infrastructure begin.",
			matches: tokenMatches("Repairs to critical infrastructure begin.", "critical", "infrastructure"),
			want:    []Span{{11, 34}},
		},
		{
			name:    "phrase across hyphen and punctuation",
			text:    "a state-of-the-art, well-known plan",
			matches: tokenMatches("a state-of-the-art, well-known plan", "art", "well"),
			want:    []Span{{15, 24}},
		},
		{
			name: "three-word phrase given out of order",
			text: "the new york times",
			matches: []Match{
				{Start: 13, End: 18, Pos: 4}, {Start: 4, End: 7, Pos: 2}, {Start: 8, End: 12, Pos: 3},
			},
			want: []Span{{4, 18}},
		},
		{
			name:    "separate words stay separate",
			text:    "critical repairs to infrastructure",
			matches: tokenMatches("critical repairs to infrastructure", "critical", "infrastructure"),
			want:    []Span{{0, 8}, {20, 34}},
		},
		{
			name: "consecutive positions but a letter between",
			text: "critical x infrastructure",
			matches: []Match{
				{Start: 0, End: 8, Pos: 1}, {Start: 11, End: 25, Pos: 2},
			},
			want: []Span{{0, 8}, {11, 25}},
		},
		{
			name: "positions not consecutive",
			text: "critical infrastructure",
			matches: []Match{
				{Start: 0, End: 8, Pos: 1}, {Start: 9, End: 23, Pos: 3},
			},
			want: []Span{{0, 8}, {9, 23}},
		},
		{
			name: "positions in reverse order",
			text: "critical infrastructure",
			matches: []Match{
				{Start: 0, End: 8, Pos: 2}, {Start: 9, End: 23, Pos: 1},
			},
			want: []Span{{0, 8}, {9, 23}},
		},
		{
			name: "unknown positions merge only when touching",
			text: "critical infrastructure",
			matches: []Match{
				{Start: 0, End: 8}, {Start: 9, End: 23},
			},
			want: []Span{{0, 8}, {9, 23}},
		},
		{
			name: "unknown positions touching",
			text: "ab",
			matches: []Match{
				{Start: 1, End: 2}, {Start: 0, End: 1},
			},
			want: []Span{{0, 2}},
		},
		{
			name: "duplicates and overlaps",
			text: "stormwater drains overflow",
			matches: []Match{
				{Start: 0, End: 10, Pos: 1}, {Start: 0, End: 10, Pos: 1}, {Start: 0, End: 5, Pos: 1},
				{Start: 5, End: 10, Pos: 1}, {Start: 11, End: 17, Pos: 5}, {Start: 13, End: 26, Pos: 7},
			},
			want: []Span{{0, 10}, {11, 26}},
		},
		{
			name: "phrase continues from any match ending at the span end",
			text: "stormwater drains",
			matches: []Match{
				{Start: 0, End: 10, Pos: 4}, {Start: 5, End: 10, Pos: 1}, {Start: 11, End: 17, Pos: 2},
			},
			want: []Span{{0, 17}},
		},
		{
			name: "invalid offsets dropped",
			text: "héllo wörld",
			matches: []Match{
				{Start: -1, End: 3}, {Start: 3, End: 3}, {Start: 5, End: 2}, {Start: 8, End: 40},
				{Start: 1, End: 2}, {Start: 0, End: 2}, {Start: 9, End: 12},
				{Start: 7, End: 13, Pos: 2},
			},
			want: []Span{{7, 13}},
		},
		{
			name: "Chinese phrase without separators",
			text: "关键基础设施的维修",
			matches: []Match{
				{Start: 0, End: 6, Pos: 1}, {Start: 6, End: 18, Pos: 2}, {Start: 21, End: 27, Pos: 4},
			},
			want: []Span{{0, 18}, {21, 27}},
		},
		{
			name:    "accented phrase across a no-break space",
			text:    "la réforme\u00a0énergétique",
			matches: tokenMatches("la réforme\u00a0énergétique", "réforme", "énergétique"),
			want:    []Span{{3, 26}},
		},
		{
			name:    "emoji between words is a separator",
			text:    "solar 🌞 power",
			matches: tokenMatches("solar 🌞 power", "solar", "power"),
			want:    []Span{{0, 16}},
		},
		{
			name: "invalid UTF-8 between words is a separator",
			text: "solar\xff power",
			matches: []Match{
				{Start: 7, End: 12, Pos: 2}, {Start: 0, End: 5, Pos: 1},
			},
			want: []Span{{0, 12}},
		},
		{name: "no matches", text: "text", want: nil},
		{name: "empty text", text: "", matches: []Match{{Start: 0, End: 1}}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.matches)
			got := Spans(tt.text, tt.matches)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Spans(%q) = %v, want %v", tt.text, got, tt.want)
			}
			if !slices.Equal(in, tt.matches) {
				t.Errorf("Spans modified its matches: %v", tt.matches)
			}
			checkSpans(t, tt.text, got, false)
		})
	}
}

func TestRuneBoundary(t *testing.T) {
	text := "a€\xe2\x82b\x80"
	// a | € (3 bytes) | \xe2 | \x82 | b | \x80
	want := map[int]bool{0: true, 1: true, 2: false, 3: false, 4: true, 5: true, 6: true, 7: true, 8: true}
	for i, w := range want {
		if got := runeBoundary(text, i); got != w {
			t.Errorf("runeBoundary(%q, %d) = %v, want %v", text, i, got, w)
		}
	}
}
