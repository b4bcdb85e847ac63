package relevance

import (
	"fmt"

	"github.com/newsroom/newsearch/index"
)

// Configs are the ranking configurations measured in bench/RESULTS.md
// ("Ranking quality"): the API's own first, then bleve's scores, then the
// ingredients and parameters of the rescoring, one change at a time.
// Unless a name says otherwise a configuration runs the full queries with
// match=any, grouped by article.
func Configs() []Config {
	cs := append(Forms(), Grid()...)
	return append(cs, explored()...)
}

// Forms are the API's ranking and bleve's for each way of writing the
// query's words: as they are with match=any, joined by explicit ORs, and
// as they are with the default match=all.
func Forms() []Config {
	bleve := &index.Ranking{Method: index.RankBleve}
	return []Config{
		{Name: "api-any", MatchAny: true},
		{Name: "api-or", OR: true},
		{Name: "api-all"},
		{Name: "bleve-any", MatchAny: true, Rank: bleve},
		{Name: "bleve-or", OR: true, Rank: bleve},
		{Name: "bleve-all", Rank: bleve},
	}
}

// Feedback settings of the grid.
var feedbacks = []struct {
	name string
	docs int
	// terms, weight
	terms  int
	weight float64
}{
	{"nofb", 0, 0, 0},
	{"rm3light", 3, 10, 0.2}, // the previous default
	{"rm3", 10, 10, 0.5},     // Anserini's defaults
}

// Grid are the configurations the cross-validation chooses among (the
// tuned parameters: the title's BM25F weight, the weight of the best
// paragraph in an article's score, pseudo-relevance feedback), each with
// the parameters fixed from the literature (k1 1.2, b 0.75 in every field,
// 200 candidates, English stop words of the query dropped, repeated words
// counted, document frequencies over articles), match=any, by article.
// "cv-t1-mix0-nofb" is untuned BM25F: title and text alike, the article
// as one document, no feedback.
func Grid() []Config {
	var cs []Config
	for _, t := range []float64{1, 2, 4} {
		for _, m := range []float64{0, 0.5} {
			for _, f := range feedbacks {
				rk := GridRanking(t, m, f.docs, f.terms, f.weight)
				cs = append(cs, Config{Name: fmt.Sprintf("cv-t%g-mix%g-%s", t, m, f.name), MatchAny: true, Rank: &rk})
			}
		}
	}
	return cs
}

// GridRanking is the ranking of a point of the grid.
func GridRanking(title, mix float64, fbDocs, fbTerms int, fbWeight float64) index.Ranking {
	rk := index.Ranking{Method: index.RankBM25, K1: 1.2, B: 0.75, Unit: index.UnitArticle, TitleWeight: title, SectionWeight: 1,
		QueryTF: true, Feedback: fbDocs, FeedbackTerms: fbTerms, FeedbackWeight: fbWeight}
	if mix > 0 {
		rk.Unit, rk.Mix = index.UnitMix, mix
	}
	return rk
}

