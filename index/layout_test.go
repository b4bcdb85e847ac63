package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// bigGeneration is a manifest as the writer makes it, with n seeds.
func bigGeneration(n int) *Generation {
	g := &Generation{Number: 7, Created: time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC), Mapping: MappingVersion, ShardCount: 4,
		Seeds: map[string]SeedInfo{}, Skipped: map[string]SeedInfo{"bad.txt": {Size: 3, Reason: "too short"}}}
	for b := range 4 {
		g.Shards = append(g.Shards, ShardInfo{Name: fmt.Sprintf("s%03d-0123456789abcdef", b), Bucket: b, Articles: n / 4, Paragraphs: n, Updates: b,
			Terms: map[string]int{FieldText: 1000 + b}})
	}
	for i := range n {
		g.Seeds[fmt.Sprintf("news/%06d.txt", i)] = SeedInfo{Size: 2000, ModTime: g.Created, SHA256: strings.Repeat("ab", 32),
			ArticleID: fmt.Sprintf("%016x", i), Paragraphs: 6, Shard: g.Shards[i%4].Name}
	}
	return g
}

func writeManifest(t testing.TB, dir string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, manifestName(7))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReadHead checks that a reader's view of a manifest (number, mapping,
// shards) is the whole manifest's, that it stops before the seed lists,
// and that a manifest with its keys in another order still reads right.
func TestReadHead(t *testing.T) {
	g := bigGeneration(100)
	data, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	want := *g
	want.Seeds, want.Skipped = nil, nil
	dir := t.TempDir()

	for name, text := range map[string]string{
		"as written": string(data),
		// Everything after the shards cut off: only a reader that stops
		// there can read it.
		"cut after the shards": string(data[:strings.Index(string(data), `,"seeds":`)]),
		// Seed lists first (not what the writer does): read whole, still right.
		"seeds first": strings.Replace(`{"seeds":`+string(mustJSON(t, g.Seeds))+`,`+string(data[1:]), `,"seeds":`+string(mustJSON(t, g.Seeds)), "", 1),
	} {
		got, err := readHead(writeManifest(t, dir, []byte(text)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, *got, want)
		}
	}
	whole, err := readManifest(writeManifest(t, dir, data))
	if err != nil || !reflect.DeepEqual(whole, g) {
		t.Fatalf("whole manifest: %v", err)
	}
	for _, bad := range []string{"", "[]", `{"generation":"seven"}`, `{"shards":[{"name":1}]}`, `{"generation":7,`} {
		if _, err := readHead(writeManifest(t, dir, []byte(bad))); err == nil {
			t.Errorf("readHead(%q): no error", bad)
		}
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReloadReadsPointerOnly checks that a reader serving the published
// generation does not read its manifest again on a reload.
func TestReloadReadsPointerOnly(t *testing.T) {
	r, dir := buildIndex(t, map[string][]byte{"a.txt": []byte("Title\n\nOne paragraph of text about the harbour.\n")})
	name, err := currentName(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A manifest that does not decode shows whether a reload reads it.
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("not a manifest"), 0o644); err != nil {
		t.Fatal(err)
	}
	if switched, err := r.Reload(context.Background()); err != nil || switched {
		t.Fatalf("reload of the served generation: switched %v, %v", switched, err)
	}
	if _, err := readHead(path); err == nil {
		t.Fatal("the broken manifest reads")
	}
}

// BenchmarkManifest reads the manifest of a 160k-seed generation (about a
// million paragraphs): whole, as the writer does, and its head, as a
// reader does.
func BenchmarkManifest(b *testing.B) {
	data, err := json.Marshal(bigGeneration(160_000))
	if err != nil {
		b.Fatal(err)
	}
	path := writeManifest(b, b.TempDir(), data)
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := readManifest(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("head", func(b *testing.B) {
		for b.Loop() {
			if _, err := readHead(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
