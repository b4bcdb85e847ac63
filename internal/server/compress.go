package server

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Compression: a response is gzipped when the client accepts gzip, the
// body is text (HTML, JSON, CSS, JavaScript, SVG, plain text) of at least
// minGzipBytes, and the handler did not encode it itself. Every response
// that could have been compressed says Vary: Accept-Encoding, so that a
// cache keeps the two forms apart. Range requests are never compressed
// (the ranges would be of the compressed bytes).

// minGzipBytes is the smallest body worth compressing: below it gzip's
// header and the CPU cost more than the bytes saved.
const minGzipBytes = 1024

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// compressible reports whether a body of content type ct is worth gzipping.
func compressible(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "application/json", mt == "application/javascript", mt == "image/svg+xml",
		mt == "application/manifest+json", strings.HasSuffix(mt, "+json"):
		return true
	}
	return false
}

// gzipWriter holds back the start of a response until it knows whether
// to compress it: minGzipBytes of body, or the handler's end.
type gzipWriter struct {
	http.ResponseWriter
	status  int
	buf     []byte
	decided bool
	gz      *gzip.Writer
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	if code >= 100 && code < 200 {
		g.ResponseWriter.WriteHeader(code) // informational: passes through
		return
	}
	if g.status == 0 {
		g.status = code
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if g.status == 0 {
		g.status = http.StatusOK
	}
	if !g.decided {
		g.buf = append(g.buf, b...)
		if len(g.buf) < minGzipBytes {
			return len(b), nil
		}
		if err := g.decide(); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// decide starts the response, compressed or not, with what is buffered.
func (g *gzipWriter) decide() error {
	g.decided = true
	h := g.ResponseWriter.Header()
	if g.status == 0 {
		g.status = http.StatusOK
	}
	compress := len(g.buf) >= minGzipBytes && h.Get("Content-Encoding") == "" &&
		g.status != http.StatusNoContent && g.status != http.StatusNotModified && g.status != http.StatusPartialContent &&
		compressible(h.Get("Content-Type"))
	if compress {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
	buf := g.buf
	g.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if g.gz != nil {
		_, err = g.gz.Write(buf)
	} else {
		_, err = g.ResponseWriter.Write(buf)
	}
	return err
}

// Flush sends what is written so far (compressed, if it is).
func (g *gzipWriter) Flush() {
	if !g.decided {
		if g.status == 0 {
			return // nothing written yet
		}
		g.decide()
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	http.NewResponseController(g.ResponseWriter).Flush()
}

// close ends the response: a body shorter than minGzipBytes goes out as it
// is, a compressed one gets its gzip trailer.
func (g *gzipWriter) close() {
	if !g.decided {
		if g.status == 0 {
			return // the handler wrote nothing
		}
		g.decide()
	}
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