// explored are the configurations of issue 7's exploration on TIME, kept
// for comparison (chosen on TIME's queries: in-sample figures).
func explored() []Config {
	bleve := &index.Ranking{Method: index.RankBleve}
	bm := func(r index.Ranking) *index.Ranking { r.Method = index.RankBM25; return &r }
	// mix is the rescoring without feedback: whole article plus half its
	// best paragraph, document frequencies over articles, stop words of
	// the query dropped, repeated words counted.
	mix := func(r index.Ranking) index.Ranking {
		r.Unit, r.QueryTF = index.UnitMix, true
		if r.Mix == 0 {
			r.Mix = 0.5
		}
		return r
	}
	cs := []Config{
		// Article as one document, then one ingredient at a time.
		{Name: "bm25-article-pdf-stop1", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitArticle, StopWeight: -1, ParagraphDF: true})},
		{Name: "bm25-article-pdf", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitArticle, ParagraphDF: true})},
		{Name: "bm25-article-pdf-qtf", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitArticle, QueryTF: true, ParagraphDF: true})},
		{Name: "bm25-article", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitArticle, QueryTF: true})},
		{Name: "bm25-article-stop1", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitArticle, QueryTF: true, StopWeight: -1})},
		{Name: "bm25-paragraph", MatchAny: true, Rank: bm(index.Ranking{Unit: index.UnitParagraph, QueryTF: true})},
	}
	for _, m := range []float64{0.25, 0.5, 1, 2} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix%g", m), MatchAny: true, Rank: bm(mix(index.Ranking{Mix: m}))})
	}
	for _, kb := range [][2]float64{{0.9, 0.4}, {0.9, 0.75}, {1.6, 0.75}, {2.0, 0.75}, {1.2, 0.5}, {1.2, 0.9}} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-k%g-b%g", kb[0], kb[1]), MatchAny: true,
			Rank: bm(mix(index.Ranking{K1: kb[0], B: kb[1]}))})
	}
	for _, p := range []int{100, 500} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-pool%d", p), MatchAny: true, Rank: bm(mix(index.Ranking{Pool: p}))})
	}
	for _, t := range []float64{0.5, 1, 2, 3} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-title%g", t), MatchAny: true, Rank: bm(mix(index.Ranking{TitleWeight: t}))})
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-article-title%g", t), MatchAny: true,
			Rank: bm(index.Ranking{Unit: index.UnitArticle, QueryTF: true, TitleWeight: t})})
	}
	for _, v := range []struct {
		name  string
		idf   string
		power float64
	}{{"robertson", index.IDFRobertson, 1}, {"idf1.5", "", 1.5}, {"idf2", "", 2}, {"robertson-idf1.5", index.IDFRobertson, 1.5}} {
		cs = append(cs, Config{Name: "bm25-mix0.5-" + v.name, MatchAny: true, Rank: bm(mix(index.Ranking{IDF: v.idf, IDFPower: v.power}))})
		cs = append(cs, Config{Name: "bm25-article-" + v.name, MatchAny: true,
			Rank: bm(index.Ranking{Unit: index.UnitArticle, QueryTF: true, IDF: v.idf, IDFPower: v.power})})
	}
	for _, d := range []float64{0.5, 1} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-delta%g", d), MatchAny: true, Rank: bm(mix(index.Ranking{Delta: d}))})
	}
	for _, c := range []float64{0.5, 1, 2} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-coord%g", c), MatchAny: true, Rank: bm(mix(index.Ranking{Coord: c}))})
	}
	for _, p := range []float64{0.5, 1, 2} {
		cs = append(cs, Config{Name: fmt.Sprintf("bm25-mix0.5-prox%g", p), MatchAny: true, Rank: bm(mix(index.Ranking{Proximity: p}))})
	}
	// Pseudo-relevance feedback (RM3): documents, words, weight.
	for _, d := range []int{3, 5, 10} {
		for _, t := range []int{10, 20, 30} {
			for _, w := range []float64{0.2, 0.3, 0.5} {
				cs = append(cs, Config{Name: fmt.Sprintf("rm3-d%d-t%d-w%g", d, t, w), MatchAny: true,
					Rank: bm(mix(index.Ranking{Feedback: d, FeedbackTerms: t, FeedbackWeight: w}))})
			}
		}
	}
	for _, v := range []struct {
		name string
		r    index.Ranking
	}{
		{"d3-t10-w0.1", mix(index.Ranking{Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.1})},
		{"d3-t20-w0.1", mix(index.Ranking{Feedback: 3, FeedbackTerms: 20, FeedbackWeight: 0.1})},
		{"d2-t10-w0.2", mix(index.Ranking{Feedback: 2, FeedbackTerms: 10, FeedbackWeight: 0.2})},
		{"d1-t10-w0.2", mix(index.Ranking{Feedback: 1, FeedbackTerms: 10, FeedbackWeight: 0.2})},
		{"d3-t10-w0.2-robertson", mix(index.Ranking{Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2, IDF: index.IDFRobertson})},
		{"d3-t10-w0.2-article", index.Ranking{Unit: index.UnitArticle, QueryTF: true, Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2}},
		{"d3-t10-w0.2-mix1", mix(index.Ranking{Mix: 1, Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2})},
		{"d3-t10-w0.2-pdf", mix(index.Ranking{Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2, ParagraphDF: true})},
		{"d3-t10-w0.2-pool100", mix(index.Ranking{Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2, Pool: 100})},
	} {
		cs = append(cs, Config{Name: "rm3-" + v.name, MatchAny: true, Rank: bm(v.r)})
	}
	// Keyword queries: each query cut to its 2 or 3 rarest words.
	for _, k := range []int{2, 3} {
		for _, any := range []bool{false, true} {
			m := "all"
			if any {
				m = "any"
			}
			cs = append(cs,
				Config{Name: fmt.Sprintf("kw%d-api-%s", k, m), MatchAny: any, Keywords: k},
				Config{Name: fmt.Sprintf("kw%d-bleve-%s", k, m), MatchAny: any, Keywords: k, Rank: bleve},
				Config{Name: fmt.Sprintf("kw%d-nofeedback-%s", k, m), MatchAny: any, Keywords: k, Rank: bm(mix(index.Ranking{}))})
		}
	}
	// Paragraph hits (group=paragraph), each article ranked at its first
	// paragraph.
	cs = append(cs,
		Config{Name: "para-api-any", MatchAny: true, Paragraphs: true},
		Config{Name: "para-bleve-any", MatchAny: true, Paragraphs: true, Rank: bleve},
		Config{Name: "para-nofeedback-any", MatchAny: true, Paragraphs: true, Rank: bm(mix(index.Ranking{}))},
		Config{Name: "para-kw2-api-all", Paragraphs: true, Keywords: 2},
		Config{Name: "para-kw2-bleve-all", Paragraphs: true, Keywords: 2, Rank: bleve},
	)
	return cs
}
