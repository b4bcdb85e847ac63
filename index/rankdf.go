package index

import (
	"context"
	"encoding/binary"
	"fmt"

	bindex "github.com/blevesearch/bleve_index_api"
)

// Document frequencies for the rescoring, counted from the postings of
// each word by each shard (shard.go), and cached for the generation.

// readFrequencies returns the number of documents (articles with group and
// not rk.ParagraphDF, else paragraphs) and how many of them hold each term
// in their text or the other fields scored, title and section headings
// (BM25F's document frequency is over the whole document).
func (v view) readFrequencies(ctx context.Context, terms []string, group bool, rk *Ranking) (int, map[string]int, error) {
	return v.countDF(ctx, terms, group && !rk.ParagraphDF, rk.TitleWeight > 0, rk.SectionWeight > 0)
}

// countDF returns the number of documents (articles when byArticle, else
// paragraphs) and how many hold each term, in their text, or with title
// their title, or with section a section heading. A term not cached for
// the generation is counted from its postings by each shard
// (shard.docFrequencies): paragraphs are counted once (a bitmap of
// document numbers), articles once each through the shard's table of
// which article each paragraph belongs to (shardArticles). No search is
// run, no stored field read.
func (v view) countDF(ctx context.Context, terms []string, byArticle, title, section bool) (int, map[string]int, error) {
	n := v.s.status.Documents
	key := "p"
	if byArticle {
		n, key = v.s.status.Articles, "a"
	}
	if title {
		key += "t"
	}
	if section {
		key += "s"
	}
	key += "/"
	c := v.s.cache
	df := make(map[string]int, len(terms))
	var missing []string
	c.mu.Lock()
	if len(c.df) > maxDFCache {
		c.df = map[string]int{}
	}
	for _, t := range terms {
		if d, ok := c.df[key+t]; ok {
			df[t] = d
		} else {
			missing = append(missing, t)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return n, df, nil
	}
	fields := []string{FieldText}
	if title {
		fields = append(fields, FieldTitle)
	}
	if section {
		fields = append(fields, FieldSection)
	}
	counts, whole, err := eachShard(ctx, v, func(ctx context.Context, sh shard) ([]int, error) {
		return sh.docFrequencies(ctx, missing, fields, byArticle)
	})
	if err != nil {
		return 0, nil, fmt.Errorf("document frequencies: %w", err)
	}
	for i, t := range missing {
		df[t] = 0
		for _, c := range counts {
			if c != nil {
				df[t] += c[i]
			}
		}
	}
	if !whole {
		return n, df, nil // some shard did not answer: counts of this search only
	}
	c.mu.Lock()
	for _, t := range missing {
		c.df[key+t] = df[t]
	}
	c.mu.Unlock()
	return n, df, nil
}

// countPostings adds to seen the member (of) of each document in the
// postings of term in field, and returns how many were new.
func countPostings(ctx context.Context, rd bindex.IndexReader, term, field string, of func(uint64) (uint64, bool), seen *bitmap) (int, error) {
	count := 0
	err := eachPosting(ctx, rd, term, field, false, func(num uint64, _ *bindex.TermFieldDoc) {
		if m, ok := of(num); ok && seen.add(m) {
			count++
		}
	})
	return count, err
}

// docNumber reads a scorch internal document id: the document's number
// in the index snapshot, 8 bytes big-endian.
func docNumber(id bindex.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// bitmap is a set of small numbers that clears in the time of its
// members.
type bitmap struct {
	words   []uint64
	touched []int
}

// add puts x in the set and reports whether it was new.
func (b *bitmap) add(x uint64) bool {
	w := int(x / 64)
	if w >= len(b.words) {
		b.words = append(b.words, make([]uint64, w+1-len(b.words))...)
	}
	bit := uint64(1) << (x % 64)
	if b.words[w]&bit != 0 {
		return false
	}
	if b.words[w] == 0 {
		b.touched = append(b.touched, w)
	}
	b.words[w] |= bit
	return true
}

func (b *bitmap) clear() {
	for _, w := range b.touched {
		b.words[w] = 0
	}
	b.touched = b.touched[:0]
}
