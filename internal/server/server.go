// Package server is searchd's HTTP layer: the route table, the JSON API,
// the search page, and the middleware every request passes through
// (request id, access log, panic recovery, security headers, metrics, load
// shedding). Handlers return errors; one adapter turns them into statuses.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
)

// Searcher is what the server needs of an index: the index package's
// Reader implements it.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
	Article(ctx context.Context, id string, q query.Node) (*index.ArticleView, error)
	Status() index.Status
	// Suggest returns the query with misspelt words replaced by close
	// words of the index ("did you mean"), or "" when it has none; n is
	// q parsed.
	Suggest(ctx context.Context, q string, n query.Node) (string, error)
}

// Config configures a Server. Only Index is required.
type Config struct {
	Index  Searcher
	Logger *slog.Logger // nil discards
	// SearchTimeout bounds each search; past it the client gets 503. 0 means 2 s.
	SearchTimeout time.Duration
	// MaxInFlight bounds concurrent searches; more wait up to QueueWait and
	// then get 503 with Retry-After. 0 means 4 × GOMAXPROCS.
	MaxInFlight int
	// QueueWait is how long a search waits for a free slot. 0 means 100 ms.
	QueueWait time.Duration
	// Registry receives the metrics; nil means a fresh registry.
	Registry *prometheus.Registry
}

// Server serves the API and the page.
type Server struct {
	cfg     Config
	log     *slog.Logger
	router  *mux.Router
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
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = 2 * time.Second
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
	s := &Server{cfg: cfg, log: cfg.Logger, slots: make(chan struct{}, cfg.MaxInFlight)}
	s.metrics = newMetrics(cfg.Registry, cfg.Index)
	p, err := newPage()
	if err != nil {
		return nil, err
	}
	s.page = p
	s.routes()
	return s, nil
}

// Handler returns the server's root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// byPrefix sends /api/ paths to api and the rest to page: errors outside
// any route answer in the format of the part of the site asked for.
func (s *Server) byPrefix(api, page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}

// routes is the route table: the only place that knows URLs.
func (s *Server) routes() {
	r := mux.NewRouter()
	r.StrictSlash(false)
	r.UseEncodedPath()
	r.Handle("/api/search", s.api("search", s.limited(s.handleSearch))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/articles/{id}", s.api("article", s.limited(s.handleArticle))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/help", s.api("help", s.handleHelp)).Methods(http.MethodGet, http.MethodHead)

	r.Handle("/healthz", s.api("healthz", s.handleHealthz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/readyz", s.api("readyz", s.handleReadyz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.instrument("metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))).Methods(http.MethodGet)

	r.Handle("/", s.html("page", s.limited(s.handlePage))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/articles/{id}", s.html("article_page", s.limited(s.handleArticlePage))).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/help", s.html("help_page", s.handleHelpPage)).Methods(http.MethodGet, http.MethodHead)
	r.PathPrefix("/static/").Handler(s.instrument("static", s.page.static())).Methods(http.MethodGet, http.MethodHead)
	r.NotFoundHandler = s.byPrefix(s.api("not_found", notFound), s.html("not_found", notFound))
	r.MethodNotAllowedHandler = s.byPrefix(s.api("method_not_allowed", methodNotAllowed), s.html("method_not_allowed", methodNotAllowed))
	s.router = r
	s.handler = s.middleware(r)
}

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
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// MaxHeaderBytes bounds the request line and headers.
const MaxHeaderBytes = 32 << 10
