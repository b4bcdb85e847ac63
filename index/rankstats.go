package index

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

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
	positions bool           // keep positions
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

// loadRankSet reads the lengths of the candidates of keys (articles with
// group, else paragraphs).
func (v view) loadRankSet(ctx context.Context, keys []string, group, title, positions bool) (*rankSet, error) {
	set := &rankSet{group: group, keys: keys, docs: make(map[string]*score.Doc, len(keys)),
		paras: map[string]*score.Para{}, slot: map[string]int{}, title: title, positions: positions}
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
		d.TF, d.Title = grow(d.TF), grow(d.Title)
		if set.positions {
			d.Pos = append(d.Pos, make([][]int, len(set.terms)-len(d.Pos))...)
		}
		for _, p := range d.Paras {
			p.TF = grow(p.TF)
		}
	}
	scope := bleve.NewDocIDQuery(set.paragraphIDs(set.keys))
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
	}
	sr := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(scope, bleve.NewDisjunctionQuery(words...)), maxRankParagraphs, 0, false)
	sr.IncludeLocations = true
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
				p = &score.Para{ID: dm.ID, Length: plen[dm.ID], TF: make([]float64, len(set.terms))}
				set.paras[dm.ID] = p
				d.Paras = append(d.Paras, p)
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

// readFrequencies returns the number of documents (articles with group and
// not rk.ParagraphDF, else paragraphs) and how many hold each term.
func (v view) readFrequencies(ctx context.Context, terms []string, group bool, rk *Ranking) (int, map[string]int, error) {
	if group && !rk.ParagraphDF {
		return v.countArticleDF(ctx, terms)
	}
	return v.countParagraphDF(terms)
}

// countParagraphDF returns the number of paragraphs and how many hold each
// term in their text, from the field dictionaries of the view's shards.
func (v view) countParagraphDF(terms []string) (int, map[string]int, error) {
	n := 0
	df := make(map[string]int, len(terms))
	for _, idx := range v.s.shards {
		c, err := idx.DocCount()
		if err != nil {
			return 0, nil, fmt.Errorf("count documents: %w", err)
		}
		n += int(c)
		for _, t := range terms {
			d, err := idx.FieldDictRange(FieldText, []byte(t), []byte(t))
			if err != nil {
				return 0, nil, fmt.Errorf("read dictionary of %s: %w", FieldText, err)
			}
			for {
				e, err := d.Next()
				if err != nil {
					d.Close()
					return 0, nil, fmt.Errorf("read dictionary of %s: %w", FieldText, err)
				}
				if e == nil {
					break
				}
				if e.Term == t {
					df[t] += int(e.Count)
				}
			}
			d.Close()
		}
	}
	return n, df, nil
}

// countArticleDF returns the number of articles and how many of them hold
// each term in their text: one search per term not cached, counting the
// terms of the article facet.
func (v view) countArticleDF(ctx context.Context, terms []string) (int, map[string]int, error) {
	articles := v.s.status.Articles
	c := v.s.cache
	df := make(map[string]int, len(terms))
	var missing []string
	c.mu.Lock()
	if len(c.df) > maxDFCache {
		c.df = map[string]int{}
	}
	for _, t := range terms {
		if n, ok := c.df[t]; ok {
			df[t] = n
		} else {
			missing = append(missing, t)
		}
	}
	c.mu.Unlock()
	for _, t := range missing {
		tq := bleve.NewTermQuery(t)
		tq.SetField(FieldText)
		sr := bleve.NewSearchRequestOptions(tq, 0, 0, false)
		sr.AddFacet("article", bleve.NewFacetRequest(FieldArticleID, max(articles, 1)))
		res, err := v.run(ctx, sr)
		if err != nil {
			return 0, nil, err
		}
		if f := res.Facets["article"]; f != nil && f.Terms != nil {
			df[t] = len(f.Terms.Terms())
		}
	}
	if len(missing) > 0 {
		c.mu.Lock()
		for _, t := range missing {
			c.df[t] = df[t]
		}
		c.mu.Unlock()
	}
	return articles, df, nil
}

// docLength is the number of tokens of the text and the title of a
// paragraph, or of an article (its paragraphs' text added up, and their
// number).
type docLength struct{ text, title, paras int }

