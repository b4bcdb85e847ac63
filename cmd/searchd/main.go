// Command searchd serves the index the indexer publishes: a JSON search
// API, a search page, health, readiness and metrics. It follows new
// generations of the index as they are published, without a restart.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/debugserver"
	"github.com/newsroom/newsearch/internal/flagenv"
	"github.com/newsroom/newsearch/internal/logging"
	"github.com/newsroom/newsearch/internal/objstore"
	"github.com/newsroom/newsearch/internal/partition"
	"github.com/newsroom/newsearch/internal/search"
	"github.com/newsroom/newsearch/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil && !errors.Is(err, flag.ErrHelp) {
		logging.Exit("searchd", err)
	}
}

// run serves until ctx ends. ready, if not nil, receives the listening
// address once the server accepts connections.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) (err error) {
	fs := flag.NewFlagSet("searchd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", flagenv.String("NEWSEARCH_INDEX", "data/index"), "index the indexer publishes: a directory, or s3://BUCKET/PREFIX in an S3-compatible store (endpoint, region and credentials from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) (env NEWSEARCH_INDEX)")
	cache := fs.String("cache", flagenv.String("NEWSEARCH_CACHE", "data/cache"), "with -index s3://...: local folder the served generations' shards are downloaded into (env NEWSEARCH_CACHE)")
	addr := fs.String("addr", flagenv.String("NEWSEARCH_ADDR", ":8080"), "listen address host:port (env NEWSEARCH_ADDR)")
	poll := fs.Duration("poll", time.Second, "how often to look for a new generation besides file events")
	timeout := fs.Duration("search-timeout", search.DefaultTimeout, "deadline of one request, all of its searches together (the fallback to any of the words, partial results, the suggestion)")
	inFlight := fs.Int("max-in-flight", 0, "concurrent searches before shedding load with 503 (0: 4 × cores)")
	check := fs.String("check", "", "probe URL and exit 0 when it answers 200 (container healthchecks; no curl needed)")
	gogc := fs.Int("gogc", 200, "garbage-collector target percentage unless GOGC is set (searches allocate a lot of short-lived memory)")
	logFormat := fs.String("log-format", flagenv.String("NEWSEARCH_LOG_FORMAT", logging.Auto), logging.FlagUsage)
	buckets := fs.String("buckets", flagenv.String("NEWSEARCH_BUCKETS", ""), "serve only the shards of these buckets, e.g. 0,1 or 0-3: a leaf of a partitioned search (env NEWSEARCH_BUCKETS); empty: all")
	leaves := fs.String("leaves", flagenv.String("NEWSEARCH_LEAVES", ""), "be a root: serve the index its leaves serve together; groups of base URLs separated by spaces, the replicas of a group by commas, e.g. \"http://a1:8080,http://a2:8080 http://b1:8080\" (env NEWSEARCH_LEAVES); -index is then not read")
	leafTimeout := fs.Duration("leaf-timeout", partition.DefaultTimeout, "with -leaves: how long one leaf replica has to answer before the next is tried; past the last, the result says which shards are missing")
	debugAddr := fs.String("debug-addr", "", "listen address of Go's profiling endpoints (/debug/pprof/) for operators, e.g. 127.0.0.1:6060; empty: none (never expose it beyond the machine)")
	wait := fs.Bool("wait", true, "with no published index yet, serve 503 until the indexer publishes one (as compose starts both at once); false: fail at start")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "searchd serves the index the indexer publishes: a JSON search API, a search page,\n"+
			"health, readiness and metrics. It follows new generations without a restart.\n\n"+
			"Usage: searchd [flags]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // the usage was asked for and printed: not a failure
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *check != "" {
		return probe(ctx, *check)
	}
	if _, set := os.LookupEnv("GOGC"); !set && *gogc > 0 {
		debug.SetGCPercent(*gogc)
	}
	log, err := logging.New(stderr, *logFormat, slog.LevelInfo)
	if err != nil {
		return err
	}
	// From here on a failure is a log line in the chosen format.
	defer func() { err = logging.Fail(log, err) }()

	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	serve, reg := *dir, prometheus.NewRegistry()
	bucketList, err := partition.ParseBuckets(*buckets)
	if err != nil {
		return err
	}
	if *leaves != "" && len(bucketList) > 0 {
		return errors.New("-leaves and -buckets: a root serves no shards of its own")
	}
	if objstore.IsURL(*dir) && *leaves == "" {
		// A replica: the follower downloads each generation CURRENT names
		// into the cache and moves the cache's CURRENT once it is whole;
		// the reader serves the cache like any index directory.
		store, err := objstore.Open(*dir, objstore.Options{Logger: log})
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*cache, 0o755); err != nil {
			return fmt.Errorf("create cache: %w", err)
		}
		follower := store.NewFollower(*cache)
		if _, err := follower.Sync(ctx); err != nil {
			log.Warn("could not pull from the object store yet; serving the cache and trying again", "index", *dir, "cache", *cache, "err", err)
		}
		go follower.Run(watchCtx, *poll)
		reg.MustRegister(follower.Collectors()...)
		serve = *cache
	}
	var reader *index.Reader
	switch {
	case *leaves != "":
		groups, err := partition.Parse(*leaves, partition.Options{Timeout: *leafTimeout})
		if err != nil {
			return err
		}
		reader, err = index.NewRootReader(partition.Leaves(groups), log)
		if err != nil {
			return err
		}
		serve = "" // nothing local
	default:
		reader, err = index.NewLeafReader(serve, bucketList, log)
	}
	if err != nil {
		return err
	}
	defer reader.Close()
	if _, err := reader.Reload(ctx); err != nil {
		if !*wait {
			return fmt.Errorf("no index to serve in %s (run the indexer first, or pass -wait to wait for it): %w", *dir, err)
		}
		if serve == "" {
			log.Warn("no leaf serves a generation yet; answering 503 until they do", "leaves", *leaves, "err", err)
		} else if _, serr := os.Stat(serve); serr != nil {
			log.Warn("the index directory does not exist yet; answering 503 until the indexer publishes into it",
				"index", *dir, "err", serr)
		} else {
			log.Warn("no index to serve yet; answering 503 until the indexer publishes one", "index", *dir, "err", err)
		}
	}
	go reader.Watch(watchCtx, *poll)

	// index.Reader → search.Service (the query's policy, one deadline per
	// request) → server (HTTP).
	svc := search.New(reader, search.Options{Timeout: *timeout})
	cfg := server.Config{Service: svc, Logger: log, MaxInFlight: *inFlight, Registry: reg}
	if *leaves == "" {
		cfg.Shards = reader // every searchd of an index directory can be a root's leaf
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(server.Timeouts{Write: *timeout + 10*time.Second})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	if *debugAddr != "" {
		stop, bound, err := debugserver.Start(*debugAddr)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
		log.Info("profiling endpoints", "addr", bound)
	}
	log.Info("listening", "addr", ln.Addr().String(), "index", *dir)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// probe GETs url and fails unless it answers 200.
func probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("check %s: status %d", url, resp.StatusCode)
	}
	return nil
}
