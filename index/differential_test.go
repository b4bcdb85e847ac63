package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/query"
)

// The differential test checks the meaning of the query language: random
// queries over words of a real corpus are answered by the index (paragraph
// hits, every page) and by a brute-force evaluator that reads the parsed
// query tree against each paragraph's tokens. Both sides tokenize with the
// index's own text analyzer, so what is compared is the boolean logic,
// phrases, prefixes, field scopes, exclusions, totals and paging, not the
// analysis.
//
// The evaluator follows the semantics documented in translate.go and
// reader.go (expandPrefix):
//   - a word or phrase that names no field matches a paragraph whose own
//     text or section holds it; the title only lifts the score;
//   - title:, text:, section: match in that field alone (the title is the
//     article's, so title:x matches every paragraph of such an article);
//   - a word the analyzer splits into several tokens is a phrase;
//   - a phrase is its tokens at consecutive positions of one field;
//   - a prefix p* matches a term that starts with p, or, when p has at
//     least 3+stemSlack runes, a stem that p starts with and that is at
//     most stemSlack runes shorter;
//   - AND, OR and NOT are plain boolean logic on paragraphs (with
//     MatchAny every AND needs only one of its non-excluded children).
//
// Left out of the grammar: author:, source: and lang: (the corpus has no
// bylines and one language), Han text, words that analyse to nothing
// (dropped by the translator, a rule of its own), and group=article,
// whose exclusions act on whole articles.

// diffParagraph is a paragraph as the brute-force evaluator reads it.
type diffParagraph struct {
	id                   string
	title, section, text diffField
}

// diffField maps each term of a field to its positions.
type diffField map[string][]int

func newDiffField(a analysis.Analyzer, s string) diffField {
	f := diffField{}
	for _, tok := range a.Analyze([]byte(s)) {
		f[string(tok.Term)] = append(f[string(tok.Term)], tok.Position)
	}
	return f
}

