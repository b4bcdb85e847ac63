package index

import "github.com/newsroom/newsearch/index/internal/score"

// Ranking of relevance-sorted results: the knobs and their defaults. The
// search that applies them is in rank.go, the statistics it reads in
// rankstats.go, the arithmetic in package index/internal/score.
//
// bleve's "bm25" scoring is not textbook BM25: it takes the square root of
// the term frequency, counts the idf twice (once in the term score, once
// in the query weight), divides field lengths by the size of the field's
// term dictionary per document instead of the average length in tokens
// (on news text several times smaller), and multiplies a disjunction by
// the share of its clauses that matched. On words ORed together
// (match=any) that favours short paragraphs holding many of the query's
// words, stop words included, over the article that is about the query.
//
// So a relevance-sorted search, whatever the form of its query (bare
// words, explicit OR, match=any or all, phrases, field scopes, exclusions;
// by article or by paragraph), is answered in two stages: bleve's query
// finds the candidates (the total, the facets, the filters and the
// excluded words are its), then the top Pool candidates are scored with
// BM25F over their text and title from the index's own statistics: the
// query words' postings (occurrences, and paragraph lengths from the
// norms; by paragraph, their term vectors), the articles' lengths from
// their stored text (cached per generation), document frequencies from the
// words' postings over articles (a table of each paragraph's article, built
// once per generation) or paragraphs, cached per generation.
// bench/RESULTS.md, "Ranking quality", has the protocol and the figures on
// TIME and the Reuters-21578 training stories.

// Ranking methods.
const (
	// RankBleve orders by bleve's own scores.
	RankBleve = "bleve"
	// RankBM25 rescores the top candidates with textbook BM25.
	RankBM25 = "bm25"
)

// Units an article is scored as, with Group.
const (
	// UnitArticle scores the article's whole text as one document.
	UnitArticle = "article"
	// UnitParagraph scores an article by its best paragraph.
	UnitParagraph = "paragraph"
	// UnitMix adds Mix times the best paragraph's score to the article's.
	UnitMix = "mix"
)

// Inverse document frequencies.
const (
	IDFLucene    = "lucene"
	IDFRobertson = "robertson"
)

// Values of Ranking fields whose zero value means their default, for the
// settings a zero cannot say.
const (
	// NoLengthNorm as Ranking.B turns BM25's length normalisation off
	// (b = 0). Any negative B does.
	NoLengthNorm = -1.0
	// StopWordsAsOthers as Ranking.StopWeight weighs stop words like the
	// query's other words (a weight of 1). Any negative StopWeight does.
	StopWordsAsOthers = -1.0
)

// Defaults of Ranking's fields, for their zero values.
const (
	defaultPool           = 200
	defaultK1             = 1.2
	defaultB              = 0.75
	defaultFeedbackTerms  = 10
	defaultFeedbackWeight = 0.5
)

// Ranking says how results sorted by relevance are ordered. A zero field
// means its default; the few settings a zero cannot say have constants
// (NoLengthNorm, StopWordsAsOthers).
type Ranking struct {
	Method string  // RankBleve or RankBM25 (default)
	Pool   int     // candidates rescored: articles with Group, else paragraphs; 0: 200
	K1     float64 // BM25 term-frequency saturation; 0: 1.2
	// B is BM25's length normalisation; 0: 0.75, NoLengthNorm: none.
	B float64
	// Unit is what an article is scored as with Group: UnitArticle
	// (default), UnitParagraph or UnitMix.
	Unit string
	Mix  float64 // with UnitMix: the weight of the best paragraph's score
	// TitleWeight is the title's weight in BM25F, the text's being 1; 0:
	// the title is not scored.
	TitleWeight float64
	// SectionWeight is the weight in BM25F of a paragraph's section
	// heading (scored with the paragraph, not length-normalised); 0: not
	// scored.
	SectionWeight float64
	// StopWeight is the weight of an English stop word of the query
	// relative to other words, when the query has other words: 0 drops
	// them, StopWordsAsOthers weighs them as 1.
	StopWeight float64
	// QueryTF counts a word as often as the query repeats it.
	QueryTF bool
	// ParagraphDF takes document frequencies over paragraphs instead of
	// over articles. Ungrouped requests always use paragraphs.
	ParagraphDF bool
	// Proximity is the weight of a bonus for query words found close
	// together (BM25TP); 0: none.
	Proximity float64
	// Feedback is the number of top documents of pseudo-relevance feedback
	// (RM3); 0: none. FeedbackTerms words (0: 10) are added, making up
	// FeedbackWeight (0: 0.5) of the expanded query's weight.
	Feedback       int
	FeedbackTerms  int
	FeedbackWeight float64
	// IDF is the inverse document frequency: IDFLucene (default),
	// log(1 + (N - df + 0.5)/(df + 0.5)), or IDFRobertson,
	// log((N - df + 0.5)/(df + 0.5)) floored at 1e-6 as SQLite's FTS5 has it.
	IDF string
	// IDFPower raises the idf to this power; 0: 1.
	IDFPower float64
	// Delta is BM25+'s lower bound of a matched word's term-frequency
	// factor (Lv and Zhai); 0: plain BM25.
	Delta float64
	// Coord multiplies a score by the share of the query's idf weight
	// that matched, to this power; 0: none.
	Coord float64
}

