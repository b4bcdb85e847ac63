package relevance

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/query"
)

// Depth is how many articles a query retrieves for the measures.
const Depth = 100

// Sanitize turns natural-language text into a query of plain words for
// the query language: it lower-cases the text, so that AND, OR and NOT are
// words rather than operators, replaces the characters the language reads
// as syntax (quotes, parentheses, '*', ':') with spaces and drops the '-'
// that would negate a word. Other punctuation is left to the parser and the
// analyzer, as for any query typed into the search box.
func Sanitize(text string) string {
	text = strings.ToLower(text)
	text = strings.Map(func(r rune) rune {
		switch r {
		case '"', '“', '”', '„', '(', ')', '*', ':':
			return ' '
		}
		return r
	}, text)
	f := strings.Fields(text)
	for i, w := range f {
		f[i] = strings.TrimLeft(w, "-")
	}
	return strings.Join(f, " ")
}

// Bench is a collection indexed by the project's own code and a Reader
// serving it.
type Bench struct {
	C         *Collection
	R         *index.Reader
	Articles  int
	Paragraph int           // paragraphs indexed
	Build     time.Duration // writing the seeds and indexing them
	// Workers is the number of queries run at once; 0 or 1: one after
	// another (so that Scores.Took is the sum of the queries' times).
	Workers int
}

