package index

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/internal/query"
)

// TestWireQueryCarriesEveryQuery: a query sent over the wire reads back
// as the same bleve query (equal JSON, bleve's own form): the queries the
// translator makes of random query strings of every kind, by paragraph and
// by article, and hand-made ones of each kind the codec knows and some it
// passes on as JSON.
func TestWireQueryCarriesEveryQuery(t *testing.T) {
	r, c := diffIndex(t, 2)
	g := diffGen{rng: rand.New(rand.NewPCG(7, 2026)), c: c}
	var qs []bquery.Query
	ctx := context.Background()
	for i := range 200 {
		node, err := query.Parse(g.seq(2))
		if err != nil {
			continue
		}
		snap := r.acquire()
		q, err := view{r, snap, nil}.bleveQuery(ctx, Request{Query: node, Group: i%2 == 0, MatchAny: i%3 == 0})
		snap.release()
		if err == nil {
			qs = append(qs, q)
		}
	}
	yes, lo, hi := true, "2020-01", "2021-01"
	term := bleve.NewTermQuery("glacier")
	term.SetField(FieldText)
	term.SetBoost(2.5)
	rng := bleve.NewTermRangeInclusiveQuery(lo, hi, &yes, nil)
	rng.SetField(FieldPublished)
	b := bleve.NewBooleanQuery()
	b.AddMust(term, bleve.NewPrefixQuery("glac"))
	b.AddShould(bleve.NewMatchPhraseQuery("the retreat"), bleve.NewMatchQuery("ice"))
	b.AddMustNot(bleve.NewDocIDQuery([]string{"a", "b"}))
	b.Filter = rng
	d := bleve.NewDisjunctionQuery(bleve.NewMatchAllQuery(), bleve.NewMatchNoneQuery(), bquery.NewMultiPhraseQuery([][]string{{"ice", "glacier"}, {"melt"}}, FieldText))
	d.SetMin(1)
	qs = append(qs, b, d, bleve.NewConjunctionQuery(), bleve.NewQueryStringQuery("glacier"))
	if len(qs) < 100 {
		t.Fatalf("only %d queries", len(qs))
	}
	for _, q := range qs {
		want, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		w, err := toWireQuery(q)
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		onWire, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var back wireQuery
		if err := json.Unmarshal(onWire, &back); err != nil {
			t.Fatal(err)
		}
		got, err := back.query()
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		gotJSON, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if string(gotJSON) != string(want) {
			t.Errorf("query changed on the wire:\nsent %s\ngot  %s", want, gotJSON)
		}
	}
}

// TestWireQueryRefusesBadTrees: a malformed tree from the network is an
// error, not a panic or a different query.
func TestWireQueryRefusesBadTrees(t *testing.T) {
	deep := &wireQuery{Kind: wireTerm, Text: "x"}
	for range maxWireDepth + 2 {
		deep = &wireQuery{Kind: wireConjunction, Of: []*wireQuery{deep}}
	}
	for name, w := range map[string]*wireQuery{
		"unknown kind":    {Kind: "knn"},
		"empty clause":    {Kind: wireDisjunction, Of: []*wireQuery{nil}},
		"must not and":    {Kind: wireBoolean, Must: &wireQuery{Kind: wireTerm, Text: "x"}},
		"should not or":   {Kind: wireBoolean, Should: &wireQuery{Kind: wireAll}},
		"must-not not or": {Kind: wireBoolean, MustNot: &wireQuery{Kind: wireNone}},
		"bad json":        {Kind: wireJSON, JSON: json.RawMessage(`{"nonsense":1}`)},
		"too deep":        deep,
	} {
		if q, err := w.query(); err == nil {
			t.Errorf("%s: read as %#v", name, q)
		}
	}
}

// BenchmarkWireQuery compares reading a translated query from bleve's JSON
// with reading it from the wire tree, as a leaf does per search round.
func BenchmarkWireQuery(b *testing.B) {
	r := rankIndex(b)
	snap := r.acquire()
	q, err := view{r, snap, nil}.bleveQuery(context.Background(), Request{Query: mustParse(b, `glacier "the retreat" -river ice*`)})
	snap.release()
	if err != nil {
		b.Fatal(err)
	}
	asJSON, _ := json.Marshal(q)
	w, _ := toWireQuery(q)
	asWire, _ := json.Marshal(w)
	b.Run("bleve-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := bquery.ParseQuery(asJSON); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wire", func(b *testing.B) {
		for b.Loop() {
			var w wireQuery
			if err := json.Unmarshal(asWire, &w); err != nil {
				b.Fatal(err)
			}
			if _, err := w.query(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWireResult decodes a page's result as a root does from each
// leaf: hits with their stored fields and match locations.
func BenchmarkWireResult(b *testing.B) {
	r := rankIndex(b)
	snap := r.acquire()
	q, err := view{r, snap, nil}.bleveQuery(context.Background(), Request{Query: mustParse(b, `glacier ice`)})
	snap.release()
	if err != nil {
		b.Fatal(err)
	}
	sr := bleve.NewSearchRequestOptions(q, 50, 0, false)
	sr.Fields = storedFields()
	sr.IncludeLocations = true
	snap = r.acquire()
	bres, err := snap.alias.SearchInContext(searchContext(context.Background()), sr)
	snap.release()
	if err != nil || len(bres.Hits) == 0 {
		b.Fatalf("%v", err)
	}
	w, err := toWire(bres)
	if err != nil {
		b.Fatal(err)
	}
	data, err := encodeWire(w)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var back wireResult
		if err := decodeWire(data, &back); err != nil {
			b.Fatal(err)
		}
		_ = back.result("x")
	}
	b.ReportMetric(float64(len(data)), "bytes")
}
