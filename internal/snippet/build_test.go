package snippet

import (
	"slices"
	"strings"
	"testing"
)

// matchAt returns a match for the first occurrence of sub in text at or
// after byte offset from.
func matchAt(t *testing.T, text, sub string, from, pos int) Match {
	t.Helper()
	i := strings.Index(text[from:], sub)
	if i < 0 {
		t.Fatalf("%q not in %q", sub, text[from:])
	}
	return Match{Start: from + i, End: from + i + len(sub), Pos: pos}
}

const (
	councilText = "The council met on Monday evening. Solar panels were mentioned once in passing. " +
		"Members then spent a long time on the parking rules for the market square. " +
		"Members then spent a long time on the parking rules for the market square. " +
		"Later, the engineer said the solar farm would feed the grid through a new battery store, " +
		"and that the battery store would keep the grid steady at night. " +
		"The meeting closed with a vote on the library opening hours."
	floodText   = "Flooding closed the coast road again this week, and the council says repairs will take a month at least, after more flooding."
	chineseText = "市议会周一晚上开会。工程师说，太阳能农场将通过新的电池储能站接入电网，电池储能站也会在夜间保持电网稳定。会议最后就图书馆开放时间进行了表决。"
	frenchText  = "Le conseil municipal s’est réuni lundi. L’ingénieure a expliqué que la centrale solaire alimentera " +
		"le réseau électrique grâce à une nouvelle batterie, et que cette batterie stabilisera le réseau la nuit."
	emojiText   = "🌞🌞🌞 Sunny days ahead 🌞 for the solar 🔋 battery farm 🌞🌞 says the forecast 🌧️ later in the week 🌞"
	hostileText = `<script>alert("x")</script> & co`
)

