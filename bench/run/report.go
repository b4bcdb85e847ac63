package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/newsroom/newsearch/bench/internal/result"
)

// render writes the run as Markdown: how it was run, the table, the
// per-kind medians and the targets.
func render(all []result.System, cfg config, took time.Duration) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("Run %s on %s; load phases of %s each (1, 2 and 8 clients) after one warm-up pass; took %s; tree %s; load average at start %s, at end %s.\n\n",
		time.Now().Format("2006-01-02 15:04 MST"), machine(), cfg.duration, took.Round(time.Second), revision(), cfg.loadStart, loadAvg())
	p("| size | system | paragraphs | index s | para/s | index MB | ready ms | p50 ms | p95 ms | p99 ms | req/s 1c | req/s 2c | req/s 8c | p99 8c ms | RSS MB | HWM MB | errors |\n")
	p("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range all {
		if s.Skipped != "" {
			p("| %s | %s | %s |\n", sizeName(s.Size), s.System, "skipped: "+s.Skipped)
			continue
		}
		one, two, eight := s.Phase(1), s.Phase(2), s.Phase(8)
		errs := 0
		for _, ph := range s.Phases {
			errs += ph.Errors
		}
		p("| %s | %s | %d | %.1f | %.0f | %.1f | %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.1f | %s | %s | %d |\n",
			sizeName(s.Size), s.System, s.Paragraphs, s.IndexSeconds, s.ParasPerSec, float64(s.IndexBytes)/1e6,
			orDash(s.ColdStartMs, "%.0f"), one.P50, one.P95, one.P99, one.QPS, two.QPS, eight.QPS, eight.P99,
			orDash(float64(s.RSSKB)/1024, "%.0f"), orDash(float64(s.HWMKB)/1024, "%.0f"), errs)
	}
	if cfg.facets {
		p("\nSearches: top 10 with highlighted snippets, and searchd's three facet counts (in searchd and raw bleve; the peers count none).\n")
	} else {
		p("\nSearches: top 10 with highlighted snippets, no facet counts (searchd with facets=false), as the peers answer.\n")
	}
	p("ready: searchd from exec to /readyz 200; the others, opening the index or database in process.\n")
	p("RSS/HWM: VmRSS after the load phases and VmHWM, of searchd and of the in-process query programs (PostgreSQL: not measured).\n")

	kinds := []string{"keyword", "common", "rare", "nohit", "and", "phrase", "phrwords"}
	p("\nMedian latency by query kind, single client (ms):\n\n| size | system |")
	for _, k := range kinds {
		p(" %s |", k)
	}
	p("\n|---:|---|%s\n", strings.Repeat("---:|", len(kinds)))
	for _, s := range all {
		if s.Skipped != "" {
			continue
		}
		p("| %s | %s |", sizeName(s.Size), s.System)
		for _, k := range kinds {
			p(" %.2f |", s.KindP50[k])
		}
		p("\n")
	}

	p("\nTargets (ratios within this run):\n\n| target | size | searchd | reference | ratio | goal | verdict |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, t := range targets(all, cfg.sizes) {
		p("| %s | %s | %s | %s | %s | %s | %s |\n", t.name, t.size, t.ours, t.ref, t.ratio, t.goal, t.verdict)
	}
	var notes []string
	seen := map[string]bool{}
	for _, s := range all {
		for _, n := range append([]string{}, s.Notes...) {
			line := s.System + ": " + n
			if strings.Contains(n, "peak RSS") || strings.Contains(n, "cores busy") {
				line = fmt.Sprintf("%s at %s: %s", s.System, sizeName(s.Size), n)
			}
			if !seen[line] {
				seen[line] = true
				notes = append(notes, line)
			}
		}
	}
	if len(notes) > 0 {
		p("\nNotes:\n\n")
		for _, n := range notes {
			p("- %s\n", n)
		}
	}
	p("\nCommand: `%s`\n", command())
	return b.String()
}

type target struct{ name, size, ours, ref, ratio, goal, verdict string }

