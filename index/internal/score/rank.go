package score

// Doc is a candidate's statistics: an article when grouped, else one
// paragraph. Its per-word slices are indexed by Term.Slot.
type Doc struct {
	Length      int // tokens of its text: every paragraph of an article
	Paragraphs  int // an article's paragraphs
	TitleLength int // tokens of its title
	TF          []float64
	Title       []float64 // occurrences of each word in its title
	Section     []float64 // a paragraph's: occurrences of each word in its section heading
	Pos         [][]int   // positions of each word in its text, for Proximity
	Paras       []*Para   // grouped: its paragraphs holding a word
}

// Para is one paragraph of an article holding a query word.
type Para struct {
	ID      string
	Length  int
	TF      []float64
	Section []float64 // occurrences of each word in its section heading
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
	// TitleWeight is the title's weight in BM25F against the text's 1;
	// 0: the title is not scored.
	TitleWeight float64
	// SectionWeight is a paragraph's section heading's weight in BM25F;
	// 0: not scored. Headings are a few words: not normalised by length
	// (b = 0 in that field). An article as a whole is its text and title.
	SectionWeight float64
	Unit          Unit    // grouped candidates only
	Mix           float64 // with Mixed
	Proximity     float64 // the weight of the Proximity bonus; 0: none
}

// Rank scores the documents of keys (the candidates, in their first-stage
// order, which fixes the order of the sums) for the weighted words with
// BM25F over two fields, the text (weight 1) and the title (TitleWeight),
// and when grouped (documents are articles) names each article's best
// paragraph: the highest scored, the lowest id on a tie, none when no
// paragraph scores above 0. A paragraph is scored as its own text and the
// article's title. A key without a Doc is skipped.
func Rank(ts []Term, keys []string, docs map[string]*Doc, grouped bool, p Params) (scores map[string]float64, best map[string]string) {
	// Average lengths over the candidates: of a document's text and
	// title, and of a paragraph of the articles.
	avgdl, avgtl, avgpl, n, np := 0.0, 0.0, 0.0, 0, 0
	for _, k := range keys {
		d := docs[k]
		if d == nil {
			continue
		}
		avgdl += float64(d.Length)
		avgtl += float64(d.TitleLength)
		avgpl += float64(d.Length)
		np += d.Paragraphs
		n++
	}
	avgdl /= float64(max(n, 1))
	avgtl /= float64(max(n, 1))
	avgpl /= float64(max(np, 1))
	scores = make(map[string]float64, len(docs))
	best = map[string]string{}
	for _, key := range keys {
		d := docs[key]
		if d == nil {
			continue
		}
		title := Field{Weight: p.TitleWeight, TF: d.Title, Length: float64(d.TitleLength), Avg: avgtl}
		fields := []Field{{Weight: 1, TF: d.TF, Length: float64(d.Length), Avg: avgdl}, title}
		if !grouped {
			fields = append(fields, p.section(d.Section))
		}
		whole := p.ScoreF(ts, fields)
		top, topID := 0.0, ""
		if grouped {
			for _, para := range d.Paras {
				s := p.ScoreF(ts, []Field{{Weight: 1, TF: para.TF, Length: float64(max(para.Length, 0)), Avg: avgpl}, title,
					p.section(para.Section)})
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

// section is the section-heading field of a paragraph: no length
// normalisation (its length is taken as the average).
func (p Params) section(tf []float64) Field {
	return Field{Weight: p.SectionWeight, TF: tf, Length: 1, Avg: 1}
}
