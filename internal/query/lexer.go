package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tLeaf           // a word, phrase or prefix: leaf is set
	tLParen         // "(": neg and field may be set ("-(", "title:(")
	tRParen         // ")"
	tAnd            // the keyword AND
	tOr             // the keyword OR
	tNot            // the keyword NOT
)

// token is one lexical item. Noise (a lone "-", punctuation-only words, empty
// phrases) never becomes a token.
type token struct {
	kind  tokKind
	col   int    // 1-based rune column of the token's first rune
	neg   int    // number of leading '-' (tLeaf, tLParen)
	field string // field scope of a tLParen ("" = inherit)
	leaf  Node   // *Term, *Phrase or *Prefix for tLeaf
}

// op returns the keyword of an operator token, for messages.
func (t token) op() string {
	switch t.kind {
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	}
	return "operator"
}

// isSpace reports whether r separates tokens: any Unicode white space, plus
// the zero-width space, word joiner and byte order mark that pasted text often
// carries.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\u2060' || r == '\uFEFF'
}

// isQuote reports whether r opens or closes a phrase: the ASCII double quote
// and the typographic double quotes keyboards substitute for it.
func isQuote(r rune) bool {
	return r == '"' || r == '\u201C' || r == '\u201D' || r == '\u201E'
}

// isDelim reports whether r ends a word.
func isDelim(r rune) bool {
	return r == '(' || r == ')' || isQuote(r) || isSpace(r)
}

// hasContent reports whether s has a letter or a digit, that is something the
// analyzer will index. Words and phrases without one are noise.
func hasContent(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
				return true
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

func trimSpace(s string) string { return strings.TrimFunc(s, isSpace) }

// clean makes text valid UTF-8, replacing bad bytes with U+FFFD.
func clean(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func isASCIILetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// lexer splits the query into tokens on demand.
type lexer struct {
	s   string
	i   int // byte offset of the next rune
	col int // rune column of the next rune
}

// peek returns the next rune and its size, or -1 at the end. An invalid byte
// is returned as utf8.RuneError of size 1 (one column).
func (lx *lexer) peek() (rune, int) {
	if lx.i >= len(lx.s) {
		return -1, 0
	}
	if c := lx.s[lx.i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(lx.s[lx.i:])
}

func (lx *lexer) advance(size int) {
	lx.i += size
	lx.col++
}

// next returns the next token, skipping noise.
func (lx *lexer) next() (token, error) {
	// neg and field are carried from a word such as "-", "title:" or
	// "-title:" to the "(" or quote that directly follows it.
	neg, field := 0, ""
	for {
		r, size := lx.peek()
		for r >= 0 && isSpace(r) {
			lx.advance(size)
			r, size = lx.peek()
		}
		col := lx.col
		switch {
		case r < 0:
			return token{kind: tEOF, col: col}, nil
		case r == '(':
			lx.advance(size)
			return token{kind: tLParen, col: col, neg: neg, field: field}, nil
		case r == ')':
			lx.advance(size)
			return token{kind: tRParen, col: col}, nil
		case isQuote(r):
			lx.advance(size)
			start, end := lx.i, lx.i
			for {
				q, qs := lx.peek()
				if q < 0 {
					return token{}, errUnbalancedQuote(col, r)
				}
				end = lx.i
				lx.advance(qs)
				if isQuote(q) {
					break
				}
			}
			text := trimSpace(lx.s[start:end])
			if !hasContent(text) {
				neg, field = 0, ""
				continue
			}
			return token{kind: tLeaf, col: col, neg: neg,
				leaf: &Phrase{Field: field, Text: clean(text), Column: col}}, nil
		}

		start := lx.i
		for r >= 0 && !isDelim(r) {
			lx.advance(size)
			r, size = lx.peek()
		}
		// r is now the rune after the word.
		t, pending, err := word(lx.s[start:lx.i], col, r == '(' || isQuote(r))
		if err != nil {
			return token{}, err
		}
		switch {
		case pending:
			neg, field = t.neg, t.field
		case t.kind != tEOF:
			return t, nil
		}
		// Otherwise the word was noise: drop it.
	}
}

// word classifies the word w that starts at column col. followed reports
// whether a "(" or quote comes right after it. It returns either a token, or
// pending=true with neg and field to apply to that "(" or quote, or a token of
// kind tEOF when the word is noise to drop.
func word(w string, col int, followed bool) (t token, pending bool, err error) {
	switch w {
	case "AND":
		return token{kind: tAnd, col: col}, false, nil
	case "OR":
		return token{kind: tOr, col: col}, false, nil
	case "NOT":
		return token{kind: tNot, col: col}, false, nil
	}

	// Leading '-' negate (each one flips), leading ':' are stray. Both are
	// ASCII, and so is a field name, so byte offsets in this prefix are
	// column offsets.
	off, neg := 0, 0
	strip := func() {
		for off < len(w) && (w[off] == '-' || w[off] == ':') {
			if w[off] == '-' {
				neg++
			}
			off++
		}
	}
	strip()
	rest := w[off:]
	field := ""

	// name:value is a field scope when name is ASCII letters only and value
	// is not empty (a following quote or "(" counts as a value). "x://..."
	// is a URL, not a field scope.
	if k := strings.IndexByte(rest, ':'); k > 0 && isASCIILetters(rest[:k]) &&
		(k+1 < len(rest) || followed) && !strings.HasPrefix(rest[k:], "://") {
		f, ok := lookupField(rest[:k])
		if !ok {
			return token{}, false, errUnknownField(col+off, rest[:k])
		}
		field = f
		off += k + 1
		strip()
		rest = w[off:]
	}

	if rest == "" {
		if followed {
			return token{neg: neg, field: field}, true, nil
		}
		return token{}, false, nil // a lone "-", ":" or "title:-": noise
	}

	col += off
	text := strings.TrimRight(rest, ":")
	if star := strings.IndexByte(text, '*'); star >= 0 {
		if star != len(text)-1 {
			return token{}, false, errWildcard(col, rest)
		}
		text = text[:star]
		if utf8.RuneCountInString(text) < MinPrefixLen {
			return token{}, false, errPrefixTooShort(col, rest)
		}
		if !hasContent(text) {
			return token{}, false, nil
		}
		return token{kind: tLeaf, col: col, neg: neg,
			leaf: &Prefix{Field: field, Text: clean(text), Column: col}}, false, nil
	}
	if !hasContent(text) {
		return token{}, false, nil
	}
	switch text {
	case "AND", "OR", "NOT":
		// Not in operator position ("-OR", "title:OR"): an ordinary word.
		// Lowercase it so that String never renders it as an operator; the
		// analyzer lowercases words anyway.
		text = strings.ToLower(text)
	}
	return token{kind: tLeaf, col: col, neg: neg,
		leaf: &Term{Field: field, Text: clean(text), Column: col}}, false, nil
}
