// Command objstore measures the index in object storage: a whole
// generation uploaded and pulled into an empty replica cache (a replica's
// cold start from the store), then one changed seed published and pulled
// (what a replica moves to follow an update, and how long until it
// serves it). It starts a real S3-compatible server (SeaweedFS's weed:
// NEWSEARCH_WEED or weed on PATH).
//
//	go run ./bench/objstore -seeds bench/out/corpus-100000
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/objstore"
	"github.com/newsroom/newsearch/internal/s3test"
)

func main() {
	seeds := flag.String("seeds", "bench/out/corpus-100000", "seeds folder to index")
	out := flag.String("out", "bench/out/objstore", "work folder (emptied first)")
	built := flag.String("index", "", "an index already built (e.g. bench/memory.sh's at 10M) to push and pull as it is, instead of building one from -seeds; no update is measured")
	flag.Parse()
	if err := run(*seeds, *out, *built); err != nil {
		fmt.Fprintln(os.Stderr, "objstore:", err)
		os.Exit(1)
	}
}

func run(seeds, out, built string) error {
	ctx := context.Background()
	bin, err := s3test.Binary()
	if err != nil {
		return fmt.Errorf("%s", s3test.Missing(err))
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	srv, err := s3test.Run(bin, mkdir(filepath.Join(out, "s3")))
	if err != nil {
		return err
	}
	defer srv.Stop()
	store, err := objstore.Open("s3://bench/index", objstore.Options{
		Endpoint: srv.Endpoint, Region: "us-east-1", Creds: credentials.NewStaticV4("bench", "benchsecret", ""),
	})
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(300 * time.Millisecond) {
		if err = store.EnsureBucket(ctx); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return err
	}
	work, cache := mkdir(filepath.Join(out, "work")), mkdir(filepath.Join(out, "cache"))
	if built != "" {
		work = built // the store is empty: opening the writer pulls nothing into it
	}
	writer, err := store.OpenWriter(ctx, work, 0)
	if err != nil {
		return err
	}
	defer writer.Close(ctx)

	t := time.Now()
	if built == "" {
		if err := build(ctx, seeds, work); err != nil {
			return err
		}
		fmt.Printf("build            %8.1f s\n", time.Since(t).Seconds())
	}
	t = time.Now()
	ps, err := writer.Push(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("push (whole)     %8.1f s  %d shards, %d files, %.1f MB\n", time.Since(t).Seconds(), ps.ShardsSent, ps.FilesSent, mb(ps.BytesSent))
	f := store.NewFollower(cache)
	t = time.Now()
	st, err := f.Sync(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("pull (empty)     %8.1f s  %d shards, %d files, %.1f MB\n", time.Since(t).Seconds(), st.ShardsFetch, st.FilesFetch, mb(st.BytesFetch))
	t = time.Now()
	r, err := index.NewReader(cache, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	if _, err := r.Reload(ctx); err != nil {
		return err
	}
	fmt.Printf("open the cache   %8.3f s\n", time.Since(t).Seconds())
	r.Close()
	if built != "" {
		return nil
	}

	// One seed changes: its shard is updated, pushed and pulled.
	changed, err := firstSeed(seeds)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(changed)
	if err != nil {
		return err
	}
	defer os.WriteFile(changed, b, 0o644) // the corpus is shared with other benchmarks
	if err := os.WriteFile(changed, append(b, []byte("\n\nA paragraph added to measure an update.\n")...), 0o644); err != nil {
		return err
	}
	t = time.Now()
	if err := build(ctx, seeds, work); err != nil {
		return err
	}
	rebuilt := time.Since(t)
	t = time.Now()
	ps, err = writer.Push(ctx)
	if err != nil {
		return err
	}
	pushed := time.Since(t)
	t = time.Now()
	st, err = f.Sync(ctx)
	if err != nil {
		return err
	}
	pulled := time.Since(t)
	fmt.Printf("update: build    %8.2f s\n", rebuilt.Seconds())
	fmt.Printf("update: push     %8.2f s  %d shards sent, %d kept, %d files, %.1f MB\n", pushed.Seconds(), ps.ShardsSent, ps.ShardsKept, ps.FilesSent, mb(ps.BytesSent))
	fmt.Printf("update: pull     %8.2f s  %d shards, %d files fetched, %d linked, %.1f MB\n", pulled.Seconds(), st.ShardsFetch, st.FilesFetch, st.FilesLinked, mb(st.BytesFetch))
	fmt.Printf("CURRENT moved -> replica cache switched: %.2f s (plus the reader's reload, at most one poll)\n", pulled.Seconds())
	return nil
}

func build(ctx context.Context, seeds, dir string) error {
	w, err := index.OpenWriter(dir, index.WriterOptions{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer w.Close()
	_, err = ingest.Rebuild(ctx, w, ingest.Options{SeedsDir: seeds})
	return err
}

func firstSeed(dir string) (string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".txt" {
			names = append(names, p)
		}
		return err
	})
	if err != nil || len(names) == 0 {
		return "", fmt.Errorf("no .txt seed in %s: %v", dir, err)
	}
	sort.Strings(names)
	return names[0], nil
}

func mkdir(p string) string {
	_ = os.MkdirAll(p, 0o755)
	return p
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
