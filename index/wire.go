package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/fxamacker/cbor/v2"
)

// ShardMediaType is the media type of the shard protocol's requests and
// answers (but the status answer, JSON).
const ShardMediaType = "application/cbor"

// The shard protocol's requests and answers travel in CBOR (leaf.go,
// remote.go): a root decodes several answers per search, and bleve's
// results in JSON
// (reflection over maps of interfaces, every float printed and parsed)
// cost more than the searches they carry; gob, tried before, sends and
// compiles its type descriptions again in every message, since each
// answer is a stream of its own. CBOR keeps floats exact (scores must
// equal a single node's) and its codec caches the types once per
// process. A search's bleve request is JSON inside, bleve's own form, but
// for its query (wirequery.go).

// wireDecoding is the codec's decoding mode: arrays and maps may be far
// longer than its defaults allow (a shard's candidates' postings), still
// bounded, so that a broken answer cannot make the root allocate without
// limit. It is never changed after start.
var wireDecoding = func() cbor.DecMode {
	dm, err := cbor.DecOptions{MaxNestedLevels: 32, MaxArrayElements: 1 << 27, MaxMapPairs: 1 << 27}.DecMode()
	if err != nil {
		panic(fmt.Sprintf("CBOR decoding options: %v", err)) // constant options: a programming error
	}
	return dm
}()

// encodeWire encodes a request or an answer.
func encodeWire(v any) ([]byte, error) {
	b, err := cbor.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b, nil
}

