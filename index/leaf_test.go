package index

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/fxamacker/cbor/v2"
)

// FuzzServeShard: whatever a client sends to a leaf's shard protocol, the
// leaf answers or returns an error; it never panics, and a request that
// does not decode (CBOR) is ErrBadShardRequest.
func FuzzServeShard(f *testing.F) {
	r := buildDocIndexShards(f, diffArticles(f)[:6], 2)
	var st leafStatus
	out, err := r.ServeShard(context.Background(), OpStatus, nil)
	if err != nil || json.Unmarshal(out, &st) != nil || len(st.Shards) == 0 {
		f.Fatalf("status: %v %s", err, out)
	}
	name := st.Shards[0].Name
	seeds := []struct {
		op  string
		req any
	}{
		{OpDF, shardCall{Shards: []string{name}, Terms: []string{"river", "the"}, Fields: []string{"text", "title"}, ByArticle: true}},
		{OpPostings, shardCall{Shards: []string{name}, Postings: &postingsQuery{Terms: []string{"river"}, Fields: []string{"text"}, Group: true, Articles: []string{"a"}}}},
		{OpPostings, shardCall{Shards: []string{name}, Postings: &postingsQuery{Terms: []string{"river"}, Fields: []string{"text", "nosuchfield"}, Docs: []uint64{0, 1, 99999999}}}},
		{OpIDs, shardCall{Shards: []string{name}, Nums: []uint64{0, 1, 18446744073709551615}}},
		{OpClosest, shardCall{Shards: []string{name}, Field: "text", Term: "rivr", Fuzz: 9}},
		{OpDict, shardCall{Shards: []string{name}, Field: "language"}},
		{OpSearch, shardSearch{Shards: []string{name}, Request: json.RawMessage(`{"query":{"match_none":{}},"size":5}`),
			Query:  &wireQuery{Kind: wireBoolean, Must: &wireQuery{Kind: wireConjunction, Of: []*wireQuery{{Kind: wireTerm, Field: "text", Text: "river"}}}},
			Global: true, BM25: &bsearch.BM25Stats{DocCount: 3, FieldCardinality: map[string]int{"text": 10}}}},
		{OpSearch, shardSearch{Shards: []string{name}, Request: json.RawMessage(`{"query":{"nonsense":1}}`)}},
		{OpSearch, shardSearch{Shards: []string{name}, Request: json.RawMessage(`{"query":{"match_all":{}}}`), Query: &wireQuery{Kind: "knn"}}},
		{OpSearch, shardSearch{Shards: []string{"nope"}, Request: json.RawMessage(`{}`)}},
		{"other", shardCall{}},
	}
	for _, seed := range seeds {
		body, err := encodeWire(seed.req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed.op, body)
	}
	f.Add(OpDF, []byte("not cbor"))
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		out, err := r.ServeShard(context.Background(), op, body)
		if err == nil && out == nil && op != OpStatus {
			t.Errorf("%s: no answer and no error", op)
		}
		if err != nil && cbor.Wellformed(body) != nil && op != OpStatus && !errors.Is(err, ErrBadShardRequest) {
			t.Errorf("%s of malformed CBOR: %v, want ErrBadShardRequest", op, err)
		}
	})
}