// readLengths returns the lengths of the candidates of keys (articles with
// group, else paragraphs), reading the stored text of those not cached.
// Reading an article caches its paragraphs' lengths too.
func (v view) readLengths(ctx context.Context, keys []string, group bool) (map[string]docLength, error) {
	prefix := ""
	if group {
		prefix = "a/"
	}
	c := v.s.cache
	out := make(map[string]docLength, len(keys))
	var missing []string
	c.mu.Lock()
	if len(c.lengths) > maxLengthCache {
		c.lengths = map[string]docLength{}
	}
	for _, k := range keys {
		if l, ok := c.lengths[prefix+k]; ok {
			out[k] = l
		} else {
			missing = append(missing, k)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	var q bquery.Query = bleve.NewDocIDQuery(missing)
	if group {
		qs := make([]bquery.Query, 0, len(missing))
		for _, k := range missing {
			tq := bleve.NewTermQuery(k)
			tq.SetField(FieldArticleID)
			qs = append(qs, tq)
		}
		q = bleve.NewDisjunctionQuery(qs...)
	}
	sr := bleve.NewSearchRequestOptions(q, maxRankParagraphs, 0, false)
	sr.Fields = []string{FieldText, FieldTitle}
	res, err := v.run(ctx, sr)
	if err != nil {
		return nil, err
	}
	paras := make(map[string]docLength, len(res.Hits))
	for _, dm := range res.Hits {
		text, _ := dm.Fields[FieldText].(string)
		title, _ := dm.Fields[FieldTitle].(string)
		l := docLength{text: v.textLength(text), title: v.textLength(title)}
		paras[dm.ID] = l
		if group {
			a := articleOf(dm.ID)
			sum := out[a]
			sum.text += l.text
			sum.title = l.title
			sum.paras++
			out[a] = sum
		} else {
			out[dm.ID] = l
		}
	}
	c.mu.Lock()
	for id, l := range paras {
		c.lengths[id] = l
	}
	if group {
		for _, k := range missing {
			if l, ok := out[k]; ok {
				c.lengths[prefix+k] = l
			}
		}
	}
	c.mu.Unlock()
	return out, nil
}

// readParagraphLengths returns the text lengths of the paragraphs of ids,
// reading the stored text of those not cached.
func (v view) readParagraphLengths(ctx context.Context, ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	lens, err := v.readLengths(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	for id, l := range lens {
		out[id] = l.text
	}
	return out, nil
}

// countTokens counts the words of a text as the text analyzer's Unicode
// tokenizer (UAX #29 word boundaries) makes them, closely enough for
// length normalisation: runs of letters, digits and marks; a full stop or
// an apostrophe between two letters or two digits, a colon between two
// letters, a comma or semicolon between two digits and an underscore
// anywhere inside do not split a word.
func countTokens(s string) int {
	const (
		none = iota
		letter
		digit
	)
	class := func(c rune) int {
		switch {
		case unicode.IsLetter(c) || unicode.IsMark(c):
			return letter
		case unicode.IsDigit(c):
			return digit
		}
		return none
	}
	n, prev := 0, none // prev: the class of the word's last letter or digit, none outside a word
	for i, c := range s {
		if k := class(c); k != none {
			if prev == none {
				n++
			}
			prev = k
			continue
		}
		if prev == none {
			continue
		}
		next := class(nextRune(s[i+utf8.RuneLen(c):]))
		switch {
		case c == '_' && next != none:
		case (c == '.' || c == '\'' || c == '’') && next == prev:
		case c == ':' && prev == letter && next == letter:
		case (c == ',' || c == ';') && prev == digit && next == digit:
		default:
			prev = none
		}
	}
	return n
}

func nextRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// analyzeTexts returns the terms of the text of each candidate of keys
// in set (every paragraph of an article with group) as the text analyzer
// makes them, and their number.
func (v view) analyzeTexts(ctx context.Context, set *rankSet, keys []string) (map[string]map[string]int, map[string]int, error) {
	sr := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(set.paragraphIDs(keys)), maxRankParagraphs, 0, false)
	sr.Fields = []string{FieldText}
	res, err := v.run(ctx, sr)
	if err != nil {
		return nil, nil, err
	}
	tfs := map[string]map[string]int{}
	lens := map[string]int{}
	for _, dm := range res.Hits {
		key := dm.ID
		if set.group {
			key = articleOf(dm.ID)
		}
		tf := tfs[key]
		if tf == nil {
			tf = map[string]int{}
			tfs[key] = tf
		}
		text, _ := dm.Fields[FieldText].(string)
		for _, tok := range v.r.text.Analyze([]byte(text)) {
			tf[string(tok.Term)]++
			lens[key]++
		}
	}
	return tfs, lens, nil
}
