package index

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// randomPostings is an answer of terms × up to n postings.
func randomPostings(rng *rand.Rand, terms, n int) [][]posting {
	out := make([][]posting, terms)
	for ti := range out {
		for range rng.IntN(n + 1) {
			p := posting{Field: rng.IntN(3), Num: rng.Uint64() >> rng.IntN(64), Freq: uint64(1 + rng.IntN(9)), Article: rng.IntN(300)}
			if p.Field == 0 {
				p.Norm = 1 / float64(1+rng.IntN(400))
			}
			out[ti] = append(out[ti], p)
		}
	}
	return out
}

// TestPackedPostingsRoundTrip: what a leaf packs, the root unpacks
// equal, empty lists and numbers of every size included.
func TestPackedPostingsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 19))
	cases := [][][]posting{{}, {nil}, {nil, {{Field: 2, Num: 1 << 63, Freq: 1}}}}
	for range 50 {
		cases = append(cases, randomPostings(rng, 1+rng.IntN(5), 50))
	}
	for _, want := range cases {
		b, err := encodeWire(packedPostings(want))
		if err != nil {
			t.Fatal(err)
		}
		var got packedPostings
		if err := decodeWire(b, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual([][]posting(got), want) {
			t.Fatalf("unpacked %v, packed %v", got, want)
		}
	}
	if _, err := encodeWire(packedPostings{{{Field: -1}}}); err == nil {
		t.Error("a negative field packed")
	}
}

// FuzzPackedPostings: any answer unpacks or fails with an error, and what
// unpacks packs back to the same bytes.
func FuzzPackedPostings(f *testing.F) {
	rng := rand.New(rand.NewPCG(4, 19))
	for range 5 {
		b, err := encodeWire(packedPostings(randomPostings(rng, 3, 20)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x41, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p packedPostings
		if err := decodeWire(data, &p); err != nil {
			return
		}
		again, err := encodeWire(p)
		if err != nil {
			t.Fatalf("unpacked postings do not pack: %v", err)
		}
		var q packedPostings
		if err := decodeWire(again, &q); err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("repacked postings differ: %v", err)
		}
	})
}

// BenchmarkPackedPostings decodes a round's postings as a root does: 13
// words (3 of the query, 10 of feedback) × 200 candidates.
func BenchmarkPackedPostings(b *testing.B) {
	data, err := encodeWire(packedPostings(randomPostings(rand.New(rand.NewPCG(5, 19)), 13, 400)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var p packedPostings
		if err := decodeWire(data, &p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "bytes")
}
