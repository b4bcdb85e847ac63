package server

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the route table: the only place that knows URLs, and the only
// file that imports gorilla/mux (handlers read path variables with
// pathVar).
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.StrictSlash(false)
	r.UseEncodedPath()
	get := []string{http.MethodGet, http.MethodHead}
	r.Handle("/api/search", s.api("search", s.throttle(s.handleSearch))).Methods(get...)
	r.Handle("/api/articles/{id}", s.api("article", s.throttle(s.handleArticle))).Methods(get...)
	r.Handle("/api/help", s.api("help", s.handleHelp)).Methods(get...)
	r.Handle("/api/openapi.json", s.api("openapi", s.handleOpenAPI)).Methods(get...)

	r.Handle("/internal/shards/{op}", s.api("shard", s.throttle(s.handleShard))).Methods(http.MethodPost)

	r.Handle("/healthz", s.api("healthz", s.handleHealthz)).Methods(get...)
	r.Handle("/readyz", s.api("readyz", s.handleReadyz)).Methods(get...)
	r.Handle("/metrics", s.instrument("metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))).Methods(http.MethodGet)

	r.Handle("/", s.html("page", s.throttle(s.handleSearchPage))).Methods(get...)
	r.Handle("/articles/{id}", s.html("article_page", s.throttle(s.handleArticlePage))).Methods(get...)
	r.Handle("/help", s.html("help_page", s.handleHelpPage)).Methods(get...)
	r.PathPrefix("/static/").Handler(s.instrument("static", s.page.static())).Methods(get...)
	r.NotFoundHandler = byPrefix(s.api("not_found", notFound), s.html("not_found", notFound))
	r.MethodNotAllowedHandler = byPrefix(s.api("method_not_allowed", methodNotAllowed), s.html("method_not_allowed", methodNotAllowed))
	return r
}

// pathVar is the path variable name of the route that matched r ("" when
// it has none): the handlers' one way to read the URL's path.
func pathVar(r *http.Request, name string) string {
	return mux.Vars(r)[name]
}

// byPrefix sends /api/ paths to api and the rest to page: errors outside
// any route answer in the format of the part of the site asked for.
func byPrefix(api, page http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/api" {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}
