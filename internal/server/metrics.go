package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/newsroom/newsearch/index"
)

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	shed       prometheus.Counter
	incomplete prometheus.Counter
}

// newMetrics registers the server's metrics and the index's gauges, read
// from idx's status at each scrape.
func newMetrics(reg *prometheus.Registry, idx interface{ Status() index.Status }) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "searchd_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "searchd_request_duration_seconds",
			Help:    "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "searchd_searches_in_flight", Help: "Searches running now.",
		}),
		shed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "searchd_searches_shed_total", Help: "Searches refused with 503 because too many were running.",
		}),
		incomplete: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "searchd_searches_incomplete_total",
			Help: "Searches answered without some shards of a partitioned index (a root whose leaves did not answer in time).",
		}),
	}
	reg.MustRegister(m.requests, m.latency, m.inFlight, m.shed, m.incomplete,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "searchd_index_documents", Help: "Paragraph documents in the served generation."},
			func() float64 { return float64(idx.Status().Documents) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "searchd_index_generation", Help: "Number of the served generation (0 before the first)."},
			func() float64 { return float64(idx.Status().Generation) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "searchd_index_refused_generation",
			Help: "Number of a published generation newer than the served one that was refused because a shard is damaged (0: none)."},
			func() float64 { return float64(idx.Status().Refused) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "searchd_index_last_reload_timestamp_seconds", Help: "Unix time the served generation was loaded."},
			func() float64 {
				t := idx.Status().LoadedAt
				if t.IsZero() {
					return 0
				}
				return float64(t.UnixNano()) / 1e9
			}),
	)
	return m
}

// instrument counts a route's requests by status and times them.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
		}
		h.ServeHTTP(sw, r)
		code := sw.status
		if code == 0 {
			code = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
		s.metrics.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// noteIncomplete counts a search answered without some shards and puts
// them in the request's log line.
func (s *Server) noteIncomplete(r *http.Request, missing []string) {
	if len(missing) == 0 {
		return
	}
	s.metrics.incomplete.Inc()
	logNote(r.Context(), fmt.Errorf("incomplete: shards %v did not answer", missing))
}
