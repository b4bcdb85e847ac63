package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/index/doc"
	"github.com/newsroom/newsearch/internal/article"
)

// Patterns of the stand-in HTML reader.
var (
	titleTag = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	paraTag  = regexp.MustCompile(`(?is)<p>(.*?)</p>`)
)

// standInHTML is a tiny HTML reader for the tests (the real one is
// internal/webpage, wired in by cmd/indexer): the title and the <p>
// elements, decoded as windows-1252 when a meta tag says so first.
func standInHTML(data []byte, pageURL string) (*doc.Document, error) {
	if strings.HasPrefix(string(data), `<meta charset="windows-1252">`) {
		var err error
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return nil, err
		}
	}
	d := &doc.Document{URL: pageURL}
	if m := titleTag.FindSubmatch(data); m != nil {
		d.Title = string(m[1])
	}
	for _, m := range paraTag.FindAllSubmatch(data, -1) {
		d.Paragraphs = append(d.Paragraphs, doc.Paragraph{Text: string(m[1])})
	}
	if len(d.Paragraphs) == 0 {
		return nil, errors.New("no paragraph")
	}
	return d, nil
}

// copyDir copies the files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFormats indexes a folder of every seed format (testdata/formats)
// and checks what each became: documents, skips with their reasons, and
// articles left out of multi-article seeds.
func TestFormats(t *testing.T) {
	f := newFixture(t, 2)
	copyDir(t, "testdata/formats", f.seeds)
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, ReadHTML: standInHTML})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]string{}
	for _, k := range s.Skipped {
		skipped[k.Seed] = k.Reason
	}
	for seed, reason := range map[string]string{
		"README.TXT":    "not a seed: a collection's description",
		"NOTES.md":      "not a seed: extension .md",
		"Makefile-like": "not a seed: no extension",
	} {
		if !strings.HasPrefix(skipped[seed], reason) {
			t.Errorf("%s: skipped %q, want %q", seed, skipped[seed], reason)
		}
	}
	if len(skipped) != 3 {
		t.Errorf("skipped %v", s.Skipped)
	}
	// Articles: page.html, page-gz.html.gz, saved-page.txt, latin1.txt,
	// one.json, 3 of feed.jsonl, 2 of many.json, 2 pages of the crawl.
	if s.Articles != 12 {
		t.Errorf("%d articles, want 12: %s", s.Articles, s)
	}
	if got := s.FormatsString(); got != "txt=2 html=2 json=2 jsonl=1 warc=1" {
		t.Errorf("formats %q", got)
	}
	if !strings.Contains(s.String(), "formats: txt=2 html=2 json=2 jsonl=1 warc=1") || !strings.Contains(s.String(), "articles left out=4") {
		t.Errorf("summary %s", s)
	}
	problems := map[string][]string{}
	for _, p := range s.Problems {
		problems[p.Seed] = append(problems[p.Seed], p.Reason)
	}
	wantProblems := map[string][]string{
		"feed.jsonl": {"line 3: field published", "line 4: "},
		"many.json":  {"item 1: the same id as the record at item 0", "item 2: no text"},
	}
	for seed, want := range wantProblems {
		got := problems[seed]
		if len(got) != len(want) {
			t.Errorf("%s: problems %q, want %q", seed, got, want)
			continue
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("%s problem %d: %q, want %q", seed, i, got[i], want[i])
			}
		}
	}
	for q, want := range map[string]int{
		"lighthouse":       2, // page.html and its gzipped copy
		"orchard":          1, // the .txt that is HTML: read as HTML, no tags indexed
		"doctype":          0,
		`"café roof"`:      1, // Windows-1252 decoded
		"ferry":            1, // jsonl record r1
		"council":          1, // a {section, text} paragraph
		"lifeboat":         1,
		"pier":             1,
		"seal":             1,
		"beach":            1,
		`"Café story"`:     1, // the crawl's Latin-1 page, decoded by its HTTP charset
		"story":            2,
		"duplicate":        0,
		"nothing":          0, // README.TXT
		"notes":            0,
		"section:cost":     1,
		"author:lee":       1,
		"source:coast":     2,
		"title:broken":     0,
		"title:lighthouse": 2,
	} {
		if got := f.hits(q); got != want {
			t.Errorf("%s: %d hits, want %d", q, got, want)
		}
	}
	gen, err := index.Current(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	// Multi-article seeds record each article; single ones as before.
	feed := gen.Seeds["feed.jsonl"]
	wantIDs := []string{doc.RecordID("feed.jsonl", "id:r1"), doc.RecordID("feed.jsonl", "url:https://coast.example/wall"), doc.RecordID("feed.jsonl", "n:5")}
	if len(feed.Articles) != 3 || feed.ArticleID != "" || feed.Paragraphs != 5 {
		t.Fatalf("feed.jsonl in the manifest: %+v", feed)
	}
	for i, a := range feed.Articles {
		if a.ID != wantIDs[i] {
			t.Errorf("feed.jsonl article %d: id %s, want %s", i, a.ID, wantIDs[i])
		}
	}
	if si := gen.Seeds["page.html"]; si.ArticleID != doc.ArticleID("page.html") || len(si.Articles) != 0 {
		t.Errorf("page.html in the manifest: %+v", si)
	}
	crawl := gen.Seeds["crawl.warc.gz"]
	if len(crawl.Articles) != 2 || crawl.Articles[0].ID != doc.RecordID("crawl.warc.gz", "url:https://news.example/a") {
		t.Errorf("crawl in the manifest: %+v", crawl)
	}
	// Nothing changed: nothing published, and the summary is the same.
	s2, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, ReadHTML: standInHTML})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Published || s2.Articles != 12 || len(s2.Problems) != 4 {
		t.Errorf("second run: %s", s2)
	}
}

