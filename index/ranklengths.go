package index

import (
	"context"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bquery "github.com/blevesearch/bleve/v2/search/query"
)

// Lengths for the rescoring: the tokens of the candidates' text and title,
// read from their norms or counted from their stored text, and the words
// of the feedback documents.

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
	sr := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(set.paragraphIDs(keys)), set.paragraphCount(keys), 0, false)
	sr.Fields = []string{FieldText}
	sr.Score = "none"
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
