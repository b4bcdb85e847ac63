package index

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/newsroom/newsearch/internal/snippet"
)

// rankSeeds are small articles for the ranking tests: one about glaciers
// through and through, one that mentions a glacier once among many common
// words, others about other things.
func rankSeeds() map[string][]byte {
	para := func(words ...string) string {
		var b strings.Builder
		for i := range 4 {
			b.WriteString(fmt.Sprintf("Sentence %d is about %s and it goes on. ", i+1, strings.Join(words, " and ")))
		}
		return b.String()
	}
	seed := func(title string, paras ...string) []byte {
		return []byte(title + "\n\n" + strings.Join(paras, "\n\n") + "\n")
	}
	return map[string][]byte{
		"glacier.txt": seed("Ice on the move",
			para("glacier", "melting"), para("meltwater", "glacier"), para("the retreat of the glacier", "ice"),
			para("glacier", "moraine")),
		"common.txt": seed("A day of this and that",
			"The mayor said that the day of the fair was the best of the year and that the glacier of the poster was a joke of the artist.",
			para("fair", "mayor"), para("stalls", "food")),
		"river.txt":  seed("River levels", para("river", "flood"), para("rain", "river")),
		"budget.txt": seed("Budget talks", para("budget", "tax"), para("spending", "deficit")),
		"school.txt": seed("School term", para("school", "pupils"), para("teachers", "exams")),
		"trains.txt": seed("Train strike", para("trains", "strike"), para("unions", "pay")),
	}
}

func rankIndex(t testing.TB) *Reader {
	r, _ := buildIndex(t, rankSeeds())
	return r
}

func seeds(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Seed)
	}
	return out
}

