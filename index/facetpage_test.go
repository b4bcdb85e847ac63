package index

import (
	"context"
	"fmt"
	"testing"
)

// TestFacetsDescribeTheQuery: the facets count what the query matches,
// whatever page is asked for: a page past the last result has no hits but
// the same total and facets as the first.
func TestFacetsDescribeTheQuery(t *testing.T) {
	seeds := map[string][]byte{}
	for i := range 60 {
		seeds[fmt.Sprintf("%03d.txt", i)] = storySeed(i, "gull")
	}
	r, _ := buildIndex(t, seeds)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		req  Request
	}{
		{"paragraphs", Request{}},
		{"articles", Request{Group: true}},
		{"paragraphs by date", Request{Sort: SortDate}},
		{"articles by date", Request{Group: true, Sort: SortDate}},
		{"any words", Request{MatchAny: true}},
		{"any words, articles", Request{MatchAny: true, Group: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := c.req
			req.Query, req.Size = mustParse(t, "gull harbour"), 10
			if req.Sort == "" {
				req.Sort = SortRelevance
			}
			req.Page = 1
			first, err := r.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			req.Page = 1000
			past, err := r.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(past.Hits) != 0 || past.Total != first.Total {
				t.Fatalf("page 1000: %d hits, total %d (page 1: %d)", len(past.Hits), past.Total, first.Total)
			}
			if fmt.Sprint(past.Facets) != fmt.Sprint(first.Facets) {
				t.Errorf("facets of page 1000 %v, of page 1 %v", past.Facets, first.Facets)
			}
		})
	}
}
