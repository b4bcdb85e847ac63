// Command run is the benchmark runner of issue 8: for each corpus size it
// builds the corpus, times the indexer, serves the index with searchd on a
// free loopback port and loads it, then measures raw bleve in process with
// the same mapping, SQLite FTS5 in process and PostgreSQL full-text search
// on the same seeds and queries, and prints one table with the ratios
// against the performance targets. Run it from the repository root:
//
//	go run ./bench/run                          # 10k and 100k paragraphs
//	BENCH_FULL=1 go run ./bench/run             # and 1M
//	go run ./bench/run -sizes 10000 -duration 3s
//
// Everything it writes goes to bench/out/ (git-ignored): corpora, indexes,
// logs, results.json and results.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/newsroom/newsearch/bench/internal/corpus"
	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
)

type config struct {
	sizes     []int
	duration  time.Duration
	clients   []int
	corpora   string
	out       string
	queries   string
	pg        bool
	sqlite    bool
	raw       bool
	facets    bool   // searchd and raw bleve count facets on every search
	params    string // searchd's extra search parameters
	loadStart string
}

func main() {
	var cfg config
	sizes := flag.String("sizes", "", "corpus sizes in paragraphs, comma-separated (default 10000,100000, and 1000000 with BENCH_FULL=1)")
	flag.DurationVar(&cfg.duration, "duration", envDuration("BENCH_DURATION", 8*time.Second), "length of each load phase (env BENCH_DURATION)")
	clients := flag.String("clients", "1,2,8", "client counts of the load phases")
	flag.StringVar(&cfg.corpora, "corpora", "../shared/corpus", "the shared corpora, relative to the repository root")
	flag.StringVar(&cfg.out, "out", "bench/out", "work folder (git-ignored)")
	flag.StringVar(&cfg.queries, "queries", "bench/queries.txt", "query set")
	flag.BoolVar(&cfg.pg, "pg", os.Getenv("BENCH_PG") != "0", "measure PostgreSQL when a server can be started (env BENCH_PG=0 skips)")
	flag.BoolVar(&cfg.sqlite, "sqlite", true, "measure SQLite FTS5")
	flag.BoolVar(&cfg.raw, "raw", true, "measure raw bleve")
	flag.BoolVar(&cfg.facets, "facets", false, "count searchd's facets on every search, in searchd and raw bleve (the peers have none)")
	flag.Parse()
	// Strict results: the peers neither relax a query nor add partial
	// results, so searchd runs the same one search per query as they do.
	cfg.params = "relax=false"
	if !cfg.facets {
		cfg.params += "&facets=false"
	}
	var err error
	if *sizes == "" {
		*sizes = "10000,100000"
		if os.Getenv("BENCH_FULL") == "1" {
			*sizes += ",1000000"
		}
	}
	if cfg.sizes, err = load.Counts(*sizes); err == nil {
		cfg.clients, err = load.Counts(*clients)
	}
	if err != nil {
		fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench/run:", err)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, cfg config) error {
	if _, err := os.Stat("go.mod"); err != nil {
		return errors.New("run from the repository root")
	}
	if _, err := os.Stat(filepath.Join(cfg.corpora, "bbc")); err != nil {
		return fmt.Errorf("shared corpora not found at %s", cfg.corpora)
	}
	qs, err := queries.Load(cfg.queries)
	if err != nil {
		return err
	}
	started := time.Now()
	cfg.loadStart = loadAvg()
	bin, err := filepath.Abs(filepath.Join(cfg.out, "bin"))
	if err != nil {
		return err
	}
	logf("building binaries into %s", bin)
	if err := goBuild(ctx, ".", bin, "./cmd/indexer", "./cmd/searchd", "./bench/rawbleve"); err != nil {
		return err
	}
	peersErr := goBuild(ctx, "bench/peers", bin, "-tags", "sqlite_fts5", ".")
	if peersErr != nil {
		logf("peers not built, SQLite and PostgreSQL skipped: %v", peersErr)
	}
	logs := filepath.Join(cfg.out, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}

	var pg *pgServer
	pgSkip := ""
	switch {
	case !cfg.pg:
		pgSkip = "disabled (BENCH_PG=0)"
	case peersErr != nil:
		pgSkip = "peers module not built"
	default:
		logf("starting PostgreSQL on the loopback")
		if pg, err = startPG(ctx, cfg.out, logs); err != nil {
			pgSkip = "no server: " + err.Error()
			logf("PostgreSQL skipped: %v", err)
		} else {
			defer pg.stop()
			logf("PostgreSQL %s ready in %s", pg.version, pg.startup.Round(time.Millisecond))
		}
	}

	var all []result.System
	save := func() error {
		b, _ := json.MarshalIndent(all, "", "  ")
		return os.WriteFile(filepath.Join(cfg.out, "results.json"), b, 0o644)
	}
	for _, size := range cfg.sizes {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := filepath.Join(cfg.out, fmt.Sprintf("corpus-%d", size))
		logf("corpus %d: building %s", size, dir)
		m, err := corpus.Build(corpus.Options{Root: cfg.corpora, Out: dir, Target: size})
		if err != nil {
			return err
		}
		logf("corpus %d: %d paragraphs in %d articles (%d synthetic)", size, m.Paragraphs, m.Articles, m.Synthetic)
		work := filepath.Join(cfg.out, fmt.Sprintf("size-%d", size))
		if err := os.RemoveAll(work); err != nil {
			return err
		}
		if err := os.MkdirAll(work, 0o755); err != nil {
			return err
		}
		systems := []func() (result.System, error){
			func() (result.System, error) { return measureSearchd(ctx, cfg, bin, dir, work, logs, size, qs) },
		}
		if cfg.raw {
			systems = append(systems, func() (result.System, error) {
				return measureTool(ctx, cfg, filepath.Join(bin, "rawbleve"), "raw bleve",
					[]string{"build", "-seeds", dir, "-index", filepath.Join(work, "raw")},
					[]string{"query", "-index", filepath.Join(work, "raw"), "-facets=" + strconv.FormatBool(cfg.facets)})
			})
		}
		if cfg.sqlite && peersErr == nil {
			systems = append(systems, func() (result.System, error) {
				db := filepath.Join(work, "fts5.db")
				return measureTool(ctx, cfg, filepath.Join(bin, "peers"), "SQLite FTS5",
					[]string{"sqlite", "build", "-seeds", dir, "-db", db}, []string{"sqlite", "query", "-db", db})
			})
		}
		if pg != nil {
			systems = append(systems, func() (result.System, error) {
				return measureTool(ctx, cfg, filepath.Join(bin, "peers"), "PostgreSQL FTS",
					[]string{"pg", "build", "-seeds", dir, "-dsn", pg.dsn}, []string{"pg", "query", "-dsn", pg.dsn})
			})
		} else if cfg.pg || pgSkip != "" {
			all = append(all, result.System{System: "PostgreSQL FTS", Size: size, Skipped: pgSkip})
		}
		for _, measure := range systems {
			s, err := measure()
			s.Size = size
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				logf("%s at %d failed: %v", s.System, size, err)
				s.Skipped = "failed: " + err.Error()
			}
			all = append(all, s)
			if err := save(); err != nil {
				return err
			}
		}
	}
	report := render(all, cfg, time.Since(started))
	fmt.Print(report)
	return os.WriteFile(filepath.Join(cfg.out, "results.md"), []byte(report), 0o644)
}

