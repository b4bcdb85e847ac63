package score

import (
	"slices"
	"sort"
)

// Top returns the k keys of the highest scores, ties in the order of
// keys, and the sum of their scores: the documents pseudo-relevance
// feedback learns from.
func Top(keys []string, scores map[string]float64, k int) ([]string, float64) {
	top := slices.Clone(keys)
	slices.SortStableFunc(top, func(a, b string) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	top = top[:min(max(k, 0), len(top))]
	total := 0.0
	for _, k := range top {
		total += scores[k]
	}
	return top, total
}

// FeedbackDoc is one of the top documents of feedback: its score, and
// the analysed words of its text with their counts and their number.
type FeedbackDoc struct {
	Score  float64
	TF     map[string]int
	Length int
}

// Weighted is a word of a query and its weight.
type Weighted struct {
	Term   string
	Weight float64
}

// Expand builds the RM3 query: the relevance model of docs (each word's
// share of a document's words, weighted by the document's share total of
// the scores), its n most likely words that are neither stop words nor
// free of letters, mixed with query so that they make up weight of its
// weight. It returns each word's weight, or nil when there is nothing to
// add.
func Expand(query []Weighted, docs []FeedbackDoc, total float64, n int, weight float64, stop map[string]bool) map[string]float64 {
	rm := map[string]float64{}
	for _, d := range docs {
		if d.Length == 0 {
			continue
		}
		w := d.Score / total
		for t, c := range d.TF {
			if !stop[t] && hasLetter(t) {
				rm[t] += w * float64(c) / float64(d.Length)
			}
		}
	}
	cand := make([]string, 0, len(rm))
	for t := range rm {
		cand = append(cand, t)
	}
	sort.Slice(cand, func(i, j int) bool {
		if rm[cand[i]] != rm[cand[j]] {
			return rm[cand[i]] > rm[cand[j]]
		}
		return cand[i] < cand[j]
	})
	cand = cand[:min(max(n, 0), len(cand))]
	sumQ, sumR := 0.0, 0.0
	for _, q := range query {
		sumQ += q.Weight
	}
	for _, t := range cand {
		sumR += rm[t]
	}
	if sumQ <= 0 || sumR <= 0 {
		return nil
	}
	weights := map[string]float64{}
	for _, q := range query {
		weights[q.Term] += (1 - weight) * q.Weight / sumQ
	}
	for _, t := range cand {
		weights[t] += weight * rm[t] / sumR
	}
	return weights
}

// hasLetter reports whether a word has a letter (a term of digits and
// punctuation says little about a topic).
func hasLetter(s string) bool {
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c > 0x7f {
			return true
		}
	}
	return false
}
