package index

import (
	"strings"
	"unicode/utf8"

	"github.com/newsroom/newsearch/internal/language"
)

// normalizeDocument readies a document read from a seed for indexing,
// whatever reader made it: a long paragraph of Chinese or Japanese text
// is cut at its sentence ends. Chinese news often comes as one block (a
// page whose breaks were lost, a feed's body on one line): as one
// paragraph, a search would find the whole article as one hit, its BM25
// length would be the article's, and its snippet could show only a corner
// of it.
//
// Its language, as its reader declared it, becomes a bare language code
// (de-AT is de): the analyzer and the facet go by it.
func normalizeDocument(d *Document) {
	if d.Language != language.Undetermined {
		d.Language = language.Tag(d.Language)
	}
	var out []Paragraph
	for i, p := range d.Paragraphs {
		parts := splitCJKParagraph(p.Text)
		if len(parts) < 2 {
			if out != nil {
				out = append(out, p)
			}
			continue
		}
		if out == nil {
			out = append(make([]Paragraph, 0, len(d.Paragraphs)+len(parts)), d.Paragraphs[:i]...)
		}
		for _, t := range parts {
			out = append(out, Paragraph{Section: p.Section, Text: t})
		}
	}
	if out != nil {
		d.Paragraphs = out
	}
}

// Sizes of a CJK paragraph, in characters: one longer than
// maxCJKParagraph is cut into pieces of whole sentences, each at least
// minCJKPiece long where the text allows (the last may be shorter: it is
// merged with the one before when it would be shorter than minCJKPiece).
const (
	maxCJKParagraph = 300
	minCJKPiece     = 120
)

// isCJKSentenceEnd reports whether r ends a sentence of Chinese or
// Japanese text.
func isCJKSentenceEnd(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '｡'
}

// isCloser reports whether r closes a quotation or bracket, and so belongs
// to the sentence that ends before it (。” ends the sentence after the ”).
func isCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', ')', '》', '〉', '】', '〗', '"', '\'':
		return true
	}
	return false
}

// splitCJKParagraph returns the pieces of a long paragraph cut at CJK
// sentence ends, nil when it is not long or has no place to cut. Nothing
// of the text is lost or changed but the white space around the cuts.
func splitCJKParagraph(text string) []string {
	if len(text) < maxCJKParagraph || utf8.RuneCountInString(text) <= maxCJKParagraph ||
		!strings.ContainsAny(text, "。！？｡") {
		return nil
	}
	var cuts []int // byte offsets where a piece ends
	runes := 0     // since the last cut
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		runes++
		if !isCJKSentenceEnd(r) {
			continue
		}
		for i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isCloser(r) && !isCJKSentenceEnd(r) {
				break
			}
			i += size
			runes++
		}
		if runes >= minCJKPiece && i < len(text) {
			cuts = append(cuts, i)
			runes = 0
		}
	}
	if len(cuts) > 0 && runes < minCJKPiece {
		cuts = cuts[:len(cuts)-1] // a short tail joins the piece before
	}
	if len(cuts) == 0 {
		return nil
	}
	pieces := make([]string, 0, len(cuts)+1)
	start := 0
	for _, c := range append(cuts, len(text)) {
		if p := strings.TrimSpace(text[start:c]); p != "" {
			pieces = append(pieces, p)
		}
		start = c
	}
	if len(pieces) < 2 {
		return nil
	}
	return pieces
}
