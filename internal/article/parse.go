package article

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Reasons a seed is not an article. Parse wraps them with detail; test with errors.Is.
var (
	ErrEmpty       = errors.New("empty seed")
	ErrBinary      = errors.New("binary data, not text")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrNoBody      = errors.New("no article body found")
)

// Limits of the paragraph splitter, in words.
const (
	// A paragraph longer than this is split at sentence ends into passages.
	maxParagraphWords = 200
	// Passages aim at this many words.
	passageWords = 120
	// A paragraph with no sentence end is cut at a word boundary past this.
	hardCutWords = 400
)

const unset Kind = -1

// bom is the UTF-8 byte order mark.
var bom = []byte{0xef, 0xbb, 0xbf}

// Parse reads one seed file's bytes into an Article. seed is the file's
// path relative to the seeds folder; it names the article and derives its id.
// A seed that is empty, binary, not UTF-8 or has no body text is an error
// wrapping one of ErrEmpty, ErrBinary, ErrInvalidUTF8 or ErrNoBody.
func Parse(seed string, data []byte) (*Article, error) {
	return ParseWeighted(seed, data, DefaultWeights())
}

// ParseWeighted is Parse with the given line-shape weights instead of
// DefaultWeights: for tuning them on annotated pages.
func ParseWeighted(seed string, data []byte, w Weights) (*Article, error) {
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, fmt.Errorf("%w: NUL byte at offset %d", ErrBinary, i)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w at byte offset %d", ErrInvalidUTF8, firstInvalid(data))
	}
	if isBinaryText(data) {
		return nil, fmt.Errorf("%w: too many control characters", ErrBinary)
	}
	p := newParser(string(data))
	p.w = w
	p.classify()
	p.nearDate()
	p.nearAuthor()
	a := p.article(seed)
	if len(a.Paragraphs) == 0 {
		return a, ErrNoBody
	}
	return a, nil
}

// firstInvalid returns the offset of the first byte that is not valid UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// isBinaryText reports whether text has more than 1% control characters
// other than tab, line feed, carriage return and form feed.
func isBinaryText(b []byte) bool {
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			ctl++
		}
	}
	return ctl > 0 && ctl*100 > len(b)
}

// splitLines splits text at LF, CRLF and lone CR.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// parser holds the state of one parse.
type parser struct {
	w Weights
	// dates finds and remembers the dates of lines.
	dates dateFinder
	// metaMemo memoises metaShape per line, as chromeMemo does chrome.
	metaMemo []int8
	// chromeMemo memoises chrome per line: 0 not yet asked, 1 yes, 2 no.
	chromeMemo []int8
	raw        []string
	lines      []Line
	body0      int // index of the first body line

	title     string
	author    string
	source    string
	editors   string
	date      dateParts
	hasDate   bool
	titleLine bool
	// pendingDate is a date found above the title, used when none is below it.
	pendingDate *dateParts
	// bodyDate is the first date standing alone on a line of the body,
	// used when nothing else dates the article.
	bodyDate *dateParts
}

func newParser(text string) *parser {
	raw := splitLines(text)
	// A final newline does not start another line.
	if len(raw) > 1 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	p := &parser{raw: raw, lines: make([]Line, len(raw)), dates: newDateFinder()}
	for i, r := range raw {
		t := normaliseSpace(r)
		k := unset
		if t == "" {
			k = KindBlank
		}
		p.lines[i] = Line{No: i + 1, Text: t, Kind: k}
	}
	return p
}

// classify gives every line its kind. It finds the body first, as the
// best contiguous block of prose by the shape of its lines (see
// lineScore), then reads the lines above the block for the title, the
// byline and the date, and treats what stands outside the block as page
// furniture, keeping metadata lines (editors, source) wherever they are.
func (p *parser) classify() {
	scores := make([]int, len(p.lines))
	for i := range p.lines {
		if p.lines[i].Kind != KindBlank {
			scores[i] = p.lineScore(i)
		}
	}
	// The lead is looked for by the lines' own shapes: a story's standfirst
	// that the page also shows as a teaser is still its lead.
	shapes := scores
	if p.w.Repeats {
		shapes = append([]int(nil), scores...)
		p.repeats(scores)
	}
	p.sign(scores)
	bs, be := bestBlock(scores)
	if bs < 0 {
		for i := range p.lines {
			if p.lines[i].Kind == unset {
				p.lines[i].Kind = KindChrome
			}
		}
		p.body0 = len(p.lines)
		return
	}
	if p.clean(bs, be) {
		// An article on its own (a title, a byline, paragraphs): all of it
		// after the head is the body, short lines and lists included.
		p.head()
		p.body(len(p.lines) - 1)
		return
	}
	be = p.continuation(scores, bs, be)
	// The runs are looked for under the lead: the lines between the lead
	// and the block are classified already.
	p.dropRuns(scores, bs, be)
	bs = p.lead(shapes, bs)
	p.body0 = bs
	p.above(bs)
	for i := be + 1; i < len(p.lines); i++ {
		l := &p.lines[i]
		if l.Kind != unset {
			continue
		}
		if p.meta(l.Text) {
			l.Kind = KindMeta
		} else {
			l.Kind = KindChrome
		}
	}
	p.body(be)
	p.foot(be)
}
