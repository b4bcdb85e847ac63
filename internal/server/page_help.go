package server

import (
	"net/http"
	"net/url"
	"unicode/utf8"
)

// helpView is the help page: the query language and the API's parameters.
type helpView struct {
	Syntax  []helpSyntax
	Params  []Param
	Offsets string
	Errors  string
}

type helpSyntax struct {
	Syntax, Meaning, Example, ExampleURL string
}

// handleHelpPage serves /help.
func (s *Server) handleHelpPage(w http.ResponseWriter, r *http.Request) error {
	hv := &helpView{Params: help.Params, Offsets: help.Offsets, Errors: help.Errors}
	for _, x := range help.Syntax {
		hv.Syntax = append(hv.Syntax, helpSyntax{Syntax: x.Syntax, Meaning: x.Meaning, Example: x.Example,
			ExampleURL: "/?q=" + url.QueryEscape(x.Example)})
	}
	q := r.URL.Query().Get("q")
	if !utf8.ValidString(q) {
		q = ""
	}
	d := &pageData{Title: "Query syntax", Q: boxQuery(q), Help: hv}
	return s.page.render(w, r, "help", http.StatusOK, d)
}
