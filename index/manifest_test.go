package index

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestEncodeManifest holds the streamed manifest to json.Marshal's bytes
// (what every manifest was written as before), for generations with and
// without optional fields, nil and empty seed maps, and names that JSON
// escapes; and checks that readHead and readManifest read it back.
func TestEncodeManifest(t *testing.T) {
	created := time.Date(2026, 12, 3, 14, 0, 0, 123, time.UTC)
	many := bigGeneration(50)
	many.Readers = "readers 3"
	many.Seeds["odd/<tag> & \"quote\"\u2028.txt"] = SeedInfo{Size: 1, SHA256: "x", Articles: []ArticleInfo{{ID: "a", Paragraphs: 2}, {ID: "b", Paragraphs: 1}},
		Paragraphs: 3, Missing: []string{"date"}, Problems: []string{"record 3: no text"}}
	tests := []struct {
		name string
		gen  *Generation
	}{
		{"empty", &Generation{Number: 1, Created: created, Mapping: MappingVersion, ShardCount: 4}},
		{"empty maps", &Generation{Number: 2, Created: created, Mapping: MappingVersion, ShardCount: 4, Seeds: map[string]SeedInfo{}, Skipped: map[string]SeedInfo{}}},
		{"many seeds", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.gen)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := encodeManifest(&got, tt.gen); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("streamed manifest differs from json.Marshal:\n got %s\nwant %s", got.Bytes(), want)
			}
			path := filepath.Join(t.TempDir(), manifestName(tt.gen.Number))
			if err := writeAtomic(path, func(w io.Writer) error { return encodeManifest(w, tt.gen) }); err != nil {
				t.Fatal(err)
			}
			whole, err := readManifest(path)
			if err != nil {
				t.Fatal(err)
			}
			var back Generation
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(whole, &back) {
				t.Errorf("readManifest = %+v, want %+v", whole, &back)
			}
			head, err := readHead(path)
			if err != nil {
				t.Fatal(err)
			}
			if head.Number != tt.gen.Number || !reflect.DeepEqual(head.Shards, back.Shards) || head.Seeds != nil {
				t.Errorf("readHead = %+v, want the head of %+v", head, &back)
			}
		})
	}
}

// BenchmarkEncodeManifest writes the manifest of a 160k-seed generation
// (about a million paragraphs) as the writer did (json.Marshal into one
// buffer) and as it does now (streamed); the allocated bytes per operation
// are the figure to read.
func BenchmarkEncodeManifest(b *testing.B) {
	g := bigGeneration(160_000)
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data, err := json.Marshal(g)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Discard.Write(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := encodeManifest(io.Discard, g); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestManifestHeadFields checks that manifestHead has Generation's fields
// before the seed lists, in order, with the same JSON tags: a field added to
// Generation must be added to the head too, or it would be left out of the
// manifests written.
func TestManifestHeadFields(t *testing.T) {
	g, h := reflect.TypeFor[Generation](), reflect.TypeFor[manifestHead]()
	var want []string
	for i := range g.NumField() {
		if tag := g.Field(i).Tag.Get("json"); tag != "seeds" && tag != "skipped" {
			want = append(want, g.Field(i).Name+" "+tag)
		}
	}
	var got []string
	for i := range h.NumField() {
		got = append(got, h.Field(i).Name+" "+h.Field(i).Tag.Get("json"))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("manifestHead fields %q, want Generation's %q", got, want)
	}
	if last := g.Field(g.NumField() - 1).Tag.Get("json"); last != "skipped" || g.Field(g.NumField()-2).Tag.Get("json") != "seeds" {
		t.Errorf("Generation's last fields are not the seed lists (readHead relies on them coming last)")
	}
}