func TestBuild(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		matches   []Match
		terms     []string // matched with tokenMatches when matches is nil
		max       int
		wantHTML  string
		wantStart int // -1: not checked
		wantEnd   int
	}{
		{
			name:      "short text is shown whole",
			text:      "Repairs to critical infrastructure begin in May.",
			terms:     []string{"critical", "infrastructure", "may"},
			wantHTML:  "Repairs to <mark>critical infrastructure</mark> begin in <mark>May</mark>.",
			wantStart: 0, wantEnd: 48,
		},
		{
			name:      "short text keeps its white space",
			text:      "  solar power \n",
			terms:     []string{"solar"},
			wantHTML:  "  <mark>solar</mark> power \n",
			wantStart: 0, wantEnd: 15,
		},
		{
			name:      "hostile text is escaped",
			text:      hostileText,
			terms:     []string{"script", "alert"},
			wantHTML:  "&lt;<mark>script&gt;alert</mark>(&#34;x&#34;)&lt;/<mark>script</mark>&gt; &amp; co",
			wantStart: 0, wantEnd: len(hostileText),
		},
		{
			name:      "no spans shows the start",
			text:      floodText,
			max:       40,
			wantHTML:  "Flooding closed the coast road again…",
			wantStart: 0, wantEnd: 36,
		},
		{
			name:      "span at the very start",
			text:      floodText,
			terms:     []string{"closed"},
			max:       40,
			wantHTML:  "Flooding <mark>closed</mark> the coast road again…",
			wantStart: 0, wantEnd: 36,
		},
		{
			name:      "span at the very end",
			text:      floodText,
			matches:   []Match{{Start: len(floodText) - 9, End: len(floodText) - 1, Pos: 23}},
			max:       40,
			wantHTML:  "…a month at least, after more <mark>flooding</mark>.",
			wantStart: 87, wantEnd: len(floodText),
		},
		{
			name:      "ellipses at both ends",
			text:      floodText,
			terms:     []string{"council"},
			max:       40,
			wantHTML:  "…and the <mark>council</mark> says repairs will take a…",
			wantStart: 48, wantEnd: 88,
		},
		{
			name:      "densest window wins over the first match",
			text:      councilText,
			terms:     []string{"solar", "battery", "grid"},
			max:       120,
			wantHTML:  "…said the <mark>solar</mark> farm would feed the <mark>grid</mark> through a new <mark>battery</mark> store, and that the <mark>battery</mark> store would keep the <mark>grid</mark>…",
			wantStart: 250, wantEnd: 365,
		},
		{
			name:      "distinct strings compare case-insensitively",
			text:      "GRID grid Grid gRiD and then a long stretch of words before the other words, battery and solar.",
			terms:     []string{"grid", "battery", "solar"},
			max:       30,
			wantHTML:  "…words, <mark>battery</mark> and <mark>solar</mark>.",
			wantStart: -1,
		},
		{
			name:      "a span longer than the window is kept whole",
			text:      "It was, the mayor said, a verylongcompoundwordthatgoesonandonwithoutanybreakwhatsoever indeed.",
			terms:     []string{"verylongcompoundwordthatgoesonandonwithoutanybreakwhatsoever"},
			max:       20,
			wantHTML:  "…<mark>verylongcompoundwordthatgoesonandonwithoutanybreakwhatsoever</mark>…",
			wantStart: 26, wantEnd: 86,
		},
		{
			name:      "phrase longer than the window is kept whole",
			text:      "Talks on the critical national infrastructure resilience programme resumed.",
			terms:     []string{"critical", "national", "infrastructure", "resilience", "programme"},
			max:       10,
			wantHTML:  "…<mark>critical national infrastructure resilience programme</mark>…",
			wantStart: 13, wantEnd: 66,
		},
		{
			name:      "Chinese is cut between characters",
			text:      chineseText,
			matches:   []Match{{Start: strings.LastIndex(chineseText, "电网"), End: strings.LastIndex(chineseText, "电网") + 6, Pos: 20}},
			max:       20,
			wantHTML:  "…夜间保持<mark>电网</mark>稳定。会议最后就图书馆开放时…",
			wantStart: -1,
		},
		{
			name:      "accented Latin",
			text:      frenchText,
			terms:     []string{"réseau", "électrique", "batterie"},
			max:       60,
			wantHTML:  "…<mark>batterie</mark>, et que cette <mark>batterie</mark> stabilisera le <mark>réseau</mark> la…",
			wantStart: -1,
		},
		{
			name:      "emoji",
			text:      emojiText,
			terms:     []string{"solar", "battery"},
			max:       30,
			wantHTML:  "…for the <mark>solar 🔋 battery</mark> farm…",
			wantStart: 35, wantEnd: 66,
		},
		{
			name:      "invalid UTF-8 is replaced",
			text:      "bad \xff bytes \xe2\x82 in a long text that goes on and on and on \xffand then has a match here",
			terms:     []string{"match"},
			max:       30,
			wantHTML:  "…on \ufffdand then has a <mark>match</mark> here",
			wantStart: 54, wantEnd: 83,
		},
		{
			name:      "invalid spans are dropped",
			text:      floodText,
			matches:   []Match{{Start: -5, End: 3}, {Start: 60, End: 50}, {Start: 100, End: 1000}},
			max:       40,
			wantHTML:  "Flooding closed the coast road again…",
			wantStart: 0, wantEnd: 36,
		},
		{
			name:      "many spans",
			text:      strings.Repeat("Grid grid GRID. ", 30) + "Then the solar farm, the grid and a battery.",
			terms:     []string{"grid", "solar", "battery"},
			max:       40,
			wantHTML:  "…the <mark>solar</mark> farm, the <mark>grid</mark> and a <mark>battery</mark>.",
			wantStart: -1,
		},
		{
			name:      "white space after the window is no cut",
			text:      "Several words come first in this text before the match at the end \n\t ",
			terms:     []string{"end"},
			max:       30,
			wantHTML:  "…before the match at the <mark>end</mark>",
			wantStart: -1,
		},
		{
			name:      "zero options mean 240 runes",
			text:      strings.Repeat("word ", 100),
			wantHTML:  strings.TrimSpace(strings.Repeat("word ", 48)) + "…",
			wantStart: 0, wantEnd: 239,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			matches := tt.matches
			if matches == nil {
				matches = tokenMatches(tt.text, tt.terms...)
			}
			spans := Spans(tt.text, matches)
			if matches := tt.matches; matches != nil {
				// Offsets given by hand: use them as spans too, unchecked.
				spans = spans[:0:0]
				for _, m := range matches {
					spans = append(spans, Span{m.Start, m.End})
				}
			}
			sn := Build(tt.text, spans, Options{MaxRunes: tt.max})
			if sn.HTML != tt.wantHTML {
				t.Errorf("HTML\n got %q\nwant %q", sn.HTML, tt.wantHTML)
			}
			if tt.wantStart >= 0 && (sn.Start != tt.wantStart || sn.End != tt.wantEnd) {
				t.Errorf("window [%d, %d), want [%d, %d)", sn.Start, sn.End, tt.wantStart, tt.wantEnd)
			}
			checkSnippet(t, tt.text, sn, tt.max)
		})
	}
}

