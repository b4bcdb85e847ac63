package index

import (
	"context"
	"testing"

	"github.com/newsroom/newsearch/internal/query"
)

// BenchmarkSearchLanguages times searches of an English index (BBC, as
// bbcReader) against the same index where three articles are in German,
// French and Dutch (as an English wire story the detector misnames): the
// cost of serving several languages, every query word analysed by each
// language's analyzer and the language facet counted.
func BenchmarkSearchLanguages(b *testing.B) {
	ctx := context.Background()
	readers := []struct {
		name    string
		foreign map[string]string
	}{
		{"english", nil},
		{"three-foreign", map[string]string{"business/001.txt": "de", "politics/001.txt": "fr", "tech/001.txt": "nl"}},
	}
	for _, rd := range readers {
		r := bbcReaderIn(b, rd.foreign)
		for _, tc := range []struct {
			name string
			q    string
			req  Request
		}{
			{"keyword", "government", Request{}},
			{"words", "economic growth forecast", Request{}},
			{"grouped", "china economy", Request{Group: true}},
			{"any-grouped", "the rise of oil prices in asia", Request{Group: true, MatchAny: true}},
		} {
			node, err := query.Parse(tc.q)
			if err != nil {
				b.Fatal(err)
			}
			req := tc.req
			req.Query, req.Size = node, 10
			b.Run(rd.name+"/"+tc.name, func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := cpuTime()
				for b.Loop() {
					if _, err := r.Search(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N)/1000, "cpu-ms")
			})
		}
	}
}