// TestNoHTMLReader: without a reader, HTML seeds are skipped with the
// reason, and read by the first rebuild that has one.
func TestNoHTMLReader(t *testing.T) {
	f := newFixture(t, 2)
	f.write("page.html", "<html><title>Quay</title><p>The quay flooded.</p></html>")
	f.write("saved.txt", "<!DOCTYPE html><html><p>The mill burned.</p></html>")
	f.write("story.txt", story(1, "gale"))
	s := f.rebuild()
	if s.Articles != 1 || len(s.Skipped) != 2 || s.Skipped[0].Reason != "no HTML reader" || s.Skipped[1].Reason != "no HTML reader" {
		t.Fatalf("%s %+v", s, s.Skipped)
	}
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, MaxSeedBytes: 1 << 20, ReadHTML: standInHTML})
	if err != nil {
		t.Fatal(err)
	}
	if s.Articles != 3 || len(s.Skipped) != 0 || f.hits("quay") != 1 || f.hits("mill") != 1 {
		t.Fatalf("with a reader: %s %+v", s, s.Skipped)
	}
	// Without a reader, skipped HTML seeds are not read again and again.
	f.write("other.html", "<p>x</p>")
	f2 := newFixture(t, 2)
	f2.seeds = f.seeds
	if s := f2.rebuild(); !s.Published {
		t.Fatalf("first run: %s", s)
	}
	if s := f2.rebuild(); s.Published {
		t.Errorf("published again with nothing changed: %s", s)
	}
}

// TestReaderPanicIsSkip: a reader that panics skips its seed, not the run.
func TestReaderPanicIsSkip(t *testing.T) {
	f := newFixture(t, 2)
	f.write("page.html", "<p>boom</p>")
	f.write("story.txt", story(1, "calm"))
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, ReadHTML: func([]byte, string) (*doc.Document, error) { panic("reader bug") }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Articles != 1 || len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0].Reason, "reader bug") {
		t.Fatalf("%s %+v", s, s.Skipped)
	}
}