func TestRankArticleAboutTheQueryFirst(t *testing.T) {
	r := rankIndex(t)
	ctx := context.Background()
	q := mustParse(t, "the melting of the glacier")
	res, err := r.Search(ctx, Request{Query: q, Size: 10, Group: true, MatchAny: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Seed != "glacier.txt" {
		t.Fatalf("default ranking: %v", seeds(res))
	}
	h := res.Hits[0]
	if len(h.Matches) == 0 || !strings.Contains(snippet.Build(h.Text, h.Matches, snippet.Options{}).HTML, "<mark>") {
		t.Errorf("best hit has no highlights: %+v", h)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("scores not in order: %v", res.Hits)
		}
	}
	// bleve's own order is still there on request.
	if _, err := r.Search(ctx, Request{Query: q, Size: 10, Group: true, MatchAny: true, Rank: &Ranking{Method: RankBleve}}); err != nil {
		t.Fatal(err)
	}
	// Paragraph hits: a glacier paragraph first.
	res, err = r.Search(ctx, Request{Query: q, Size: 10, MatchAny: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].Seed != "glacier.txt" {
		t.Errorf("paragraphs: %v", seeds(res))
	}
}

// TestRankPagesAndTotals checks that rescored results page like bleve's:
// the same hits, totals and more_matches, each once, across pages and past
// the rescored pool.
func TestRankPagesAndTotals(t *testing.T) {
	r := rankIndex(t)
	ctx := context.Background()
	q := mustParse(t, "the glacier and the river")
	for _, group := range []bool{true, false} {
		for _, rk := range []*Ranking{nil, {Pool: 2}, {Pool: 3, Feedback: 2}} {
			name := fmt.Sprintf("group=%v rank=%+v", group, rk)
			plain, err := r.Search(ctx, Request{Query: q, Size: 100, Group: group, MatchAny: true, Rank: &Ranking{Method: RankBleve}})
			if err != nil {
				t.Fatal(err)
			}
			all, err := r.Search(ctx, Request{Query: q, Size: 100, Group: group, MatchAny: true, Rank: rk})
			if err != nil {
				t.Fatal(err)
			}
			if all.Total != plain.Total || all.TotalExact != plain.TotalExact || len(all.Hits) != len(plain.Hits) {
				t.Errorf("%s: total %d/%v, %d hits; bleve %d/%v, %d hits", name, all.Total, all.TotalExact, len(all.Hits),
					plain.Total, plain.TotalExact, len(plain.Hits))
			}
			more := map[string]int{}
			for _, h := range plain.Hits {
				more[h.ArticleID] = h.MoreMatches
			}
			var paged []string
			for page := 1; ; page++ {
				res, err := r.Search(ctx, Request{Query: q, Page: page, Size: 2, Group: group, MatchAny: true, Rank: rk})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Hits) == 0 {
					break
				}
				for _, h := range res.Hits {
					key := h.ID
					if group {
						key = h.ArticleID
						if h.MoreMatches != more[h.ArticleID] {
							t.Errorf("%s: %s more_matches %d, bleve %d", name, h.Seed, h.MoreMatches, more[h.ArticleID])
						}
					}
					paged = append(paged, key)
				}
			}
			var whole []string
			for i, h := range all.Hits {
				if group {
					whole = append(whole, h.ArticleID)
				} else {
					whole = append(whole, h.ID)
				}
				if i > 0 && h.Score > all.Hits[i-1].Score {
					t.Errorf("%s: score %v after %v", name, h.Score, all.Hits[i-1].Score)
				}
			}
			if !slices.Equal(paged, whole) {
				t.Errorf("%s: pages %v, one page %v", name, paged, whole)
			}
			sorted := slices.Clone(whole)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(whole) {
				t.Errorf("%s: duplicates in %v", name, whole)
			}
		}
	}
}

func TestRankQueriesOfEveryKind(t *testing.T) {
	r := rankIndex(t)
	ctx := context.Background()
	for _, tt := range []struct {
		q       string
		any     bool
		want    []string // the seeds found, in any order
		grouped []string // with Group, when not want
	}{
		// Paragraphs without moraine; by article, the articles without it
		// (glacier.txt has it in one paragraph).
		{"glacier -moraine", true, []string{"glacier.txt", "common.txt"}, []string{"common.txt"}},
		{"glacier", false, []string{"glacier.txt", "common.txt"}, nil},
		{"glaci*", true, []string{"glacier.txt", "common.txt"}, nil},
		{`"the retreat of the glacier"`, false, []string{"glacier.txt"}, nil},
		{"title:river", true, []string{"river.txt"}, nil},
		{"river OR budget", false, []string{"river.txt", "budget.txt"}, nil},
		{"the", true, []string{"glacier.txt", "common.txt"}, nil},
		{"moraine -glacier", true, nil, nil},
		{"source:nowhere", true, nil, nil},
	} {
		for _, group := range []bool{true, false} {
			res, err := r.Search(ctx, Request{Query: mustParse(t, tt.q), Size: 100, Group: group, MatchAny: tt.any})
			if err != nil {
				t.Fatalf("%s: %v", tt.q, err)
			}
			got := seeds(res)
			slices.Sort(got)
			got = slices.Compact(got)
			want := slices.Clone(tt.want)
			if group && tt.grouped != nil {
				want = slices.Clone(tt.grouped)
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s (group %v): %v, want %v", tt.q, group, got, want)
			}
		}
	}
	// Date order is bleve's, rescoring or not.
	q := mustParse(t, "glacier river")
	a, err := r.Search(ctx, Request{Query: q, Size: 10, Sort: SortDate, MatchAny: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Search(ctx, Request{Query: q, Size: 10, Sort: SortDate, MatchAny: true, Rank: &Ranking{Method: RankBleve}})
	if err != nil {
		t.Fatal(err)
	}
	var ia, ib []string
	for i := range a.Hits {
		ia = append(ia, a.Hits[i].ID)
	}
	for i := range b.Hits {
		ib = append(ib, b.Hits[i].ID)
	}
	if !slices.Equal(ia, ib) {
		t.Errorf("date order %v, bleve %v", ia, ib)
	}
}

func TestRankConcurrentSearches(t *testing.T) {
	r := rankIndex(t)
	qs := []string{"the melting of the glacier", "river flood", "budget tax deficit", "glacier", "strike pay"}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 5 {
				q := mustParse(t, qs[(i+j)%len(qs)])
				if _, err := r.Search(context.Background(), Request{Query: q, Size: 5, Group: i%2 == 0, MatchAny: true}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestCountTokensAgreesWithTheAnalyzer(t *testing.T) {
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(textAnalyzer)
	for _, s := range []string{
		"The cat sat on the mat.",
		"U.S . FIRST PROPOSED TO HELP NATO, THE $800 MILLION (TIME, DEC . 28) .",
		"Don't stop: it's 10:30, covid-19 and 3.5% of e-mail's Müller naïve",
		"1,000,000 people; a:b c_d 4_e 1.a x'1 'quoted' end. The_",
		"",
		"   ",
	} {
		if got, want := countTokens(s), len(a.Analyze([]byte(s))); got != want {
			t.Errorf("countTokens(%q) = %d, the analyzer makes %d", s, got, want)
		}
	}
}

func TestRankingDefaults(t *testing.T) {
	d := DefaultRanking().withDefaults()
	if d.Method != RankBM25 || d.Pool != 200 || d.K1 != 1.2 || d.B != 0.75 || d.Unit != UnitMix {
		t.Errorf("defaults %+v", d)
	}
	if (Request{Sort: SortDate}).ranking() != nil || (Request{Rank: &Ranking{Method: RankBleve}}).ranking() != nil {
		t.Error("date order or RankBleve should not rescore")
	}
	if rk := (Request{Rank: &Ranking{B: -1}}).ranking(); rk == nil || rk.B != 0 {
		t.Errorf("B -1: %+v", rk)
	}
	if got := articleOf(ParagraphID("0123456789abcdef", 12)); got != "0123456789abcdef" {
		t.Errorf("articleOf %q", got)
	}
}

// TestExplicitORRanksLikeMatchAny: the same words joined by explicit ORs
// and with match=any are one query, ranked alike, hit for hit and score
// for score, by article and by paragraph, and so are a group of ORs
// beside a word in an all-words query and that word's group written out.
func TestExplicitORRanksLikeMatchAny(t *testing.T) {
	r := rankIndex(t)
	ctx := context.Background()
	for _, tc := range []struct{ any, or string }{
		{"the melting glacier river budget", "the OR melting OR glacier OR river OR budget"},
		{"glacier river", "glacier OR river"},
		{"glaci* flood", "glaci* OR flood"},
		{`"the retreat of the glacier" river`, `"the retreat of the glacier" OR river`},
		{"title:river budget", "title:river OR budget"},
	} {
		for _, group := range []bool{true, false} {
			a, err := r.Search(ctx, Request{Query: mustParse(t, tc.any), Size: 100, Group: group, MatchAny: true})
			if err != nil {
				t.Fatal(err)
			}
			o, err := r.Search(ctx, Request{Query: mustParse(t, tc.or), Size: 100, Group: group})
			if err != nil {
				t.Fatal(err)
			}
			if a.Total != o.Total || len(a.Hits) != len(o.Hits) || len(a.Hits) == 0 {
				t.Fatalf("%q group=%v: %d/%d hits, OR %d/%d", tc.any, group, len(a.Hits), a.Total, len(o.Hits), o.Total)
			}
			for i := range a.Hits {
				if a.Hits[i].ID != o.Hits[i].ID || a.Hits[i].Score != o.Hits[i].Score {
					t.Errorf("%q group=%v hit %d: %s %v, OR %s %v", tc.any, group, i, a.Hits[i].ID, a.Hits[i].Score, o.Hits[i].ID, o.Hits[i].Score)
				}
			}
		}
	}
}

// TestDocumentFrequenciesFromPostings checks the document frequencies the
// rescoring reads from the postings against a count of the articles and
// paragraphs a search finds.
func TestDocumentFrequenciesFromPostings(t *testing.T) {
	r := rankIndex(t)
	ctx := context.Background()
	snap := r.acquire()
	defer snap.release()
	v := view{r, snap, nil}
	words := []string{"glacier", "river", "the", "budget", "nowhere", "ice"}
	var terms []string // as the index has them
	for _, w := range words {
		terms = append(terms, string(r.text.Analyze([]byte(w))[0].Term))
	}
	for _, byArticle := range []bool{true, false} {
		for _, title := range []bool{false, true} {
			n, df, err := v.countDF(ctx, terms, byArticle, title, false)
			if err != nil {
				t.Fatal(err)
			}
			wantN := snap.status.Documents
			if byArticle {
				wantN = snap.status.Articles
			}
			if n != wantN {
				t.Errorf("N %d, want %d", n, wantN)
			}
			for i, term := range terms {
				qs := []string{"text:" + words[i]}
				if title {
					qs = append(qs, "title:"+words[i])
				}
				want := 0
				res, err := r.Search(ctx, Request{Query: mustParse(t, strings.Join(qs, " OR ")), Size: 1000, Group: byArticle,
					NoFacets: true, Rank: &Ranking{Method: RankBleve}})
				if err == nil {
					want = len(res.Hits)
				}
				if df[term] != want {
					t.Errorf("byArticle=%v title=%v: df(%s) %d, want %d", byArticle, title, term, df[term], want)
				}
			}
		}
	}
}

// TestSectionHeadingsCount: a word of a paragraph's section heading
// counts for the paragraph (BM25F's section field) and in the word's
// document frequency, by paragraph and by article.
func TestSectionHeadingsCount(t *testing.T) {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	seeds := rankSeeds()
	seeds["000_5560a174234f78d3.txt"] = data
	r, _ := buildIndex(t, seeds)
	ctx := context.Background()
	q := mustParse(t, "summit agenda")
	for _, group := range []bool{false, true} {
		with, err := r.Search(ctx, Request{Query: q, Size: 100, Group: group, MatchAny: true})
		if err != nil {
			t.Fatal(err)
		}
		rk := DefaultRanking()
		rk.SectionWeight = 0
		without, err := r.Search(ctx, Request{Query: q, Size: 100, Group: group, MatchAny: true, Rank: &rk})
		if err != nil {
			t.Fatal(err)
		}
		if len(with.Hits) == 0 || with.Hits[0].Section != "Top of summit agenda" {
			t.Fatalf("group=%v: first hit %+v, want a paragraph under \"Top of summit agenda\"", group, with.Hits)
		}
		if len(without.Hits) > 0 && without.Hits[0].ID == with.Hits[0].ID && without.Hits[0].Score >= with.Hits[0].Score {
			t.Errorf("group=%v: the heading adds nothing: %v with, %v without", group, with.Hits[0].Score, without.Hits[0].Score)
		}
	}
	snap := r.acquire()
	defer snap.release()
	v := view{r, snap, nil}
	term := string(r.text.Analyze([]byte("agenda"))[0].Term)
	for _, byArticle := range []bool{false, true} {
		_, plain, err := v.countDF(ctx, []string{term}, byArticle, false, false)
		if err != nil {
			t.Fatal(err)
		}
		_, sec, err := v.countDF(ctx, []string{term}, byArticle, false, true)
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Search(ctx, Request{Query: mustParse(t, "text:agenda OR section:agenda"), Size: 1000, Group: byArticle,
			NoFacets: true, Rank: &Ranking{Method: RankBleve}})
		if err != nil {
			t.Fatal(err)
		}
		if sec[term] != len(res.Hits) || (!byArticle && sec[term] <= plain[term]) {
			t.Errorf("byArticle=%v: df %d with headings (%d without), a search finds %d", byArticle, sec[term], plain[term], len(res.Hits))
		}
	}
}
