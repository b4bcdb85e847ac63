// Package queries reads the benchmark query set (bench/queries.txt): one
// query a line, "<kind> <query>", in searchd's query language restricted to
// bare words and quoted phrases, so that every system measured can run it.
package queries

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Query is one benchmark query.
type Query struct {
	Kind  string // keyword, common, rare, nohit, and, phrase, phrwords
	Text  string // as searchd takes it in q=
	Parts []Part // the words and phrases, all required
}

// Part is a bare word or a quoted phrase.
type Part struct {
	Text   string
	Phrase bool
}

// Words returns the part's words.
func (p Part) Words() []string { return strings.Fields(p.Text) }

// Load reads a query file. Blank lines and lines starting with # are skipped.
func Load(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Query
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		kind, text, ok := strings.Cut(t, " ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"<kind> <query>\"", path, line)
		}
		q, err := Parse(kind, strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no queries", path)
	}
	return out, nil
}

// Parse splits a query into its words and quoted phrases.
func Parse(kind, text string) (Query, error) {
	q := Query{Kind: kind, Text: text}
	rest := text
	for {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			break
		}
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return q, fmt.Errorf("unbalanced quote in %q", text)
			}
			if p := strings.TrimSpace(rest[1 : end+1]); p != "" {
				q.Parts = append(q.Parts, Part{Text: p, Phrase: true})
			}
			rest = rest[end+2:]
			continue
		}
		w, r, _ := strings.Cut(rest, " ")
		if strings.ContainsAny(w, `"()*:`) || w == "OR" || w == "NOT" || strings.HasPrefix(w, "-") {
			return q, fmt.Errorf("only words and phrases are supported, not %q", w)
		}
		q.Parts = append(q.Parts, Part{Text: w})
		rest = r
	}
	if len(q.Parts) == 0 {
		return q, fmt.Errorf("empty query")
	}
	return q, nil
}

// OrText is the query with its parts joined by explicit OR: the same
// words, any of them.
func (q Query) OrText() string {
	parts := make([]string, len(q.Parts))
	for i, p := range q.Parts {
		parts[i] = p.Text
		if p.Phrase {
			parts[i] = `"` + p.Text + `"`
		}
	}
	return strings.Join(parts, " OR ")
}

// Kinds returns the kinds of qs in first-seen order.
func Kinds(qs []Query) []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range qs {
		if !seen[q.Kind] {
			seen[q.Kind] = true
			out = append(out, q.Kind)
		}
	}
	return out
}
