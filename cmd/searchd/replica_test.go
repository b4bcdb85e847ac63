package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/objstore"
	"github.com/newsroom/newsearch/internal/s3test"
	"github.com/newsroom/newsearch/internal/syncbuf"
)

var replicaWords = strings.Fields(`harbour storm minister budget railway election court
	vaccine river museum festival drought tariff senate protest bridge orchestra`)

func writeArticle(t *testing.T, dir string, n, version int) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s report %d\n\nBy Staff Writer\n\nPublished: 2024-05-%02d 09:00\n\n", replicaWords[n%len(replicaWords)], n, n%28+1)
	for p := range 3 {
		fmt.Fprintf(&b, "The %s met the %s near the %s, edition %d, paragraph %d of a longer story.\n\n",
			replicaWords[(n+p)%len(replicaWords)], replicaWords[(n*3+p)%len(replicaWords)], replicaWords[(n*5+1)%len(replicaWords)], version, p)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%03d.txt", n)), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReplicasFollowTheStore runs two searchd replicas on empty caches
// against a real S3-compatible server while the indexer's side publishes
// three more generations: every replica serves each new generation, no
// request fails meanwhile, and both answer identically.
func TestReplicasFollowTheStore(t *testing.T) {
	srv := s3test.Start(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.Endpoint)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testsecret")
	const loc = "s3://news/replicas"
	ctx := context.Background()
	store, err := objstore.Open(loc, objstore.Options{Creds: credentials.NewStaticV4("test", "testsecret", "")})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		if err = store.EnsureBucket(ctx); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}

	seeds, work := t.TempDir(), t.TempDir()
	for n := range 12 {
		writeArticle(t, seeds, n, 1)
	}
	writer, err := store.OpenWriter(ctx, work, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close(ctx)
	publish := func() {
		t.Helper()
		w, err := index.OpenWriter(work, index.WriterOptions{Shards: 4, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if _, err := ingest.Rebuild(ctx, w, ingest.Options{SeedsDir: seeds}); err != nil {
			t.Fatal(err)
		}
		if _, err := writer.Push(ctx); err != nil {
			t.Fatal(err)
		}
	}
	publish()

	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var addrs []string
	var wg sync.WaitGroup
	for i := range 2 {
		var log syncbuf.Buffer
		ready := make(chan string, 1)
		wg.Go(func() {
			err := run(sctx, []string{"-index", loc, "-cache", filepath.Join(t.TempDir(), fmt.Sprint("cache", i)),
				"-addr", "127.0.0.1:0", "-poll", "100ms"}, &log, ready)
			if err != nil {
				t.Errorf("replica %d: %v\n%s", i, err, log.String())
			}
		})
		select {
		case a := <-ready:
			addrs = append(addrs, "http://"+a)
		case <-time.After(30 * time.Second):
			t.Fatalf("replica %d did not start:\n%s", i, log.String())
		}
	}
	for _, a := range addrs {
		waitGeneration(t, a, 1)
	}

	// Two clients search both replicas while generations are published.
	var failed, served atomic.Int64
	loadCtx, stopLoad := context.WithCancel(ctx)
	var load sync.WaitGroup
	for _, a := range addrs {
		load.Go(func() {
			for loadCtx.Err() == nil {
				code, _ := httpGet(a + "/api/search?q=" + url.QueryEscape("harbour OR river"))
				if code != http.StatusOK {
					failed.Add(1)
				}
				served.Add(1)
			}
		})
	}
	for g := 2; g <= 4; g++ {
		writeArticle(t, seeds, g, g)
		writeArticle(t, seeds, 20+g, 1)
		publish()
		start := time.Now()
		for _, a := range addrs {
			waitGeneration(t, a, g)
		}
		t.Logf("generation %d served by both replicas %v after it was published", g, time.Since(start).Round(time.Millisecond))
	}
	stopLoad()
	load.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d requests failed while generations were published", failed.Load(), served.Load())
	}

	for _, a := range addrs {
		code, body := httpGet(a + "/metrics")
		if code != http.StatusOK || !strings.Contains(body, "searchd_store_generation 4") || !strings.Contains(body, "searchd_store_sync_failing 0") {
			t.Errorf("%s/metrics does not report the store's generation 4:\n%.2000s", a, body)
		}
	}
	for _, q := range []string{"harbour", "storm minister", `"the river"`, "edition -court", "senate OR bridge&group=article"} {
		var bodies []string
		for _, a := range addrs {
			code, body := httpGet(a + "/api/search?q=" + url.QueryEscape(q))
			if code != http.StatusOK {
				t.Fatalf("%s: %d %s", q, code, body)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatal(err)
			}
			delete(v, "took_ms")
			b, _ := json.Marshal(v)
			bodies = append(bodies, string(b))
		}
		if bodies[0] != bodies[1] {
			t.Errorf("replicas answer %q differently:\n%s\n%s", q, bodies[0], bodies[1])
		}
	}
	stop()
	wg.Wait()
}

func httpGet(u string) (int, string) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitGeneration waits until a replica's /readyz reports generation g.
func waitGeneration(t *testing.T, addr string, g int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := httpGet(addr + "/readyz")
		var v struct {
			Generation int `json:"generation"`
		}
		if code == http.StatusOK && json.Unmarshal([]byte(body), &v) == nil && v.Generation >= g {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never served generation %d: %d %s", addr, g, code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