func targets(all []result.System, sizes []int) []target {
	find := func(system string, size int) *result.System {
		for i := range all {
			if all[i].System == system && all[i].Size == size && all[i].Skipped == "" {
				return &all[i]
			}
		}
		return nil
	}
	var out []target
	// ratio adds a row comparing ours with ref; atLeast says which way the goal goes.
	ratio := func(name string, size int, ours, ref float64, unit string, goal float64, atLeast bool) {
		t := target{name: name, size: sizeName(size), ours: fmt.Sprintf("%.2f %s", ours, unit), ref: fmt.Sprintf("%.2f %s", ref, unit)}
		if ref <= 0 {
			t.ratio, t.verdict = "–", "no reference"
			out = append(out, t)
			return
		}
		r := ours / ref
		t.ratio = fmt.Sprintf("%.2f×", r)
		if atLeast {
			t.goal = fmt.Sprintf("≥ %.1f×", goal)
			t.verdict = verdict(r >= goal, fmt.Sprintf("%.1f%% of the goal", 100*r/goal))
		} else {
			t.goal = fmt.Sprintf("≤ %.1f×", goal)
			t.verdict = verdict(r <= goal, fmt.Sprintf("%.2f× the goal", r/goal))
		}
		out = append(out, t)
	}
	missing := func(name, size, why string) {
		out = append(out, target{name: name, size: size, ours: "–", ref: "–", ratio: "–", goal: "–", verdict: "not measured: " + why})
	}
	for _, size := range sizes {
		sd := find("searchd", size)
		if sd == nil {
			continue
		}
		if pg := find("PostgreSQL FTS", size); pg != nil {
			ratio("indexer paragraphs/s vs PostgreSQL", size, sd.ParasPerSec, pg.ParasPerSec, "/s", 1, true)
		} else {
			missing("indexer paragraphs/s vs PostgreSQL", sizeName(size), "PostgreSQL skipped")
		}
		if raw := find("raw bleve", size); raw != nil {
			ratio("indexer paragraphs/s vs raw bleve (batch 1,000)", size, sd.ParasPerSec, raw.ParasPerSec, "/s", 1.5, true)
			ratio("p99 single client vs raw bleve in process", size, sd.Phase(1).P99, raw.Phase(1).P99, "ms", 2, false)
			if size == 100_000 {
				ratio("RSS (VmRSS) vs raw bleve", size, float64(sd.RSSKB)/1024, float64(raw.RSSKB)/1024, "MB", 1.5, false)
				ratio("peak RSS (VmHWM) vs raw bleve", size, float64(sd.HWMKB)/1024, float64(raw.HWMKB)/1024, "MB", 1.5, false)
			}
		}
		if sq := find("SQLite FTS5", size); sq != nil {
			ratio("throughput, 2 clients, vs SQLite FTS5 in process", size, sd.Phase(2).QPS, sq.Phase(2).QPS, "req/s", 3, true)
		}
	}
	small, big := find("searchd", 100_000), find("searchd", 1_000_000)
	if small == nil || big == nil {
		missing("100k→1M indexing time at most linear", "100k→1M", "needs 100k and 1M in one run (BENCH_FULL=1)")
		missing("100k→1M rare and phrase p50 sub-linear", "100k→1M", "needs 100k and 1M in one run (BENCH_FULL=1)")
	} else {
		grow := float64(big.Paragraphs) / float64(small.Paragraphs)
		ratio("indexing time growth vs paragraph growth", 1_000_000, big.IndexSeconds/small.IndexSeconds, grow, "×", 1, false)
		for _, k := range []string{"rare", "phrase", "phrwords"} {
			ratio(fmt.Sprintf("%s p50 growth vs paragraph growth", k), 1_000_000, big.KindP50[k]/small.KindP50[k], grow, "×", 1, false)
		}
	}
	if big != nil {
		t := target{name: "cold start to ready", size: "1M", ours: fmt.Sprintf("%.0f ms", big.ColdStartMs), ref: "1000 ms", ratio: fmt.Sprintf("%.2f×", big.ColdStartMs/1000), goal: "≤ 1.0×"}
		t.verdict = verdict(big.ColdStartMs <= 1000, fmt.Sprintf("%.2f× the goal", big.ColdStartMs/1000))
		out = append(out, t)
	} else {
		missing("cold start to ready ≤ 1 s", "1M", "1M not run (BENCH_FULL=1)")
	}
	return out
}

func verdict(ok bool, miss string) string {
	if ok {
		return "met"
	}
	return "**missed** (" + miss + ")"
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func orDash(v float64, format string) string {
	if v <= 0 {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

// command is how the run was started, without machine paths: the runner
// is run with go run from the repository root.
func command() string {
	var env []string
	for _, k := range []string{"BENCH_FULL", "BENCH_DURATION", "BENCH_PG"} {
		if v := os.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return strings.Join(append(append(env, "go run ./bench/run"), os.Args[1:]...), " ")
}

// revision is the commit the run measured, "+ uncommitted changes" when
// the work tree differs from it.
func revision() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	// Uncommitted changes (tracked files and new Go files) are named by a
	// hash of their diff, so that two runs of different trees differ.
	diff, _ := exec.Command("git", "diff", "HEAD").Output()
	untracked, _ := exec.Command("git", "ls-files", "--others", "--exclude-standard", "--", "*.go").Output()
	if len(diff) > 0 || len(untracked) > 0 {
		h := sha256.New()
		h.Write(diff)
		for _, f := range strings.Fields(string(untracked)) {
			if b, err := os.ReadFile(f); err == nil {
				h.Write([]byte(f))
				h.Write(b)
			}
		}
		rev += fmt.Sprintf(" + uncommitted changes %x", h.Sum(nil)[:4])
	}
	return rev
}

// loadAvg is the 1-minute load average, to show whether something else
// ran on the machine.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
