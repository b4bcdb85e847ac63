package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
)

// TestPageLanguageFacet: with articles in several languages the page
// offers a language facet whose links add lang: to the query; a query
// already scoped to a language, or results in one language, get none.
func TestPageLanguageFacet(t *testing.T) {
	res := &search.Result{Total: 3, TotalExact: true, Facets: &index.Facets{
		Language: []index.FacetCount{{Value: "de", Count: 2}, {Value: "en", Count: 1}},
	}}
	p := &searchParams{Q: "berlin", Page: 1, Size: 10, Group: true, Match: "all", Sort: index.SortRelevance, Relax: true, Facets: true}
	var sv searchView
	fillResults(&sv, p, newSearchState(p), res)
	var g *facetGroup
	for i := range sv.Facets {
		if sv.Facets[i].Label == "Language" {
			g = &sv.Facets[i]
		}
	}
	if g == nil || len(g.Values) != 2 || g.Values[0].Label != "German" || g.Values[0].Count != 2 {
		t.Fatalf("language facet %+v", sv.Facets)
	}
	u, err := url.Parse(g.Values[0].URL)
	if err != nil || u.Query().Get("q") != "berlin lang:de" {
		t.Errorf("facet link %q", g.Values[0].URL)
	}
	for _, q := range []string{"berlin lang:de"} {
		p.Q = q
		sv = searchView{}
		fillResults(&sv, p, newSearchState(p), res)
		for _, f := range sv.Facets {
			if f.Label == "Language" {
				t.Errorf("%s: language facet", q)
			}
		}
	}
	res.Facets.Language = res.Facets.Language[:1]
	p.Q = "berlin"
	sv = searchView{}
	fillResults(&sv, p, newSearchState(p), res)
	for _, f := range sv.Facets {
		if strings.EqualFold(f.Label, "Language") {
			t.Error("a facet of one language")
		}
	}
}
