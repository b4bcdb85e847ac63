package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"github.com/newsroom/newsearch/internal/query"
)

// Suggest returns q with each word the index does not know replaced by the
// closest word it does know ("did you mean"), or "" when every word is
// known or nothing close exists. node is q parsed (query.Parse); q is
// needed as well because the suggestion rewrites q's own text at the
// columns the parser recorded. Words are compared as the index stores
// them (stems); the replacement is shown as it is written in an article.
//
// It reads one snapshot of the served generation, like a search.
func (r *Reader) Suggest(ctx context.Context, q string, node query.Node) (string, error) {
	snap := r.acquire()
	defer snap.release()
	return view{r, snap, nil}.suggest(ctx, q, node)
}

func (v view) suggest(ctx context.Context, q string, node query.Node) (string, error) {
	if !v.s.status.Ready {
		return "", ErrNotReady
	}
	runes := []rune(q)
	type edit struct {
		col, n int
		with   string
	}
	var edits []edit
	for _, leaf := range query.Leaves(node) {
		term, ok := leaf.(*query.Term)
		// Words are looked up where the suggestion looks: text and title.
		if !ok || !searchesAny(term.Field, FieldText, FieldTitle) || (!v.s.han && hasHan(term.Text)) {
			continue
		}
		toks := v.r.text.Analyze([]byte(term.Text))
		if len(toks) != 1 {
			continue
		}
		stem := string(toks[0].Term)
		known := false
		for _, field := range []string{FieldText, FieldTitle} {
			n, err := v.countDocs(ctx, field, stem)
			if err != nil {
				return "", fmt.Errorf("suggest for %q: %w", term.Text, err)
			}
			known = known || n > 0
		}
		if known {
			continue
		}
		best, err := v.findClosestTerm(FieldText, stem)
		if err != nil {
			return "", fmt.Errorf("suggest for %q: %w", term.Text, err)
		}
		if best == "" {
			continue
		}
		word, err := v.findSurface(ctx, best)
		if err != nil {
			return "", fmt.Errorf("suggest for %q: %w", term.Text, err)
		}
		if word == "" {
			continue
		}
		if n := len([]rune(term.Text)); term.Column >= 1 && term.Column-1+n <= len(runes) && string(runes[term.Column-1:term.Column-1+n]) == term.Text {
			edits = append(edits, edit{col: term.Column - 1, n: n, with: word})
		}
	}
	if len(edits) == 0 {
		return "", nil
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
	return b.String(), nil
}

// countDocs counts the documents with term in field.
func (v view) countDocs(ctx context.Context, field, term string) (uint64, error) {
	tq := bleve.NewTermQuery(term)
	tq.SetField(field)
	res, err := v.run(ctx, bleve.NewSearchRequestOptions(tq, 0, 0, false))
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// findClosestTerm returns the term of field nearest to term by edit distance
// (at most 1 for short words, 2 otherwise), the most frequent on a tie.
func (v view) findClosestTerm(field, term string) (string, error) {
	fuzz := 2
	if len([]rune(term)) <= 4 {
		fuzz = 1
	}
	var best closest
	for _, sh := range v.s.shards {
		c, err := sh.closestTerm(field, term, fuzz)
		if err != nil {
			if v.shardMissing(sh, err) {
				continue
			}
			return "", fmt.Errorf("fuzzy dictionary of %s: %w", field, err)
		}
		if c.better(best) {
			best = c
		}
	}
	return best.Term, nil
}

// findSurface returns a word as an article writes it whose stem is term.
func (v view) findSurface(ctx context.Context, term string) (string, error) {
	tq := bleve.NewTermQuery(term)
	tq.SetField(FieldText)
	sr := bleve.NewSearchRequestOptions(tq, 1, 0, false)
	sr.Fields = []string{FieldText}
	sr.IncludeLocations = true
	res, err := v.run(ctx, sr)
	if err != nil {
		return "", err
	}
	if len(res.Hits) == 0 {
		return "", nil
	}
	text, _ := res.Hits[0].Fields[FieldText].(string)
	for _, locs := range res.Hits[0].Locations[FieldText] {
		for _, l := range locs {
			if int(l.End) <= len(text) && l.Start < l.End {
				return strings.ToLower(text[l.Start:l.End]), nil
			}
		}
	}
	return "", nil
}
