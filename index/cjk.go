package index

import (
	"fmt"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/go-ego/gse"
)

// Chinese (and the kanji of Japanese) is written without spaces: the
// unicode tokenizer makes every Han character a token of its own, so that
// 地铁 ("metro") could only be searched as the phrase 地 铁, which also
// matches across two words (天地 铁路), and a paragraph's length, its
// statistics and the pseudo-relevance feedback are all about single
// characters (的, 一, 不).
//
// segmentCJK replaces each run of Han characters by its words: a
// dictionary segmentation (gse, its simplified-Chinese dictionary) in
// accurate mode, with every word longer than cjkMaxWord characters cut
// again into the dictionary words it is made of (gse's search-mode
// sub-segmentation of that word, never one that crosses its edges), so
// that 地铁站 is indexed 地铁 站 and 中华人民共和国 中华 人民 共和 国: a
// query for 地铁 or 人民 finds the longer words, a query for 华人 does not
// find 中华人民共和国, and a query for a long word, cut the same way, is
// the phrase of its pieces. Queries go through the same analyzer.
//
// A word of one character stands beside the next one when the pair is a
// dictionary word inside a longer one (外交部长 → 外交 部 部长 长, 部长 at
// the position of 部), so that 部长 finds it too.
//
// Japanese articles use bigrams (the Chinese dictionary does not know
// Japanese words; languages.go); single characters, what the unicode
// tokenizer gives, exist for the evaluation (bench/RESULTS.md).

// cjkMode is how runs of Han characters are cut into tokens.
type cjkMode int

const (
	cjkWords    cjkMode = iota // dictionary words (the mapping's)
	cjkBigrams                 // overlapping character bigrams
	cjkUnigrams                // single characters, as the unicode tokenizer gives them
)

// cjkMaxWord is the longest word, in characters, that the index keeps
// whole; longer ones are indexed as their sub-words.
const cjkMaxWord = 2

// zhDict loads gse's simplified-Chinese dictionary once per process, on
// first use (about 2.5 s and 130 MiB; a process that never sees Chinese
// text never pays it). It is read-only once loaded: segmentation only
// reads the dictionary, from any goroutine.
var zhDict = sync.OnceValues(func() (*gse.Segmenter, error) {
	seg := &gse.Segmenter{SkipLog: true}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("load Chinese dictionary: %w", err)
	}
	return seg, nil
})

// hasHan reports whether s has a Han character. Every Han character is
// at U+2E80 or above, three or four bytes in UTF-8 led by 0xE2 or more:
// other bytes are skipped undecoded.
func hasHan(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0xE2 {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.Is(unicode.Han, r) {
			return true
		}
		i += size - 1
	}
	return false
}

// The dictionary is loaded by the first analysis of Han text: 2.5 s that
// a search's deadline cannot wait for. So a Reader loads it in the
// background as soon as it serves a generation holding Han text (which
// every indexed article with any records in its facets: hanTerm), and a
// generation without any needs no analysis of a query's Han words, which
// cannot match there (the translator matches nothing for them).

// hanTerm is the FieldFacets term of an article with Han characters.
const hanTerm = "script" + facetSep + "han"

// documentHasHan reports whether a document has Han characters in its
// title, a section heading or a paragraph.
func documentHasHan(d *Document) bool {
	if hasHan(d.Title) {
		return true
	}
	for _, p := range d.Paragraphs {
		if hasHan(p.Text) || hasHan(p.Section) {
			return true
		}
	}
	return false
}

// servesHan reports whether any of the shards holds an article with Han
// characters.
func servesHan(shards []shard) (bool, error) {
	for _, idx := range shards {
		d, err := idx.FieldDictPrefix(FieldFacets, []byte(hanTerm))
		if err != nil {
			return false, fmt.Errorf("read scripts: %w", err)
		}
		e, err := d.Next()
		d.Close()
		if err != nil {
			return false, fmt.Errorf("read scripts: %w", err)
		}
		if e != nil && e.Term == hanTerm {
			return true, nil
		}
	}
	return false, nil
}

// isHanToken reports whether a token is one Han character.
func isHanToken(tok *analysis.Token) bool {
	if tok.Type != analysis.Ideographic {
		return false
	}
	r, size := utf8.DecodeRune(tok.Term)
	return size == len(tok.Term) && unicode.Is(unicode.Han, r)
}

// isRunToken reports whether a token belongs to a run that mode cuts: a
// Han character, and in bigram mode (Japanese) a hiragana one too, which
// the unicode tokenizer also gives one a token (katakana come as words).
func isRunToken(tok *analysis.Token, mode cjkMode) bool {
	if isHanToken(tok) {
		return true
	}
	if mode != cjkBigrams || tok.Type != analysis.Ideographic {
		return false
	}
	r, size := utf8.DecodeRune(tok.Term)
	return size == len(tok.Term) && unicode.Is(unicode.Hiragana, r)
}

