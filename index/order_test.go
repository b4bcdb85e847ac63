package index

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/query"
)

// tieSeeds are articles alike but for a number, so that every shard has
// the same statistics and a word's paragraphs all score the same, in
// every shard: hits tie across shards, where bleve's own order (shard,
// then document number) is not stable from one request to the next.
func tieSeeds(n int) map[string][]byte {
	seeds := map[string][]byte{}
	for i := range n {
		var b strings.Builder
		b.WriteString("Harbour report\n\nBy Ann Lee (Coast Times) 09:15, March 3, 2016\n\n")
		b.WriteString("A storm closed the harbour and the ferry terminal on Thursday.\n\n")
		fmt.Fprintf(&b, "Item %d of the series looks at boats, nets and the storm weather.\n", i)
		seeds[fmt.Sprintf("tie/%03d.txt", i)] = []byte(b.String())
	}
	return seeds
}

// TestPagingIsTotalUnderTies pages through results full of equal scores,
// spread over shards: every page, asked for twice and in any order, is
// the slice of the whole result ordered by score, then id, and the pages
// together hold every hit once.
func TestPagingIsTotalUnderTies(t *testing.T) {
	r, _ := buildIndex(t, tieSeeds(150))
	for _, tc := range []struct {
		q     string
		group bool
	}{{"storm", false}, {"storm", true}, {"harbour ferry", false}, {`"storm closed"`, true}, {"boats", false}} {
		t.Run(fmt.Sprintf("%s group=%v", tc.q, tc.group), func(t *testing.T) {
			node, err := query.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			total := -1
			search := func(page, size int) []Hit {
				res, err := r.Search(context.Background(), Request{Query: node, Page: page, Size: size, Group: tc.group, NoFacets: true})
				if err != nil {
					t.Fatal(err)
				}
				if total >= 0 && res.Total != total {
					t.Fatalf("total %d, then %d", total, res.Total)
				}
				total = res.Total
				return res.Hits
			}
			// The expected order, from the hits of every page of 100.
			var want []Hit
			for page := 1; page == 1 || len(want) < total; page++ {
				want = append(want, search(page, 100)...)
			}
			slices.SortFunc(want, func(a, b Hit) int {
				if a.Score != b.Score {
					if a.Score > b.Score {
						return -1
					}
					return 1
				}
				return strings.Compare(a.ID, b.ID)
			})
			ids := idsOf(want)
			if len(ids) < 100 || len(slices.Compact(slices.Clone(ids))) != len(ids) || len(ids) != total {
				t.Fatalf("%d hits, total %d: want at least 100, each once", len(ids), total)
			}
			for _, size := range []int{1, 7, 100} {
				pages := (total + size - 1) / size
				for page := pages; page >= 1; page-- { // last page first
					for range 2 {
						got := idsOf(search(page, size))
						if exp := ids[(page-1)*size : min(page*size, total)]; !slices.Equal(got, exp) {
							t.Fatalf("size %d page %d: %v, want %v", size, page, got, exp)
						}
					}
				}
			}
		})
	}
}

func idsOf(hits []Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// TestPrecomputedStatisticsScoreAlike checks that the BM25 statistics the
// reader computes at reload give the scores bleve's own gathering round
// gives, and that they follow a reload.
func TestPrecomputedStatisticsScoreAlike(t *testing.T) {
	seeds := tieSeeds(30)
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	seeds["000_5560a174234f78d3.txt"] = data
	r, dir := buildIndex(t, seeds)
	compare := func() {
		t.Helper()
		st := r.cur.Load().stats
		if st == nil {
			t.Fatal("no statistics after reload")
		}
		// Every field a query can score is counted, even one without a
		// token in this corpus (no article here has a section heading).
		for _, f := range []string{FieldTitle, FieldSection, FieldText, FieldAuthor, FieldSource} {
			if _, ok := st.FieldCardinality[f]; !ok {
				t.Errorf("no statistics for field %s", f)
			}
		}
		for _, q := range []string{"storm", "harbour ferry", `"critical infrastructure"`, "title:harbour storm", "china OR storm", "espion*"} {
			node, err := query.Parse(q)
			if err != nil {
				t.Fatal(err)
			}
			req := Request{Query: node, Size: 20, NoFacets: true}
			r.gatherStats = false
			fast, err := r.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			r.gatherStats = true
			slow, err := r.Search(context.Background(), req)
			r.gatherStats = false
			if err != nil {
				t.Fatal(err)
			}
			if len(fast.Hits) == 0 || len(fast.Hits) != len(slow.Hits) || fast.Total != slow.Total {
				t.Fatalf("%s: %d hits of %d vs %d of %d", q, len(fast.Hits), fast.Total, len(slow.Hits), slow.Total)
			}
			for i := range fast.Hits {
				if fast.Hits[i].ID != slow.Hits[i].ID || math.Abs(fast.Hits[i].Score-slow.Hits[i].Score) > 1e-12 {
					t.Errorf("%s hit %d: %s %.15f vs %s %.15f", q, i, fast.Hits[i].ID, fast.Hits[i].Score, slow.Hits[i].ID, slow.Hits[i].Score)
				}
			}
		}
	}
	compare()
	// A new generation with more documents: the statistics follow it.
	before := r.cur.Load().stats.DocCount
	w, err := OpenWriter(dir, WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range tieSeeds(60) {
		seeds[k] = v
	}
	publish(t, w, seeds)
	w.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if after := r.cur.Load().stats.DocCount; after <= before {
		t.Errorf("documents %v after the reload, %v before", after, before)
	}
	compare()
}
