package server

import (
	"net/http"
)

// page renders the HTML pages. (Placeholder: the search page is built out separately.)
type page struct{}

func newPage() (*page, error) { return &page{}, nil }

func (p *page) writeError(w http.ResponseWriter, r *http.Request, he *httpError) {
	writeJSONError(w, r, he)
}

func (p *page) static() http.Handler { return http.NotFoundHandler() }

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) error        { return errNotFound }
func (s *Server) handleArticlePage(w http.ResponseWriter, r *http.Request) error { return errNotFound }
func (s *Server) handleHelpPage(w http.ResponseWriter, r *http.Request) error    { return errNotFound }
