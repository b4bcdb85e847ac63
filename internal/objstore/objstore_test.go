package objstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/ingest"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/s3test"
)

// words make the test's articles: real sentences are not needed to test
// that a copy answers like its original, only enough distinct terms.
var words = strings.Fields(`harbour storm minister budget railway election court
	vaccine river museum festival drought tariff senate protest bridge orchestra
	satellite glacier refinery orchard embassy stadium archive ferry mayor`)

// writeSeed writes an article saved as text: title, byline, date, body.
func writeSeed(t *testing.T, dir string, n, version int) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%s report number %d\n\nBy Staff Writer\n\nPublished: 2024-03-%02d 10:00\n\n", words[n%len(words)], n, n%28+1)
	for p := range 4 {
		for s := range 3 {
			fmt.Fprintf(&b, "The %s and the %s met the %s in paragraph %d, edition %d, line %d. ",
				words[(n+p)%len(words)], words[(n*3+s)%len(words)], words[(n*7+p+s)%len(words)], p, version, s)
		}
		b.WriteString("\n\n")
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("article-%03d.txt", n)), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// build indexes seeds into dir the way the indexer does.
func build(t *testing.T, seeds, dir string) {
	t.Helper()
	w, err := index.OpenWriter(dir, index.WriterOptions{Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sum, err := ingest.Rebuild(context.Background(), w, ingest.Options{SeedsDir: seeds})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles == 0 {
		t.Fatalf("nothing indexed: %s", sum.String())
	}
}

// flaky is a transport the test can break, as a network partition would.
type flaky struct {
	down atomic.Bool
	// after, when positive, counts requests down to a break.
	after atomic.Int64
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.after.Load() > 0 && f.after.Add(-1) == 0 {
		f.down.Store(true)
	}
	if f.down.Load() {
		return nil, errors.New("test: the store is unreachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func openStore(t *testing.T, srv *s3test.Server, loc string, tr http.RoundTripper) *Store {
	t.Helper()
	s, err := Open(loc, Options{
		Endpoint:  srv.Endpoint,
		Region:    "us-east-1",
		Creds:     credentials.NewStaticV4("test", "testsecret", ""),
		Transport: tr,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ensureBucket(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.EnsureBucket(context.Background())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the cluster is still starting
	}
}

// answers runs the same searches on a directory and returns what they find.
func answers(t *testing.T, dir string) []string {
	t.Helper()
	r, err := index.NewReader(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range []string{"harbour", "storm minister", "edition", `"the river"`, "glacier OR ferry", "senate -court"} {
		node, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, group := range []bool{false, true} {
			res, err := r.Search(context.Background(), index.Request{Query: node, Size: 20, Page: 1, Group: group})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			out = append(out, fmt.Sprintf("%s group=%v total=%d", q, group, res.Total))
			for _, h := range res.Hits {
				out = append(out, fmt.Sprintf("  %s %.6f", h.ID, h.Score))
			}
		}
	}
	return out
}

// server is the S3-compatible server the package's tests share (nil when
// none is installed: serverFor skips).
var server struct {
	srv *s3test.Server
	err error
}

func TestMain(m *testing.M) {
	bin, err := s3test.Binary()
	var dir string
	if err == nil {
		dir, err = os.MkdirTemp("", "objstore-s3-")
	}
	if err == nil {
		server.srv, err = s3test.Run(bin, dir)
	}
	server.err = err
	code := m.Run()
	if server.srv != nil {
		server.srv.Stop()
	}
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func serverFor(t *testing.T) *s3test.Server {
	t.Helper()
	if server.srv == nil {
		if _, err := s3test.Binary(); err != nil {
			t.Skip(s3test.Missing(err))
		}
		t.Fatalf("the S3-compatible server did not start: %v", server.err)
	}
	return server.srv
}

func TestPublishFollowUpdate(t *testing.T) {
	srv := serverFor(t)
	ctx := context.Background()
	s := openStore(t, srv, "s3://news/archive/main", nil)
	ensureBucket(t, s)

	seeds, work := t.TempDir(), t.TempDir()
	for n := range 24 {
		writeSeed(t, seeds, n, 1)
	}
	build(t, seeds, work)
	lease, err := s.Acquire(ctx, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acquire(ctx, time.Minute); !errors.Is(err, ErrConflict) {
		t.Fatalf("a second writer got the lease: %v", err)
	}
	base, st, err := s.Push(ctx, work, "", lease)
	if err != nil {
		t.Fatal(err)
	}
	if st.ShardsSent != 4 || st.ShardsKept != 0 || st.FilesSent == 0 {
		t.Fatalf("first push: %+v", st)
	}

	// Two replicas from empty caches answer like the indexer's directory.
	replicaA, replicaB := t.TempDir(), t.TempDir()
	for _, dir := range []string{replicaA, replicaB} {
		if _, st, err := s.Pull(ctx, dir); err != nil {
			t.Fatal(err)
		} else if st.ShardsFetch != 4 {
			t.Fatalf("pull: %+v", st)
		}
	}
	want := answers(t, work)
	for _, dir := range []string{replicaA, replicaB} {
		if got := answers(t, dir); !reflect.DeepEqual(got, want) {
			t.Fatalf("replica %s answers differently:\n%s\nwant\n%s", dir, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	// A change to one seed moves one shard; the others stay where they are.
	writeSeed(t, seeds, 5, 2)
	build(t, seeds, work)
	base2, st, err := s.Push(ctx, work, base, lease)
	if err != nil {
		t.Fatal(err)
	}
	if st.ShardsSent != 1 || st.ShardsKept != 3 {
		t.Fatalf("incremental push moved more than the changed shard: %+v", st)
	}
	_, pst, err := s.Pull(ctx, replicaA)
	if err != nil {
		t.Fatal(err)
	}
	if pst.ShardsFetch != 1 || pst.ShardsKept != 3 {
		t.Fatalf("incremental pull: %+v", pst)
	}
	if err := Evict(replicaA, 2); err != nil {
		t.Fatal(err)
	}
	if got, want := answers(t, replicaA), answers(t, work); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the update the replica answers differently:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A writer that read CURRENT before the last move must not publish.
	writeSeed(t, seeds, 6, 2)
	build(t, seeds, work)
	if _, _, err := s.Push(ctx, work, base, lease); !errors.Is(err, ErrConflict) {
		t.Fatalf("a push from a stale base: %v", err)
	}
	if _, _, err := s.Push(ctx, work, base2, lease); err != nil {
		t.Fatal(err)
	}
	if err := lease.Release(ctx); err != nil {
		t.Fatal(err)
	}
	l2, err := s.Acquire(ctx, time.Minute)
	if err != nil {
		t.Fatalf("the lease after release: %v", err)
	}
	l2.Release(ctx)
}

// TestPullInterruptedAndUnreachable: a replica killed mid-download leaves
// nothing half-placed and finishes on the next pull; a store unreachable
// for a while leaves the cache serving its generation.
func TestPullInterruptedAndUnreachable(t *testing.T) {
	srv := serverFor(t)
	ctx := context.Background()
	s := openStore(t, srv, "s3://news/interrupted", nil)
	ensureBucket(t, s)
	seeds, work := t.TempDir(), t.TempDir()
	for n := range 16 {
		writeSeed(t, seeds, n, 1)
	}
	build(t, seeds, work)
	base, _, err := s.Push(ctx, work, "", nil)
	if err != nil {
		t.Fatal(err)
	}

	cache := t.TempDir()
	tr := &flaky{}
	tr.after.Store(12) // a few files in, the connection goes
	broken := openStore(t, srv, "s3://news/interrupted", tr)
	if _, _, err := broken.Pull(ctx, cache); err == nil {
		t.Fatal("a pull through a broken connection succeeded")
	}
	if _, err := index.PublishedManifest(cache); err == nil {
		t.Fatal("an interrupted pull published a generation")
	}
	tr.down.Store(false)
	if _, _, err := broken.Pull(ctx, cache); err != nil {
		t.Fatalf("the pull after the interruption: %v", err)
	}
	ents, _ := os.ReadDir(index.ShardsPath(cache))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	want := answers(t, work)
	if got := answers(t, cache); !reflect.DeepEqual(got, want) {
		t.Fatal("the resumed replica answers differently")
	}

	// The store goes away while a new generation is published: the
	// follower fails, and the cache still holds the old generation whole.
	writeSeed(t, seeds, 3, 2)
	build(t, seeds, work)
	if _, _, err := s.Push(ctx, work, base, nil); err != nil {
		t.Fatal(err)
	}
	f := broken.NewFollower(cache)
	tr.down.Store(true)
	if _, err := f.Sync(ctx); err == nil {
		t.Fatal("a sync with the store unreachable succeeded")
	}
	if f.Status().Err == nil {
		t.Fatal("the follower's status hides the failure")
	}
	if got := answers(t, cache); !reflect.DeepEqual(got, want) {
		t.Fatal("the cache changed while the store was unreachable")
	}
	tr.down.Store(false)
	if st, err := f.Sync(ctx); err != nil || st.Manifest == "" {
		t.Fatalf("the sync after the store came back: %+v %v", st, err)
	}
	if got, want := answers(t, cache), answers(t, work); !reflect.DeepEqual(got, want) {
		t.Fatal("the replica did not catch up")
	}
}

// TestPullRejectsCorruptBlob: a blob whose bytes do not match its hash is
// never placed in the cache.
func TestPullRejectsCorruptBlob(t *testing.T) {
	srv := serverFor(t)
	ctx := context.Background()
	s := openStore(t, srv, "s3://news/corrupt", nil)
	ensureBucket(t, s)
	seeds, work := t.TempDir(), t.TempDir()
	for n := range 4 {
		writeSeed(t, seeds, n, 1)
	}
	build(t, seeds, work)
	if _, _, err := s.Push(ctx, work, "", nil); err != nil {
		t.Fatal(err)
	}
	blobs, err := s.listBlobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for sum := range blobs {
		if _, err := s.put(ctx, blobsKey+sum, []byte("flipped bytes"), precondition{}); err != nil {
			t.Fatal(err)
		}
	}
	cache := t.TempDir()
	if _, _, err := s.Pull(ctx, cache); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("a corrupt blob was accepted: %v", err)
	}
	if _, err := index.PublishedManifest(cache); err == nil {
		t.Fatal("a generation with a corrupt shard was published in the cache")
	}
}

func TestParseLocation(t *testing.T) {
	tests := []struct {
		in, bucket, prefix string
		bad                bool
	}{
		{in: "s3://news", bucket: "news"},
		{in: "s3://news/", bucket: "news"},
		{in: "s3://news/a/b/", bucket: "news", prefix: "a/b/"},
		{in: "s3://news/a//b", bad: true},
		{in: "s3://news/../x", bad: true},
		{in: "s3:///x", bad: true},
		{in: "data/index", bad: true},
	}
	for _, tt := range tests {
		b, p, err := parseLocation(tt.in)
		if (err != nil) != tt.bad || b != tt.bucket && !tt.bad || p != tt.prefix && !tt.bad {
			t.Errorf("parseLocation(%q) = %q, %q, %v", tt.in, b, p, err)
		}
	}
}
