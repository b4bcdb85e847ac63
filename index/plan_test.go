package index

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/newsroom/newsearch/index/doc"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/records"
)

// storySeed is a small article of two paragraphs carrying word.
func storySeed(i int, word string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Harbour report %d\n\nBy Ann Lee (Coast Times) 09:15, March %d, 2016\n\n", i, 1+i%28)
	fmt.Fprintf(&b, "A storm closed the harbour on day %d and the ferry waited.\n\n", i)
	fmt.Fprintf(&b, "The %s was seen over the nets of boat %d.\n", word, i)
	return []byte(b.String())
}

// publishStats publishes seeds with w and returns the generation and what
// the writer did.
func publishStats(t testing.TB, w *Writer, seeds map[string][]byte) (*Generation, BuildStats) {
	t.Helper()
	var entries []Entry
	for name, data := range seeds {
		entries = append(entries, Entry{Seed: name, Info: SeedInfo{Size: int64(len(data)), SHA256: sha(data)}})
	}
	src := testSource(seeds)
	p, err := w.Plan(context.Background(), entries, src)
	if err != nil {
		t.Fatal(err)
	}
	gen, stats, err := w.Publish(context.Background(), p, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	return gen, stats
}

// testSource reads seeds from memory: the hashes are those the entries of
// publishStats carry, the documents those of article.Parse.
type testSource map[string][]byte

func (s testSource) Hash(_ context.Context, e Entry) (string, error) { return sha(s[e.Seed]), nil }

func (s testSource) Read(_ context.Context, e Entry) ([]*Document, string, error) {
	if strings.HasSuffix(e.Seed, ".jsonl") {
		// A seed of many articles, read as ingest reads one.
		docs, errs := records.ReadJSONL(e.Seed, s[e.Seed])
		if len(errs) > 0 {
			return nil, sha(s[e.Seed]), errs[0]
		}
		return docs, sha(s[e.Seed]), nil
	}
	a, err := article.Parse(e.Seed, s[e.Seed])
	if err != nil {
		return nil, sha(s[e.Seed]), err
	}
	return []*Document{a.Document()}, sha(s[e.Seed]), nil
}

// sameAsFullBuild checks that the index in dir answers like an index built
// from scratch from the same seeds: same totals, hits, scores and facets.
func sameAsFullBuild(t *testing.T, r *Reader, shards int, seeds map[string][]byte) {
	t.Helper()
	if _, err := r.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: shards})
	if err != nil {
		t.Fatal(err)
	}
	publish(t, w, seeds)
	w.Close()
	fresh, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, err := fresh.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The index-wide BM25 statistics first: bleve rounds the average
	// field length up to a whole number, so scores alone rarely show a
	// wrong term count.
	if got, want := r.cur.Load().stats, fresh.cur.Load().stats; got.DocCount != want.DocCount || !reflect.DeepEqual(got.FieldCardinality, want.FieldCardinality) {
		t.Errorf("statistics %v %v, full build %v %v", got.DocCount, got.FieldCardinality, want.DocCount, want.FieldCardinality)
	}
	for _, q := range []string{"storm", "harbour ferry", "zeppelin OR dirigible", `"ferry waited"`, "balloon", "author:lee"} {
		node, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, group := range []bool{false, true} {
			req := Request{Query: node, Size: 50, Group: group}
			got, err := r.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fresh.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
				t.Fatalf("%s group=%v: %d hits of %d, full build %d of %d", q, group, len(got.Hits), got.Total, len(want.Hits), want.Total)
			}
			for i := range got.Hits {
				if got.Hits[i].ID != want.Hits[i].ID || math.Abs(got.Hits[i].Score-want.Hits[i].Score) > 1e-9 {
					t.Errorf("%s group=%v hit %d: %s %.12f, full build %s %.12f", q, group, i,
						got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].ID, want.Hits[i].Score)
				}
			}
			if !reflect.DeepEqual(got.Facets, want.Facets) {
				t.Errorf("%s group=%v: facets %+v, full build %+v", q, group, got.Facets, want.Facets)
			}
		}
	}
}

// seedIn returns a seed path of the form prefix-N.txt that falls in bucket b.
func seedIn(w *Writer, b int, prefix string) string {
	for i := 0; ; i++ {
		if name := fmt.Sprintf("%s-%d.txt", prefix, i); w.bucket(name) == b {
			return name
		}
	}
}

// shardsByBucket maps bucket to shard of a generation.
func shardsByBucket(g *Generation) map[int]ShardInfo {
	m := map[int]ShardInfo{}
	for _, s := range g.Shards {
		m[s.Bucket] = s
	}
	return m
}

