package index

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsroom/newsearch/index/internal/score"
)

// The statistics the rescoring reads from the index: lengths, term
// frequencies and positions of the candidates, document frequencies of
// words, and the words of the feedback documents. Everything is read from
// the view's snapshot; what does not change within a generation is cached
// in it (rankCache).

// rankSet is the candidates read back for rescoring and the words counted
// in them.
type rankSet struct {
	group bool
	keys  []string // the candidates (articles with group, else paragraphs), in first-stage order
	docs  map[string]*score.Doc
	// paras are the paragraphs of the articles holding a counted word,
	// by id (group only).
	paras     map[string]*score.Para
	terms     []string       // the words counted, by slot
	slot      map[string]int // each word's index in terms
	title     bool           // count title occurrences
	section   bool           // count section-heading occurrences
	positions bool           // keep positions

	// paraAt are the paragraphs counted from the postings with group
	// (countFromPostings), by shard and document number.
	paraAt map[paraRef]*score.Para
	// refs are the candidate paragraphs (without group) by shard and
	// document number, when the first stage said them all; nil otherwise.
	refs map[paraRef]string
}

// paraRef is a paragraph by shard and document number.
type paraRef struct {
	shard int
	num   uint64
}

// placeholder is the id a paragraph counted from the postings has until
// resolve reads its real one: ordered like the paragraphs' numbers.
func (r paraRef) placeholder() string { return fmt.Sprintf("\x00%04d:%016d", r.shard, r.num) }

// paragraphRefs sets set.refs from the first stage's hits (the shard
// that answered each, and its document number there), when every
// candidate has them.
func (v view) paragraphRefs(set *rankSet, cands []*candidate) {
	shard := make(map[string]int, len(v.s.shards))
	for i, idx := range v.s.shards {
		shard[idx.Name()] = i
	}
	refs := make(map[paraRef]string, len(cands))
	for _, c := range cands {
		si, ok := shard[c.first.Index]
		num, ok2 := docNumber(c.first.IndexInternalID)
		if !ok || !ok2 || c.first.ID != c.key {
			return
		}
		refs[paraRef{si, num}] = c.key
	}
	set.refs = refs
}

// normLength is the field length a posting's norm (1/√length) says.
func normLength(norm float64) int {
	if norm <= 0 {
		return 0
	}
	return int(math.Round(1 / (norm * norm)))
}

// articleOf returns the article id of a paragraph document id (see
// ParagraphID).
func articleOf(paragraphID string) string {
	if i := strings.LastIndexByte(paragraphID, '-'); i > 0 {
		return paragraphID[:i]
	}
	return paragraphID
}

