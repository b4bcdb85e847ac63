package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"
)

type ctxKey int

const requestKey ctxKey = 0

// requestInfo is what the access-log line of a request reports besides
// the request itself: handlers add to it, so that a request logs one line.
// The middleware makes one per request; the request's handler goroutine is
// the only one to write it.
type requestInfo struct {
	id    string
	notes []string // failures the response does without
	err   error    // the failure behind a 500
	panic string
}

func requestInfoOf(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestKey).(*requestInfo)
	return ri
}

// requestID returns the id of the request carried by ctx.
func requestID(ctx context.Context) string {
	if ri := requestInfoOf(ctx); ri != nil {
		return ri.id
	}
	return ""
}

// logNote puts a failure the response does without (a suggestion, partial
// results) on the request's log line.
func logNote(ctx context.Context, err error) {
	if ri := requestInfoOf(ctx); ri != nil {
		ri.notes = append(ri.notes, err.Error())
	}
}

// logFailure puts the error behind a 500 on the request's log line.
func logFailure(ctx context.Context, err error) {
	if ri := requestInfoOf(ctx); ri != nil {
		ri.err = err
	}
}

// validRequestID is the shape of a client-supplied X-Request-ID we keep.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// markStatus records a status that was not written (a client that left).
func markStatus(w http.ResponseWriter, code int) {
	if sw, ok := w.(*statusWriter); ok && sw.status == 0 {
		sw.status = code
	}
}

// securityHeaders are set on every response.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	"X-Content-Type-Options":     "nosniff",
	"Referrer-Policy":            "no-referrer",
	"X-Frame-Options":            "DENY",
	"Cross-Origin-Opener-Policy": "same-origin",
}

// middleware wraps the router: request id, one access-log line (with
// what went wrong: an error, a panic, notes), panic recovery, and security
// headers.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID.MatchString(id) {
			id = newRequestID()
		}
		ri := &requestInfo{id: id}
		r = r.WithContext(context.WithValue(r.Context(), requestKey, ri))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-ID", id)
		for k, v := range securityHeaders {
			h.Set(k, v)
		}
		var out http.ResponseWriter = sw
		var gz *gzipWriter
		if r.Header.Get("Range") == "" {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				gz = &gzipWriter{ResponseWriter: sw}
				out = gz
			}
		}
		var attrs []slog.Attr
		defer func() {
			p := recover()
			if p == nil && gz != nil {
				gz.close()
			}
			if p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				ri.panic = fmt.Sprint(p)
				attrs = append(attrs, slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					writeJSONError(sw, r, &httpError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error"})
				}
			}
			level := slog.LevelInfo
			attrs = append(attrs, slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("path", logText(r.URL.Path, 200)), slog.String("q", logText(r.URL.Query().Get("q"), 200)),
				slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000))
			if strings.HasPrefix(r.URL.Path, "/internal/") {
				// A root sends several per search: the root's own line
				// tells of the search.
				level = slog.LevelDebug
			}
			if len(ri.notes) > 0 {
				level = slog.LevelWarn
				attrs = append(attrs, slog.Any("notes", ri.notes))
			}
			if ri.err != nil {
				level = slog.LevelError
				attrs = append(attrs, slog.String("err", ri.err.Error()))
			}
			if ri.panic != "" {
				level = slog.LevelError
				attrs = append(attrs, slog.String("panic", ri.panic))
			}
			s.log.LogAttrs(r.Context(), level, "request", attrs...)
		}()
		if n := headerBytes(r); n > MaxHeaderBytes {
			// The limit is ours, not http.Server's (which answers 431 in
			// plain text before any handler runs): the client gets the
			// error in the format of the rest of the site.
			he := &httpError{Status: http.StatusRequestHeaderFieldsTooLarge, Code: "header_too_large",
				Message: fmt.Sprintf("the request line and headers are %d bytes, more than the %d allowed: shorten the URL or the headers", n, MaxHeaderBytes)}
			h.Set("Connection", "close")
			r.URL.RawQuery = "" // the page must not echo the oversized query
			if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
				writeJSONError(out, r, he)
			} else {
				s.page.writeError(out, r, he)
			}
			return
		}
		next.ServeHTTP(out, r)
	})
}

// headerBytes is the size of the request line and headers as the client
// sent them (give or take the spaces around colons).
func headerBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	n += len("Host: ") + len(r.Host) + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n
}

// logText shortens s for a log line and makes it valid UTF-8.
func logText(s string, n int) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // replaces invalid bytes with U+FFFD
	}
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// throttle admits at most MaxInFlight searches at once; others wait up to
// QueueWait for a slot and are then shed with 503 and Retry-After, so that
// an overload never builds an unbounded queue.
func (s *Server) throttle(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		select {
		case s.slots <- struct{}{}:
		default:
			t := time.NewTimer(s.cfg.QueueWait)
			defer t.Stop()
			select {
			case s.slots <- struct{}{}:
			case <-t.C:
				s.metrics.shed.Inc()
				return errBusy
			case <-r.Context().Done():
				return errClientGone
			}
		}
		s.metrics.inFlight.Inc()
		defer func() {
			<-s.slots
			s.metrics.inFlight.Dec()
		}()
		return h(w, r)
	}
}
