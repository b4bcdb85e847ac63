// Command indexer reads the news articles in a seeds folder, splits them
// into paragraphs and publishes them as a new generation of a bleve index
// that searchd serves. Only what changed since the last run is rebuilt;
// with -watch it keeps the index equal to the folder as files come and go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/debugserver"
	"github.com/newsroom/newsearch/internal/flagenv"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/logging"
	"github.com/newsroom/newsearch/internal/objstore"
	"github.com/newsroom/newsearch/internal/progress"
	"github.com/newsroom/newsearch/internal/webpage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		logging.Exit("indexer", err)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("indexer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seeds := fs.String("seeds", flagenv.String("NEWSEARCH_SEEDS", "seeds"), "folder of seed articles (env NEWSEARCH_SEEDS)")
	dir := fs.String("index", flagenv.String("NEWSEARCH_INDEX", "data/index"), "index searchd serves: a directory, or s3://BUCKET/PREFIX in an S3-compatible store (endpoint, region and credentials from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) (env NEWSEARCH_INDEX)")
	cache := fs.String("cache", flagenv.String("NEWSEARCH_CACHE", "data/cache"), "with -index s3://...: the local working copy the index is built in before it is uploaded (env NEWSEARCH_CACHE)")
	shards := fs.Int("shards", index.DefaultShards, "shards seeds are hashed into; each is rebuilt only when one of its seeds changes (more: cheaper updates, slower searches)")
	maxUpdates := fs.Int("max-updates", index.DefaultMaxUpdates, "times a shard is updated (a copy of it with the changed seeds) before it is rebuilt whole; 0 never updates, always rebuilds (so does a negative value, the old spelling)")
	watch := fs.Bool("watch", false, "keep running and rebuild whenever the seeds folder changes")
	debounce := fs.Duration("debounce", 500*time.Millisecond, "with -watch: quiet time before a rebuild")
	rescan := fs.Duration("rescan", 30*time.Second, "with -watch: interval of full rescans")
	gogc := fs.Int("gogc", 400, "garbage-collector target percentage unless GOGC is set (indexing allocates much short-lived memory)")
	memLimit := fs.String("memory-limit", defaultMemoryLimit, "soft limit of the Go heap (B, KiB, MiB or GiB), unless GOMEMLIMIT is set: past it the collector runs more often whatever -gogc says; 0 or off for none")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	debugAddr := fs.String("debug-addr", "", "listen address of Go's profiling endpoints (/debug/pprof/) while the indexer runs, e.g. 127.0.0.1:6061; empty: none (never expose it beyond the machine)")
	memProfile := fs.String("memprofile", "", "write a heap profile (what is live and what was allocated) to this file at the end of the run")
	logFormat := fs.String("log-format", flagenv.String("NEWSEARCH_LOG_FORMAT", logging.Auto), logging.FlagUsage)
	verbose := fs.Bool("v", false, "log each seed's missing metadata and other details")
	maxBytes := fs.Int64("max-seed-bytes", ingest.DefaultMaxSeedBytes, "seeds larger than this are skipped (but crawls: -max-crawl-bytes)")
	maxCrawl := fs.Int64("max-crawl-bytes", ingest.DefaultMaxCrawlBytes, "web crawls (.warc, .warc.gz), read as a stream, larger than this are skipped")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "indexer reads the articles in a seeds folder (text saved from a page, HTML, JSON or\n"+
			"JSON Lines records, WARC crawls), indexes new and changed ones and publishes a new\n"+
			"generation of the index that searchd serves.\n\n"+
			"Usage: indexer [flags]\n\nFlags:\n")
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
	if _, set := os.LookupEnv("GOGC"); !set && *gogc > 0 {
		debug.SetGCPercent(*gogc)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		limit, err := parseSize(*memLimit)
		if err != nil {
			return fmt.Errorf("-memory-limit: %w", err)
		}
		if limit > 0 {
			debug.SetMemoryLimit(limit)
		}
	}
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if *memProfile != "" {
		defer func() {
			if perr := writeHeapProfile(*memProfile); perr != nil && err == nil {
				err = perr
			}
		}()
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log, err := logging.New(stderr, *logFormat, level)
	if err != nil {
		return err
	}
	// From here on a failure is a log line in the chosen format.
	defer func() { err = logging.Fail(log, err) }()
	if *debugAddr != "" {
		stop, bound, err := debugserver.Start(*debugAddr)
		if err != nil {
			return err
		}
		defer stop()
		log.Info("profiling endpoints", "addr", bound)
	}
	wo := index.WriterOptions{Shards: *shards, MaxUpdates: *maxUpdates, Logger: log}
	if *maxUpdates <= 0 {
		// "At most 0 updates": WriterOptions says it explicitly.
		wo.MaxUpdates, wo.NoUpdates = 0, true
	}
	local, push := *dir, func(context.Context) error { return nil }
	if objstore.IsURL(*dir) {
		// Build in the local copy, brought level with the store first, and
		// upload each generation published there.
		store, err := objstore.Open(*dir, objstore.Options{Logger: log})
		if err != nil {
			return err
		}
		remote, err := store.OpenWriter(ctx, *cache, 0)
		if err != nil {
			return err
		}
		defer remote.Close(context.Background())
		local = *cache
		push = func(ctx context.Context) error {
			st, err := remote.Push(ctx)
			if err != nil {
				return fmt.Errorf("upload to %s: %w", *dir, err)
			}
			if st.Manifest == "" {
				return nil
			}
			log.Info("uploaded", "index", *dir, "generation", st.Manifest, "shards_sent", st.ShardsSent,
				"shards_kept", st.ShardsKept, "files_sent", st.FilesSent, "bytes_sent", st.BytesSent)
			// What no kept generation needs leaves the store; a failure
			// here loses nothing and is tried again after the next push.
			gc, err := remote.Collect(ctx, objstore.DefaultCollectKeep, objstore.DefaultCollectGrace)
			if err != nil {
				log.Warn("could not remove old generations from the store", "index", *dir, "err", err)
			} else if gc != (objstore.CollectStats{}) {
				log.Info("removed old generations from the store", "index", *dir, "manifests", gc.Manifests,
					"shards", gc.Shards, "files", gc.Blobs, "bytes", gc.Bytes)
			}
			return nil
		}
	}
	w, err := index.OpenWriter(local, wo)
	if err != nil {
		return err
	}
	defer w.Close()

	isTerm := logging.IsTerminal(stderr)
	bar := progress.New(stderr, log, isTerm && !*watch, 5*time.Second)
	opts := ingest.Options{
		SeedsDir:      *seeds,
		MaxSeedBytes:  *maxBytes,
		MaxCrawlBytes: *maxCrawl,
		Logger:        log,
		Progress:      func(p index.Progress) { bar.Update(p.Seeds, p.SeedsTotal, p.Paragraphs) },
		ReadHTML:      webpage.Read, // HTML pages, HTML in .txt, and the pages of crawls
	}
	if *watch {
		log.Info("watching", "seeds", *seeds, "index", *dir)
		ingest.Watch(ctx, w, opts, ingest.WatchOptions{Debounce: *debounce, Rescan: *rescan}, func(s ingest.Summary, err error) {
			if err != nil {
				log.Error("rebuild failed", "err", diskFull(err, local))
				return
			}
			if s.Published {
				log.Info("rebuilt", "summary", s.String())
			}
			if err := push(ctx); err != nil {
				log.Error("upload failed; tried again after the next change", "err", err)
			}
		})
		return nil
	}
	sum, err := ingest.Rebuild(ctx, w, opts)
	bar.Done()
	if err != nil {
		return diskFull(err, local)
	}
	fmt.Fprintln(stdout, sum.String())
	if err := push(ctx); err != nil {
		return err
	}
	for _, s := range sum.Skipped {
		fmt.Fprintf(stdout, "skipped %s: %s\n", s.Seed, s.Reason)
	}
	// The articles left out of seeds that were indexed (a bad record of a
	// .jsonl, a broken record of a crawl).
	for _, s := range sum.Problems {
		fmt.Fprintf(stdout, "left out of %s: %s\n", s.Seed, s.Reason)
	}
	if sum.Articles == 0 {
		return errors.New("nothing could be indexed")
	}
	return nil
}

// diskFull says in plain words that the disk is full when err comes from
// a write that found no space (bleve reports it as text, not as a wrapped
// ENOSPC), and what became of the index: a failed build publishes nothing.
func diskFull(err error, dir string) error {
	if errors.Is(err, syscall.ENOSPC) || strings.Contains(err.Error(), "no space left on device") {
		return fmt.Errorf("the disk holding %s is full: nothing was published, the served generation is unchanged; free some space and run again (%w)", dir, err)
	}
	return err
}