// TestShardUpdates adds, changes and removes seeds: a bucket whose seeds
// changed little gets an updated copy of its shard, until MaxUpdates; more
// change, or a removal alone from a shard of one segment, rebuilds the
// bucket; other buckets stay as they are, the shards of earlier
// generations are never modified, and every generation answers exactly
// like a full build of the same seeds.
func TestShardUpdates(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 4, MaxUpdates: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seeds := map[string][]byte{}
	for i := range 24 {
		seeds[fmt.Sprintf("d/%02d.txt", i)] = storySeed(i, "gull")
	}
	g, _ := publishStats(t, w, seeds)
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sameAsFullBuild(t, r, w.opts.Shards, seeds)

	// step publishes seeds and checks that only bucket b changed, to a
	// shard updated `updates` times with `indexed` paragraphs indexed.
	step := func(what string, b, updates, indexed int) {
		t.Helper()
		before := shardsByBucket(g)
		old := snapshotDir(t, dir+"/shards/"+before[b].Name)
		var st BuildStats
		g, st = publishStats(t, w, seeds)
		after := shardsByBucket(g)
		for k, s := range after {
			if k != b && (s.Name != before[k].Name || s.Updates != before[k].Updates || !reflect.DeepEqual(s.Terms, before[k].Terms)) {
				t.Errorf("%s: bucket %d changed too: %+v -> %+v", what, k, before[k], s)
			}
		}
		if s := after[b]; s.Name == before[b].Name || s.Updates != updates || st.Indexed != indexed || st.Built != 1 {
			t.Fatalf("%s: bucket %d %+v -> %+v, stats %+v; want %d updates, %d paragraphs indexed", what, b, before[b], s, st, updates, indexed)
		}
		if updates > 0 {
			if n := shardSegments(t, dir, after[b].Name); n > 2 {
				t.Errorf("%s: updated shard has %d segments, want at most 2", what, n)
			}
		}
		if now := snapshotDir(t, dir+"/shards/"+before[b].Name); !reflect.DeepEqual(old, now) {
			t.Errorf("%s: the shard of the previous generation changed: %v -> %v", what, old, now)
		}
		sameAsFullBuild(t, r, w.opts.Shards, seeds)
	}

	b := 1
	seeds[seedIn(w, b, "new/a")] = storySeed(100, "zeppelin")
	step("first added seed", b, 1, 2)
	if st := func() BuildStats { _, st := publishStats(t, w, seeds); return st }(); st.Built != 0 || st.Reused != 4 {
		t.Fatalf("nothing changed, but %+v", st)
	}
	sameAsFullBuild(t, r, w.opts.Shards, seeds) // the reused updated shard keeps its term counts
	// An added seed that does not parse: skipped, and its shard stays as it was.
	seeds[seedIn(w, b, "new/bad")] = []byte("")
	if g, st := publishStats(t, w, seeds); st.Built != 0 || st.Reused != 4 || g.Skipped[seedIn(w, b, "new/bad")].Reason == "" {
		t.Fatalf("unparsable new seed: stats %+v, skipped %+v", st, g.Skipped)
	}
	delete(seeds, seedIn(w, b, "new/bad"))
	seeds[seedIn(w, b, "new/b")] = storySeed(101, "balloon")
	step("second added seed", b, 2, 2)
	seeds[seedIn(w, b, "new/c")] = storySeed(102, "dirigible")
	whole := 0
	for name := range seeds {
		if w.bucket(name) == b {
			whole += 2
		}
	}
	step("third added seed, past MaxUpdates", b, 0, whole)

	seeds[seedIn(w, 2, "new/d")] = storySeed(103, "kite")
	step("added seed in another bucket", 2, 1, 2)
	// A changed seed: its old paragraphs are deleted from a copy of the
	// shard, its new ones indexed.
	changed := ""
	for i := range 24 {
		if name := fmt.Sprintf("d/%02d.txt", i); w.bucket(name) == 2 {
			changed = name
			break
		}
	}
	if changed == "" {
		t.Fatal("no seed of bucket 2 to change")
	}
	seeds[changed] = storySeed(7, "dirigible")
	step("changed seed", 2, 2, 2)

	// A removed seed alone, from a shard of one segment: the bucket is
	// rebuilt (deletions are cleaned up only by merging segments).
	delete(seeds, seedIn(w, b, "new/a"))
	whole = 0
	for name := range seeds {
		if w.bucket(name) == b {
			whole += 2
		}
	}
	step("removed seed", b, 0, whole)
	// A removed seed and an added one: one update.
	delete(seeds, seedIn(w, b, "new/b"))
	seeds[seedIn(w, b, "new/e")] = storySeed(104, "osprey")
	step("removed and added seed", b, 1, 2)
	// A changed seed that no longer parses: its old paragraphs must go and
	// nothing comes to merge them away with, so the bucket is rebuilt.
	seeds[changed] = []byte("")
	g, st := publishStats(t, w, seeds)
	if s := shardsByBucket(g)[2]; s.Updates != 0 || st.Built != 1 || g.Skipped[changed].Reason == "" {
		t.Errorf("unparsable change: shard %+v, stats %+v, skipped %+v", s, st, g.Skipped)
	}
	sameAsFullBuild(t, r, w.opts.Shards, seeds)

	// Many seeds at once, more than half the bucket: built whole.
	for i := range 10 {
		seeds[seedIn(w, 3, fmt.Sprintf("many/%d", i))] = storySeed(200+i, "heron")
	}
	g, _ = publishStats(t, w, seeds)
	if s := shardsByBucket(g)[3]; s.Updates != 0 {
		t.Errorf("many added seeds: bucket %+v updated, not rebuilt", s)
	}
	sameAsFullBuild(t, r, w.opts.Shards, seeds)
}