func TestBuildTies(t *testing.T) {
	filler := " and here is a long stretch of filler words to keep things apart, "
	tests := []struct {
		name string
		text string
		want string
	}{
		{
			name: "more spans wins when distinct strings tie",
			text: "alpha beta" + filler + "beta alpha beta" + filler + "end.",
			want: "…apart, <mark>beta</mark> <mark>alpha</mark> <mark>beta</mark> and…",
		},
		{
			name: "earliest wins on a full tie",
			text: "start" + filler + "beta alpha" + filler + "alpha beta" + filler + "end.",
			want: "…apart, <mark>beta</mark> <mark>alpha</mark> and here is…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Pos 0: the adjacent words are not merged into phrases.
			matches := tokenMatches(tt.text, "alpha", "beta")
			for i := range matches {
				matches[i].Pos = 0
			}
			sn := Build(tt.text, Spans(tt.text, matches), Options{MaxRunes: 30})
			if sn.HTML != tt.want {
				t.Errorf("HTML\n got %q\nwant %q", sn.HTML, tt.want)
			}
			checkSnippet(t, tt.text, sn, 30)
		})
	}
}

func TestBuildDoesNotModifySpans(t *testing.T) {
	spans := []Span{{40, 45}, {0, 8}, {3, 6}, {-1, 2}}
	in := slices.Clone(spans)
	sn := Build(floodText, spans, Options{MaxRunes: 40})
	if !slices.Equal(spans, in) {
		t.Errorf("Build modified its spans: %v", spans)
	}
	checkSnippet(t, floodText, sn, 40)
	if len(sn.Spans) > 0 && &sn.Spans[0] == &spans[0] {
		t.Errorf("Snippet.Spans shares the caller's slice")
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		spans []Span
		want  string
	}{
		{"no spans", hostileText, nil, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co"},
		{"hostile", hostileText, []Span{{0, 8}, {30, 32}}, "<mark>&lt;script&gt;</mark>alert(&#34;x&#34;)&lt;/script&gt; &amp; <mark>co</mark>"},
		{"apostrophe", "it's", []Span{{2, 3}}, "it<mark>&#39;</mark>s"},
		{"unsorted and overlapping", "solar power plant", []Span{{12, 17}, {0, 5}, {3, 11}}, "<mark>solar power</mark> <mark>plant</mark>"},
		{"touching spans stay apart", "ab", []Span{{0, 1}, {1, 2}}, "<mark>a</mark><mark>b</mark>"},
		{"invalid spans dropped", "héllo", []Span{{1, 2}, {-1, 1}, {4, 9}, {2, 1}, {0, 1}}, "<mark>h</mark>éllo"},
		{"invalid UTF-8", "a\xffb\xe2\x82c", []Span{{1, 2}}, "a<mark>\ufffd</mark>b\ufffd\ufffdc"},
		{"whole text", "Zoë", []Span{{0, 4}}, "<mark>Zoë</mark>"},
		{"empty", "", []Span{{0, 0}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Highlight(tt.text, tt.spans)
			if got != tt.want {
				t.Errorf("Highlight\n got %q\nwant %q", got, tt.want)
			}
			plain, _ := parseMarks(t, got)
			if plain != validText(tt.text) {
				t.Errorf("unmarked text %q, want %q", plain, validText(tt.text))
			}
		})
	}
}

func TestFoldIDs(t *testing.T) {
	// The map path (many spans) must agree with the pairwise path.
	words := []string{"Grid", "GRID", "straße", "STRASSE", "Straße", "ǅ", "ǆ", "K", "\u212a", "k", "ſ", "S", "\xff", "\ufffd", "x"}
	var b strings.Builder
	var spans []Span
	for len(spans) <= 40 {
		for _, w := range words {
			spans = append(spans, Span{b.Len(), b.Len() + len(w)})
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	text := b.String()
	ids := make([]int32, len(spans))
	foldIDs(text, spans, ids)
	for i, s := range spans {
		for j, u := range spans[:i] {
			same := strings.EqualFold(text[s.Start:s.End], text[u.Start:u.End])
			if same != (ids[i] == ids[j]) {
				t.Errorf("%q and %q: EqualFold %v, same id %v", text[s.Start:s.End], text[u.Start:u.End], same, ids[i] == ids[j])
			}
		}
	}
}