// paragraphNumber returns n of a paragraph document id (see ParagraphID).
func paragraphNumber(paragraphID string) int {
	n := 0
	for _, c := range paragraphID[strings.LastIndexByte(paragraphID, '-')+1:] {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// paragraphIDs returns the document ids of the candidates of keys: every
// paragraph of an article (they are numbered from 1 on), or the paragraph.
func (set *rankSet) paragraphIDs(keys []string) []string {
	if !set.group {
		return keys
	}
	var ids []string
	for _, k := range keys {
		if d := set.docs[k]; d != nil {
			for n := 1; n <= d.Paragraphs; n++ {
				ids = append(ids, ParagraphID(k, n))
			}
		}
	}
	return ids
}

// paragraphCount is the number of paragraphs of the candidates of keys
// (at least 1, at most maxRankParagraphs): the size of a search that
// reads them all, which sizes its collector.
func (set *rankSet) paragraphCount(keys []string) int {
	if !set.group {
		return max(1, min(len(keys), maxRankParagraphs))
	}
	n := 0
	for _, k := range keys {
		if d := set.docs[k]; d != nil {
			n += d.Paragraphs
		}
	}
	return max(1, min(n, maxRankParagraphs))
}

// scope is a query matching the candidates' paragraphs: by article id
// with group (one term per article; naming each paragraph's id costs a
// dictionary lookup per paragraph), else by paragraph id.
func (set *rankSet) scope() bquery.Query {
	if !set.group {
		return bleve.NewDocIDQuery(set.keys)
	}
	qs := make([]bquery.Query, 0, len(set.keys))
	for _, k := range set.keys {
		if set.docs[k] != nil {
			tq := bleve.NewTermQuery(k)
			tq.SetField(FieldArticleID)
			qs = append(qs, tq)
		}
	}
	if len(qs) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// loadRankSet reads the lengths of the candidates of keys (articles with
// group, else paragraphs).
func (v view) loadRankSet(ctx context.Context, keys []string, group, title, section, positions bool) (*rankSet, error) {
	set := &rankSet{group: group, keys: keys, docs: make(map[string]*score.Doc, len(keys)),
		paras: map[string]*score.Para{}, slot: map[string]int{}, title: title, section: section, positions: positions}
	lens, err := v.readLengths(ctx, keys, group)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		l, ok := lens[k]
		if !ok {
			continue // not stored: nothing to score
		}
		set.docs[k] = &score.Doc{Length: l.text, TitleLength: l.title, Paragraphs: max(l.paras, 1)}
	}
	return set, nil
}

// countTerms reads the occurrences of terms (those new to the set) in the
// candidates' paragraphs that hold any of them, from their term vectors,
// and gives each new word its slot.
func (v view) countTerms(ctx context.Context, set *rankSet, terms []string) error {
	var add []string
	for _, t := range terms {
		if _, ok := set.slot[t]; !ok {
			set.slot[t] = len(set.terms)
			set.terms = append(set.terms, t)
			add = append(add, t)
		}
	}
	if len(add) == 0 {
		return nil
	}
	grow := func(v []float64) []float64 { return append(v, make([]float64, len(set.terms)-len(v))...) }
	for _, d := range set.docs {
		d.TF, d.Title, d.Section = grow(d.TF), grow(d.Title), grow(d.Section)
		if set.positions {
			d.Pos = append(d.Pos, make([][]int, len(set.terms)-len(d.Pos))...)
		}
		for _, p := range d.Paras {
			p.TF, p.Section = grow(p.TF), grow(p.Section)
		}
	}
	if !set.positions && (set.group || set.refs != nil) {
		return v.countFromPostings(ctx, set, add)
	}
	scope := set.scope()
	var words []bquery.Query
	for _, t := range add {
		tq := bleve.NewTermQuery(t)
		tq.SetField(FieldText)
		words = append(words, tq)
		if set.title {
			tq := bleve.NewTermQuery(t)
			tq.SetField(FieldTitle)
			words = append(words, tq)
		}
		if set.section {
			tq := bleve.NewTermQuery(t)
			tq.SetField(FieldSection)
			words = append(words, tq)
		}
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(scope, bleve.NewDisjunctionQuery(words...)),
		set.paragraphCount(set.keys), 0, false)
	sr.IncludeLocations = true
	sr.Score = "none"
	res, err := v.run(ctx, sr)
	if err != nil {
		return err
	}
	var ids []string
	for _, dm := range res.Hits {
		if set.group && set.docs[articleOf(dm.ID)] != nil && set.paras[dm.ID] == nil {
			ids = append(ids, dm.ID)
		}
	}
	plen, err := v.readParagraphLengths(ctx, ids)
	if err != nil {
		return err
	}
	seenTitle := map[*score.Doc]bool{}
	for _, dm := range res.Hits {
		key := dm.ID
		if set.group {
			key = articleOf(dm.ID)
		}
		d := set.docs[key]
		if d == nil {
			continue
		}
		if !seenTitle[d] {
			seenTitle[d] = true
			for term, locs := range dm.Locations[FieldTitle] {
				if i, ok := set.slot[term]; ok {
					d.Title[i] = float64(len(locs))
				}
			}
		}
		var p *score.Para
		if set.group {
			if p = set.paras[dm.ID]; p == nil {
				p = &score.Para{ID: dm.ID, Length: plen[dm.ID], TF: make([]float64, len(set.terms)),
					Section: make([]float64, len(set.terms))}
				set.paras[dm.ID] = p
				d.Paras = append(d.Paras, p)
			}
		}
		for term, locs := range dm.Locations[FieldSection] {
			if i, ok := set.slot[term]; ok {
				if p != nil {
					p.Section[i] = float64(len(locs))
				} else {
					d.Section[i] = float64(len(locs))
				}
			}
		}
		base := paragraphNumber(dm.ID) * 1_000_000 // positions never span two paragraphs
		for term, locs := range dm.Locations[FieldText] {
			i, ok := set.slot[term]
			if !ok {
				continue
			}
			d.TF[i] += float64(len(locs))
			if p != nil {
				p.TF[i] = float64(len(locs))
			}
			if set.positions {
				for _, l := range locs {
					d.Pos[i] = append(d.Pos[i], base+int(l.Pos))
				}
			}
		}
	}
	return nil
}
