package index

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/newsroom/newsearch/internal/query"
)

// Suggest returns q with each word the index does not know replaced by the
// closest word it does know ("did you mean"), or "" when every word is
// known or nothing close exists. Words are compared as the index stores
// them (stems); the replacement is shown as it is written in an article.
func (r *Reader) Suggest(ctx context.Context, q string) string {
	if !r.Status().Ready {
		return ""
	}
	node, err := query.Parse(q)
	if err != nil {
		return ""
	}
	t, err := newTranslator(r, false)
	if err != nil {
		return ""
	}
	runes := []rune(q)
	type edit struct {
		col, n int
		with   string
	}
	var edits []edit
	for _, leaf := range query.Leaves(node) {
		term, ok := leaf.(*query.Term)
		if !ok || (term.Field != "" && term.Field != "text" && term.Field != "title") {
			continue
		}
		toks := t.text.Analyze([]byte(term.Text))
		if len(toks) != 1 {
			continue
		}
		stem := string(toks[0].Term)
		if r.docFreq(ctx, FieldText, stem) > 0 || r.docFreq(ctx, FieldTitle, stem) > 0 {
			continue
		}
		best := r.closestTerm(FieldText, stem)
		if best == "" {
			continue
		}
		word := r.surface(ctx, best)
		if word == "" {
			continue
		}
		if n := len([]rune(term.Text)); term.Column >= 1 && term.Column-1+n <= len(runes) && string(runes[term.Column-1:term.Column-1+n]) == term.Text {
			edits = append(edits, edit{col: term.Column - 1, n: n, with: word})
		}
	}
	if len(edits) == 0 {
		return ""
	}
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.col < at {
			continue
		}
		b.WriteString(string(runes[at:e.col]))
		b.WriteString(e.with)
		at = e.col + e.n
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

// docFreq counts the documents with term in field.
func (r *Reader) docFreq(ctx context.Context, field, term string) uint64 {
	tq := bleve.NewTermQuery(term)
	tq.SetField(field)
	res, err := r.run(ctx, bleve.NewSearchRequestOptions(tq, 0, 0, false))
	if err != nil {
		return 0
	}
	return res.Total
}

// closestTerm returns the term of field nearest to term by edit distance
// (at most 1 for short words, 2 otherwise), the most frequent on a tie.
func (r *Reader) closestTerm(field, term string) string {
	fuzz := 2
	if len([]rune(term)) <= 4 {
		fuzz = 1
	}
	r.open.RLock()
	defer r.open.RUnlock()
	best, bestDist, bestCount := "", uint8(255), uint64(0)
	for _, idx := range r.serving {
		adv, err := idx.Advanced()
		if err != nil {
			continue
		}
		ir, err := adv.Reader()
		if err != nil {
			continue
		}
		if fz, ok := ir.(bindex.IndexReaderFuzzy); ok {
			if d, err := fz.FieldDictFuzzy(field, term, fuzz, ""); err == nil {
				for e, err := d.Next(); err == nil && e != nil; e, err = d.Next() {
					if e.EditDistance < bestDist || (e.EditDistance == bestDist && e.Count > bestCount) {
						best, bestDist, bestCount = e.Term, e.EditDistance, e.Count
					}
				}
				d.Close()
			}
		}
		ir.Close()
	}
	return best
}

// surface returns a word as an article writes it whose stem is term.
func (r *Reader) surface(ctx context.Context, term string) string {
	tq := bleve.NewTermQuery(term)
	tq.SetField(FieldText)
	sr := bleve.NewSearchRequestOptions(tq, 1, 0, false)
	sr.Fields = []string{FieldText}
	sr.IncludeLocations = true
	res, err := r.run(ctx, sr)
	if err != nil || len(res.Hits) == 0 {
		return ""
	}
	text, _ := res.Hits[0].Fields[FieldText].(string)
	for _, locs := range res.Hits[0].Locations[FieldText] {
		for _, l := range locs {
			if int(l.End) <= len(text) && l.Start < l.End {
				return strings.ToLower(text[l.Start:l.End])
			}
		}
	}
	return ""
}