// goBuild builds packages of the module in dir into bin.
func goBuild(ctx context.Context, dir, bin string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", bin + string(filepath.Separator)}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build in %s: %w\n%s", dir, err, out)
	}
	return nil
}

var summaryRe = regexp.MustCompile(`paragraphs=(\d+) .*indexed=(\d+)`)

// measureSearchd times the indexer on the corpus, starts searchd on the
// index and loads it over HTTP.
func measureSearchd(ctx context.Context, cfg config, bin, seeds, work, logs string, size int, qs []queries.Query) (result.System, error) {
	s := result.System{System: "searchd"}
	idx := filepath.Join(work, "index")
	logf("searchd %d: indexer", size)
	logFile, err := os.Create(filepath.Join(logs, fmt.Sprintf("indexer-%d.log", size)))
	if err != nil {
		return s, err
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "indexer"), "-seeds", seeds, "-index", idx)
	var stdout strings.Builder
	cmd.Stdout = io.MultiWriter(&stdout, logFile)
	cmd.Stderr = logFile
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return s, fmt.Errorf("indexer: %w (see %s)", err, logFile.Name())
	}
	s.IndexSeconds = time.Since(start).Seconds()
	m := summaryRe.FindStringSubmatch(stdout.String())
	if m == nil {
		return s, fmt.Errorf("indexer printed no summary: %q", stdout.String())
	}
	s.Paragraphs, _ = strconv.Atoi(m[2])
	s.ParasPerSec = float64(s.Paragraphs) / s.IndexSeconds
	if s.IndexBytes, err = result.DirBytes(idx); err != nil {
		return s, err
	}
	if st, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		s.Notes = append(s.Notes, fmt.Sprintf("indexer peak RSS %.0f MB, CPU %.1f s (%.2f cores busy on average)",
			float64(st.Maxrss)/1024, cpu, cpu/s.IndexSeconds))
	}
	logf("searchd %d: indexed %d paragraphs in %.1fs (%.0f/s), %.1f MB", size, s.Paragraphs, s.IndexSeconds, s.ParasPerSec, float64(s.IndexBytes)/1e6)

	port, err := freePort()
	if err != nil {
		return s, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	base := "http://" + addr
	slog, err := os.Create(filepath.Join(logs, fmt.Sprintf("searchd-%d.log", size)))
	if err != nil {
		return s, err
	}
	defer slog.Close()
	srv := exec.Command(filepath.Join(bin, "searchd"), "-index", idx, "-addr", addr)
	srv.Stdout, srv.Stderr = slog, slog
	start = time.Now()
	if err := srv.Start(); err != nil {
		return s, err
	}
	defer stopProcess(srv)
	if err := waitReady(ctx, base+"/readyz", 60*time.Second); err != nil {
		return s, fmt.Errorf("searchd not ready: %w (see %s)", err, slog.Name())
	}
	s.ColdStartMs = float64(time.Since(start)) / float64(time.Millisecond)
	logf("searchd %d: ready in %.0f ms on %s; loading", size, s.ColdStartMs, addr)
	do, err := load.HTTP(base, 10, max(8, maxInt(cfg.clients)), cfg.params)
	if err != nil {
		return s, err
	}
	s.Phases, s.KindP50 = load.Suite(ctx, qs, cfg.duration, cfg.clients, do)
	if s.RSSKB, s.HWMKB, err = result.ProcMem(srv.Process.Pid); err != nil {
		return s, err
	}
	logPhases(s)
	return s, nil
}