// hasPhrase reports whether the field holds the phrase: slot i (nil for
// a gap) at position start+i.
func (f diffField) hasPhrase(slots [][]string) bool {
	at := func(term string, pos int) bool { return slices.Contains(f[term], pos) }
	for _, start := range f.starts(slots[0]) {
		ok := true
		for i, slot := range slots[1:] {
			if slot == nil {
				continue
			}
			if !slices.ContainsFunc(slot, func(t string) bool { return at(t, start+i+1) }) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (f diffField) starts(slot []string) []int {
	var ps []int
	for _, t := range slot {
		ps = append(ps, f[t]...)
	}
	return ps
}

// hasPrefix applies expandPrefix's rule to every term of the field.
func (f diffField) hasPrefix(p string) bool {
	n := utf8.RuneCountInString(p)
	for t := range f {
		if strings.HasPrefix(t, p) {
			return true
		}
		if n-stemSlack >= 3 && strings.HasPrefix(p, t) && utf8.RuneCountInString(t) >= n-stemSlack {
			return true
		}
	}
	return false
}

// errUnmodelled marks a query with a construct the evaluator leaves out.
var errUnmodelled = errors.New("construct not modelled")

// diffEval is the brute-force evaluator.
type diffEval struct {
	text     analysis.Analyzer
	matchAny bool
	slots    map[string][][]string // the phrase slots of each leaf's text, analysed once
}

// fields returns the fields of p a leaf scoped to name searches.
func (e diffEval) fields(p *diffParagraph, name string) ([]diffField, error) {
	switch name {
	case "":
		return []diffField{p.section, p.text}, nil
	case query.FieldTitle:
		return []diffField{p.title}, nil
	case query.FieldSection:
		return []diffField{p.section}, nil
	case query.FieldText:
		return []diffField{p.text}, nil
	}
	return nil, fmt.Errorf("field %q: %w", name, errUnmodelled)
}

// words matches a word or phrase: one token is a term, several a phrase.
func (e diffEval) words(p *diffParagraph, field, text string) (bool, error) {
	slots, ok := e.slots[text]
	if !ok {
		slots = phraseSlots(e.text.Analyze([]byte(text)))
		e.slots[text] = slots
	}
	if slots == nil {
		return false, fmt.Errorf("%q analyses to nothing: %w", text, errUnmodelled)
	}
	fs, err := e.fields(p, field)
	if err != nil {
		return false, err
	}
	for _, f := range fs {
		if f.hasPhrase(slots) {
			return true, nil
		}
	}
	return false, nil
}

// phraseSlots returns the terms at each position of toks from the first
// (nil at a gap), or nil when there are none.
func phraseSlots(toks analysis.TokenStream) [][]string {
	if len(toks) == 0 {
		return nil
	}
	first, last := toks[0].Position, toks[0].Position
	for _, tok := range toks {
		first, last = min(first, tok.Position), max(last, tok.Position)
	}
	slots := make([][]string, last-first+1)
	for _, tok := range toks {
		slots[tok.Position-first] = append(slots[tok.Position-first], string(tok.Term))
	}
	return slots
}

func (e diffEval) eval(p *diffParagraph, n query.Node) (bool, error) {
	switch n := n.(type) {
	case *query.Term:
		return e.words(p, n.Field, n.Text)
	case *query.Phrase:
		return e.words(p, n.Field, n.Text)
	case *query.Prefix:
		if strings.ToLower(n.Text) != n.Text || !asciiOnly(n.Text) {
			return false, fmt.Errorf("prefix %q: %w", n.Text, errUnmodelled)
		}
		fs, err := e.fields(p, n.Field)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(fs, func(f diffField) bool { return f.hasPrefix(n.Text) }), nil
	case *query.Not:
		ok, err := e.eval(p, n.Child)
		return !ok, err
	case *query.Or:
		any := false
		for _, c := range n.Children {
			ok, err := e.eval(p, c)
			if err != nil {
				return false, err
			}
			any = any || ok
		}
		return any, nil
	case *query.And:
		all, any, positives := true, false, 0
		for _, c := range n.Children {
			ok, err := e.eval(p, c)
			if err != nil {
				return false, err
			}
			if _, neg := c.(*query.Not); neg {
				all = all && ok
				continue
			}
			positives++
			if e.matchAny {
				any = any || ok
			} else {
				all = all && ok
			}
		}
		if e.matchAny && positives > 0 {
			return all && any, nil
		}
		return all, nil
	}
	return false, fmt.Errorf("node %T: %w", n, errUnmodelled)
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// diffCorpus is the indexed corpus as the generator and evaluator see it.
type diffCorpus struct {
	paras    []*diffParagraph
	common   []string    // frequent words
	rare     []string    // the other words of at least two paragraphs
	titles   []string    // words of titles
	bigrams  [][2]string // adjacent words of the text
	prefixes []string    // the first letters of long words
	typed    []string    // words with accents, hyphens, apostrophes, digits
	sections []string    // words of section headings
}

// diffWords splits s into lower-case runs of letters, as a reader would
// type them.
func diffWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) || r >= utf8.RuneSelf })
}

