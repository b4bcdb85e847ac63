package index

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
)

// diffArticles returns the differential check's articles.
func diffArticles(t testing.TB) []*Document {
	t.Helper()
	data, err := os.ReadFile("testdata/differential.txt")
	if err != nil {
		t.Fatal(err)
	}
	return parseDiffArticles(string(data))
}

// diffIndex indexes the differential check's articles into shards and
// returns the reader and the corpus' words.
func diffIndex(t testing.TB, shards int) (*Reader, *diffCorpus) {
	t.Helper()
	docs := diffArticles(t)
	r := buildDocIndexShards(t, docs, shards)
	return r, loadDiffCorpus(docs, r.text)
}

// TestCandidatePostingsAgreeWithTheWholeList: the postings the rescoring
// reads by advancing from candidate to candidate are exactly those of a
// walk over the word's whole postings list kept for the candidates, for
// random candidate sets (paragraphs and whole articles), common and rare
// words, every field.
func TestCandidatePostingsAgreeWithTheWholeList(t *testing.T) {
	r, c := diffIndex(t, 2)
	snap := r.acquire()
	defer snap.release()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(19, 2026))
	compared := 0
	for _, sh := range snap.shards {
		local := sh.(*localShard)
		tab, err := local.articles()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for id := range tab.number {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		rd, err := local.reader()
		if err != nil {
			t.Fatal(err)
		}
		for round := range 30 {
			q := postingsQuery{Fields: []string{FieldText, FieldTitle, FieldSection}, Group: round%2 == 0}
			for _, ws := range [][]string{c.common, c.rare, c.titles, c.sections} {
				if len(ws) == 0 {
					continue
				}
				if toks := r.text.Analyze([]byte(ws[rng.IntN(len(ws))])); len(toks) > 0 {
					q.Terms = append(q.Terms, string(toks[0].Term))
				}
			}
			q.Terms = append(q.Terms, "nosuchword")
			inArticle := map[int32]int{}
			docSet := map[uint64]bool{}
			if q.Group {
				for _, id := range ids {
					if rng.IntN(4) == 0 {
						inArticle[tab.number[id]] = len(q.Articles)
						q.Articles = append(q.Articles, id)
					}
				}
			} else {
				for num := range uint64(len(tab.of_)) {
					if tab.of(num) >= 0 && rng.IntN(5) == 0 {
						q.Docs = append(q.Docs, num)
						docSet[num] = true
					}
				}
			}
			got, err := local.postings(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for ti, term := range q.Terms {
				var want []posting
				for fi, f := range q.Fields {
					if err := eachPosting(ctx, rd, term, f, true, func(num uint64, d *bindex.TermFieldDoc) {
						p := posting{Field: fi, Num: num, Freq: d.Freq}
						if f == FieldText {
							p.Norm = d.Norm
						}
						if q.Group {
							i, ok := inArticle[tab.of(num)]
							if !ok {
								return
							}
							p.Article = i
						} else if !docSet[num] {
							return
						}
						want = append(want, p)
					}); err != nil {
						t.Fatal(err)
					}
				}
				if !slices.Equal(got[ti], want) {
					t.Errorf("shard %s, group=%v, %q: advancing gave %v, the whole list %v", local.Name(), q.Group, term, got[ti], want)
				}
				compared += len(want)
			}
		}
		rd.Close()
	}
	if compared < 100 {
		t.Fatalf("only %d postings compared: the test lost its data", compared)
	}
}

// TestArticleParagraphsInvertTheTable: each article's paragraphs are the
// document numbers the table maps to it, in order.
func TestArticleParagraphsInvertTheTable(t *testing.T) {
	r := rankIndex(t)
	snap := r.acquire()
	defer snap.release()
	for _, sh := range snap.shards {
		tab, err := sh.(*localShard).articles()
		if err != nil {
			t.Fatal(err)
		}
		want := map[int32][]uint64{}
		for num := range uint64(len(tab.of_)) {
			if a := tab.of(num); a >= 0 {
				want[a] = append(want[a], num)
			}
		}
		if len(want) != len(tab.number) {
			t.Fatalf("%d articles with paragraphs, %d ids", len(want), len(tab.number))
		}
		for _, a := range tab.number {
			if got := tab.paragraphs(a); !slices.Equal(got, want[a]) || len(got) == 0 {
				t.Errorf("article %d: paragraphs %v, want %v", a, got, want[a])
			}
		}
		if tab.paragraphs(-1) != nil || tab.paragraphs(int32(len(tab.number))) != nil {
			t.Error("an article number out of range has paragraphs")
		}
	}
}
