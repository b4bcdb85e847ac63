package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the files under src to dst, except those skip names
// (relative paths): what a removal killed half-way leaves behind.
func copyTree(t *testing.T, src, dst string, skip map[string]bool) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if skip[rel] {
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPartialShardIsNotReused: a writer killed while removing an old shard
// leaves part of its directory under the shard's name. A later generation
// of the same content must not take that remnant for the shard.
func TestPartialShardIsNotReused(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 1, Keep: 1, NoUpdates: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	v1 := map[string][]byte{"a.txt": storySeed(1, "gull")}
	v2 := map[string][]byte{"a.txt": storySeed(1, "tern")}
	g1 := publish(t, w, v1)
	x := g1.Shards[0].Name
	saved := filepath.Join(t.TempDir(), x)
	copyTree(t, filepath.Join(dir, shardsDir, x), saved, nil)
	g2 := publish(t, w, v2)
	if g2.Shards[0].Name == x {
		t.Fatal("v2 has v1's shard")
	}
	if _, err := os.Stat(filepath.Join(dir, shardsDir, x)); !os.IsNotExist(err) {
		t.Fatalf("v1's shard %s not collected: %v", x, err)
	}
	// The remnant: the store without the index metadata.
	copyTree(t, saved, filepath.Join(dir, shardsDir, x), map[string]bool{"index_meta.json": true})
	g3 := publish(t, w, v1)
	if g3.Shards[0].Name != x {
		t.Fatalf("v1 again is shard %s, want %s", g3.Shards[0].Name, x)
	}
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatalf("generation %d does not open: %v", g3.Number, err)
	}
}

// flipByte inverts one byte in the middle of the largest segment file of
// shard name: damage on disk that the file's size does not show.
func flipByte(t *testing.T, dir, name string) string {
	t.Helper()
	zaps, _ := filepath.Glob(filepath.Join(dir, shardsDir, name, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatalf("shard %s has no segment file", name)
	}
	path, size := "", int64(-1)
	for _, z := range zaps {
		if st, err := os.Stat(z); err == nil && st.Size() > size {
			path, size = z, st.Size()
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, size/2); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, size/2); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDamagedShardRefused: a generation one of whose shards does not
// match its SUMS is not served; the previous one stays, and Status says
// which generation was refused and why. The writer then builds the
// damaged shard's bucket again instead of carrying the damage on, and the
// next generation is served.
func TestDamagedShardRefused(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seeds := map[string][]byte{}
	for i := range 8 {
		seeds[fmt.Sprintf("%02d.txt", i)] = storySeed(i, "gull")
	}
	publish(t, w, seeds)
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if _, err := r.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	seeds["00.txt"] = storySeed(0, "tern")
	g2 := publish(t, w, seeds)
	var damaged string
	for _, s := range g2.Shards {
		if s.Bucket == w.bucket("00.txt") {
			damaged = s.Name
		}
	}
	flipByte(t, dir, damaged)
	_, err = r.Reload(ctx)
	if !errors.Is(err, ErrCorruptShard) {
		t.Fatalf("damaged generation: Reload says %v", err)
	}
	st := r.Status()
	if !st.Ready || st.Generation != 1 || st.Refused != 2 || !strings.Contains(st.RefusedReason, damaged) {
		t.Fatalf("status after refusal: %+v", st)
	}
	res, err := r.Search(ctx, Request{Query: mustParse(t, "gull"), Size: 20})
	if err != nil || res.Total == 0 {
		t.Fatalf("previous generation no longer searched: %v %+v", err, res)
	}
	// Asked again, the same generation is refused without reading it again.
	if _, err := r.Reload(ctx); !errors.Is(err, errRefusedBefore) {
		t.Fatalf("second reload: %v", err)
	}

	// A new writer (the next indexer run) sees the damage and rebuilds.
	w.Close()
	w2, err := OpenWriter(dir, WriterOptions{Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	seeds["01.txt"] = storySeed(1, "tern")
	g3 := publish(t, w2, seeds)
	if _, err := r.Reload(ctx); err != nil {
		t.Fatalf("generation %d after the damage: %v", g3.Number, err)
	}
	if st := r.Status(); st.Generation != g3.Number || st.Refused != 0 {
		t.Fatalf("status after repair: %+v", st)
	}
	for _, s := range g3.Shards {
		if err := verifyShard(filepath.Join(dir, shardsDir, s.Name)); err != nil {
			t.Errorf("generation %d: %v", g3.Number, err)
		}
	}
}

// TestStaleTemporariesCollected: what a killed writer leaves (a shard
// renamed aside, a build directory, a manifest and a CURRENT never renamed
// into place) is gone once the next writer opens the directory.
func TestStaleTemporariesCollected(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, w, map[string][]byte{"a.txt": storySeed(1, "gull")})
	w.Close()
	stale := []string{
		filepath.Join(dir, ".gen-00000002.json.tmp-123"),
		filepath.Join(dir, ".CURRENT.tmp-456"),
		filepath.Join(dir, shardsDir, ".trash-s000-0123456789abcdef-789", "store", "00000001.zap"),
		filepath.Join(dir, shardsDir, ".build-s000-42", "index_meta.json"),
	}
	for _, p := range stale {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w, err = OpenWriter(dir, WriterOptions{Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", p, err)
		}
	}
	for _, p := range []string{filepath.Join(dir, ".trash-s000-0123456789abcdef-789"), filepath.Join(dir, shardsDir, ".build-s000-42")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", p, err)
		}
	}
	if _, err := Current(dir); err != nil {
		t.Fatal(err)
	}
}