// loadDiffCorpus analyses each paragraph of docs with the index's text
// analyzer and gathers the words the generator draws from.
func loadDiffCorpus(docs []*Document, text analysis.Analyzer) *diffCorpus {
	c := &diffCorpus{}
	df := map[string]int{}
	titleSeen, typedSeen, sectionSeen := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, d := range docs {
		title := newDiffField(text, d.Title)
		for _, w := range diffWords(d.Title) {
			if len(w) >= 3 && !titleSeen[w] {
				titleSeen[w] = true
				c.titles = append(c.titles, w)
			}
		}
		for i, p := range d.Paragraphs {
			c.paras = append(c.paras, &diffParagraph{
				id:      ParagraphID(articleID(d), i+1),
				title:   title,
				section: newDiffField(text, p.Section),
				text:    newDiffField(text, p.Text),
			})
			ws := diffWords(p.Text + " " + p.Section)
			seen := map[string]bool{}
			for j, w := range ws {
				if !seen[w] {
					seen[w] = true
					df[w]++
				}
				if j > 0 && j%7 == 0 {
					c.bigrams = append(c.bigrams, [2]string{ws[j-1], w})
				}
			}
			for _, w := range diffWords(p.Section) {
				if !sectionSeen[w] {
					sectionSeen[w] = true
					c.sections = append(c.sections, w)
				}
			}
			for _, w := range strings.Fields(p.Text) {
				if w = typedWord(w); w != "" && !typedSeen[w] {
					typedSeen[w] = true
					c.typed = append(c.typed, w)
				}
			}
		}
	}
	var words []string
	for w, n := range df {
		if n >= 2 && len(w) >= 2 {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if df[words[i]] != df[words[j]] {
			return df[words[i]] > df[words[j]]
		}
		return words[i] < words[j]
	})
	k := min(300, len(words))
	c.common, c.rare = words[:k], words[k:]
	for _, w := range words {
		if len(w) >= 6 {
			c.prefixes = append(c.prefixes, w)
		}
	}
	return c
}

// typedWord returns a word as typed, trimmed of punctuation around it,
// when the analyzer has more to do than with plain letters (accents,
// hyphens, apostrophes, digits), "" otherwise or when the query language
// would read it as syntax.
func typedWord(w string) string {
	w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if w == "" || strings.ContainsAny(w, `"()*:“”„`) {
		return ""
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || r >= utf8.RuneSelf {
			return w
		}
	}
	return ""
}

// diffGen writes random queries in the query language.
type diffGen struct {
	rng *rand.Rand
	c   *diffCorpus
}

func (g diffGen) pick(ws []string) string { return ws[g.rng.IntN(len(ws))] }

func (g diffGen) word() string {
	if len(g.c.typed) > 0 && g.rng.IntN(8) == 0 {
		return g.pick(g.c.typed)
	}
	if g.rng.IntN(2) == 0 || len(g.c.rare) == 0 {
		return g.pick(g.c.common)
	}
	return g.pick(g.c.rare)
}

func (g diffGen) leaf() string {
	switch r := g.rng.IntN(20); {
	case r < 8:
		return g.word()
	case r < 12:
		if g.rng.IntN(4) == 0 {
			return `"` + g.word() + " " + g.word() + `"` // mostly nowhere
		}
		b := g.c.bigrams[g.rng.IntN(len(g.c.bigrams))]
		return `"` + b[0] + " " + b[1] + `"`
	case r < 14:
		w := g.pick(g.c.prefixes)
		return w[:4+g.rng.IntN(len(w)-4)] + "*"
	case r < 16:
		return "title:" + g.pick(g.c.titles)
	case r < 17:
		b := g.c.bigrams[g.rng.IntN(len(g.c.bigrams))]
		return `text:"` + b[0] + " " + b[1] + `"`
	case r < 18:
		return "text:" + g.word()
	case r < 19:
		if len(g.c.sections) > 0 && g.rng.IntN(2) == 0 {
			return "section:" + g.pick(g.c.sections)
		}
		return "section:" + g.word()
	default:
		w := []rune(g.word())
		return strings.ToUpper(string(w[:1])) + string(w[1:]) // case does not matter
	}
}

// expr is a leaf, an exclusion, an OR or a parenthesised group.
func (g diffGen) expr(depth int) string {
	r := g.rng.IntN(100)
	switch {
	case depth == 0 || r < 45:
		return g.leaf()
	case r < 60:
		if g.rng.IntN(3) == 0 {
			return "-(" + g.seq(depth-1) + ")"
		}
		if g.rng.IntN(4) == 0 {
			return "NOT " + g.leaf()
		}
		return "-" + g.leaf()
	case r < 80:
		parts := make([]string, 2+g.rng.IntN(2))
		for i := range parts {
			parts[i] = g.expr(depth - 1)
		}
		return strings.Join(parts, " OR ")
	default:
		return "(" + g.seq(depth-1) + ")"
	}
}

