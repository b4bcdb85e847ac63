package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
)

// shard is one shard of a served generation as a search reads it: a
// bleve index opened here (localShard), or one that a leaf searchd serves
// (remoteShard, remote.go). The alias of a snapshot searches it as a
// bleve.Index; what the rescoring reads below bleve's search API
// (postings, document numbers, fuzzy dictionaries, statistics) goes
// through the methods here, so that a shard served elsewhere answers with
// the same numbers without shipping its postings. Every count is of one
// shard: articles never span shards (a seed belongs to one bucket), so
// counts add up across shards.
type shard interface {
	bleve.Index
	// Beside bleve's search API:
	// docFrequencies returns how many documents (articles when
	// byArticle, else paragraphs) hold each of terms in any of fields.
	docFrequencies(ctx context.Context, terms, fields []string, byArticle bool) ([]int, error)
	// postings returns the occurrences of terms in the candidates named
	// by q (postings.go).
	postings(ctx context.Context, q postingsQuery) ([][]posting, error)
	// externalIDs returns the document ids of document numbers.
	externalIDs(ctx context.Context, nums []uint64) ([]string, error)
	// closestTerm returns the term of field nearest to term within fuzz
	// edits, the most frequent on a tie ("" when none).
	closestTerm(field, term string, fuzz int) (closest, error)
	// bm25Stats returns the shard's document count and the tokens of each
	// of fields (and of any other field it holds).
	bm25Stats(fields []string) (shardStats, error)
}

// bleveIndex names bleve.Index for embedding: its field name is not
// Index, the name of one of its methods.
type bleveIndex = bleve.Index

// closest is a fuzzy dictionary's best entry.
type closest struct {
	Term     string `json:"term"`
	Distance uint8  `json:"distance"`
	Count    uint64 `json:"count"`
}

// better reports whether c beats o: fewer edits, then more documents.
func (c closest) better(o closest) bool {
	return c.Term != "" && (o.Term == "" || c.Distance < o.Distance || c.Distance == o.Distance && c.Count > o.Count)
}

// shardStats are what BM25 needs of one shard.
type shardStats struct {
	DocCount    uint64         `json:"doc_count"`
	Cardinality map[string]int `json:"cardinality"`
}

// localShard is a shard opened from this process's index directory. Its
// article table is built once, when first needed (Reload builds it before
// serving), and lives as long as the shard: a shard never changes.
type localShard struct {
	bleveIndex
	// terms are the distinct terms of each field as the writer counted
	// them for an updated shard (bleve would add up its segments'
	// counts); nil for a shard built whole.
	terms   map[string]int
	artOnce sync.Once
	art     *shardArticles
	artErr  error
	// desc is what a root needs of the shard (leaf.go), once.
	descOnce sync.Once
	desc     leafShard
	descErr  error
}

func newLocalShard(idx bleve.Index, terms map[string]int) *localShard {
	return &localShard{bleveIndex: idx, terms: terms}
}

// articles returns the shard's article table.
func (s *localShard) articles() (*shardArticles, error) {
	s.artOnce.Do(func() {
		s.art, s.artErr = buildShardArticles(s.bleveIndex)
		if s.artErr != nil {
			s.artErr = fmt.Errorf("article table of shard %s: %w", s.Name(), s.artErr)
		}
	})
	return s.art, s.artErr
}

// reader opens a reader on the shard, closed by the caller.
func (s *localShard) reader() (bindex.IndexReader, error) {
	ai, err := s.Advanced()
	if err != nil {
		return nil, fmt.Errorf("shard %s: %w", s.Name(), err)
	}
	rd, err := ai.Reader()
	if err != nil {
		return nil, fmt.Errorf("shard %s reader: %w", s.Name(), err)
	}
	return rd, nil
}

func (s *localShard) docFrequencies(ctx context.Context, terms, fields []string, byArticle bool) ([]int, error) {
	var tab *shardArticles
	if byArticle {
		var err error
		if tab, err = s.articles(); err != nil {
			return nil, err
		}
	}
	rd, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	out := make([]int, len(terms))
	var seen bitmap
	for i, t := range terms {
		seen.clear()
		for _, f := range fields {
			c, err := countPostings(ctx, rd, t, f, func(num uint64) (uint64, bool) {
				if !byArticle {
					return num, true
				}
				a := tab.of(num)
				return uint64(a), a >= 0 // a deleted paragraph's number has none
			}, &seen)
			if err != nil {
				return nil, err
			}
			out[i] += c
		}
	}
	return out, nil
}