// measureTool runs a build and a query command of a tool that prints a
// result.System as JSON, and merges the two.
func measureTool(ctx context.Context, cfg config, tool, name string, build, query []string) (result.System, error) {
	s := result.System{System: name}
	logf("%s: build", name)
	b, err := runJSON(ctx, tool, build)
	if err != nil {
		return s, err
	}
	logf("%s: indexed %d paragraphs in %.1fs (%.0f/s), %.1f MB", name, b.Paragraphs, b.IndexSeconds, b.ParasPerSec, float64(b.IndexBytes)/1e6)
	query = append(query, "-queries", cfg.queries, "-duration", cfg.duration.String(), "-clients", joinInts(cfg.clients))
	q, err := runJSON(ctx, tool, query)
	if err != nil {
		return s, err
	}
	s = b
	s.System = name
	s.ColdStartMs, s.Phases, s.KindP50, s.RSSKB, s.HWMKB = q.ColdStartMs, q.Phases, q.KindP50, q.RSSKB, q.HWMKB
	s.Notes = append(s.Notes, q.Notes...)
	logPhases(s)
	return s, nil
}

func runJSON(ctx context.Context, tool string, args []string) (result.System, error) {
	var s result.System
	cmd := exec.CommandContext(ctx, tool, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return s, fmt.Errorf("%s %s: %w: %s", filepath.Base(tool), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if err := json.Unmarshal(out, &s); err != nil {
		return s, fmt.Errorf("%s: bad output %q: %w", filepath.Base(tool), out, err)
	}
	return s, nil
}

func logPhases(s result.System) {
	for _, p := range s.Phases {
		logf("%s: %d client(s): p50 %.2f p95 %.2f p99 %.2f ms, %.0f req/s, %d errors", s.System, p.Clients, p.P50, p.P95, p.P99, p.QPS, p.Errors)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls url until it answers 200.
func waitReady(ctx context.Context, url string, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("HTTP %d", resp.StatusCode)
			}
			return fmt.Errorf("after %s: %w", limit, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stopProcess ends a process this runner started: SIGTERM, then SIGKILL
// after 20 s.
func stopProcess(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func maxInt(v []int) int {
	m := 0
	for _, n := range v {
		m = max(m, n)
	}
	return m
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// machine describes the machine the run is on.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if kb, err := strconv.Atoi(f[1]); err == nil {
				mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d cores (%s)%s, %s, %s/%s", runtime.NumCPU(), model, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
