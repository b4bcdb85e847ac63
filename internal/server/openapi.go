package server

import (
	_ "embed" // the OpenAPI description
	"net/http"
	"strconv"
)

// openAPI is the OpenAPI 3 description of the JSON API: the contract
// scripts generate clients from. A test validates real responses against
// it, so that it cannot drift from the handlers.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(openAPI)
	}
	return nil
}