// DefaultRanking is the ranking of every relevance-sorted request that
// names none, whatever the form of its query (bare words, explicit OR,
// match=any or all), for articles and paragraphs: the top 200 candidates
// rescored with BM25F (k1 1.2, b 0.75 in each field) over the text, the
// title and, for a paragraph, its section heading, weighted alike; an article scored as its whole text plus half the
// score of its best paragraph; document frequencies over articles (over
// paragraphs for paragraph hits); English stop words of the query left out
// unless it has nothing else; a word the query repeats counted each time;
// and light pseudo-relevance feedback: RM3 from the top 3, 10 words making
// up a fifth of the expanded query. k1, b and the rest are the
// literature's; the title weight, the paragraph's share and the feedback
// were chosen by 5-fold cross-validation on TIME and on the Reuters-21578
// training stories (bench/RESULTS.md, "Ranking quality", issue 16).
func DefaultRanking() Ranking {
	return Ranking{Method: RankBM25, Unit: UnitMix, Mix: 0.5, TitleWeight: 1, SectionWeight: 1, QueryTF: true,
		Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2}
}

// withDefaults returns rk with every zero (and special) value replaced by
// the setting it stands for.
func (rk Ranking) withDefaults() Ranking {
	if rk.Method == "" {
		rk.Method = RankBM25
	}
	if rk.Pool <= 0 {
		rk.Pool = defaultPool
	}
	rk.Pool = min(rk.Pool, maxRankPool)
	if rk.K1 <= 0 {
		rk.K1 = defaultK1
	}
	if rk.B == 0 {
		rk.B = defaultB
	} else if rk.B < 0 { // NoLengthNorm
		rk.B = 0
	}
	if rk.Unit == "" {
		rk.Unit = UnitArticle
	}
	if rk.StopWeight < 0 { // StopWordsAsOthers
		rk.StopWeight = 1
	}
	if rk.FeedbackTerms <= 0 {
		rk.FeedbackTerms = defaultFeedbackTerms
	}
	if rk.FeedbackWeight <= 0 {
		rk.FeedbackWeight = defaultFeedbackWeight
	}
	return rk
}

// ranking returns the rescoring a request asks for, or nil when its
// results keep bleve's order: date order and RankBleve. Every other form
// of query (bare words, explicit OR, match=any or all, phrases, field
// scopes, exclusions; paragraphs or articles) is ranked by the one model
// of DefaultRanking.
func (req Request) ranking() *Ranking {
	if req.Sort == SortDate {
		return nil
	}
	rk := DefaultRanking()
	if req.Rank != nil {
		rk = *req.Rank
	}
	if rk.Method == RankBleve {
		return nil
	}
	rk = rk.withDefaults()
	return &rk
}

// params are the scoring parameters of a ranking with its defaults.
func (rk *Ranking) params() score.Params {
	unit := score.Whole
	switch rk.Unit {
	case UnitParagraph:
		unit = score.BestParagraph
	case UnitMix:
		unit = score.Mixed
	}
	return score.Params{
		BM25:          score.BM25{K1: rk.K1, B: rk.B, Delta: rk.Delta, Coord: rk.Coord},
		TitleWeight:   rk.TitleWeight,
		SectionWeight: rk.SectionWeight,
		Unit:          unit,
		Mix:           rk.Mix,
		Proximity:     rk.Proximity,
	}
}

// idf is the ranking's inverse document frequency of a word held by df
// of n documents.
func (rk *Ranking) idf(n, df int) float64 {
	f := score.Lucene
	if rk.IDF == IDFRobertson {
		f = score.Robertson
	}
	return f.Of(n, df, rk.IDFPower)
}

// Bounds of the rescoring.
const (
	// maxRankTerms bounds the words a rescored query may have (prefixes
	// expand); past it the candidates keep bleve's order.
	maxRankTerms = 256
	// maxRankPool bounds Ranking.Pool: the candidates' ids make one
	// disjunction, well under MaxTermSearchers.
	maxRankPool = 1000
	// maxRankParagraphs bounds the paragraphs read back for rescoring.
	maxRankParagraphs = 50_000
)
