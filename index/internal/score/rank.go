package score

// Doc is a candidate's statistics: an article when grouped, else one
// paragraph. Its per-word slices are indexed by Term.Slot.
type Doc struct {
	Length      int // tokens of its text: every paragraph of an article
	Paragraphs  int // an article's paragraphs
	TitleLength int // tokens of its title
	TF          []float64
	Title       []float64 // occurrences of each word in its title
	Pos         [][]int   // positions of each word in its text, for Proximity
	Paras       []*Para   // grouped: its paragraphs holding a word
}

// Para is one paragraph of an article holding a query word.
type Para struct {
	ID     string
	Length int
	TF     []float64
}

// Unit is what an article is scored as.
type Unit int

// Units of scoring.
const (
	// Whole scores the article's whole text as one document.
	Whole Unit = iota
	// BestParagraph scores an article by its best paragraph.
	BestParagraph
	// Mixed adds Params.Mix times the best paragraph's score to the
	// whole article's.
	Mixed
)

// Params is how candidates are scored.
type Params struct {
	BM25
	// TitleWeight: each title word counts as this many occurrences of
	// the word in the text (and the title's length as many tokens).
	TitleWeight float64
	Unit        Unit    // grouped candidates only
	Mix         float64 // with Mixed
	Proximity   float64 // the weight of the Proximity bonus; 0: none
}

// Rank scores the documents of keys (the candidates, in their first-stage
// order, which fixes the order of the sums) for the weighted words, and
// when grouped (documents are articles) names each article's best
// paragraph: the highest scored, the lowest id on a tie, none when no
// paragraph scores above 0. A key without a Doc is skipped.
func Rank(ts []Term, keys []string, docs map[string]*Doc, grouped bool, p Params) (scores map[string]float64, best map[string]string) {
	// Average lengths over the candidates: of a document, and of a
	// paragraph of the articles.
	avgdl, avgpl, np := 0.0, 0.0, 0
	for _, k := range keys {
		d := docs[k]
		if d == nil {
			continue
		}
		avgdl += float64(d.Length) + p.TitleWeight*float64(d.TitleLength)
		avgpl += float64(d.Length) + p.TitleWeight*float64(d.TitleLength*d.Paragraphs)
		np += d.Paragraphs
	}
	avgdl /= float64(max(len(docs), 1))
	avgpl /= float64(max(np, 1))
	scores = make(map[string]float64, len(docs))
	best = map[string]string{}
	for key, d := range docs {
		whole := p.Score(ts, func(i int) float64 { return d.TF[i] + p.TitleWeight*d.Title[i] },
			float64(d.Length)+p.TitleWeight*float64(d.TitleLength), avgdl)
		top, topID := 0.0, ""
		if grouped {
			for _, para := range d.Paras {
				s := p.Score(ts, func(i int) float64 { return para.TF[i] + p.TitleWeight*d.Title[i] },
					float64(para.Length)+p.TitleWeight*float64(d.TitleLength), avgpl)
				if s > top || (s == top && topID != "" && para.ID < topID) {
					top, topID = s, para.ID
				}
			}
			if topID != "" {
				best[key] = topID
			}
		}
		var s float64
		switch {
		case !grouped || p.Unit == Whole:
			s = whole
		case p.Unit == BestParagraph:
			s = top
		default:
			s = whole + p.Mix*top
		}
		if p.Proximity > 0 {
			s += p.Proximity * Proximity(ts, d.Pos, p.K1)
		}
		scores[key] = s
	}
	return scores, best
}
