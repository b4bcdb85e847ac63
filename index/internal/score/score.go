// Package score is the arithmetic of the rescoring of relevance-sorted
// results: textbook BM25 and its variants, the proximity bonus (BM25TP),
// the scoring of articles as a whole or by their best paragraph, and the
// term selection of pseudo-relevance feedback (RM3).
//
// It knows nothing of bleve or of the index: package index reads the
// statistics (term frequencies, lengths, document frequencies) and hands
// them over, so that the formulas can be read and table-tested alone.
package score

import (
	"math"
	"sort"
)

// Term is one weighted word of a query.
type Term struct {
	// Slot is the word's index in a Doc's TF, Title and Pos and in a
	// Para's TF.
	Slot   int
	Weight float64
	IDF    float64
	// Stop marks a stop word: it earns no proximity bonus.
	Stop bool
}

// IDF is a formula of the inverse document frequency.
type IDF int

// The inverse document frequencies.
const (
	// Lucene is log(1 + (N - df + 0.5)/(df + 0.5)): never negative.
	Lucene IDF = iota
	// Robertson is log((N - df + 0.5)/(df + 0.5)) floored at 1e-6, as
	// SQLite's FTS5 has it.
	Robertson
)

// Of returns the idf of a word held by df of n documents, raised to power
// unless power is 0 or 1.
func (f IDF) Of(n, df int, power float64) float64 {
	var v float64
	if f == Robertson {
		v = max(math.Log((float64(n)-float64(df)+0.5)/(float64(df)+0.5)), 1e-6)
	} else {
		v = math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
	}
	if power > 0 && power != 1 {
		v = math.Pow(v, power)
	}
	return v
}

// BM25 holds the parameters of BM25 and its variants.
type BM25 struct {
	K1 float64 // term-frequency saturation
	B  float64 // length normalisation: 0 none, 1 full
	// Delta is BM25+'s lower bound of a matched word's term-frequency
	// factor (Lv and Zhai); 0: plain BM25.
	Delta float64
	// Coord multiplies a score by the share of the query's idf weight
	// that matched, to this power; 0: none.
	Coord float64
}

// Score scores a document of length dl (avgdl on average) in which word
// Slot occurs tf(Slot) times.
func (p BM25) Score(ts []Term, tf func(slot int) float64, dl, avgdl float64) float64 {
	s, matched, all := 0.0, 0.0, 0.0
	norm := p.K1 * (1 - p.B + p.B*dl/max(avgdl, 1))
	for _, q := range ts {
		all += q.Weight * q.IDF
		if f := tf(q.Slot); f > 0 {
			s += q.Weight * q.IDF * (f*(p.K1+1)/(f+norm) + p.Delta)
			matched += q.Weight * q.IDF
		}
	}
	if p.Coord > 0 && all > 0 {
		s *= math.Pow(matched/all, p.Coord)
	}
	return s
}

// Field is one field of a document for BM25F: the occurrences of each
// word in it (by Term.Slot), its length in tokens, the average length of
// the field over the documents, and its weight.
type Field struct {
	Weight      float64
	TF          []float64
	Length, Avg float64
}

// ScoreF is BM25F (Robertson, Zaragoza and Taylor 2004, "Simple BM25
// extension to multiple weighted fields"): each field's occurrences of a
// word are normalised by the field's own length (b, relative to the
// field's average), weighted and added into one pseudo term frequency,
// which is saturated once (k1) and weighted by the word's idf. With one
// field of weight 1 it is Score.
func (p BM25) ScoreF(ts []Term, fs []Field) float64 {
	var norm [4]float64 // no allocation for up to four fields
	ns := norm[:0]
	for _, f := range fs {
		ns = append(ns, f.Weight/(1-p.B+p.B*f.Length/max(f.Avg, 1)))
	}
	s, matched, all := 0.0, 0.0, 0.0
	for _, q := range ts {
		all += q.Weight * q.IDF
		tf := 0.0
		for i, f := range fs {
			if f.Weight > 0 && q.Slot < len(f.TF) {
				tf += f.TF[q.Slot] * ns[i]
			}
		}
		if tf > 0 {
			s += q.Weight * q.IDF * (tf*(p.K1+1)/(tf+p.K1) + p.Delta)
			matched += q.Weight * q.IDF
		}
	}
	if p.Coord > 0 && all > 0 {
		s *= math.Pow(matched/all, p.Coord)
	}
	return s
}

// ProxWindow is the widest gap between two query words that earns a
// proximity bonus.
const ProxWindow = 5

// Proximity is the BM25TP bonus (Rasolofo and Savoy) of a document whose
// word Slot occurs at the positions pos[Slot]: each pair of occurrences of
// two different query words at most ProxWindow tokens apart adds to both
// words an amount falling with the square of the distance, weighted by the
// other word's idf; each word's sum is saturated like a term frequency
// (k1). Stop words take no part.
func Proximity(ts []Term, pos [][]int, k1 float64) float64 {
	type occ struct{ pos, q int }
	var occs []occ
	for j, q := range ts {
		if q.Stop || q.Slot >= len(pos) {
			continue
		}
		for _, p := range pos[q.Slot] {
			occs = append(occs, occ{p, j})
		}
	}
	if len(occs) < 2 {
		return 0
	}
	sort.Slice(occs, func(a, b int) bool { return occs[a].pos < occs[b].pos })
	acc := make([]float64, len(ts))
	for i := 1; i < len(occs); i++ {
		for j := i - 1; j >= 0 && occs[i].pos-occs[j].pos <= ProxWindow; j-- {
			a, b := occs[i], occs[j]
			if a.q == b.q || a.pos == b.pos {
				continue
			}
			dist := float64(a.pos - b.pos)
			acc[a.q] += ts[b.q].IDF / (dist * dist)
			acc[b.q] += ts[a.q].IDF / (dist * dist)
		}
	}
	s := 0.0
	for i, q := range ts {
		if acc[i] > 0 {
			s += q.Weight * min(q.IDF, 1) * acc[i] * (k1 + 1) / (acc[i] + k1)
		}
	}
	return s
}
