package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/query"
)

// Ranking of relevance-sorted results.
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
// So a relevance-sorted search is answered in two stages: bleve's query
// finds the candidates (the total, the facets, the filters and the
// excluded words are its), then the top Pool candidates are read back and
// scored with textbook BM25 from the index's own statistics: term
// frequencies from the term vectors of their paragraphs, lengths from their
// stored text (cached per generation), document frequencies from the
// article facet of each word (cached per generation) or the field
// dictionaries (paragraphs). bench/RESULTS.md, "Ranking quality", has the
// configurations measured on the TIME collection.

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

// Ranking says how results sorted by relevance are ordered. A zero field
// means its default.
type Ranking struct {
	Method string  // RankBleve or RankBM25 (default)
	Pool   int     // candidates rescored: articles with Group, else paragraphs; 0: 200
	K1     float64 // BM25 term-frequency saturation; 0: 1.2
	B      float64 // BM25 length normalisation; 0: 0.75, negative: none
	// Unit is what an article is scored as with Group: UnitArticle
	// (default), UnitParagraph or UnitMix.
	Unit string
	Mix  float64 // with UnitMix: the weight of the best paragraph's score
	// TitleWeight: each title word counts as this many occurrences of the
	// word in the text; 0: the title is not scored.
	TitleWeight float64
	// StopWeight is the weight of an English stop word of the query
	// relative to other words, when the query has other words: 0 drops
	// them, negative means 1.
	StopWeight float64
	// QueryTF counts a word as often as the query repeats it.
	QueryTF bool
	// ParagraphDF takes document frequencies over paragraphs (the field
	// dictionaries) instead of over articles (the article facet of each
	// word, cached per generation). Ungrouped requests always use
	// paragraphs.
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

// Inverse document frequencies.
const (
	IDFLucene    = "lucene"
	IDFRobertson = "robertson"
)

// DefaultRanking is the ranking of relevance-sorted any-words requests
// (match=any) that name none, for articles and paragraphs: the top
// 200 candidates rescored with textbook BM25 (k1 1.2, b 0.75); an article
// scored as its whole text plus half the score of its best paragraph;
// document frequencies over articles (over paragraphs for paragraph hits);
// English stop words of the query left out unless it has nothing else; a
// word the query repeats counted each time; and light pseudo-relevance
// feedback: RM3 from the top 3, 10 words making up a fifth of the
// expanded query. On the TIME collection it takes MAP from bleve's 0.460
// to 0.639 (bench/RESULTS.md).
func DefaultRanking() Ranking {
	return Ranking{Method: RankBM25, Unit: UnitMix, Mix: 0.5, QueryTF: true,
		Feedback: 3, FeedbackTerms: 10, FeedbackWeight: 0.2}
}

func (rk Ranking) withDefaults() Ranking {
	if rk.Method == "" {
		rk.Method = RankBM25
	}
	if rk.Pool <= 0 {
		rk.Pool = 200
	}
	rk.Pool = min(rk.Pool, maxRankPool)
	if rk.K1 <= 0 {
		rk.K1 = 1.2
	}
	if rk.B == 0 {
		rk.B = 0.75
	} else if rk.B < 0 {
		rk.B = 0
	}
	if rk.Unit == "" {
		rk.Unit = UnitArticle
	}
	if rk.StopWeight < 0 {
		rk.StopWeight = 1
	}
	if rk.FeedbackTerms <= 0 {
		rk.FeedbackTerms = 10
	}
	if rk.FeedbackWeight <= 0 {
		rk.FeedbackWeight = 0.5
	}
	return rk
}

// ranking returns the rescoring a request asks for, or nil when its
// results keep bleve's order: date order, RankBleve, and all-words
// (match=all) requests that name no ranking. Rescoring is what ranked
// any-words search needs (natural-language queries); for all-words
// queries it gained little on TIME's keyword queries (0.141 -> 0.152 MAP)
// and costs latency on every search, so they keep bleve's BM25 order.
func (req Request) ranking() *Ranking {
	if req.Sort == SortDate {
		return nil
	}
	if req.Rank == nil && !req.MatchAny {
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

// maxRankTerms bounds the words a rescored query may have (prefixes
// expand); past it the candidates keep bleve's order.
const maxRankTerms = 256

// maxRankPool bounds Ranking.Pool: the candidates' ids make one
// disjunction, well under MaxTermSearchers.
const maxRankPool = 1000

// maxRankParagraphs bounds the paragraphs read back for rescoring.
const maxRankParagraphs = 50_000

// candidate is one first-stage result: an article (its best paragraph by
// bleve's score) with Group, else a paragraph.
type candidate struct {
	key   string // article id with Group, else paragraph id
	first *bsearch.DocumentMatch
	doc   *rankDoc // nil unless rescored
	score float64
}

// searchRanked answers a relevance-sorted request with rescoring: bleve's
// query collects the candidates (ids only), the first rk.Pool are rescored
// and sorted, any further ones follow in bleve's order, and the page's
// hits are read back with their highlights.
func (r *Reader) searchRanked(ctx context.Context, q bquery.Query, req Request, rk *Ranking) (*Result, error) {
	want := req.Page * req.Size
	collect := max(want, rk.Pool)
	var cands []*candidate
	out := &Result{TotalExact: true}
	counts := map[string]int{}
	if req.Group {
		fetch := min(MaxWindow, max(3*collect, 50))
		for {
			sr := r.newRequest(q, req, fetch, 0, true, true)
			sr.Fields, sr.IncludeLocations = nil, false
			res, err := r.run(ctx, sr)
			if err != nil {
				return nil, err
			}
			total := 0
			f := res.Facets["article"]
			if f != nil && f.Terms != nil {
				for _, t := range f.Terms.Terms() {
					counts[t.Term] = t.Count
				}
				total = len(counts)
				if f.Other > 0 {
					total++ // at least one more article than counted
				}
			}
			cands = cands[:0]
			seen := map[string]bool{}
			for _, dm := range res.Hits {
				id := articleOf(dm.ID)
				if !seen[id] {
					seen[id] = true
					cands = append(cands, &candidate{key: id, first: dm, score: dm.Score})
				}
			}
			if len(cands) < collect && uint64(len(res.Hits)) < res.Total && fetch < MaxWindow {
				// Enough more paragraphs for the articles missing, at the
				// rate seen so far, and at least twice as many.
				grow := float64(collect) / float64(max(len(cands), 1)) * 1.25
				fetch = min(MaxWindow, max(2*fetch, int(float64(fetch)*grow)))
				continue
			}
			out.Total, out.TotalExact, out.Facets = max(total, len(cands)), f == nil || f.Other == 0, facets(res, req)
			break
		}
	} else {
		sr := r.newRequest(q, req, collect, 0, false, true)
		sr.Fields, sr.IncludeLocations = nil, false
		res, err := r.run(ctx, sr)
		if err != nil {
			return nil, err
		}
		for _, dm := range res.Hits {
			cands = append(cands, &candidate{key: dm.ID, first: dm, score: dm.Score})
		}
		out.Total, out.Facets = int(res.Total), facets(res, req)
	}
	head := cands[:min(rk.Pool, len(cands))]
	rescored, err := r.rescore(ctx, req, rk, head)
	if err != nil {
		return nil, err
	}
	if rest := cands[len(head):]; rescored && len(rest) > 0 {
		// Past the pool, bleve's order, scaled below the last rescored.
		floor, top := head[len(head)-1].score, rest[0].score
		for _, c := range rest {
			if top > 0 {
				c.score = floor * 0.999 * c.score / top
			}
		}
	}
	lo := min((req.Page-1)*req.Size, len(cands))
	page := cands[lo:min(lo+req.Size, len(cands))]
	hits, err := r.pageHits(ctx, q, req, page)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if req.Group {
			h.MoreMatches = max(counts[h.ArticleID]-1, 0)
		}
		out.Hits = append(out.Hits, h)
	}
	return out, nil
}

// pageHits reads the hits of a page back with their highlights: with
// Group, each article's best paragraph by the rescoring when it matches the
// query, else its best by bleve's score.
func (r *Reader) pageHits(ctx context.Context, q bquery.Query, req Request, page []*candidate) ([]Hit, error) {
	if len(page) == 0 {
		return nil, nil
	}
	var ids []string
	for _, c := range page {
		ids = append(ids, c.first.ID)
		if c.doc != nil && c.doc.best != "" && c.doc.best != c.first.ID {
			ids = append(ids, c.doc.best)
		}
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(q, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	sr.Fields = storedFields
	sr.IncludeLocations = true
	res, err := r.run(ctx, sr)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, dm := range res.Hits {
		byID[dm.ID] = dm
	}
	hits := make([]Hit, 0, len(page))
	for _, c := range page {
		dm := byID[c.first.ID]
		if c.doc != nil && byID[c.doc.best] != nil {
			dm = byID[c.doc.best]
		}
		if dm == nil {
			continue // gone with a new generation since the first stage
		}
		h := makeHit(dm)
		h.Score = c.score
		hits = append(hits, h)
	}
	return hits, nil
}

// qterm is one analysed word of a query and its weight.
type qterm struct {
	term   string
	i      int // index in rankSet.terms
	weight float64
	idf    float64
	stop   bool
}

// stopTerms is the English stop-word list (Snowball's, as bleve ships it)
// as the text analyzer indexes its words.
var (
	stopOnce  sync.Once
	stopTerms map[string]bool
)

func stopSet(a analysis.Analyzer) map[string]bool {
	stopOnce.Do(func() {
		tm := analysis.NewTokenMap()
		if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
			panic(fmt.Sprintf("english stop words: %v", err))
		}
		stopTerms = map[string]bool{}
		for w := range tm {
			for _, tok := range a.Analyze([]byte(w)) {
				stopTerms[string(tok.Term)] = true
			}
		}
	})
	return stopTerms
}

// queryTerms returns the analysed words of the positive leaves of q that
// search the text (default, text, title and section fields), prefixes
// expanded to the text terms they match, with their weights.
func (r *Reader) queryTerms(q query.Node, rk *Ranking) ([]qterm, error) {
	text := r.mapping.AnalyzerNamed(textAnalyzer)
	if text == nil {
		return nil, fmt.Errorf("analyzer %s not registered", textAnalyzer)
	}
	stops := stopSet(text)
	count := map[string]int{}
	var order []string
	add := func(t string) {
		if count[t] == 0 {
			order = append(order, t)
		}
		count[t]++
	}
	for _, l := range query.Leaves(q) {
		var field, s string
		prefix := false
		switch l := l.(type) {
		case *query.Term:
			field, s = l.Field, l.Text
		case *query.Phrase:
			field, s = l.Field, l.Text
		case *query.Prefix:
			field, s, prefix = l.Field, l.Text, true
		}
		switch field {
		case "", "text", "title", "section":
		default:
			continue
		}
		if prefix {
			terms, err := r.prefixTerms(FieldText, strings.ToLower(s))
			if err != nil {
				return nil, err
			}
			for _, t := range terms {
				add(t)
			}
			continue
		}
		for _, tok := range text.Analyze([]byte(s)) {
			add(string(tok.Term))
		}
	}
	content := 0
	for _, t := range order {
		if !stops[t] {
			content++
		}
	}
	out := make([]qterm, 0, len(order))
	for _, t := range order {
		w := 1.0
		if rk.QueryTF {
			w = float64(count[t])
		}
		if stops[t] && content > 0 {
			w *= rk.StopWeight
		}
		if w > 0 {
			out = append(out, qterm{term: t, weight: w, stop: stops[t]})
		}
	}
	return out, nil
}

// paragraphDF returns the number of paragraphs and how many hold each term
// in their text, from the field dictionaries of the served shards.
func (r *Reader) paragraphDF(terms []string) (int, map[string]int, error) {
	r.open.RLock()
	defer r.open.RUnlock()
	n := 0
	df := make(map[string]int, len(terms))
	for _, idx := range r.serving {
		c, err := idx.DocCount()
		if err != nil {
			return 0, nil, fmt.Errorf("count documents: %w", err)
		}
		n += int(c)
		for _, t := range terms {
			d, err := idx.FieldDictRange(FieldText, []byte(t), []byte(t))
			if err != nil {
				return 0, nil, fmt.Errorf("read dictionary of %s: %w", FieldText, err)
			}
			for {
				e, err := d.Next()
				if err != nil {
					d.Close()
					return 0, nil, fmt.Errorf("read dictionary of %s: %w", FieldText, err)
				}
				if e == nil {
					break
				}
				if e.Term == t {
					df[t] += int(e.Count)
				}
			}
			d.Close()
		}
	}
	return n, df, nil
}

// dfCache holds the article frequencies of terms for one generation of
// one reader.
var dfCache struct {
	sync.Mutex
	r   *Reader
	gen int
	df  map[string]int
}

const maxDFCache = 100_000

// articleDF returns the number of articles and how many of them hold each
// term in their text: one search per term not cached, counting the terms
// of the article facet.
func (r *Reader) articleDF(ctx context.Context, terms []string) (int, map[string]int, error) {
	st := r.Status()
	df := make(map[string]int, len(terms))
	var missing []string
	dfCache.Lock()
	if dfCache.r != r || dfCache.gen != st.Generation || len(dfCache.df) > maxDFCache {
		dfCache.r, dfCache.gen, dfCache.df = r, st.Generation, map[string]int{}
	}
	for _, t := range terms {
		if n, ok := dfCache.df[t]; ok {
			df[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	dfCache.Unlock()
	for _, t := range missing {
		tq := bleve.NewTermQuery(t)
		tq.SetField(FieldText)
		sr := bleve.NewSearchRequestOptions(tq, 0, 0, false)
		sr.AddFacet("article", bleve.NewFacetRequest(FieldArticleID, max(st.Articles, 1)))
		res, err := r.run(ctx, sr)
		if err != nil {
			return 0, nil, err
		}
		if f := res.Facets["article"]; f != nil && f.Terms != nil {
			df[t] = len(f.Terms.Terms())
		}
	}
	if len(missing) > 0 {
		dfCache.Lock()
		if dfCache.r == r && dfCache.gen == st.Generation {
			for _, t := range missing {
				dfCache.df[t] = df[t]
			}
		}
		dfCache.Unlock()
	}
	return st.Articles, df, nil
}

// idf is the BM25 inverse document frequency (Lucene's, never negative).
func (rk *Ranking) idf(n, df int) float64 {
	var v float64
	if rk.IDF == IDFRobertson {
		v = max(math.Log((float64(n)-float64(df)+0.5)/(float64(df)+0.5)), 1e-6)
	} else {
		v = math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
	}
	if rk.IDFPower > 0 && rk.IDFPower != 1 {
		v = math.Pow(v, rk.IDFPower)
	}
	return v
}

// rankDoc is a candidate read back: an article with Group, else one
// paragraph. Term statistics are indexed like rankSet.terms.
type rankDoc struct {
	length int         // tokens of its text: every paragraph of an article
	nparas int         // an article's paragraphs
	tlen   int         // tokens of its title
	tf     []float64   // occurrences of each term in its text
	title  []float64   // occurrences of each term in its title
	pos    [][]int     // positions of each term in its text, with Proximity
	paras  []*rankPara // its paragraphs holding a term, with Group
	byID   map[string]*rankPara
	best   string // the id of its best paragraph by the rescoring
}

type rankPara struct {
	id     string
	length int
	tf     []float64
}

// rankSet is the candidates read back and the terms counted in them.
type rankSet struct {
	group     bool
	keys      []string
	docs      map[string]*rankDoc
	terms     []string
	index     map[string]int
	title     bool // count title occurrences
	positions bool // keep positions
}

// articleOf returns the article id of a paragraph document id (see
// ParagraphID).
func articleOf(paragraphID string) string {
	if i := strings.LastIndexByte(paragraphID, '-'); i > 0 {
		return paragraphID[:i]
	}
	return paragraphID
}

// paragraphNumber returns n of a paragraph document id (see ParagraphID).
func paragraphNumber(paragraphID string) int {
	n := 0
	for _, c := range paragraphID[strings.LastIndexByte(paragraphID, '-')+1:] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// paragraphIDs returns the document ids of the candidates of keys: every
// paragraph of an article (they are numbered from 1 on), or the paragraph.
func (set *rankSet) paragraphIDs(keys []string) []string {
	if !set.group {
		return keys
	}
	var ids []string
	for _, k := range keys {
		if d := set.docs[k]; d != nil {
			for n := 1; n <= d.nparas; n++ {
				ids = append(ids, ParagraphID(k, n))
			}
		}
	}
	return ids
}

// newRankSet reads the lengths of the candidates of keys (articles with
// group, else paragraphs).
func (r *Reader) newRankSet(ctx context.Context, keys []string, group, title, positions bool) (*rankSet, error) {
	set := &rankSet{group: group, keys: keys, docs: make(map[string]*rankDoc, len(keys)), index: map[string]int{},
		title: title, positions: positions}
	lens, err := r.lengths(ctx, keys, group)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		l, ok := lens[k]
		if !ok {
			continue // gone since the first stage
		}
		set.docs[k] = &rankDoc{length: l.text, tlen: l.title, nparas: max(l.paras, 1), byID: map[string]*rankPara{}}
	}
	return set, nil
}

// count reads the occurrences of terms (new to the set) in the
// candidates' paragraphs that hold any of them, from their term vectors.
func (r *Reader) count(ctx context.Context, set *rankSet, terms []string) error {
	var add []string
	for _, t := range terms {
		if _, ok := set.index[t]; !ok {
			set.index[t] = len(set.terms)
			set.terms = append(set.terms, t)
			add = append(add, t)
		}
	}
	if len(add) == 0 {
		return nil
	}
	grow := func(v []float64) []float64 { return append(v, make([]float64, len(set.terms)-len(v))...) }
	for _, d := range set.docs {
		d.tf, d.title = grow(d.tf), grow(d.title)
		if set.positions {
			d.pos = append(d.pos, make([][]int, len(set.terms)-len(d.pos))...)
		}
		for _, p := range d.paras {
			p.tf = grow(p.tf)
		}
	}
	scope := bleve.NewDocIDQuery(set.paragraphIDs(set.keys))
	var words []bquery.Query
	for _, t := range add {
		tq := bleve.NewTermQuery(t)
		tq.SetField(FieldText)
		words = append(words, tq)
		if set.title {
			tq := bleve.NewTermQuery(t)
			tq.SetField(FieldTitle)
			words = append(words, tq)
		}
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(scope, bleve.NewDisjunctionQuery(words...)), maxRankParagraphs, 0, false)
	sr.IncludeLocations = true
	res, err := r.run(ctx, sr)
	if err != nil {
		return err
	}
	var ids []string
	for _, dm := range res.Hits {
		if set.group {
			if d := set.docs[articleOf(dm.ID)]; d != nil && d.byID[dm.ID] == nil {
				ids = append(ids, dm.ID)
			}
		}
	}
	plen, err := r.paragraphLengths(ctx, ids)
	if err != nil {
		return err
	}
	seenTitle := map[*rankDoc]bool{}
	for _, dm := range res.Hits {
		key := dm.ID
		if set.group {
			key = articleOf(dm.ID)
		}
		d := set.docs[key]
		if d == nil {
			continue
		}
		if !seenTitle[d] {
			seenTitle[d] = true
			for term, locs := range dm.Locations[FieldTitle] {
				if i, ok := set.index[term]; ok {
					d.title[i] = float64(len(locs))
				}
			}
		}
		var p *rankPara
		if set.group {
			if p = d.byID[dm.ID]; p == nil {
				p = &rankPara{id: dm.ID, length: plen[dm.ID], tf: make([]float64, len(set.terms))}
				d.byID[dm.ID] = p
				d.paras = append(d.paras, p)
			}
		}
		base := paragraphNumber(dm.ID) * 1_000_000 // positions never span two paragraphs
		for term, locs := range dm.Locations[FieldText] {
			i, ok := set.index[term]
			if !ok {
				continue
			}
			d.tf[i] += float64(len(locs))
			if p != nil {
				p.tf[i] = float64(len(locs))
			}
			if set.positions {
				for _, l := range locs {
					d.pos[i] = append(d.pos[i], base+int(l.Pos))
				}
			}
		}
	}
	return nil
}

// docLength is the number of tokens of the text and the title of a
// paragraph, or of an article (its paragraphs' text added up, and their
// number).
type docLength struct{ text, title, paras int }

// lengthCache holds the lengths of the paragraphs and articles of one
// generation of one reader: stored text does not change within a
// generation. Articles are keyed by "a/" and their id.
var lengthCache struct {
	sync.Mutex
	r   *Reader
	gen int
	len map[string]docLength
}

const maxLengthCache = 1_000_000

// lengths returns the lengths of the candidates of keys (articles with
// group, else paragraphs), reading the stored text of those not cached.
// Reading an article caches its paragraphs' lengths too.
func (r *Reader) lengths(ctx context.Context, keys []string, group bool) (map[string]docLength, error) {
	prefix := ""
	if group {
		prefix = "a/"
	}
	gen := r.Status().Generation
	out := make(map[string]docLength, len(keys))
	var missing []string
	lengthCache.Lock()
	if lengthCache.r != r || lengthCache.gen != gen || len(lengthCache.len) > maxLengthCache {
		lengthCache.r, lengthCache.gen, lengthCache.len = r, gen, map[string]docLength{}
	}
	for _, k := range keys {
		if l, ok := lengthCache.len[prefix+k]; ok {
			out[k] = l
		} else {
			missing = append(missing, k)
		}
	}
	lengthCache.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	var q bquery.Query = bleve.NewDocIDQuery(missing)
	if group {
		qs := make([]bquery.Query, 0, len(missing))
		for _, k := range missing {
			tq := bleve.NewTermQuery(k)
			tq.SetField(FieldArticleID)
			qs = append(qs, tq)
		}
		q = bleve.NewDisjunctionQuery(qs...)
	}
	sr := bleve.NewSearchRequestOptions(q, maxRankParagraphs, 0, false)
	sr.Fields = []string{FieldText, FieldTitle}
	res, err := r.run(ctx, sr)
	if err != nil {
		return nil, err
	}
	paras := make(map[string]docLength, len(res.Hits))
	for _, dm := range res.Hits {
		text, _ := dm.Fields[FieldText].(string)
		title, _ := dm.Fields[FieldTitle].(string)
		l := docLength{text: countTokens(text), title: countTokens(title)}
		paras[dm.ID] = l
		if group {
			a := articleOf(dm.ID)
			sum := out[a]
			sum.text += l.text
			sum.title = l.title
			sum.paras++
			out[a] = sum
		} else {
			out[dm.ID] = l
		}
	}
	lengthCache.Lock()
	if lengthCache.r == r && lengthCache.gen == gen {
		for id, l := range paras {
			lengthCache.len[id] = l
		}
		if group {
			for _, k := range missing {
				if l, ok := out[k]; ok {
					lengthCache.len[prefix+k] = l
				}
			}
		}
	}
	lengthCache.Unlock()
	return out, nil
}

// paragraphLengths returns the text lengths of the paragraphs of ids,
// reading the stored text of those not cached.
func (r *Reader) paragraphLengths(ctx context.Context, ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	lens, err := r.lengths(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	for id, l := range lens {
		out[id] = l.text
	}
	return out, nil
}

// countTokens counts the words of a text as the text analyzer's Unicode
// tokenizer (UAX #29 word boundaries) makes them, closely enough for
// length normalisation: runs of letters, digits and marks; a full stop or
// an apostrophe between two letters or two digits, a colon between two
// letters, a comma or semicolon between two digits and an underscore
// anywhere inside do not split a word.
func countTokens(s string) int {
	const (
		none = iota
		letter
		digit
	)
	class := func(c rune) int {
		switch {
		case unicode.IsLetter(c) || unicode.IsMark(c):
			return letter
		case unicode.IsDigit(c):
			return digit
		}
		return none
	}
	n, prev := 0, none // prev: the class of the word's last letter or digit, none outside a word
	for i, c := range s {
		if k := class(c); k != none {
			if prev == none {
				n++
			}
			prev = k
			continue
		}
		if prev == none {
			continue
		}
		next := class(nextRune(s[i+utf8.RuneLen(c):]))
		switch {
		case c == '_' && next != none:
		case (c == '.' || c == '\'' || c == '’') && next == prev:
		case c == ':' && prev == letter && next == letter:
		case (c == ',' || c == ';') && prev == digit && next == digit:
		default:
			prev = none
		}
	}
	return n
}

func nextRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// analyzedTexts returns the terms of the text of each candidate of keys
// in set (every paragraph of an article with group) as the text analyzer
// makes them, and their number.
func (r *Reader) analyzedTexts(ctx context.Context, set *rankSet, keys []string) (map[string]map[string]int, map[string]int, error) {
	group := set.group
	sr := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(set.paragraphIDs(keys)), maxRankParagraphs, 0, false)
	sr.Fields = []string{FieldText}
	res, err := r.run(ctx, sr)
	if err != nil {
		return nil, nil, err
	}
	a := r.mapping.AnalyzerNamed(textAnalyzer)
	tfs := map[string]map[string]int{}
	lens := map[string]int{}
	for _, dm := range res.Hits {
		key := dm.ID
		if group {
			key = articleOf(dm.ID)
		}
		tf := tfs[key]
		if tf == nil {
			tf = map[string]int{}
			tfs[key] = tf
		}
		text, _ := dm.Fields[FieldText].(string)
		for _, tok := range a.Analyze([]byte(text)) {
			tf[string(tok.Term)]++
			lens[key]++
		}
	}
	return tfs, lens, nil
}

// bm25 scores a document of length dl whose term frequencies tf gives.
func bm25(qs []qterm, tf func(int) float64, dl, avgdl float64, rk *Ranking) float64 {
	s, matched, all := 0.0, 0.0, 0.0
	norm := rk.K1 * (1 - rk.B + rk.B*dl/max(avgdl, 1))
	for _, q := range qs {
		all += q.weight * q.idf
		if f := tf(q.i); f > 0 {
			s += q.weight * q.idf * (f*(rk.K1+1)/(f+norm) + rk.Delta)
			matched += q.weight * q.idf
		}
	}
	if rk.Coord > 0 && all > 0 {
		s *= math.Pow(matched/all, rk.Coord)
	}
	return s
}

// proxWindow is the widest gap between two query words that earns a
// proximity bonus.
const proxWindow = 5

// proximity is the BM25TP bonus (Rasolofo and Savoy): each pair of
// occurrences of two different query words at most proxWindow tokens
// apart adds to both words an amount falling with the square of the
// distance, weighted by the other word's idf; each word's sum is
// saturated like a term frequency.
func proximity(qs []qterm, d *rankDoc, rk *Ranking) float64 {
	type occ struct{ pos, q int }
	var occs []occ
	for j, q := range qs {
		if q.stop || q.i >= len(d.pos) {
			continue
		}
		for _, p := range d.pos[q.i] {
			occs = append(occs, occ{p, j})
		}
	}
	if len(occs) < 2 {
		return 0
	}
	sort.Slice(occs, func(a, b int) bool { return occs[a].pos < occs[b].pos })
	acc := make([]float64, len(qs))
	for i := 1; i < len(occs); i++ {
		for j := i - 1; j >= 0 && occs[i].pos-occs[j].pos <= proxWindow; j-- {
			a, b := occs[i], occs[j]
			if a.q == b.q || a.pos == b.pos {
				continue
			}
			dist := float64(a.pos - b.pos)
			acc[a.q] += qs[b.q].idf / (dist * dist)
			acc[b.q] += qs[a.q].idf / (dist * dist)
		}
	}
	s := 0.0
	for i, q := range qs {
		if acc[i] > 0 {
			s += q.weight * min(q.idf, 1) * acc[i] * (rk.K1 + 1) / (acc[i] + rk.K1)
		}
	}
	return s
}

// frequencies returns the number of documents (articles with group and
// not rk.ParagraphDF, else paragraphs) and how many hold each term.
func (r *Reader) frequencies(ctx context.Context, terms []string, group bool, rk *Ranking) (int, map[string]int, error) {
	if group && !rk.ParagraphDF {
		return r.articleDF(ctx, terms)
	}
	return r.paragraphDF(terms)
}

// rescore scores the candidates with textbook BM25 for the request's query
// and sorts them by the new score (ties keep bleve's order). It reports
// false, leaving them as they were, when the query has no words to score.
func (r *Reader) rescore(ctx context.Context, req Request, rk *Ranking, cands []*candidate) (bool, error) {
	if len(cands) == 0 {
		return false, nil
	}
	qs, err := r.queryTerms(req.Query, rk)
	if err != nil || len(qs) == 0 || len(qs) > maxRankTerms {
		return false, err
	}
	terms := make([]string, len(qs))
	for i, t := range qs {
		terms[i] = t.term
	}
	keys := make([]string, len(cands))
	for i, c := range cands {
		keys[i] = c.key
	}
	set, err := r.newRankSet(ctx, keys, req.Group, rk.TitleWeight > 0, rk.Proximity > 0)
	if err != nil {
		return false, err
	}
	if err := r.count(ctx, set, terms); err != nil {
		return false, err
	}
	n, df, err := r.frequencies(ctx, terms, req.Group, rk)
	if err != nil {
		return false, err
	}
	for i := range qs {
		qs[i].i = set.index[qs[i].term]
		qs[i].idf = rk.idf(n, df[qs[i].term])
	}
	scores := score(qs, set, rk)
	if rk.Feedback > 0 {
		exp, err := r.feedback(ctx, qs, set, scores, rk)
		if err != nil {
			return false, err
		}
		if exp != nil {
			scores = score(exp, set, rk)
		}
	}
	for _, c := range cands {
		c.doc = set.docs[c.key]
		c.score = scores[c.key]
	}
	slices.SortStableFunc(cands, func(a, b *candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return true, nil
}

// score returns the score of each candidate for the weighted terms and
// sets each article's best paragraph.
func score(qs []qterm, set *rankSet, rk *Ranking) map[string]float64 {
	// Average lengths over the candidates: of a document, and of a
	// paragraph of the articles.
	avgdl, avgpl, np := 0.0, 0.0, 0
	for _, k := range set.keys { // in order: the sums do not vary
		d := set.docs[k]
		if d == nil {
			continue
		}
		avgdl += float64(d.length) + rk.TitleWeight*float64(d.tlen)
		avgpl += float64(d.length) + rk.TitleWeight*float64(d.tlen*d.nparas)
		np += d.nparas
	}
	avgdl /= float64(max(len(set.docs), 1))
	avgpl /= float64(max(np, 1))
	out := make(map[string]float64, len(set.docs))
	for key, d := range set.docs {
		whole := bm25(qs, func(i int) float64 { return d.tf[i] + rk.TitleWeight*d.title[i] },
			float64(d.length)+rk.TitleWeight*float64(d.tlen), avgdl, rk)
		best := 0.0
		d.best = ""
		if set.group {
			for _, p := range d.paras {
				s := bm25(qs, func(i int) float64 { return p.tf[i] + rk.TitleWeight*d.title[i] },
					float64(p.length)+rk.TitleWeight*float64(d.tlen), avgpl, rk)
				if s > best || (s == best && d.best != "" && p.id < d.best) {
					best, d.best = s, p.id
				}
			}
		}
		var s float64
		switch {
		case !set.group || rk.Unit == UnitArticle:
			s = whole
		case rk.Unit == UnitParagraph:
			s = best
		default:
			s = whole + rk.Mix*best
		}
		if rk.Proximity > 0 {
			s += rk.Proximity * proximity(qs, d, rk)
		}
		out[key] = s
	}
	return out
}

// feedback builds the RM3 query: the relevance model of the top
// rk.Feedback candidates (each word's share of a document's words,
// weighted by the document's share of their scores), its rk.FeedbackTerms
// most likely words that are not stop words, mixed with the original query
// so that they make up rk.FeedbackWeight of its weight. It counts the new
// words in every candidate and returns the expanded query, or nil when
// there is nothing to add.
func (r *Reader) feedback(ctx context.Context, qs []qterm, set *rankSet, scores map[string]float64, rk *Ranking) ([]qterm, error) {
	stops := stopSet(r.mapping.AnalyzerNamed(textAnalyzer))
	top := slices.Clone(set.keys)
	slices.SortStableFunc(top, func(a, b string) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	top = top[:min(rk.Feedback, len(top))]
	total := 0.0
	for _, k := range top {
		total += scores[k]
	}
	if total <= 0 {
		return nil, nil
	}
	tfs, lens, err := r.analyzedTexts(ctx, set, top)
	if err != nil {
		return nil, err
	}
	rm := map[string]float64{}
	for _, k := range top {
		if lens[k] == 0 {
			continue
		}
		w := scores[k] / total
		for t, c := range tfs[k] {
			if !stops[t] && hasLetter(t) {
				rm[t] += w * float64(c) / float64(lens[k])
			}
		}
	}
	cand := make([]string, 0, len(rm))
	for t := range rm {
		cand = append(cand, t)
	}
	sort.Slice(cand, func(i, j int) bool {
		if rm[cand[i]] != rm[cand[j]] {
			return rm[cand[i]] > rm[cand[j]]
		}
		return cand[i] < cand[j]
	})
	cand = cand[:min(rk.FeedbackTerms, len(cand))]
	sumQ, sumR := 0.0, 0.0
	for _, q := range qs {
		sumQ += q.weight
	}
	for _, t := range cand {
		sumR += rm[t]
	}
	if sumQ <= 0 || sumR <= 0 {
		return nil, nil
	}
	weights := map[string]float64{}
	for _, q := range qs {
		weights[q.term] += (1 - rk.FeedbackWeight) * q.weight / sumQ
	}
	for _, t := range cand {
		weights[t] += rk.FeedbackWeight * rm[t] / sumR
	}
	terms := make([]string, 0, len(weights))
	for t := range weights {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	if err := r.count(ctx, set, terms); err != nil {
		return nil, err
	}
	n, df, err := r.frequencies(ctx, terms, set.group, rk)
	if err != nil {
		return nil, err
	}
	out := make([]qterm, 0, len(terms))
	for _, t := range terms {
		out = append(out, qterm{term: t, i: set.index[t], weight: weights[t], idf: rk.idf(n, df[t]), stop: stops[t]})
	}
	return out, nil
}

func hasLetter(s string) bool {
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c > 0x7f {
			return true
		}
	}
	return false
}
