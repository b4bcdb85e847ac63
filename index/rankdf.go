package index

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Document frequencies for the rescoring, counted from the postings of
// each word, and the table of every paragraph's article they need to
// count articles (built once per generation, at reload).

// readFrequencies returns the number of documents (articles with group and
// not rk.ParagraphDF, else paragraphs) and how many of them hold each term
// in their text or the other fields scored, title and section headings
// (BM25F's document frequency is over the whole document).
func (v view) readFrequencies(ctx context.Context, terms []string, group bool, rk *Ranking) (int, map[string]int, error) {
	return v.countDF(ctx, terms, group && !rk.ParagraphDF, rk.TitleWeight > 0, rk.SectionWeight > 0)
}

// countDF returns the number of documents (articles when byArticle, else
// paragraphs) and how many hold each term, in their text, or with title
// their title, or with section a section heading. A term not cached for the generation is counted from its
// postings in each shard: paragraphs are counted once (a bitmap of
// document numbers), articles once each through the generation's table of
// which article each paragraph belongs to (articleTable). No search is
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
	var tab *articleTable
	if byArticle {
		var err error
		if tab, err = v.s.articles(); err != nil {
			return 0, nil, err
		}
	}
	fields := []string{FieldText}
	if title {
		fields = append(fields, FieldTitle)
	}
	if section {
		fields = append(fields, FieldSection)
	}
	readers, err := v.openReaders()
	if err != nil {
		return 0, nil, fmt.Errorf("document frequencies: %w", err)
	}
	defer func() {
		for _, rd := range readers {
			rd.Close()
		}
	}()
	shards := uint64(len(readers))
	var seen bitmap
	for _, t := range missing {
		seen.clear()
		count := 0
		for si, rd := range readers {
			for _, f := range fields {
				c, err := countPostings(ctx, rd, t, f, func(num uint64) (uint64, bool) {
					if !byArticle {
						return num*shards + uint64(si), true // a paragraph: its number in its shard
					}
					a := tab.of(si, num)
					return uint64(a), a >= 0 // a deleted paragraph's number has none
				}, &seen)
				if err != nil {
					return 0, nil, err
				}
				count += c
			}
		}
		df[t] = count
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
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("postings of %s in %s: %w", term, field, err)
	}
	defer tfr.Close()
	count := 0
	var doc bindex.TermFieldDoc
	for {
		d, err := tfr.Next(doc.Reset())
		if err != nil {
			return 0, fmt.Errorf("postings of %s in %s: %w", term, field, err)
		}
		if d == nil {
			return count, nil
		}
		num, ok := docNumber(d.ID)
		if !ok {
			return 0, fmt.Errorf("postings of %s in %s: unexpected document id %x", term, field, d.ID)
		}
		if m, ok := of(num); ok && seen.add(m) {
			count++
		}
	}
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

// articleTable says which article each paragraph of a generation belongs
// to: per shard, the article number (0, 1, ... over the generation) of each
// document number, -1 for none. It is built once per generation, by the
// first search that needs it (snapshot.articles), from the postings of the
// article id field: one dictionary walk per shard.
type articleTable struct {
	shards [][]int32
	number map[string]int32 // each article id's number
}

func (t *articleTable) of(shard int, num uint64) int32 {
	s := t.shards[shard]
	if num >= uint64(len(s)) {
		return -1
	}
	return s[num]
}

// buildArticleTable reads the article of every paragraph of shards.
func buildArticleTable(shards []bleve.Index) (*articleTable, error) {
	t := &articleTable{shards: make([][]int32, len(shards))}
	number := map[string]int32{}
	for si, idx := range shards {
		ai, err := idx.Advanced()
		if err != nil {
			return nil, err
		}
		rd, err := ai.Reader()
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer rd.Close()
			dict, err := rd.FieldDict(FieldArticleID)
			if err != nil {
				return err
			}
			defer dict.Close()
			var tab []int32
			for {
				e, err := dict.Next()
				if err != nil {
					return err
				}
				if e == nil {
					break
				}
				a, ok := number[e.Term]
				if !ok {
					a = int32(len(number))
					number[e.Term] = a
				}
				tfr, err := rd.TermFieldReader(context.Background(), []byte(e.Term), FieldArticleID, false, false, false)
				if err != nil {
					return err
				}
				var doc bindex.TermFieldDoc
				for {
					d, err := tfr.Next(doc.Reset())
					if err != nil {
						tfr.Close()
						return err
					}
					if d == nil {
						break
					}
					num, ok := docNumber(d.ID)
					if !ok {
						tfr.Close()
						return fmt.Errorf("unexpected document id %x", d.ID)
					}
					for uint64(len(tab)) <= num {
						tab = append(tab, -1)
					}
					tab[num] = a
				}
				tfr.Close()
			}
			t.shards[si] = tab
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("article table of shard %d: %w", si, err)
		}
	}
	t.number = number
	return t, nil
}
