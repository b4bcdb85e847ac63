// Package result holds what one benchmarked system reports, in the JSON
// that the bench tools exchange, and the small measuring helpers they share.
package result

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Phase is one load phase: a number of concurrent clients for a while.
type Phase struct {
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"` // completed, including failures
	Errors   int     `json:"errors"`   // non-200 answers or failed searches
	Seconds  float64 `json:"seconds"`
	QPS      float64 `json:"qps"` // successful requests per second
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// System is what one system measured at one corpus size.
type System struct {
	System       string  `json:"system"`
	Size         int     `json:"size"` // target paragraphs of the corpus
	Paragraphs   int     `json:"paragraphs"`
	IndexSeconds float64 `json:"index_seconds"`
	ParasPerSec  float64 `json:"paragraphs_per_second"`
	IndexBytes   int64   `json:"index_bytes"`
	ColdStartMs  float64 `json:"cold_start_ms,omitempty"` // process start to ready
	// Phases: 1, 2 and 8 clients.
	Phases  []Phase            `json:"phases"`
	KindP50 map[string]float64 `json:"kind_p50_ms"` // single client, per query kind
	RSSKB   int64              `json:"rss_kb"`      // after the load phases
	HWMKB   int64              `json:"hwm_kb"`      // peak
	Notes   []string           `json:"notes,omitempty"`
	Skipped string             `json:"skipped,omitempty"` // why it was not measured
}

// Phase returns the phase with n clients, or a zero Phase.
func (s *System) Phase(n int) Phase {
	for _, p := range s.Phases {
		if p.Clients == n {
			return p
		}
	}
	return Phase{}
}

// Recorder collects latencies of one phase.
type Recorder struct {
	lat    []time.Duration
	byKind map[string][]time.Duration
	errors int
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{byKind: map[string][]time.Duration{}} }

// Add records one request.
func (r *Recorder) Add(kind string, d time.Duration, ok bool) {
	r.lat = append(r.lat, d)
	r.byKind[kind] = append(r.byKind[kind], d)
	if !ok {
		r.errors++
	}
}

// Merge adds the samples of o.
func (r *Recorder) Merge(o *Recorder) {
	r.lat = append(r.lat, o.lat...)
	for k, v := range o.byKind {
		r.byKind[k] = append(r.byKind[k], v...)
	}
	r.errors += o.errors
}

// Phase summarises the recorded requests of a phase that lasted elapsed.
func (r *Recorder) Phase(clients int, elapsed time.Duration) Phase {
	p := Phase{Clients: clients, Requests: len(r.lat), Errors: r.errors, Seconds: elapsed.Seconds()}
	if elapsed > 0 {
		p.QPS = float64(len(r.lat)-r.errors) / elapsed.Seconds()
	}
	s := sorted(r.lat)
	p.P50, p.P95, p.P99 = Percentile(s, 50), Percentile(s, 95), Percentile(s, 99)
	if len(s) > 0 {
		p.Max = ms(s[len(s)-1])
	}
	return p
}

// KindP50 returns the median latency of each query kind, in ms.
func (r *Recorder) KindP50() map[string]float64 {
	out := map[string]float64{}
	for k, v := range r.byKind {
		out[k] = Percentile(sorted(v), 50)
	}
	return out
}

func sorted(d []time.Duration) []time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

// Percentile returns the p-th percentile (nearest rank) of sorted
// durations, in milliseconds.
func Percentile(s []time.Duration, p float64) float64 {
	if len(s) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return ms(s[i])
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ProcMem returns VmRSS and VmHWM of a process, in KiB, from
// /proc/PID/status.
func ProcMem(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm, sc.Err()
}

// DirBytes returns the bytes of the regular files under dir.
func DirBytes(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