func (g diffGen) seq(depth int) string {
	parts := make([]string, 1+g.rng.IntN(3))
	for i := range parts {
		parts[i] = g.expr(depth)
	}
	sep := " "
	if g.rng.IntN(6) == 0 {
		sep = " AND "
	}
	return strings.Join(parts, sep)
}

// collectAll pages through every hit of req and checks the pages: no
// repeated id, the same total on each page.
func collectAll(ctx context.Context, r *Reader, req Request) ([]string, int, error) {
	var ids []string
	seen := map[string]bool{}
	total := -1
	for req.Page = 1; ; req.Page++ {
		if req.Page*req.Size > MaxWindow {
			return nil, 0, fmt.Errorf("more than %d hits: past the window", MaxWindow)
		}
		res, err := r.Search(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		if total >= 0 && res.Total != total {
			return nil, 0, fmt.Errorf("page %d: total %d, page 1 said %d", req.Page, res.Total, total)
		}
		total = res.Total
		for _, h := range res.Hits {
			if seen[h.ID] {
				return nil, 0, fmt.Errorf("page %d (size %d): hit %s again", req.Page, req.Size, h.ID)
			}
			seen[h.ID] = true
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < req.Size || len(ids) >= total {
			break
		}
	}
	slices.Sort(ids)
	return ids, total, nil
}

// TestDifferentialBBC compares the index's answers with the brute-force
// evaluator's on random queries over a deterministic sample of the BBC
// corpus.
func TestDifferentialBBC(t *testing.T) {
	const root = "../../shared/corpus/bbc"
	files, _ := filepath.Glob(root + "/*/*.txt")
	if len(files) == 0 {
		t.Skip("BBC corpus absent (../shared/corpus/bbc beside the project): no differential check")
	}
	sort.Strings(files)
	// The race detector slows analysis and search some tenfold: a smaller
	// sample and fewer queries keep the check cheap there.
	every, queries := 12, 500
	if raceEnabled {
		every, queries = 24, 300
	}
	if testing.Short() {
		every, queries = 36, 120
	}
	var docs []*Document
	for i, f := range files {
		if i%every != 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		a, err := article.Parse(rel, data)
		if err != nil {
			continue // the writer would skip it too
		}
		d := a.Document()
		d.Language = "en"
		docs = append(docs, d)
	}
	r := buildDocIndex(t, docs)
	c := loadDiffCorpus(docs, r.text)
	if len(c.paras) == 0 || len(c.bigrams) == 0 || len(c.prefixes) == 0 || len(c.titles) == 0 {
		t.Fatalf("corpus sample too small: %d paragraphs", len(c.paras))
	}
	t.Logf("%d articles, %d paragraphs", len(docs), len(c.paras))
	runDifferential(t, r, c, queries)
}

// TestDifferentialSmall runs the differential check on articles written
// for it (testdata/differential.txt), with section headings, accents,
// possessives, hyphens and numbers, always available.
func TestDifferentialSmall(t *testing.T) {
	data, err := os.ReadFile("testdata/differential.txt")
	if err != nil {
		t.Fatal(err)
	}
	docs := parseDiffArticles(string(data))
	r := buildDocIndex(t, docs)
	queries := 300
	if testing.Short() {
		queries = 100
	}
	runDifferential(t, r, loadDiffCorpus(docs, r.text), queries)
}

// parseDiffArticles reads the format of testdata/differential.txt.
func parseDiffArticles(s string) []*Document {
	var docs []*Document
	section := ""
	for _, line := range strings.Split(s, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			section = strings.TrimPrefix(line, "== ")
		case strings.HasPrefix(line, "= "):
			section = ""
			docs = append(docs, &Document{Seed: fmt.Sprintf("differential/%02d.txt", len(docs)+1), Title: strings.TrimPrefix(line, "= "), Language: "en"})
		case len(docs) > 0:
			d := docs[len(docs)-1]
			d.Paragraphs = append(d.Paragraphs, Paragraph{Section: section, Text: line})
		}
	}
	return docs
}

// buildDocIndex publishes docs, one seed each, and returns a Reader
// serving them.
func buildDocIndex(t *testing.T, docs []*Document) *Reader {
	t.Helper()
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	src := benchSource{}
	var entries []Entry
	for _, d := range docs {
		src[d.Seed] = d
		entries = append(entries, Entry{Seed: d.Seed, Info: SeedInfo{SHA256: d.Seed}})
	}
	p, err := w.Plan(context.Background(), entries, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Publish(context.Background(), p, src, nil); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func runDifferential(t *testing.T, r *Reader, c *diffCorpus, queries int) {
	ctx := context.Background()
	g := diffGen{rng: rand.New(rand.NewPCG(17, 2026)), c: c}
	compared, skipped, mismatches, partial := 0, map[string]int{}, 0, 0
	for range queries {
		s := g.seq(2)
		n, err := query.Parse(s)
		if err != nil {
			skipped["parse: "+err.Error()[:min(len(err.Error()), 30)]]++
			continue
		}
		if os.Getenv("DIFF_SHOW") != "" {
			t.Log(s)
		}
		matchAny := g.rng.IntN(4) == 0
		ev := diffEval{text: r.text, matchAny: matchAny, slots: map[string][][]string{}}
		var want []string
		for _, p := range c.paras {
			ok, err := ev.eval(p, n)
			if err != nil {
				skipped["unmodelled"]++
				want = nil
				goto next
			}
			if ok {
				want = append(want, p.id)
			}
		}
		{
			slices.Sort(want)
			// Small pages where they are few, so that paging is tested
			// without hundreds of searches for a broad query.
			size := 7 + g.rng.IntN(MaxSize-6)
			if len(want) > 4*size {
				size = MaxSize
			}
			req := Request{Query: n, Size: size, MatchAny: matchAny, NoFacets: g.rng.IntN(2) == 0}
			if g.rng.IntN(3) == 0 {
				req.Sort = SortDate
			}
			got, total, err := collectAll(ctx, r, req)
			if errors.Is(err, ErrTooBroad) {
				skipped["too broad"]++
				continue
			}
			compared++
			if len(want) > 0 && len(want) < len(c.paras) {
				partial++
			}
			desc := fmt.Sprintf("%s (parsed %s; any=%v size=%d sort=%q)", s, query.String(n), matchAny, req.Size, req.Sort)
			switch {
			case err != nil:
				mismatches++
				t.Errorf("%s: %v", desc, err)
			case total != len(want):
				mismatches++
				t.Errorf("%s: total %d, want %d (%d hits collected)\n%s", desc, total, len(want), len(got), setDiff(want, got))
			case !slices.Equal(got, want):
				mismatches++
				t.Errorf("%s: hits differ\n%s", desc, setDiff(want, got))
			}
		}
	next:
	}
	t.Logf("%d queries compared (%d matching some but not all paragraphs), %d mismatches, skipped %v", compared, partial, mismatches, skipped)
	if compared < queries/2 || partial < compared/4 {
		t.Errorf("only %d of %d queries compared, %d of them matching some but not all paragraphs (skipped %v)", compared, queries, partial, skipped)
	}
}

// setDiff describes what want has that got lacks and the reverse, a few
// ids of each.
func setDiff(want, got []string) string {
	in := func(s []string, x string) bool { _, ok := slices.BinarySearch(s, x); return ok }
	var missing, extra []string
	for _, x := range want {
		if !in(got, x) {
			missing = append(missing, x)
		}
	}
	for _, x := range got {
		if !in(want, x) {
			extra = append(extra, x)
		}
	}
	cut := func(s []string) []string { return s[:min(len(s), 5)] }
	return fmt.Sprintf("  missing %d %v\n  unexpected %d %v", len(missing), cut(missing), len(extra), cut(extra))
}
