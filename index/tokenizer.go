package index

import (
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// tokenizerName is the registered name of asciiTokenizer.
const tokenizerName = "news_unicode"

func init() {
	if err := registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return newASCIITokenizer(), nil
	}); err != nil {
		panic(fmt.Errorf("register tokenizer %s: %w", tokenizerName, err))
	}
}

// asciiTokenizer produces exactly the tokens of bleve's unicode tokenizer
// (UAX#29 word boundaries, as github.com/blevesearch/segment implements
// them), faster on ASCII text. It splits the input at ASCII white space,
// which always ends a word, and tokenizes pure-ASCII chunks itself. A
// chunk that is valid UTF-8 but not ASCII goes to the unicode tokenizer
// with the white-space byte before it, which may take marks after it into
// its own segment. From the first chunk that is not valid UTF-8 on, the
// whole rest of the input does: segment's tables read some invalid
// sequences across white space, and it stops for good at an invalid byte
// after a non-word segment, so only the real thing, run from a known
// segment boundary to the end, gives the same tokens.
type asciiTokenizer struct {
	unicode *unicode.UnicodeTokenizer
}

func newASCIITokenizer() *asciiTokenizer {
	return &asciiTokenizer{unicode: unicode.NewUnicodeTokenizer()}
}

// Tokenize implements analysis.Tokenizer.
func (t *asciiTokenizer) Tokenize(input []byte) analysis.TokenStream {
	rv := make(analysis.TokenStream, 0, len(input)/6+1)
	var block []analysis.Token // tokens are allocated by blocks
	for i := 0; i < len(input); {
		if isSpace(input[i]) {
			i++
			continue
		}
		end, ascii := i, true
		for ; end < len(input) && !isSpace(input[end]); end++ {
			ascii = ascii && input[end] < utf8.RuneSelf
		}
		if !ascii {
			from := max(i-1, 0) // the white space before holds on to marks after it
			if !utf8.Valid(input[i:end]) {
				return t.appendUnicode(rv, input, from, len(input))
			}
			rv = t.appendUnicode(rv, input, from, end)
			i = end
			continue
		}
		for i < end {
			if !isWord(input[i]) {
				i++
				continue
			}
			start := i
			var typ analysis.TokenType
			i, typ = scanWord(input[:end], i)
			if len(block) == 0 {
				block = make([]analysis.Token, (len(input)-start)/6+1)
			}
			tok := &block[0]
			block = block[1:]
			tok.Term, tok.Start, tok.End, tok.Position, tok.Type = input[start:i], start, i, len(rv)+1, typ
			rv = append(rv, tok)
		}
	}
	return rv
}

// appendUnicode appends to rv the unicode tokenizer's tokens of
// input[from:to], placed in input and after rv.
func (t *asciiTokenizer) appendUnicode(rv analysis.TokenStream, input []byte, from, to int) analysis.TokenStream {
	n := len(rv)
	for _, tok := range t.unicode.Tokenize(input[from:to]) {
		tok.Start += from
		tok.End += from
		tok.Position += n
		rv = append(rv, tok)
	}
	return rv
}

// isSpace reports whether c is ASCII white space, where the chunks split.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWord reports whether c starts a word: ALetter, Numeric or ExtendNumLet.
func isWord(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// joinsLetters reports whether c is MidLetter, MidNumLet or Single_Quote,
// which keep letter × c × letter together (WB6, WB7).
func joinsLetters(c byte) bool { return c == ':' || c == '.' || c == '\'' }

// joinsDigits reports whether c is MidNum, MidNumLet or Single_Quote,
// which keep digit × c × digit together (WB11, WB12).
func joinsDigits(c byte) bool { return c == ',' || c == ';' || c == '.' || c == '\'' }

// scanWord returns the end and the type of the word that starts with the
// word byte b[i], as segment reads it: letters, digits and underscores,
// and a joiner between two letters or two digits.
func scanWord(b []byte, i int) (int, analysis.TokenType) {
	letter, digit := false, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case isLetter(c):
			letter = true
		case isDigit(c):
			digit = true
		case c == '_':
		case i+1 < len(b) && joinsLetters(c) && isLetter(b[i-1]) && isLetter(b[i+1]):
		case i+1 < len(b) && joinsDigits(c) && isDigit(b[i-1]) && isDigit(b[i+1]):
		default:
			return i, wordType(letter, digit)
		}
	}
	return i, wordType(letter, digit)
}

// wordType is the token type the unicode tokenizer gives a word: numeric
// when it has digits and no letter (underscores alone make a word).
func wordType(letter, digit bool) analysis.TokenType {
	if digit && !letter {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}
