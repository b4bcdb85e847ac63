package objstore

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsroom/newsearch/index"
)

// Collectors returns the follower's Prometheus metrics, read from its
// status at each scrape: what a replica operator watches to see it keeps
// up with the store.
func (f *Follower) Collectors() []prometheus.Collector {
	gauge := func(name, help string, v func(FollowStatus) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return v(f.Status()) })
	}
	return []prometheus.Collector{
		gauge("searchd_store_generation", "Number of the generation last pulled from the object store into the cache (0 before the first).",
			func(s FollowStatus) float64 {
				n, _ := index.ManifestNumber(s.Manifest)
				return float64(n)
			}),
		gauge("searchd_store_last_sync_timestamp_seconds", "Unix time the object store last answered a sync (0: never).",
			func(s FollowStatus) float64 {
				if s.Synced.IsZero() {
					return 0
				}
				return float64(s.Synced.UnixNano()) / 1e9
			}),
		gauge("searchd_store_sync_failing", "1 while the last sync with the object store failed (the cache keeps serving its generation), else 0.",
			func(s FollowStatus) float64 {
				if s.Err != nil {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "searchd_store_fetched_bytes_total", Help: "Bytes downloaded from the object store since start."},
			func() float64 { return float64(f.Status().Fetched) }),
	}
}
