// Package server is searchd's HTTP layer: the route table, the JSON API,
// the search page, and the middleware every request passes through
// (request id, access log, panic recovery, security headers, metrics, load
// shedding). Handlers return errors; one adapter turns them into statuses.
//
// The server knows HTTP and HTML; what a query means and finds is the
// search service's (package search): import rule server → search → index.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
)

// Service is what the server needs of the search service: *search.Service
// implements it, and handler tests fake it where a real index is not the
// point.
type Service interface {
	Search(ctx context.Context, req search.Request) (*search.Result, error)
	Article(ctx context.Context, id string, q search.Query) (*search.Article, error)
	Status() index.Status
}

// Config configures a Server. Only Service is required.
type Config struct {
	// Service runs the searches; its deadline is the searches' (past it
	// the client gets 503).
	Service Service
	Logger  *slog.Logger // nil discards
	// MaxInFlight bounds concurrent searches; more wait up to QueueWait and
	// then get 503 with Retry-After. 0 means 4 × GOMAXPROCS.
	MaxInFlight int
	// QueueWait is how long a search waits for a free slot. 0 means 100 ms.
	QueueWait time.Duration
	// Registry receives the metrics; nil means a fresh registry.
	Registry *prometheus.Registry
	// Shards answers roots' shard requests (POST /internal/shards/{op});
	// nil: 404.
	Shards ShardServer
}

// Server serves the API and the page.
type Server struct {
	cfg     Config
	svc     Service
	log     *slog.Logger
	metrics *metrics
	slots   chan struct{}
	handler http.Handler
	page    *page
}

// New builds a Server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.QueueWait <= 0 {
		cfg.QueueWait = 100 * time.Millisecond
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{cfg: cfg, svc: cfg.Service, log: cfg.Logger, slots: make(chan struct{}, cfg.MaxInFlight)}
	s.metrics = newMetrics(cfg.Registry, cfg.Service)
	p, err := newPage()
	if err != nil {
		return nil, err
	}
	s.page = p
	s.handler = s.middleware(s.routes())
	return s, nil
}

// Handler returns the server's root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// Timeouts of the HTTP server. The zero value of a field means its default.
type Timeouts struct {
	ReadHeader time.Duration // 5 s: slow clients sending headers are cut off
	Read       time.Duration // 10 s
	Write      time.Duration // 15 s
	Idle       time.Duration // 60 s
}

// HTTPServer returns an http.Server for the handler with timeouts and a
// header size limit, so that slow or oversized requests cannot tie it up.
func (s *Server) HTTPServer(t Timeouts) *http.Server {
	def := func(d, v time.Duration) time.Duration {
		if d <= 0 {
			return v
		}
		return d
	}
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: def(t.ReadHeader, 5*time.Second),
		ReadTimeout:       def(t.Read, 10*time.Second),
		WriteTimeout:      def(t.Write, 15*time.Second),
		IdleTimeout:       def(t.Idle, 60*time.Second),
		MaxHeaderBytes:    maxHeaderRead,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// MaxHeaderBytes bounds the request line and headers. The middleware
// enforces it, answering 431 with a JSON error (an HTML page outside
// /api/) like every other error.
const MaxHeaderBytes = 32 << 10

// maxHeaderRead is what http.Server reads of a request's headers before
// giving up itself with a bare 431: far above MaxHeaderBytes, so that a
// long URL reaches the middleware and gets the site's error, and still
// bounded, so that a client cannot make the server hold megabytes.
const maxHeaderRead = 1 << 20
