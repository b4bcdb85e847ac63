package index

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// FuzzServeShard: whatever a client sends to a leaf's shard protocol, the
// leaf answers or returns an error; it never panics, and a request that
// does not decode is ErrBadShardRequest.
func FuzzServeShard(f *testing.F) {
	data, err := os.ReadFile("testdata/differential.txt")
	if err != nil {
		f.Fatal(err)
	}
	r := buildDocIndexShards(f, parseDiffArticles(string(data))[:6], 2)
	var st leafStatus
	out, err := r.ServeShard(context.Background(), OpStatus, nil)
	if err != nil || json.Unmarshal(out, &st) != nil || len(st.Shards) == 0 {
		f.Fatalf("status: %v %s", err, out)
	}
	name := st.Shards[0].Name
	for _, seed := range []struct{ op, body string }{
		{OpDF, `{"shards":["` + name + `"],"terms":["river","the"],"fields":["text","title"],"by_article":true}`},
		{OpPostings, `{"shards":["` + name + `"],"postings":{"terms":["river"],"fields":["text"],"group":true,"articles":["a"]}}`},
		{OpPostings, `{"shards":["` + name + `"],"postings":{"terms":["river"],"fields":["text","nosuchfield"],"docs":[0,1,99999999]}}`},
		{OpIDs, `{"shards":["` + name + `"],"nums":[0,1,18446744073709551615]}`},
		{OpClosest, `{"shards":["` + name + `"],"field":"text","term":"rivr","fuzz":9}`},
		{OpDict, `{"shards":["` + name + `"],"field":"language","prefix":""}`},
		{OpSearch, `{"shards":["` + name + `"],"request":{"query":{"term":"river","field":"text"},"size":5},"global":true,"bm25":{"doc_count":3,"field_cardinality":{"text":10}}}`},
		{OpSearch, `{"shards":["` + name + `"],"request":{"query":{"nonsense":1}}}`},
		{OpSearch, `{"shards":["nope"],"request":{}}`},
		{"other", `{}`},
		{OpDF, `not json`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		out, err := r.ServeShard(context.Background(), op, body)
		if err == nil && out == nil && op != OpStatus {
			t.Errorf("%s: no answer and no error", op)
		}
		if err != nil && !json.Valid(body) && op != OpStatus && !errors.Is(err, ErrBadShardRequest) {
			t.Errorf("%s of invalid JSON: %v, want ErrBadShardRequest", op, err)
		}
	})
}