// shardSegments opens a published shard read-only and counts its segments.
func shardSegments(t *testing.T, dir, name string) int {
	t.Helper()
	idx, err := bleve.OpenUsing(filepath.Join(dir, shardsDir, name), map[string]any{"read_only": true})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	n, err := segments(idx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshotDir lists a directory tree's files with size and modification time.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = fmt.Sprintf("%d %s", fi.Size(), fi.ModTime())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoShardUpdates: with NoUpdates an added seed rebuilds its bucket.
func TestNoShardUpdates(t *testing.T) {
	w, err := OpenWriter(t.TempDir(), WriterOptions{Shards: 4, NoUpdates: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seeds := map[string][]byte{}
	for i := range 12 {
		seeds[fmt.Sprintf("d/%02d.txt", i)] = storySeed(i, "gull")
	}
	publishStats(t, w, seeds)
	seeds["new.txt"] = storySeed(50, "zeppelin")
	g, st := publishStats(t, w, seeds)
	if st.Built != 1 || st.Updated != 0 || shardsByBucket(g)[w.bucket("new.txt")].Updates != 0 {
		t.Fatalf("stats %+v, shards %+v", st, g.Shards)
	}
}

// TestUpdatedShardSegments: however many additions a large shard takes,
// it keeps two segments, the whole build's and one of added seeds; a
// change or a removal merges it into one.
func TestUpdatedShardSegments(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 2, MaxUpdates: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seeds := map[string][]byte{}
	for b := range 2 {
		var big strings.Builder
		fmt.Fprintf(&big, "Harbour log %d\n\nBy Ann Lee (Coast Times) 09:15, March 3, 2016\n\n", b)
		for i := range 3000 {
			fmt.Fprintf(&big, "Entry %d: the tide turned and boat %d came in.\n\n", i, i+b*3000)
		}
		seeds[seedIn(w, b, "log")] = []byte(big.String())
	}
	publishStats(t, w, seeds)
	for k := range 4 {
		seeds[seedIn(w, 1, fmt.Sprintf("new/%d", k))] = storySeed(k, "kite")
		g, st := publishStats(t, w, seeds)
		if st.Updated != 1 {
			t.Fatalf("update %d: %+v", k, st)
		}
		if n := shardSegments(t, dir, shardsByBucket(g)[1].Name); n != 2 {
			t.Errorf("after update %d: %d segments, want 2", k, n)
		}
	}
	// Two segments: bleve's own term counts would add up both; the
	// writer's counts, kept when the shard is reused, score as a whole
	// build.
	if _, st := publishStats(t, w, seeds); st.Reused != 2 {
		t.Fatalf("nothing changed, but %+v", st)
	}
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sameAsFullBuild(t, r, w.opts.Shards, seeds)

	// A changed seed: deleted paragraphs would leave their terms in the
	// dictionary, so the update merges the shard into one segment.
	seeds[seedIn(w, 1, "new/0")] = storySeed(0, "heron")
	g, st := publishStats(t, w, seeds)
	if st.Updated != 1 || st.Indexed != 2 {
		t.Fatalf("changed seed: %+v", st)
	}
	if n := shardSegments(t, dir, shardsByBucket(g)[1].Name); n != 1 {
		t.Errorf("after a change: %d segments, want 1", n)
	}
	sameAsFullBuild(t, r, w.opts.Shards, seeds)

	// A removal alone from a shard of two segments: deleted, then merged.
	seeds[seedIn(w, 1, "new/9")] = storySeed(9, "gannet")
	publishStats(t, w, seeds)
	delete(seeds, seedIn(w, 1, "new/1"))
	g, st = publishStats(t, w, seeds)
	if st.Updated != 1 || st.Indexed != 0 {
		t.Fatalf("removal: %+v", st)
	}
	if n := shardSegments(t, dir, shardsByBucket(g)[1].Name); n != 1 {
		t.Errorf("after a removal: %d segments, want 1", n)
	}
	sameAsFullBuild(t, r, w.opts.Shards, seeds)
}

// jsonlSeed is a .jsonl seed of one record per word, each of two
// paragraphs, the record's id being the word.
func jsonlSeed(words ...string) []byte {
	var b strings.Builder
	for i, w := range words {
		fmt.Fprintf(&b, `{"id": %q, "title": "Harbour record %d", "author": "Ann Lee", "source": "Coast Times", "published": "2016-03-%02d",`+
			` "body": "A storm closed the harbour and the ferry waited.\n\nThe %s was seen over the nets."}`+"\n", w, i, 1+i, w)
	}
	return []byte(b.String())
}

// TestMultiArticleSeedUpdates: a seed of several articles (.jsonl) is
// indexed whole, recorded with each article's id and paragraphs, and
// when it changes or goes, an update deletes every paragraph of its old
// articles: each generation answers like a full build.
func TestMultiArticleSeedUpdates(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, WriterOptions{Shards: 4, MaxUpdates: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	seeds := map[string][]byte{}
	for i := range 96 {
		seeds[fmt.Sprintf("d/%02d.txt", i)] = storySeed(i, "gull")
	}
	publishStats(t, w, seeds)
	r, err := NewReader(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b := 1
	jsonl := ""
	for i := 0; jsonl == ""; i++ {
		if name := fmt.Sprintf("feed-%d.jsonl", i); w.bucket(name) == b {
			jsonl = name
		}
	}
	// total is the number of paragraphs that have word.
	total := func(word string) int {
		t.Helper()
		if _, err := r.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		node, err := query.Parse(word)
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Search(context.Background(), Request{Query: node, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		return int(res.Total)
	}
	check := func(what string, g *Generation, st BuildStats, updates, indexed int, ids ...string) {
		t.Helper()
		s := shardsByBucket(g)[b]
		if s.Updates != updates || st.Indexed != indexed {
			t.Errorf("%s: shard %+v, stats %+v; want %d updates, %d indexed", what, s, st, updates, indexed)
		}
		var got []string
		for _, a := range g.Seeds[jsonl].Articles {
			got = append(got, a.ID)
			if a.Paragraphs != 2 {
				t.Errorf("%s: article %+v, want 2 paragraphs", what, a)
			}
		}
		if !reflect.DeepEqual(got, ids) {
			t.Errorf("%s: articles %v, want %v", what, got, ids)
		}
		if n := g.Articles(); n != len(g.Seeds)-1+len(ids) && !(len(ids) == 0 && n == len(g.Seeds)) {
			t.Errorf("%s: %d articles in %d seeds", what, n, len(g.Seeds))
		}
		sameAsFullBuild(t, r, w.opts.Shards, seeds)
	}
	id := func(word string) string { return doc.RecordID(jsonl, "id:"+word) }

	seeds[jsonl] = jsonlSeed("zeppelin", "condor", "balloon")
	g, st := publishStats(t, w, seeds)
	check("added", g, st, 1, 6, id("zeppelin"), id("condor"), id("balloon"))
	if total("condor") != 1 {
		t.Fatalf("condor: %d paragraphs, want 1", total("condor"))
	}
	// Changed: one record dropped, one added; the others keep their ids.
	seeds[jsonl] = jsonlSeed("zeppelin", "balloon", "osprey")
	g, st = publishStats(t, w, seeds)
	check("changed", g, st, 2, 6, id("zeppelin"), id("balloon"), id("osprey"))
	if total("condor") != 0 || total("osprey") != 1 || total("zeppelin") != 1 {
		t.Errorf("after the change: condor %d osprey %d zeppelin %d, want 0 1 1", total("condor"), total("osprey"), total("zeppelin"))
	}
	// Removed, with a seed added beside it: one update deletes all six
	// paragraphs.
	delete(seeds, jsonl)
	seeds[seedIn(w, b, "new/a")] = storySeed(100, "dirigible")
	g, st = publishStats(t, w, seeds)
	check("removed", g, st, 3, 2)
	if total("osprey") != 0 || total("zeppelin") != 0 || total("dirigible") != 1 {
		t.Errorf("after the removal: osprey %d zeppelin %d dirigible %d, want 0 0 1", total("osprey"), total("zeppelin"), total("dirigible"))
	}
}