// Setup writes the collection's documents as seed files under dir/seeds,
// indexes them into dir/index with index.OpenWriter and ingest.Rebuild, and
// opens an index.Reader on the result.
func Setup(ctx context.Context, c *Collection, dir string) (*Bench, error) {
	start := time.Now()
	seeds := filepath.Join(dir, "seeds")
	if err := c.WriteSeeds(seeds); err != nil {
		return nil, fmt.Errorf("write seeds: %w", err)
	}
	idx := filepath.Join(dir, "index")
	w, err := index.OpenWriter(idx, index.WriterOptions{})
	if err != nil {
		return nil, err
	}
	sum, err := ingest.Rebuild(ctx, w, ingest.Options{SeedsDir: seeds})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	if len(sum.Skipped) > 0 {
		return nil, fmt.Errorf("index: %d seeds skipped, the first %s: %s", len(sum.Skipped), sum.Skipped[0].Seed, sum.Skipped[0].Reason)
	}
	r, err := index.NewReader(idx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := r.Reload(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return &Bench{C: c, R: r, Articles: sum.Articles, Paragraph: sum.Paragraphs, Build: time.Since(start)}, nil
}

// Close closes the reader.
func (b *Bench) Close() error { return b.R.Close() }

// Config is one way of running the queries.
type Config struct {
	Name     string
	MatchAny bool           // the API's match=any
	Rank     *index.Ranking // nil: what the API does for the match mode
	// Keywords, when positive, shortens each query to its this many
	// rarest words (fewest paragraphs in the index), in query order: the
	// keyword queries people type, on which match=all finds something.
	Keywords int
	// Paragraphs searches paragraphs (group=paragraph) and ranks each
	// article where its first paragraph comes.
	Paragraphs bool
	// OR joins the query's words with explicit ORs ("a OR b OR c"), with
	// the default match (MatchAny is then beside the point).
	OR bool
}

// QueryScore is the result of one query.
type QueryScore struct {
	ID                int
	Relevant          int // judged relevant documents
	Retrieved         int
	AP, NDCG10, P10   float64
	Ranked            []int // ordinals, best first
	FirstRelevantRank int   // 1-based; 0 when none was retrieved
}

// Scores are the means over the queries with at least one relevant
// document.
type Scores struct {
	Config   string
	Queries  int
	MAP      float64
	NDCG10   float64
	P10      float64
	Took     time.Duration // all the queries (one after another unless Bench.Workers > 1)
	PerQuery []QueryScore
}

// Run runs every query of the collection the way the API does for
// GET /api/search?q=<sanitised query>&group=article&size=100 (with
// match=any when cfg.MatchAny) and scores the rankings.
func (b *Bench) Run(ctx context.Context, cfg Config) (Scores, error) {
	s := Scores{Config: cfg.Name}
	ids := make([]int, 0, len(b.C.Queries))
	for _, q := range b.C.Queries {
		ids = append(ids, q.ID)
	}
	sort.Ints(ids)
	byID := map[int]Query{}
	for _, q := range b.C.Queries {
		byID[q.ID] = q
	}
	var judged []int
	for _, id := range ids {
		if len(b.C.Qrels[id]) > 0 {
			judged = append(judged, id)
		}
	}
	start := time.Now()
	results := make([][]int, len(judged))
	errs := make([]error, len(judged))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(b.Workers, 1) {
		wg.Go(func() {
			for i := range next {
				results[i], errs[i] = b.Search(ctx, byID[judged[i]].Text, cfg)
			}
		})
	}
	for i := range judged {
		next <- i
	}
	close(next)
	wg.Wait()
	s.Took = time.Since(start)
	for i, id := range judged {
		rel := b.C.Qrels[id]
		ranked, err := results[i], errs[i]
		if err != nil {
			return s, fmt.Errorf("query %d: %w", id, err)
		}
		qs := QueryScore{ID: id, Relevant: len(rel), Retrieved: len(ranked), Ranked: ranked,
			AP: AveragePrecision(ranked, rel), NDCG10: NDCGAt(10, ranked, rel), P10: PrecisionAt(10, ranked, rel)}
		for i, d := range ranked {
			if rel[d] {
				qs.FirstRelevantRank = i + 1
				break
			}
		}
		s.PerQuery = append(s.PerQuery, qs)
		s.MAP += qs.AP
		s.NDCG10 += qs.NDCG10
		s.P10 += qs.P10
	}
	s.Queries = len(s.PerQuery)
	if s.Queries > 0 {
		n := float64(s.Queries)
		s.MAP, s.NDCG10, s.P10 = s.MAP/n, s.NDCG10/n, s.P10/n
	}
	return s, nil
}

// Search runs one query text and returns the ordinals of the articles
// found, best first.
func (b *Bench) Search(ctx context.Context, text string, cfg Config) ([]int, error) {
	q := Sanitize(text)
	if cfg.Keywords > 0 {
		var err error
		if q, err = b.keywords(ctx, q, cfg.Keywords); err != nil {
			return nil, err
		}
	}
	if cfg.OR {
		// Words only: a lone "." is no search term, and an OR beside it
		// would dangle.
		var words []string
		for _, w := range strings.Fields(q) {
			if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
				words = append(words, w)
			}
		}
		q = strings.Join(words, " OR ")
	}
	node, err := query.Parse(q)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", q, err)
	}
	res, err := b.R.Search(ctx, index.Request{Query: node, Page: 1, Size: Depth, Group: !cfg.Paragraphs,
		MatchAny: cfg.MatchAny, Rank: cfg.Rank})
	if errors.Is(err, index.ErrNoTerms) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]int, 0, len(res.Hits))
	seen := map[int]bool{}
	for _, h := range res.Hits {
		if n := OrdinalOf(h.Seed); n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// keywords returns the n words of q found in the fewest paragraphs (and
// in at least one), in query order.
func (b *Bench) keywords(ctx context.Context, q string, n int) (string, error) {
	words := strings.Fields(q)
	count := map[string]int{}
	for _, w := range words {
		if _, ok := count[w]; ok {
			continue
		}
		count[w] = 0
		node, err := query.Parse(w)
		if err != nil {
			continue // punctuation only
		}
		res, err := b.R.Search(ctx, index.Request{Query: node, Size: 1, Rank: &index.Ranking{Method: index.RankBleve}})
		if errors.Is(err, index.ErrNoTerms) {
			continue
		}
		if err != nil {
			return "", err
		}
		count[w] = res.Total
	}
	var found []string
	for w, c := range count {
		if c > 0 {
			found = append(found, w)
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if count[found[i]] != count[found[j]] {
			return count[found[i]] < count[found[j]]
		}
		return found[i] < found[j]
	})
	keep := map[string]bool{}
	for _, w := range found[:min(n, len(found))] {
		keep[w] = true
	}
	var out []string
	for _, w := range words {
		if keep[w] {
			out = append(out, w)
			delete(keep, w)
		}
	}
	return strings.Join(out, " "), nil
}

// Table renders scores as a Markdown table.
func Table(rows []Scores) string {
	var b strings.Builder
	b.WriteString("| configuration | MAP | nDCG@10 | P@10 | queries | time |\n|---|---:|---:|---:|---:|---:|\n")
	for _, s := range rows {
		fmt.Fprintf(&b, "| %s | %.3f | %.3f | %.3f | %d | %s |\n", s.Config, s.MAP, s.NDCG10, s.P10, s.Queries,
			s.Took.Round(time.Millisecond))
	}
	return b.String()
}

// CrossValidate estimates how well picking the best of several
// configurations by MAP generalises: the queries are split into two folds
// (odd and even ids); each fold is scored with the configuration that has
// the best MAP on the other fold. It returns the combined scores and the
// configuration picked for the odd and the even fold.
func CrossValidate(rows []Scores) (Scores, [2]string) {
	var picks [2]string
	out := Scores{Config: "2-fold cross-validated pick"}
	if len(rows) == 0 {
		return out, picks
	}
	mapOf := func(s Scores, fold int) float64 {
		sum, n := 0.0, 0
		for _, q := range s.PerQuery {
			if q.ID%2 == fold {
				sum += q.AP
				n++
			}
		}
		return sum / float64(max(n, 1))
	}
	for fold := range 2 {
		best := 0
		for i, s := range rows {
			if mapOf(s, 1-fold) > mapOf(rows[best], 1-fold) {
				best = i
			}
		}
		picks[fold] = rows[best].Config
		for _, q := range rows[best].PerQuery {
			if q.ID%2 == fold {
				out.PerQuery = append(out.PerQuery, q)
				out.MAP += q.AP
				out.NDCG10 += q.NDCG10
				out.P10 += q.P10
			}
		}
	}
	out.Queries = len(out.PerQuery)
	if n := float64(out.Queries); n > 0 {
		out.MAP, out.NDCG10, out.P10 = out.MAP/n, out.NDCG10/n, out.P10/n
	}
	return out, picks
}

// Folds is the number of folds of KFold.
const Folds = 5

// KFold is the out-of-fold estimate of choosing among configurations by
// MAP: the judged queries, in id order, are dealt into k folds (the i-th
// to fold i mod k); each fold is scored with the configuration that has
// the best MAP on the other k-1 folds (the first listed on a tie). Every
// figure it returns is out of fold: no query is scored by a choice it took
// part in. It returns the scores and the configuration picked for each
// fold.
func KFold(rows []Scores, k int) (Scores, []string) {
	out := Scores{Config: fmt.Sprintf("%d-fold cross-validated", k)}
	picks := make([]string, k)
	if len(rows) == 0 {
		return out, picks
	}
	foldOf := map[int]int{}
	for i, q := range rows[0].PerQuery {
		foldOf[q.ID] = i % k
	}
	mapOut := func(s Scores, fold int) float64 {
		sum, n := 0.0, 0
		for _, q := range s.PerQuery {
			if foldOf[q.ID] != fold {
				sum += q.AP
				n++
			}
		}
		return sum / float64(max(n, 1))
	}
	for fold := range k {
		best := 0
		for i, s := range rows {
			if mapOut(s, fold) > mapOut(rows[best], fold) {
				best = i
			}
		}
		picks[fold] = rows[best].Config
		for _, q := range rows[best].PerQuery {
			if foldOf[q.ID] == fold {
				out.PerQuery = append(out.PerQuery, q)
				out.MAP += q.AP
				out.NDCG10 += q.NDCG10
				out.P10 += q.P10
			}
		}
	}
	out.Queries = len(out.PerQuery)
	if n := float64(out.Queries); n > 0 {
		out.MAP, out.NDCG10, out.P10 = out.MAP/n, out.NDCG10/n, out.P10/n
	}
	return out, picks
}