// segmentCJK replaces each run of adjacent one-character Han tokens by the
// tokens of mode, renumbering positions; a stream without Han tokens is
// returned as it is.
func segmentCJK(toks analysis.TokenStream, mode cjkMode) analysis.TokenStream {
	if mode == cjkUnigrams {
		return toks
	}
	has := false
	for _, tok := range toks {
		if isRunToken(tok, mode) {
			has = true
			break
		}
	}
	if !has {
		return toks
	}
	var seg *gse.Segmenter
	if mode == cjkWords {
		var err error
		if seg, err = zhDict(); err != nil {
			return toks // the characters, as without a dictionary
		}
	}
	out := make(analysis.TokenStream, 0, len(toks))
	for i := 0; i < len(toks); {
		if !isRunToken(toks[i], mode) {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && isRunToken(toks[j], mode) && toks[j].Start == toks[j-1].End {
			j++
		}
		out = appendRun(out, toks[i:j], mode, seg)
		i = j
	}
	pos := 0
	for _, tok := range out {
		if tok.Type == cjkSamePosition {
			tok.Type = analysis.Ideographic
		} else {
			pos++
		}
		tok.Position = pos
	}
	return out
}

// appendRun appends the tokens of a run of one-character Han tokens.
func appendRun(out analysis.TokenStream, run analysis.TokenStream, mode cjkMode, seg *gse.Segmenter) analysis.TokenStream {
	if len(run) == 1 {
		return append(out, run[0])
	}
	// span makes the token of the run's characters [a, b).
	span := func(a, b int) *analysis.Token {
		var term []byte
		for _, t := range run[a:b] {
			term = append(term, t.Term...)
		}
		return &analysis.Token{Term: term, Start: run[a].Start, End: run[b-1].End, Type: analysis.Ideographic}
	}
	if mode == cjkBigrams {
		for k := 0; k+1 < len(run); k++ {
			out = append(out, span(k, k+2))
		}
		return out
	}
	var text []byte
	for _, t := range run {
		text = append(text, t.Term...)
	}
	// Character k of the run starts at byte byteAt[k] of text, and the
	// character starting at byte i is charAt[i].
	charAt := make(map[int]int, len(run)+1)
	byteAt := make([]int, len(run)+1)
	at := 0
	for k, t := range run {
		charAt[at], byteAt[k] = k, at
		at += len(t.Term)
	}
	charAt[at], byteAt[len(run)] = len(run), at
	for _, s := range seg.Segment(text) {
		a, okA := charAt[s.Start()]
		b, okB := charAt[s.End()]
		if !okA || !okB || b <= a {
			// Not on character edges (never seen): the characters.
			for k := a; okA && k < len(run) && (!okB || k < b); k++ {
				out = append(out, run[k])
			}
			continue
		}
		pieces := wordPieces(nil, s.Token(), a, b, byteAt, charAt)
		if len(pieces) == 1 {
			out = append(out, span(a, b))
			continue
		}
		// A long word: its pieces, each followed by the dictionary
		// words of cjkMaxWord characters that start where it starts
		// and are not pieces (部长 in 外交部长, cut 外交 部 长; 大学 in
		// 大学生, cut 大 学生), at the piece's position. Words that
		// start inside a piece (华人 in 中华人民, cut 中华 人民) are not
		// the word's.
		for _, pc := range pieces {
			out = append(out, span(pc[0], pc[1]))
			if e := pc[0] + cjkMaxWord; pc[1]-pc[0] == 1 && e <= b {
				if inDictionary(seg, span(pc[0], e).Term) {
					extra := span(pc[0], e)
					extra.Type = cjkSamePosition
					out = append(out, extra)
				}
			}
		}
	}
	return out
}

// cjkSamePosition marks a token that takes the position of the token
// before it (a word inside a longer word, indexed beside its pieces);
// segmentCJK numbers positions by it and gives such tokens the
// ideographic type back.
const cjkSamePosition analysis.TokenType = 1 << 10

// inDictionary reports whether word is a word of the dictionary.
func inDictionary(seg *gse.Segmenter, word []byte) bool {
	freq, _, ok := seg.Dict.Find(word)
	return ok && freq > 0
}

// wordPieces appends the pieces, as character ranges of the run, of the
// word of characters [a, b): the word itself when it is at most
// cjkMaxWord long, else the pieces of the dictionary words it is made of
// (gse's sub-segmentation of the word, which never crosses its edges).
func wordPieces(out [][2]int, tok *gse.Token, a, b int, byteAt []int, charAt map[int]int) [][2]int {
	if b-a <= cjkMaxWord || tok == nil || len(tok.Segments()) < 2 {
		return append(out, [2]int{a, b})
	}
	// The sub-segments' offsets are bytes of the word's text.
	base := byteAt[a]
	var subs [][3]int // character range and index of each sub-segment
	for i, sub := range tok.Segments() {
		x, okX := charAt[base+sub.Start()]
		y, okY := charAt[base+sub.End()]
		if !okX || !okY || y <= x || (len(subs) == 0 && x != a) || (len(subs) > 0 && x != subs[len(subs)-1][1]) {
			return append(out, [2]int{a, b}) // not a cut of the word: whole
		}
		subs = append(subs, [3]int{x, y, i})
	}
	if subs[len(subs)-1][1] != b {
		return append(out, [2]int{a, b})
	}
	for _, sb := range subs {
		out = wordPieces(out, tok.Segments()[sb[2]].Token(), sb[0], sb[1], byteAt, charAt)
	}
	return out
}

// textLength is the length of a text in the text analyzer's tokens, as
// BM25 normalises it: countTokens' fast count, except for text with Han
// characters, which it counts as one word per run; such text is
// analysed.
func (v view) textLength(s string) int {
	if hasHan(s) {
		return len(v.r.text.Analyze([]byte(s)))
	}
	return countTokens(s)
}

// dropFeedbackNoise removes from the terms of feedback documents those no
// expansion should add: single Han characters (的, 一, 不, 有: function
// words and characters that stand for no topic of their own), whose
// frequency would otherwise put them above every real word of a Chinese
// text.
func dropFeedbackNoise(tfs map[string]map[string]int) {
	for _, tf := range tfs {
		for t := range tf {
			if r, size := utf8.DecodeRuneInString(t); size == len(t) && unicode.Is(unicode.Han, r) {
				delete(tf, t)
			}
		}
	}
}