// decodeWire decodes a request or an answer.
func decodeWire(b []byte, v any) error {
	if err := wireDecoding.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// wireResult is a bleve search result as a leaf sends it: what the root's
// alias merges and the search reads, no more.
type wireResult struct {
	_             struct{} `cbor:",toarray"` // fields by place, not by name
	Total         uint64
	TotalRelation string
	Cost          uint64
	MaxScore      float64
	Hits          []wireHit
	Facets        map[string]wireFacet
	BM25          *bsearch.BM25Stats
	Prefetch      *wirePrefetch // the postings a prefetchWant asked for
}

// wireHit is one hit.
type wireHit struct {
	_         struct{} `cbor:",toarray"`
	ID        string
	Internal  []byte
	HitNumber uint64
	Score     float64
	Sort      []string
	Decoded   []string
	Fields    map[string]wireValue
	Locations map[string]map[string][]bsearch.Location
}

// wireValue is a stored field's value: a string, a number, a boolean, or
// a list of them, typed, so that a number stays a float64 and a list a
// []any whatever the codec makes of an interface.
type wireValue struct {
	_    struct{} `cbor:",toarray"`
	Kind byte     // 's', 'f', 'b', 'l'
	S    string
	F    float64
	B    bool
	L    []wireValue
}

func toWireValue(v any) (wireValue, error) {
	switch x := v.(type) {
	case string:
		return wireValue{Kind: 's', S: x}, nil
	case float64:
		return wireValue{Kind: 'f', F: x}, nil
	case bool:
		return wireValue{Kind: 'b', B: x}, nil
	case []any:
		l := make([]wireValue, len(x))
		for i, e := range x {
			var err error
			if l[i], err = toWireValue(e); err != nil {
				return wireValue{}, err
			}
		}
		return wireValue{Kind: 'l', L: l}, nil
	}
	return wireValue{}, fmt.Errorf("stored value of type %T does not travel to a root", v)
}

func (w wireValue) value() any {
	switch w.Kind {
	case 's':
		return w.S
	case 'f':
		return w.F
	case 'b':
		return w.B
	}
	l := make([]any, len(w.L))
	for i, e := range w.L {
		l[i] = e.value()
	}
	return l
}

// wireFacet is one term facet's counts.
type wireFacet struct {
	_                     struct{} `cbor:",toarray"`
	Field                 string
	Total, Missing, Other int
	Terms                 []bsearch.TermFacet
}

// toWire converts bleve's result.
func toWire(res *bleve.SearchResult) (*wireResult, error) {
	w := &wireResult{Total: res.Total, TotalRelation: res.TotalRelation, Cost: res.Cost, MaxScore: res.MaxScore,
		Hits: make([]wireHit, len(res.Hits)), BM25: res.BM25Stats}
	for i, h := range res.Hits {
		wh := wireHit{ID: h.ID, Internal: h.IndexInternalID, HitNumber: h.HitNumber, Score: h.Score,
			Sort: h.Sort, Decoded: h.DecodedSort}
		if h.Fields != nil {
			wh.Fields = make(map[string]wireValue, len(h.Fields))
			for f, v := range h.Fields {
				wv, err := toWireValue(v)
				if err != nil {
					return nil, fmt.Errorf("hit %s field %s: %w", h.ID, f, err)
				}
				wh.Fields[f] = wv
			}
		}
		if len(h.Locations) > 0 {
			wh.Locations = make(map[string]map[string][]bsearch.Location, len(h.Locations))
			for f, terms := range h.Locations {
				m := make(map[string][]bsearch.Location, len(terms))
				for t, locs := range terms {
					ls := make([]bsearch.Location, len(locs))
					for j, l := range locs {
						ls[j] = *l
					}
					m[t] = ls
				}
				wh.Locations[f] = m
			}
		}
		w.Hits[i] = wh
	}
	if len(res.Facets) > 0 {
		w.Facets = make(map[string]wireFacet, len(res.Facets))
		for name, f := range res.Facets {
			if len(f.NumericRanges) > 0 || len(f.DateRanges) > 0 {
				return nil, fmt.Errorf("facet %s: range facets do not travel to a root", name)
			}
			wf := wireFacet{Field: f.Field, Total: f.Total, Missing: f.Missing, Other: f.Other}
			if f.Terms != nil {
				for _, t := range f.Terms.Terms() {
					wf.Terms = append(wf.Terms, *t)
				}
			}
			w.Facets[name] = wf
		}
	}
	if res.Status != nil && len(res.Status.Errors) > 0 {
		for name, err := range res.Status.Errors {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return w, nil
}

// result converts back to bleve's result, naming index as the hits'
// index.
func (w *wireResult) result(index string) *bleve.SearchResult {
	res := &bleve.SearchResult{Total: w.Total, TotalRelation: w.TotalRelation, Cost: w.Cost, MaxScore: w.MaxScore,
		Hits: make(bsearch.DocumentMatchCollection, len(w.Hits)), BM25Stats: w.BM25,
		Status: &bleve.SearchStatus{Total: 1, Successful: 1}}
	for i, wh := range w.Hits {
		h := &bsearch.DocumentMatch{Index: index, ID: wh.ID, IndexInternalID: wh.Internal, HitNumber: wh.HitNumber,
			Score: wh.Score, Sort: wh.Sort, DecodedSort: wh.Decoded}
		if wh.Fields != nil {
			h.Fields = make(map[string]any, len(wh.Fields))
			for f, v := range wh.Fields {
				h.Fields[f] = v.value()
			}
		}
		if len(wh.Locations) > 0 {
			h.Locations = make(bsearch.FieldTermLocationMap, len(wh.Locations))
			for f, terms := range wh.Locations {
				m := make(bsearch.TermLocationMap, len(terms))
				for t, locs := range terms {
					ls := make(bsearch.Locations, len(locs))
					for j := range locs {
						ls[j] = &locs[j]
					}
					m[t] = ls
				}
				h.Locations[f] = m
			}
		}
		res.Hits[i] = h
	}
	if w.Facets != nil {
		res.Facets = make(bsearch.FacetResults, len(w.Facets))
	}
	for name, wf := range w.Facets {
		fr := &bsearch.FacetResult{Field: wf.Field, Total: wf.Total, Missing: wf.Missing, Other: wf.Other}
		if wf.Terms != nil {
			fr.Terms = &bsearch.TermFacets{}
			for j := range wf.Terms {
				fr.Terms.Add(&wf.Terms[j])
			}
		}
		res.Facets[name] = fr
	}
	return res
}