func (s *localShard) externalIDs(ctx context.Context, nums []uint64) ([]string, error) {
	rd, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	out := make([]string, len(nums))
	for i, n := range nums {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], n)
		if out[i], err = rd.ExternalID(id[:]); err != nil {
			return nil, fmt.Errorf("id of document %d of shard %s: %w", n, s.Name(), err)
		}
	}
	return out, nil
}

func (s *localShard) closestTerm(field, term string, fuzz int) (closest, error) {
	var best closest
	rd, err := s.reader()
	if err != nil {
		return best, err
	}
	defer rd.Close()
	fz, ok := rd.(bindex.IndexReaderFuzzy)
	if !ok {
		return best, nil // this kind of segment offers no fuzzy dictionary: no suggestion from it
	}
	d, err := fz.FieldDictFuzzy(field, term, fuzz, "")
	if err != nil {
		return best, err
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil {
			return best, err
		}
		if e == nil {
			return best, nil
		}
		if c := (closest{Term: e.Term, Distance: e.EditDistance, Count: e.Count}); c.better(best) {
			best = c
		}
	}
}

func (s *localShard) bm25Stats(mapped []string) (shardStats, error) {
	st := shardStats{Cardinality: map[string]int{}}
	rd, err := s.reader()
	if err != nil {
		return st, err
	}
	defer rd.Close()
	n, err := rd.DocCount()
	if err != nil {
		return st, err
	}
	st.DocCount = n
	br, ok := rd.(bindex.BM25Reader)
	if !ok {
		return st, fmt.Errorf("shard %s: no field statistics", s.Name())
	}
	fields, err := rd.Fields()
	if err != nil {
		return st, err
	}
	// Every field a query may name, with or without tokens in this
	// shard: bleve wants an entry for each field it scores.
	fields = append(fields, mapped...)
	slices.Sort(fields)
	for _, f := range slices.Compact(fields) {
		if s.terms != nil {
			st.Cardinality[f] = s.terms[f]
			continue
		}
		if st.Cardinality[f], err = br.FieldCardinality(f); err != nil {
			return st, err
		}
	}
	return st, nil
}

// shardArticles says which article each paragraph of a shard belongs to
// and the other way round: the article number (0, 1, ... within the
// shard) of each document number, -1 for none; each article id's number;
// and each article's paragraphs, in document-number order (paras from
// start[a] to start[a+1]), so that the rescoring reads the postings of
// its candidates' paragraphs alone.
type shardArticles struct {
	of_    []int32
	number map[string]int32
	start  []int
	paras  []uint64
}

func (t *shardArticles) of(num uint64) int32 {
	if num >= uint64(len(t.of_)) {
		return -1
	}
	return t.of_[num]
}

// paragraphs returns the document numbers of article a's paragraphs, in
// order.
func (t *shardArticles) paragraphs(a int32) []uint64 {
	if a < 0 || int(a)+1 >= len(t.start) {
		return nil
	}
	return t.paras[t.start[a]:t.start[a+1]]
}

// buildShardArticles reads the article of every paragraph of a shard from
// the postings of the article id field: one dictionary walk.
func buildShardArticles(idx bleve.Index) (*shardArticles, error) {
	ai, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	rd, err := ai.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	dict, err := rd.FieldDict(FieldArticleID)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	t := &shardArticles{number: map[string]int32{}}
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			t.start = append(t.start, len(t.paras))
			return t, nil
		}
		if _, ok := t.number[e.Term]; ok {
			continue // a dictionary names each term once; never twice
		}
		a := int32(len(t.number))
		t.number[e.Term] = a
		t.start = append(t.start, len(t.paras))
		if err := eachPosting(context.Background(), rd, e.Term, FieldArticleID, false, func(num uint64, _ *bindex.TermFieldDoc) {
			for uint64(len(t.of_)) <= num {
				t.of_ = append(t.of_, -1)
			}
			t.of_[num] = a
			t.paras = append(t.paras, num) // postings come in document order
		}); err != nil {
			return nil, err
		}
	}
}

// eachPosting calls fn with the document number of every posting of term
// in field, and with the frequency and norm when counts (never
// positions).
func eachPosting(ctx context.Context, rd bindex.IndexReader, term, field string, counts bool, fn func(uint64, *bindex.TermFieldDoc)) error {
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, counts, counts, false)
	if err != nil {
		return fmt.Errorf("postings of %s in %s: %w", term, field, err)
	}
	defer tfr.Close()
	var doc bindex.TermFieldDoc
	for {
		d, err := tfr.Next(doc.Reset())
		if err != nil {
			return fmt.Errorf("postings of %s in %s: %w", term, field, err)
		}
		if d == nil {
			return nil
		}
		num, ok := docNumber(d.ID)
		if !ok {
			return fmt.Errorf("postings of %s in %s: unexpected document id %x", term, field, d.ID)
		}
		fn(num, d)
	}
}
