package score

import (
	"maps"
	"math"
	"slices"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestIDF(t *testing.T) {
	for _, tt := range []struct {
		name  string
		f     IDF
		n, df int
		power float64
		want  float64
	}{
		{"lucene rare", Lucene, 1000, 1, 0, math.Log(1 + 999.5/1.5)},
		{"lucene everywhere is small, not negative", Lucene, 10, 10, 0, math.Log(1 + 0.5/10.5)},
		{"lucene power 1 is none", Lucene, 100, 9, 1, math.Log(1 + 91.5/9.5)},
		{"lucene squared", Lucene, 100, 9, 2, math.Pow(math.Log(1+91.5/9.5), 2)},
		{"robertson rare", Robertson, 1000, 1, 0, math.Log(999.5 / 1.5)},
		{"robertson common is floored", Robertson, 10, 9, 0, 1e-6},
		{"robertson half is floored too", Robertson, 100, 50, 0, 1e-6},
	} {
		if got := tt.f.Of(tt.n, tt.df, tt.power); !near(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBM25(t *testing.T) {
	one := []Term{{Slot: 0, Weight: 1, IDF: 2}}
	two := []Term{{Slot: 0, Weight: 1, IDF: 2}, {Slot: 1, Weight: 1, IDF: 1}}
	tf := func(v ...float64) func(int) float64 { return func(i int) float64 { return v[i] } }
	for _, tt := range []struct {
		name      string
		p         BM25
		ts        []Term
		tf        func(int) float64
		dl, avgdl float64
		want      float64
	}{
		// idf · tf(k1+1)/(tf + k1(1 - b + b·dl/avgdl))
		{"average length", BM25{K1: 1.2, B: 0.75}, one, tf(1), 10, 10, 2 * 2.2 / 2.2},
		{"twice as long", BM25{K1: 1.2, B: 0.75}, one, tf(1), 20, 10, 2 * 2.2 / (1 + 1.2*1.75)},
		{"no length norm", BM25{K1: 1.2, B: 0}, one, tf(1), 20, 10, 2 * 2.2 / 2.2},
		{"saturates", BM25{K1: 1.2, B: 0}, one, tf(3), 10, 10, 2 * 3 * 2.2 / 4.2},
		{"absent word scores nothing", BM25{K1: 1.2, B: 0.75}, one, tf(0), 10, 10, 0},
		{"average below 1 counts as 1", BM25{K1: 1.2, B: 1}, one, tf(1), 1, 0, 2 * 2.2 / 2.2},
		{"weights multiply", BM25{K1: 1.2, B: 0}, []Term{{Weight: 3, IDF: 2}}, tf(1), 5, 5, 3 * 2 * 2.2 / 2.2},
		{"delta lifts a match", BM25{K1: 1.2, B: 0, Delta: 0.5}, one, tf(1), 10, 10, 2 * (1 + 0.5)},
		{"sum over words", BM25{K1: 1.2, B: 0}, two, tf(1, 1), 10, 10, 2 + 1},
		{"coord: a third of the idf matched", BM25{K1: 1.2, B: 0, Coord: 1}, two, tf(0, 1), 10, 10, 1.0 / 3},
		{"coord squared", BM25{K1: 1.2, B: 0, Coord: 2}, two, tf(0, 1), 10, 10, 1.0 / 9},
	} {
		if got := tt.p.Score(tt.ts, tt.tf, tt.dl, tt.avgdl); !near(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProximity(t *testing.T) {
	a := Term{Slot: 0, Weight: 1, IDF: 2}
	b := Term{Slot: 1, Weight: 1, IDF: 0.5}
	stop := Term{Slot: 1, Weight: 1, IDF: 0.5, Stop: true}
	sat := func(acc float64) float64 { return acc * 2.2 / (acc + 1.2) }
	for _, tt := range []struct {
		name string
		ts   []Term
		pos  [][]int
		want float64
	}{
		// adjacent: a earns idf(b)/1, b earns idf(a)/1; a's idf is capped at 1.
		{"adjacent", []Term{a, b}, [][]int{{3}, {4}}, 1*1*sat(0.5) + 1*0.5*sat(2)},
		{"two apart", []Term{a, b}, [][]int{{3}, {5}}, 1*1*sat(0.5/4) + 1*0.5*sat(2.0/4)},
		{"beyond the window", []Term{a, b}, [][]int{{1}, {1 + ProxWindow + 1}}, 0},
		{"same word twice", []Term{a, b}, [][]int{{1, 2}, nil}, 0},
		{"stop words take no part", []Term{a, stop}, [][]int{{3}, {4}}, 0},
		{"no positions kept", []Term{a, b}, nil, 0},
	} {
		if got := Proximity(tt.ts, tt.pos, 1.2); !near(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRank(t *testing.T) {
	ts := []Term{{Slot: 0, Weight: 1, IDF: 1}}
	p := Params{BM25: BM25{K1: 1.2, B: 0}}
	docs := func() map[string]*Doc {
		return map[string]*Doc{
			"a": {Length: 20, Paragraphs: 2, TF: []float64{2}, Title: []float64{1},
				Paras: []*Para{{ID: "a-0002", Length: 10, TF: []float64{1}}, {ID: "a-0001", Length: 10, TF: []float64{1}}}},
			"b": {Length: 10, Paragraphs: 1, TF: []float64{1}, Title: []float64{0},
				Paras: []*Para{{ID: "b-0001", Length: 10, TF: []float64{1}}}},
			"c": {Length: 10, Paragraphs: 1, TF: []float64{0}, Title: []float64{0}},
		}
	}
	whole2, whole1 := 2*2.2/3.2, 1.0
	for _, tt := range []struct {
		name    string
		grouped bool
		unit    Unit
		mix     float64
		title   float64
		want    map[string]float64
	}{
		{"paragraphs", false, Mixed, 0.5, 0, map[string]float64{"a": whole2, "b": whole1, "c": 0}},
		{"whole article", true, Whole, 0, 0, map[string]float64{"a": whole2, "b": whole1, "c": 0}},
		{"best paragraph", true, BestParagraph, 0, 0, map[string]float64{"a": 1, "b": 1, "c": 0}},
		{"mixed", true, Mixed, 0.5, 0, map[string]float64{"a": whole2 + 0.5, "b": whole1 + 0.5, "c": 0}},
		{"title counts as text", false, Whole, 0, 1, map[string]float64{"a": 3 * 2.2 / 4.2, "b": whole1, "c": 0}},
	} {
		p := p
		p.Unit, p.Mix, p.TitleWeight = tt.unit, tt.mix, tt.title
		scores, best := Rank(ts, []string{"a", "b", "c"}, docs(), tt.grouped, p)
		if len(scores) != len(tt.want) {
			t.Errorf("%s: scores %v", tt.name, scores)
		}
		for k, w := range tt.want {
			if !near(scores[k], w) {
				t.Errorf("%s: %s scores %v, want %v", tt.name, k, scores[k], w)
			}
		}
		wantBest := map[string]string{}
		if tt.grouped {
			// a's paragraphs tie: the lower id; c has none.
			wantBest = map[string]string{"a": "a-0001", "b": "b-0001"}
		}
		if !maps.Equal(best, wantBest) {
			t.Errorf("%s: best %v, want %v", tt.name, best, wantBest)
		}
	}
}

func TestTop(t *testing.T) {
	scores := map[string]float64{"a": 1, "b": 3, "c": 3, "d": 0}
	for _, tt := range []struct {
		k     int
		want  []string
		total float64
	}{
		{2, []string{"b", "c"}, 6}, // a tie keeps the keys' order
		{3, []string{"b", "c", "a"}, 7},
		{10, []string{"b", "c", "a", "d"}, 7},
		{0, []string{}, 0},
	} {
		got, total := Top([]string{"a", "b", "c", "d"}, scores, tt.k)
		if !slices.Equal(got, tt.want) || total != tt.total {
			t.Errorf("top %d: %v %v, want %v %v", tt.k, got, total, tt.want, tt.total)
		}
	}
}

func TestExpand(t *testing.T) {
	stop := map[string]bool{"the": true}
	query := []Weighted{{"ice", 1}}
	docs := []FeedbackDoc{
		{Score: 3, Length: 4, TF: map[string]int{"ice": 1, "glacier": 2, "the": 1}},
		{Score: 1, Length: 2, TF: map[string]int{"glacier": 1, "1999": 1}},
	}
	// rm(glacier) = 3/4·2/4 + 1/4·1/2 = 0.5, rm(ice) = 3/4·1/4 = 0.1875;
	// "the" is a stop word and "1999" has no letter.
	for _, tt := range []struct {
		name   string
		n      int
		weight float64
		want   map[string]float64
	}{
		{"one word", 1, 0.2, map[string]float64{"ice": 0.8, "glacier": 0.2}},
		{"two words", 2, 0.5, map[string]float64{"ice": 0.5 + 0.5*0.1875/0.6875, "glacier": 0.5 * 0.5 / 0.6875}},
		{"no words", 0, 0.5, nil},
	} {
		got := Expand(query, docs, 4, tt.n, tt.weight, stop)
		if len(got) != len(tt.want) || (got == nil) != (tt.want == nil) {
			t.Fatalf("%s: %v, want %v", tt.name, got, tt.want)
		}
		for k, w := range tt.want {
			if !near(got[k], w) {
				t.Errorf("%s: %s weighs %v, want %v", tt.name, k, got[k], w)
			}
		}
	}
	if got := Expand(nil, docs, 4, 3, 0.5, stop); got != nil {
		t.Errorf("an empty query expands to %v", got)
	}
}

func TestScoreF(t *testing.T) {
	ts := []Term{{Slot: 0, Weight: 1, IDF: 2}, {Slot: 1, Weight: 1, IDF: 1}}
	p := BM25{K1: 1.2, B: 0.75}
	// One field of weight 1 is BM25.
	text := Field{Weight: 1, TF: []float64{2, 0}, Length: 20, Avg: 10}
	if got, want := p.ScoreF(ts, []Field{text}), p.Score(ts, func(i int) float64 { return text.TF[i] }, 20, 10); !near(got, want) {
		t.Errorf("one field: %v, want %v", got, want)
	}
	// Each field normalised by its own length, weighted, added, then
	// saturated once: text 2/(0.25+0.75·2) + 2 × title 1/(0.25+0.75·0.5).
	title := Field{Weight: 2, TF: []float64{1, 0}, Length: 2, Avg: 4}
	tf := 2/(0.25+0.75*2) + 2*1/(0.25+0.75*0.5)
	if got, want := p.ScoreF(ts, []Field{text, title}), 2*tf*2.2/(tf+1.2); !near(got, want) {
		t.Errorf("text and title: %v, want %v", got, want)
	}
	// A field of weight 0 counts for nothing; a word in no field scores 0.
	if got := p.ScoreF(ts, []Field{{Weight: 0, TF: []float64{5, 5}, Length: 1, Avg: 1}}); got != 0 {
		t.Errorf("weight 0: %v", got)
	}
}
