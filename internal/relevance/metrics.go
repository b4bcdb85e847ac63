package relevance

import "math"

// AveragePrecision is the mean of the precision at the rank of each
// relevant document retrieved, over all relevant documents (those not
// retrieved count as zero). ranked is the retrieved list, best first.
func AveragePrecision(ranked []int, relevant map[int]bool) float64 {
	if len(relevant) == 0 {
		return 0
	}
	hits, sum := 0, 0.0
	seen := map[int]bool{}
	for i, d := range ranked {
		if seen[d] {
			continue
		}
		seen[d] = true
		if relevant[d] {
			hits++
			sum += float64(hits) / float64(i+1)
		}
	}
	return sum / float64(len(relevant))
}

// PrecisionAt is the share of the first k ranks that hold a relevant
// document (ranks past the list's end count as not relevant).
func PrecisionAt(k int, ranked []int, relevant map[int]bool) float64 {
	n := 0
	for i, d := range ranked {
		if i >= k {
			break
		}
		if relevant[d] {
			n++
		}
	}
	return float64(n) / float64(k)
}

// NDCGAt is the normalised discounted cumulative gain of the first k ranks
// with binary gains: DCG = Σ rel_i / log2(i+1) over ranks i = 1..k, divided
// by the DCG of the ideal ranking.
func NDCGAt(k int, ranked []int, relevant map[int]bool) float64 {
	if len(relevant) == 0 {
		return 0
	}
	dcg := 0.0
	for i, d := range ranked {
		if i >= k {
			break
		}
		if relevant[d] {
			dcg += 1 / math.Log2(float64(i+2))
		}
	}
	ideal := 0.0
	for i := 0; i < min(k, len(relevant)); i++ {
		ideal += 1 / math.Log2(float64(i+2))
	}
	return dcg / ideal
}
