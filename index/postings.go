package index

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsroom/newsearch/index/internal/score"
)

// The rescoring's counts read from the postings of its words, shard by
// shard: each shard keeps the postings of its candidates and sends those
// alone, so that a shard a leaf serves costs the candidates' occurrences,
// not the words' postings.

// postingsQuery asks a shard for the occurrences of Terms in Fields among
// the candidates: the paragraphs of Articles with Group, else the
// paragraphs numbered Docs.
type postingsQuery struct {
	Terms    []string `json:"terms"`
	Fields   []string `json:"fields"`
	Group    bool     `json:"group,omitempty"`
	Articles []string `json:"articles,omitempty"`
	Docs     []uint64 `json:"docs,omitempty"`
}

// posting is one candidate paragraph's occurrences of a term in a field
// (Field indexes the query's Fields); Norm is the text field's norm, and
// Article the candidate article with Group (its index in the query's
// Articles).
type posting struct {
	Field   int
	Num     uint64
	Freq    uint64
	Norm    float64
	Article int
}

// postings answers q from the shard's postings: per term, the candidates'
// postings field by field in the postings' order. Each postings list is
// advanced from one candidate to the next, so the cost follows the
// candidates, not the length of a common word's list.
func (s *localShard) postings(ctx context.Context, q postingsQuery) ([][]posting, error) {
	cands, err := s.candidates(q)
	if err != nil {
		return nil, err
	}
	out := make([][]posting, len(q.Terms))
	if len(cands) == 0 {
		return out, nil // no candidate here
	}
	rd, err := s.reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	for ti, t := range q.Terms {
		for fi, f := range q.Fields {
			err := eachCandidatePosting(ctx, rd, t, f, cands, func(c candidateDoc, d *bindex.TermFieldDoc) {
				p := posting{Field: fi, Num: c.num, Freq: d.Freq, Article: c.article}
				if f == FieldText {
					p.Norm = d.Norm
				}
				out[ti] = append(out[ti], p)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// candidateDoc is a candidate paragraph: its document number and, with a
// postings query's Group, its article's index in the query's Articles.
type candidateDoc struct {
	num     uint64
	article int
}

// candidates returns the paragraphs q names in this shard, by document
// number, each once.
func (s *localShard) candidates(q postingsQuery) ([]candidateDoc, error) {
	var out []candidateDoc
	if q.Group {
		tab, err := s.articles()
		if err != nil {
			return nil, err
		}
		for i, k := range q.Articles {
			a, ok := tab.number[k]
			if !ok {
				continue
			}
			for _, num := range tab.paragraphs(a) {
				out = append(out, candidateDoc{num: num, article: i})
			}
		}
	} else {
		for _, num := range q.Docs {
			out = append(out, candidateDoc{num: num})
		}
	}
	slices.SortFunc(out, func(a, b candidateDoc) int { return cmp.Compare(a.num, b.num) })
	return slices.CompactFunc(out, func(a, b candidateDoc) bool { return a.num == b.num }), nil
}

// eachCandidatePosting calls fn with every posting of term in field whose
// document is one of cands (sorted by number, each once), with its
// frequency and norm. The postings iterator only ever moves forward:
// bleve restarts a postings list advanced to or before where it stands.
func eachCandidatePosting(ctx context.Context, rd bindex.IndexReader, term, field string, cands []candidateDoc, fn func(candidateDoc, *bindex.TermFieldDoc)) error {
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, true, true, false)
	if err != nil {
		return fmt.Errorf("postings of %s in %s: %w", term, field, err)
	}
	defer tfr.Close()
	var doc bindex.TermFieldDoc
	var id [8]byte
	for i := 0; i < len(cands); {
		if err := ctx.Err(); err != nil {
			return err
		}
		binary.BigEndian.PutUint64(id[:], cands[i].num)
		d, err := tfr.Advance(id[:], doc.Reset())
		if err != nil {
			return fmt.Errorf("postings of %s in %s: %w", term, field, err)
		}
		if d == nil {
			return nil // past the last posting
		}
		num, ok := docNumber(d.ID)
		if !ok {
			return fmt.Errorf("postings of %s in %s: unexpected document id %x", term, field, d.ID)
		}
		// The first candidate at or after the posting found.
		i += sort.Search(len(cands)-i, func(k int) bool { return cands[i+k].num >= num })
		if i < len(cands) && cands[i].num == num {
			fn(cands[i], d)
			i++
		}
	}
	return nil
}

// countFromPostings is countTerms without positions: the occurrences of
// each new word in the text (and a paragraph's length from its norm), the
// title and the section headings of the candidates, from each shard's
// postings (shard.postings): the paragraphs of the candidate articles, or
// the candidate paragraphs by their document numbers (paragraphRefs). No
// search is run: the cost is the words' postings, not the candidates'
// paragraphs.
func (v view) countFromPostings(ctx context.Context, set *rankSet, add []string) error {
	if set.group && set.paraAt == nil {
		set.paraAt = map[paraRef]*score.Para{}
	}
	fields := rankFields(set.title, set.section)
	var arts []string
	if set.group {
		for k := range set.docs {
			arts = append(arts, k)
		}
		slices.Sort(arts)
	}
	shardOf := v.shardIndex()
	answers, _, err := eachShard(ctx, v, func(ctx context.Context, sh shard) ([][]posting, error) {
		q := postingsQuery{Terms: add, Fields: fields, Group: set.group, Articles: arts}
		if !set.group {
			si := shardOf[sh.Name()]
			for ref := range set.refs {
				if ref.shard == si {
					q.Docs = append(q.Docs, ref.num)
				}
			}
			if len(q.Docs) == 0 {
				return nil, nil
			}
			slices.Sort(q.Docs)
		}
		return sh.postings(ctx, q)
	})
	if err != nil {
		return err
	}
	for ti, t := range add {
		slot := set.slot[t]
		for si, ans := range answers {
			if ti >= len(ans) {
				continue // no candidate in the shard, or it did not answer
			}
			for _, p := range ans[ti] {
				if p.Field < 0 || p.Field >= len(fields) {
					return fmt.Errorf("postings of %s: field %d out of range", t, p.Field)
				}
				f := fields[p.Field]
				if !set.group {
					// A paragraph: the candidate itself.
					key, ok := set.refs[paraRef{si, p.Num}]
					if !ok {
						continue // not a candidate
					}
					d := set.docs[key]
					switch f {
					case FieldText:
						d.TF[slot] = float64(p.Freq)
					case FieldTitle:
						d.Title[slot] = float64(p.Freq)
					case FieldSection:
						d.Section[slot] = float64(p.Freq)
					}
					continue
				}
				if p.Article < 0 || p.Article >= len(arts) {
					return fmt.Errorf("postings of %s: article %d out of range", t, p.Article)
				}
				d := set.docs[arts[p.Article]]
				if d == nil {
					continue // not a candidate
				}
				if f == FieldTitle {
					d.Title[slot] = float64(p.Freq) // every paragraph carries the title
					continue
				}
				ref := paraRef{si, p.Num}
				para := set.paraAt[ref]
				if para == nil {
					// Length -1 until a word of its text says it.
					para = &score.Para{ID: ref.placeholder(), Length: -1, TF: make([]float64, len(set.terms)),
						Section: make([]float64, len(set.terms))}
					set.paraAt[ref] = para
					d.Paras = append(d.Paras, para)
				}
				if f == FieldSection {
					para.Section[slot] = float64(p.Freq)
					continue
				}
				if para.Length < 0 {
					para.Length = normLength(p.Norm)
				}
				para.TF[slot] = float64(p.Freq)
				d.TF[slot] += float64(p.Freq)
			}
		}
	}
	return nil
}

// rankFields are the fields whose postings the rescoring reads, in the
// order its postings queries name them.
func rankFields(title, section bool) []string {
	fields := []string{FieldText}
	if title {
		fields = append(fields, FieldTitle)
	}
	if section {
		fields = append(fields, FieldSection)
	}
	return fields
}

// resolve replaces the placeholder of each candidate's best paragraph by
// its document id, asking each shard for the ids of its paragraphs.
func (v view) resolve(ctx context.Context, set *rankSet, cands []*candidate) error {
	if set.paraAt == nil {
		return nil
	}
	want := map[int][]uint64{}
	refOf := map[*candidate]paraRef{}
	for _, c := range cands {
		if !strings.HasPrefix(c.best, "\x00") {
			continue
		}
		var ref paraRef
		if _, err := fmt.Sscanf(c.best[1:], "%d:%d", &ref.shard, &ref.num); err != nil {
			return fmt.Errorf("paragraph placeholder %q: %w", c.best, err)
		}
		if ref.shard < 0 || ref.shard >= len(v.s.shards) {
			return fmt.Errorf("paragraph placeholder %q: no such shard", c.best)
		}
		refOf[c] = ref
		want[ref.shard] = append(want[ref.shard], ref.num)
	}
	ids := map[paraRef]string{}
	for si, nums := range want {
		ext, err := v.s.shards[si].externalIDs(ctx, nums)
		if err != nil {
			if v.shardMissing(v.s.shards[si], err) {
				continue
			}
			return fmt.Errorf("paragraph ids: %w", err)
		}
		for i, n := range nums {
			ids[paraRef{si, n}] = ext[i]
		}
	}
	for c, ref := range refOf {
		c.best = ids[ref] // "" (its first paragraph) when the shard did not answer
	}
	return nil
}
