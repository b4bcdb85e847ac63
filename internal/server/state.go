package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/newsroom/newsearch/index"
)

// searchState is the page's URL state: the parameters links keep.
type searchState struct {
	q, page, sort, source, author, from, to, match, group, size, relax string
}

func newSearchState(p *searchParams) searchState {
	st := searchState{q: p.Q, source: p.Source, author: p.Author, from: p.From, to: p.To}
	if p.Sort != index.SortRelevance {
		st.sort = p.Sort
	}
	if p.Match != "all" {
		st.match = p.Match
	}
	if !p.Group {
		st.group = "paragraph"
	}
	if p.Size != 10 {
		st.size = strconv.Itoa(p.Size)
	}
	if !p.Relax {
		st.relax = "false"
	}
	if p.Page > 1 {
		st.page = strconv.Itoa(p.Page)
	}
	return st
}

func (st searchState) pairs() [][2]string {
	return [][2]string{{"q", st.q}, {"page", st.page}, {"sort", st.sort}, {"source", st.source},
		{"author", st.author}, {"from", st.from}, {"to", st.to}, {"match", st.match}, {"group", st.group}, {"size", st.size}, {"relax", st.relax}}
}

// url is the page's URL for the state, q first, empty parameters left out.
func (st searchState) url() string {
	var b strings.Builder
	b.WriteString("/")
	sep := "?"
	for _, kv := range st.pairs() {
		if kv[1] == "" {
			continue
		}
		b.WriteString(sep + kv[0] + "=" + url.QueryEscape(kv[1]))
		sep = "&"
	}
	return b.String()
}

// hidden is the state the search form carries besides q, so that a new
// query keeps the sort, the filters and the page size.
func (st searchState) hidden() []hiddenField {
	var out []hiddenField
	for _, kv := range st.pairs() {
		if kv[0] == "q" || kv[0] == "page" || kv[1] == "" {
			continue
		}
		out = append(out, hiddenField{kv[0], kv[1]})
	}
	return out
}

// with returns a copy changed by f, back on page 1 unless f sets a page.
func (st searchState) with(f func(*searchState)) string {
	st.page = ""
	f(&st)
	return st.url()
}

func (st searchState) atPage(n int) string {
	return st.with(func(s *searchState) {
		if n > 1 {
			s.page = strconv.Itoa(n)
		}
	})
}
