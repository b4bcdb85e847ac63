package index

import (
	"encoding/json"
	"errors"
	"fmt"

	bquery "github.com/blevesearch/bleve/v2/search/query"
)

// A root sends each leaf the bleve query of every search round. bleve
// reads a query's JSON by parsing every clause twice at each level of
// nesting (once to learn its type, once into it), which on a leaf cost
// more than the search of a small shard; wireQuery carries the query
// types the translator makes as a plain tree decoded in one pass. Any
// other type travels as bleve's own JSON in a leaf of the tree, so every
// query still reaches the leaf whole.

// wireQuery is one node of a query on the wire; Kind says which fields
// hold it.
type wireQuery struct {
	Kind  string   `json:"k"`
	Boost *float64 `json:"b,omitempty"`
	Field string   `json:"f,omitempty"`
	// Text is a term query's term, a prefix query's prefix.
	Text string `json:"t,omitempty"`
	// Terms are a multi-phrase query's terms, position by position.
	Terms [][]string `json:"ts,omitempty"`
	// Fuzziness of a multi-phrase query.
	Fuzziness int      `json:"z,omitempty"`
	IDs       []string `json:"ids,omitempty"`
	// Min, Max and their inclusiveness: a term range.
	Min    string `json:"lo,omitempty"`
	Max    string `json:"hi,omitempty"`
	MinInc *bool  `json:"loi,omitempty"`
	MaxInc *bool  `json:"hii,omitempty"`
	// Of are a conjunction's or a disjunction's clauses; AtLeast is a
	// disjunction's minimum.
	Of      []*wireQuery `json:"of,omitempty"`
	AtLeast float64      `json:"m,omitempty"`
	// Must, Should, MustNot, Filter are a boolean query's clauses.
	Must    *wireQuery `json:"must,omitempty"`
	Should  *wireQuery `json:"should,omitempty"`
	MustNot *wireQuery `json:"not,omitempty"`
	Filter  *wireQuery `json:"filter,omitempty"`
	// JSON is any other query, as bleve writes it.
	JSON json.RawMessage `json:"json,omitempty"`
}

// The kinds of wireQuery.
const (
	wireTerm        = "term"
	wirePrefix      = "prefix"
	wireDocIDs      = "ids"
	wireAll         = "all"
	wireNone        = "none"
	wireTermRange   = "range"
	wireConjunction = "and"
	wireDisjunction = "or"
	wireBoolean     = "bool"
	wireMultiPhrase = "phrase"
	wireJSON        = "json"
)

// errWireDepth stops a query nested deeper than any translated query is.
var errWireDepth = errors.New("query nested too deep")

const maxWireDepth = 64

func boostOf(b *bquery.Boost) *float64 {
	if b == nil {
		return nil
	}
	f := float64(*b)
	return &f
}

func boostFrom(f *float64) *bquery.Boost {
	if f == nil {
		return nil
	}
	b := bquery.Boost(*f)
	return &b
}

// toWireQuery converts a bleve query for the wire.
func toWireQuery(q bquery.Query) (*wireQuery, error) {
	return toWireQueryAt(q, 0)
}

func toWireQueryAt(q bquery.Query, depth int) (*wireQuery, error) {
	if q == nil {
		return nil, nil
	}
	if depth > maxWireDepth {
		return nil, errWireDepth
	}
	sub := func(q bquery.Query) (*wireQuery, error) { return toWireQueryAt(q, depth+1) }
	subs := func(qs []bquery.Query) ([]*wireQuery, error) {
		out := make([]*wireQuery, len(qs))
		for i, c := range qs {
			w, err := sub(c)
			if err != nil {
				return nil, err
			}
			if w == nil {
				return nil, fmt.Errorf("a nil clause of %T", q)
			}
			out[i] = w
		}
		return out, nil
	}
	switch x := q.(type) {
	case *bquery.TermQuery:
		return &wireQuery{Kind: wireTerm, Boost: boostOf(x.BoostVal), Field: x.FieldVal, Text: x.Term}, nil
	case *bquery.PrefixQuery:
		return &wireQuery{Kind: wirePrefix, Boost: boostOf(x.BoostVal), Field: x.FieldVal, Text: x.Prefix}, nil
	case *bquery.DocIDQuery:
		return &wireQuery{Kind: wireDocIDs, Boost: boostOf(x.BoostVal), IDs: x.IDs}, nil
	case *bquery.MatchAllQuery:
		return &wireQuery{Kind: wireAll, Boost: boostOf(x.BoostVal)}, nil
	case *bquery.MatchNoneQuery:
		return &wireQuery{Kind: wireNone, Boost: boostOf(x.BoostVal)}, nil
	case *bquery.TermRangeQuery:
		return &wireQuery{Kind: wireTermRange, Boost: boostOf(x.BoostVal), Field: x.FieldVal, Min: x.Min, Max: x.Max,
			MinInc: x.InclusiveMin, MaxInc: x.InclusiveMax}, nil
	case *bquery.MultiPhraseQuery:
		return &wireQuery{Kind: wireMultiPhrase, Boost: boostOf(x.BoostVal), Field: x.FieldVal, Terms: x.Terms,
			Fuzziness: x.Fuzziness}, nil
	case *bquery.ConjunctionQuery:
		of, err := subs(x.Conjuncts)
		if err != nil {
			return nil, err
		}
		return &wireQuery{Kind: wireConjunction, Boost: boostOf(x.BoostVal), Of: of}, nil
	case *bquery.DisjunctionQuery:
		of, err := subs(x.Disjuncts)
		if err != nil {
			return nil, err
		}
		return &wireQuery{Kind: wireDisjunction, Boost: boostOf(x.BoostVal), Of: of, AtLeast: x.Min}, nil
	case *bquery.BooleanQuery:
		w := &wireQuery{Kind: wireBoolean, Boost: boostOf(x.BoostVal)}
		var err error
		if w.Must, err = sub(x.Must); err != nil {
			return nil, err
		}
		if w.Should, err = sub(x.Should); err != nil {
			return nil, err
		}
		if w.MustNot, err = sub(x.MustNot); err != nil {
			return nil, err
		}
		if w.Filter, err = sub(x.Filter); err != nil {
			return nil, err
		}
		return w, nil
	}
	b, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", q, err)
	}
	return &wireQuery{Kind: wireJSON, JSON: b}, nil
}

