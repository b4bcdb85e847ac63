package objstore

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// keys lists the store's objects under the location's prefix, by kind.
func keys(t *testing.T, s *Store) (manifests, lists, blobs []string) {
	t.Helper()
	for obj := range s.client.ListObjects(context.Background(), s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		rel := strings.TrimPrefix(obj.Key, s.prefix)
		switch {
		case strings.HasPrefix(rel, "gen-"):
			manifests = append(manifests, rel)
		case strings.HasPrefix(rel, shardsKey):
			lists = append(lists, rel)
		case strings.HasPrefix(rel, blobsKey):
			blobs = append(blobs, rel)
		}
	}
	return manifests, lists, blobs
}

// TestCollect: after four generations, each changing one shard, a
// collection keeping two removes the two older manifests and exactly the
// shards and blobs only they needed; a replica from an empty cache still
// answers like the writer; nothing written within the grace period goes.
func TestCollect(t *testing.T) {
	srv := serverFor(t)
	ctx := context.Background()
	s := openStore(t, srv, "s3://news/archive/collect", nil)
	ensureBucket(t, s)
	w, err := s.OpenWriter(ctx, t.TempDir(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)

	seeds := t.TempDir()
	for n := range 24 {
		writeSeed(t, seeds, n, 1)
	}
	var sent []int // shards sent by each push
	for gen := range 4 {
		if gen > 0 {
			writeSeed(t, seeds, gen, 2) // one seed, so one shard, changes
		}
		build(t, seeds, w.dir)
		st, err := w.Push(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, st.ShardsSent)
	}
	if !reflect.DeepEqual(sent, []int{4, 1, 1, 1}) {
		t.Fatalf("shards sent per push %v", sent)
	}
	manifests, lists, blobs := keys(t, s)
	if len(manifests) != 4 || len(lists) != 7 {
		t.Fatalf("before: %d manifests, %d shard lists", len(manifests), len(lists))
	}

	// Within the grace period nothing goes.
	if st, err := w.Collect(ctx, 1, time.Hour); err != nil || st != (CollectStats{}) {
		t.Fatalf("collect within the grace period: %+v %v", st, err)
	}

	st, err := w.Collect(ctx, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	m2, l2, b2 := keys(t, s)
	if st.Manifests != 2 || st.Shards != 2 || len(m2) != 2 || len(l2) != 5 || st.Blobs == 0 || st.Blobs != len(blobs)-len(b2) || st.Bytes <= 0 {
		t.Fatalf("collect: %+v; left %v, %d lists, %d of %d blobs", st, m2, len(l2), len(b2), len(blobs))
	}
	if m2[0] != manifests[2] || m2[1] != manifests[3] {
		t.Fatalf("kept manifests %v, want the last two of %v", m2, manifests)
	}
	want := answers(t, w.dir)
	replica := t.TempDir()
	if _, _, err := s.Pull(ctx, replica); err != nil {
		t.Fatalf("a replica after the collection: %v", err)
	}
	if got := answers(t, replica); !reflect.DeepEqual(got, want) {
		t.Fatalf("the replica answers differently after the collection")
	}

	// A second collection finds nothing more to remove; keeping one
	// removes the previous generation's own shard and blobs.
	if st, err := w.Collect(ctx, 2, 0); err != nil || st != (CollectStats{}) {
		t.Fatalf("second collect: %+v %v", st, err)
	}
	if st, err := w.Collect(ctx, 1, 0); err != nil || st.Manifests != 1 || st.Shards != 1 || st.Blobs == 0 {
		t.Fatalf("collect keeping one: %+v %v", st, err)
	}
	if _, _, err := s.Pull(ctx, t.TempDir()); err != nil {
		t.Fatalf("a replica after keeping one: %v", err)
	}
}
