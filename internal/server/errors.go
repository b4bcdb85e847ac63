package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/search"
)

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is a failure with the status and the JSON error body it maps to.
type httpError struct {
	Status     int
	Code       string
	Message    string
	Column     int // 1-based column in the query, 0 when it does not apply
	RetryAfter int // seconds, for 503
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func badRequest(code, format string, args ...any) *httpError {
	return &httpError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// errClientGone marks a request whose client went away: nothing is written.
var errClientGone = errors.New("client closed the request")

// toHTTPError maps any handler error to its status, code and message. It
// is the one place where errors become statuses.
func toHTTPError(err error) *httpError {
	var he *httpError
	var qe *query.Error
	var re *search.RequestError
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &qe):
		return &httpError{Status: http.StatusBadRequest, Code: qe.Code, Message: qe.Message, Column: qe.Column}
	case errors.As(err, &re):
		return &httpError{Status: http.StatusBadRequest, Code: re.Code, Message: re.Message}
	case errors.Is(err, index.ErrNoTerms):
		return badRequest("no_terms", "the query has no searchable words: type at least one word or number")
	case errors.Is(err, index.ErrExclusionTooBroad):
		return badRequest("exclusion_too_broad", "an excluded word is in too many articles to leave them out: exclude a rarer word or phrase, or search by paragraph (group=paragraph)")
	case errors.Is(err, index.ErrTooBroad):
		return badRequest("query_too_broad", "a prefix in the query matches too many words: type more letters before the *")
	case errors.Is(err, index.ErrNotFound):
		return &httpError{Status: http.StatusNotFound, Code: "not_found", Message: "no article has this id"}
	case errors.Is(err, index.ErrNotReady):
		return &httpError{Status: http.StatusServiceUnavailable, Code: "not_ready", Message: "the index is not loaded yet: try again shortly", RetryAfter: 2}
	case errors.Is(err, index.ErrShardUnavailable):
		return &httpError{Status: http.StatusServiceUnavailable, Code: "shards_unavailable", Message: "no part of the index answered: try again shortly", RetryAfter: 2}
	case errors.Is(err, index.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return &httpError{Status: http.StatusServiceUnavailable, Code: "timeout", Message: "the search took too long: try a more specific query", RetryAfter: 1}
	}
	return &httpError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"}
}

var (
	errNotFound = &httpError{Status: http.StatusNotFound, Code: "not_found", Message: "no such page"}
	errMethod   = &httpError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "this method is not allowed here: use GET"}
	errBusy     = &httpError{Status: http.StatusServiceUnavailable, Code: "overloaded", Message: "the server is busy: retry in a second", RetryAfter: 1}
)

func notFound(http.ResponseWriter, *http.Request) error { return errNotFound }

func methodNotAllowed(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Allow", "GET, HEAD")
	return errMethod
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Column    int    `json:"column,omitempty"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// writeJSONError writes he as the API's JSON error.
func writeJSONError(w http.ResponseWriter, r *http.Request, he *httpError) {
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Column = he.Code, he.Message, he.Column
	body.Error.RequestID = requestID(r.Context())
	if he.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.RetryAfter))
	}
	writeJSON(w, r, he.Status, body)
}

// writeJSON encodes v into a buffer first, so that an encoding failure is a
// clean 500 and never half a body.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// HTML-escaping encoder (<, >, & as \u003c…): a reflected query or
	// article text stays inert even if a client renders the raw body.
	err := enc.Encode(v)
	b := buf.Bytes()
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// api adapts a handlerFunc to the JSON API: errors become JSON errors.
func (s *Server) api(route string, h handlerFunc) http.Handler {
	return s.instrument(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err, writeJSONError)
		}
	}))
}

// html adapts a handlerFunc to the page: errors become an HTML error page.
func (s *Server) html(route string, h handlerFunc) http.Handler {
	return s.instrument(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err, s.page.writeError)
		}
	}))
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, write func(http.ResponseWriter, *http.Request, *httpError)) {
	if errors.Is(err, errClientGone) || (errors.Is(err, context.Canceled) && r.Context().Err() != nil) {
		markStatus(w, 499)
		return
	}
	he := toHTTPError(err)
	if he.Status >= 500 && he.Code == "internal" {
		// On the request's access-log line, which is then an error.
		logFailure(r.Context(), err)
	}
	write(w, r, he)
}