// TestReaderVersionRereads: an index published by older readers (no
// version) is read again whole once: a seed they skipped as invalid UTF-8
// is indexed now, a README they indexed goes.
func TestReaderVersionRereads(t *testing.T) {
	f := newFixture(t, 2)
	f.write("a.txt", story(1, "anchor"))
	f.write("README.txt", "About this corpus\n\nThe corpus holds stories.\n")
	f.write("latin1.txt", "Price\n\nThe sterling price is \xa3600m.\n")
	// What the older readers published: README indexed, latin1 skipped.
	old := map[string][]byte{}
	for _, name := range []string{"a.txt", "README.txt"} {
		old[name], _ = os.ReadFile(filepath.Join(f.seeds, name))
	}
	scanned, err := scan(context.Background(), f.seeds, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	for i := range scanned {
		scanned[i].Info.Reason = "" // the old scan read every file
	}
	src := oldSource{newSeedFiles(f.seeds, testLimits, parser{})}
	p, err := f.w.Plan(context.Background(), scanned, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.w.Publish(context.Background(), p, src, nil); err != nil {
		t.Fatal(err)
	}
	if f.hits("corpus") == 0 || f.hits("sterling") != 0 {
		t.Fatal("the old readers did not index the README, or read Latin-1")
	}
	s := f.rebuild()
	if !s.Published || s.Articles != 2 || f.hits("corpus") != 0 || f.hits("anchor") == 0 || f.hits("sterling") != 1 {
		t.Fatalf("after the upgrade: %s", s)
	}
	if s := f.rebuild(); s.Published {
		t.Errorf("published again: %s", s)
	}
}

// oldSource reads every file as text, as the readers before formats did,
// and names no reader version.
type oldSource struct{ s seedFiles }

func (o oldSource) Hash(ctx context.Context, e index.Entry) (string, error) {
	return o.s.Hash(ctx, e)
}

func (o oldSource) Read(_ context.Context, e index.Entry) ([]*index.Document, string, error) {
	data, err := os.ReadFile(filepath.Join(o.s.dir, e.Seed))
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	a, err := article.Parse(e.Seed, data)
	if err != nil {
		return nil, hex.EncodeToString(sum[:]), err
	}
	return []*index.Document{a.Document()}, hex.EncodeToString(sum[:]), nil
}

// TestBBCLatin1Seed indexes the BBC article with a single Latin-1 byte
// (sport/199.txt), skipped whole before legacy encodings were decoded,
// and the corpus' README.TXT, which is not a seed.
func TestBBCLatin1Seed(t *testing.T) {
	const corpus = "../../../shared/corpus/bbc" // ../shared/corpus beside the repository
	data, err := os.ReadFile(filepath.Join(corpus, "sport/199.txt"))
	if err != nil {
		t.Skipf("BBC corpus absent (../shared/corpus/bbc beside the project): %v", err)
	}
	readme, err := os.ReadFile(filepath.Join(corpus, "README.TXT"))
	if err != nil {
		t.Skipf("BBC corpus README absent: %v", err)
	}
	f := newFixture(t, 2)
	f.write("sport/199.txt", string(data))
	f.write("README.TXT", string(readme))
	s := f.rebuild()
	if s.Articles != 1 || len(s.Skipped) != 1 || s.Skipped[0].Seed != "README.TXT" || f.hits(`"Mutu" Parma`) != 1 {
		t.Fatalf("%s %+v", s, s.Skipped)
	}
}

// TestAllRecordsBad: a file of records none of which reads is skipped,
// its reason naming the records; fixed, it is indexed.
func TestAllRecordsBad(t *testing.T) {
	f := newFixture(t, 2)
	f.write("bad.jsonl", "{\"title\":\"no text\"}\n[1]\n")
	f.write("empty.json", "[]")
	f.write("not.json", "hello")
	f.write("not.warc", "hello")
	s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, ReadHTML: standInHTML})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"bad.jsonl":  "articles not read (2): line 1: no text",
		"empty.json": "no record in the file",
		"not.json":   "not JSON",
		"not.warc":   "not a WARC file",
	}
	if len(s.Skipped) != len(want) {
		t.Fatalf("skipped %+v", s.Skipped)
	}
	for _, k := range s.Skipped {
		if !strings.HasPrefix(k.Reason, want[k.Seed]) {
			t.Errorf("%s: %q, want %q", k.Seed, k.Reason, want[k.Seed])
		}
	}
	f.write("bad.jsonl", "{\"title\":\"now with text\",\"body\":\"The tide turned.\"}\n")
	if s, err := Rebuild(context.Background(), f.w, Options{SeedsDir: f.seeds, ReadHTML: standInHTML}); err != nil || s.Articles != 1 || f.hits("tide") != 1 {
		t.Fatalf("fixed: %s %v", s, err)
	}
}