// query rebuilds the bleve query; a malformed tree is an error, never a
// panic (it comes from the network).
func (w *wireQuery) query() (bquery.Query, error) {
	return w.queryAt(0)
}

func (w *wireQuery) queryAt(depth int) (bquery.Query, error) {
	if w == nil {
		return nil, nil
	}
	if depth > maxWireDepth {
		return nil, errWireDepth
	}
	subs := func() ([]bquery.Query, error) {
		if len(w.Of) == 0 {
			return nil, nil
		}
		out := make([]bquery.Query, len(w.Of))
		for i, c := range w.Of {
			if c == nil {
				return nil, fmt.Errorf("%s query: empty clause %d", w.Kind, i)
			}
			q, err := c.queryAt(depth + 1)
			if err != nil {
				return nil, err
			}
			out[i] = q
		}
		return out, nil
	}
	boost := boostFrom(w.Boost)
	switch w.Kind {
	case wireTerm:
		return &bquery.TermQuery{Term: w.Text, FieldVal: w.Field, BoostVal: boost}, nil
	case wirePrefix:
		return &bquery.PrefixQuery{Prefix: w.Text, FieldVal: w.Field, BoostVal: boost}, nil
	case wireDocIDs:
		return &bquery.DocIDQuery{IDs: w.IDs, BoostVal: boost}, nil
	case wireAll:
		return &bquery.MatchAllQuery{BoostVal: boost}, nil
	case wireNone:
		return &bquery.MatchNoneQuery{BoostVal: boost}, nil
	case wireTermRange:
		return &bquery.TermRangeQuery{Min: w.Min, Max: w.Max, InclusiveMin: w.MinInc, InclusiveMax: w.MaxInc,
			FieldVal: w.Field, BoostVal: boost}, nil
	case wireMultiPhrase:
		q := bquery.NewMultiPhraseQuery(w.Terms, w.Field)
		q.BoostVal, q.Fuzziness = boost, w.Fuzziness
		return q, nil
	case wireConjunction:
		of, err := subs()
		if err != nil {
			return nil, err
		}
		q := bquery.NewConjunctionQuery(of)
		q.BoostVal = boost
		return q, nil
	case wireDisjunction:
		of, err := subs()
		if err != nil {
			return nil, err
		}
		q := bquery.NewDisjunctionQuery(of)
		q.BoostVal, q.Min = boost, w.AtLeast
		return q, nil
	case wireBoolean:
		q := &bquery.BooleanQuery{BoostVal: boost}
		var err error
		if q.Must, err = w.Must.queryAt(depth + 1); err != nil {
			return nil, err
		}
		if q.Should, err = w.Should.queryAt(depth + 1); err != nil {
			return nil, err
		}
		if q.MustNot, err = w.MustNot.queryAt(depth + 1); err != nil {
			return nil, err
		}
		if q.Filter, err = w.Filter.queryAt(depth + 1); err != nil {
			return nil, err
		}
		// As bleve's own reading of a boolean query requires.
		if _, ok := q.Must.(*bquery.ConjunctionQuery); q.Must != nil && !ok {
			return nil, errors.New("boolean query: must clause is not a conjunction")
		}
		if _, ok := q.Should.(*bquery.DisjunctionQuery); q.Should != nil && !ok {
			return nil, errors.New("boolean query: should clause is not a disjunction")
		}
		if _, ok := q.MustNot.(*bquery.DisjunctionQuery); q.MustNot != nil && !ok {
			return nil, errors.New("boolean query: must-not clause is not a disjunction")
		}
		return q, nil
	case wireJSON:
		q, err := bquery.ParseQuery(w.JSON)
		if err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		return q, nil
	}
	return nil, fmt.Errorf("unknown query kind %q", w.Kind)
}
