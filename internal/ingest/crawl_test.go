package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/index/doc"
	"github.com/newsroom/newsearch/internal/warc/warctest"
)

// bigCrawl is a crawl of n pages (page i at https://news.example/i), with
// a request before each response, page 3's address again at the end, and
// a page whose body makes panicky panic.
func bigCrawl(t testing.TB, n int) []byte {
	var recs []warctest.Record
	for i := range n {
		uri := fmt.Sprintf("https://news.example/%d", i)
		body := fmt.Sprintf("<html><title>Story %d</title><p>Paragraph one of story %d, long enough to count.</p><p>Second paragraph %d.</p></html>", i, i, i)
		if i == n/2 {
			body = "<html><p>PANIC</p></html>"
		}
		recs = append(recs,
			warctest.Record{Type: gowarc.Request, URI: uri, HTTP: "GET / HTTP/1.1\r\nHost: news.example\r\n\r\n"},
			warctest.Record{Type: gowarc.Response, URI: uri, HTTP: warctest.Response(200, "text/html; charset=utf-8", body)})
	}
	recs = append(recs, warctest.Record{Type: gowarc.Response, URI: "https://news.example/3",
		HTTP: warctest.Response(200, "text/html", "<html><p>the same address again</p></html>")})
	return warctest.Build(t, true, recs...)
}

// panicky is the stand-in HTML reader, panicking on a page that says so.
func panicky(data []byte, pageURL string) (*doc.Document, error) {
	if strings.Contains(string(data), "PANIC") {
		panic("a reader bug")
	}
	return standInHTML(data, pageURL)
}

// TestCrawlIsStreamed: a crawl far larger than the seed limit is read as a
// stream under its own limit: every page in the crawl's order, whatever
// order the extracting workers finish in; a page whose reader panics and
// an address seen before are reported and left out, the rest indexed; the
// hash is the whole file's.
func TestCrawlIsStreamed(t *testing.T) {
	const n = 300
	data := bigCrawl(t, n)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crawl.warc.gz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	limits := sizeLimits{seed: int64(len(data)) / 4, crawl: int64(len(data))}
	entries, err := scan(context.Background(), dir, limits)
	if err != nil || len(entries) != 1 || entries[0].Info.Reason != "" {
		t.Fatalf("scan: %v %+v", err, entries)
	}
	docs, sum, err := loadSeed(context.Background(), parser{readHTML: panicky}, dir, entries[0], limits)
	want := sha256.Sum256(data)
	if sum != hex.EncodeToString(want[:]) {
		t.Errorf("hash %s, want the file's %x", sum, want)
	}
	probs, ok := err.(index.SeedProblems)
	if !ok || len(probs) != 2 || !strings.Contains(probs[0], "reader failed: a reader bug") || !strings.Contains(probs[1], "again") {
		t.Fatalf("problems %v (%T)", err, err)
	}
	if len(docs) != n-1 {
		t.Fatalf("%d documents, want %d", len(docs), n-1)
	}
	i := 0
	for _, d := range docs {
		if i == n/2 {
			i++ // the page that panicked
		}
		if want := fmt.Sprintf("Story %d", i); d.Title != want || d.URL != fmt.Sprintf("https://news.example/%d", i) ||
			d.ID != doc.RecordID("crawl.warc.gz", "url:"+d.URL) {
			t.Fatalf("document %d: %q %s %s, want %q", i, d.Title, d.URL, d.ID, want)
		}
		i++
	}

	// Above its own limit a crawl is skipped unread, like any seed.
	small := sizeLimits{seed: 1 << 30, crawl: int64(len(data)) - 1}
	if entries, err = scan(context.Background(), dir, small); err != nil || !strings.Contains(entries[0].Info.Reason, "too large") {
		t.Fatalf("scan with a smaller crawl limit: %v %+v", err, entries)
	}
}

// TestCrawlCut: a crawl cut short keeps the pages before the cut, reports
// the broken record, and is hashed whole.
func TestCrawlCut(t *testing.T) {
	data := bigCrawl(t, 20)
	data = data[:len(data)*2/3]
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cut.warc.gz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := scan(context.Background(), dir, testLimits)
	if err != nil {
		t.Fatal(err)
	}
	docs, sum, err := loadSeed(context.Background(), parser{readHTML: standInHTML}, dir, entries[0], testLimits)
	if want := sha256.Sum256(data); sum != hex.EncodeToString(want[:]) {
		t.Errorf("hash %s, want the file's", sum)
	}
	if len(docs) < 5 || err == nil {
		t.Fatalf("%d documents, error %v", len(docs), err)
	}
}

// BenchmarkCrawl reads a crawl of 300 pages as the indexer does (stand-in
// HTML reader): the cost of the stream and its workers.
func BenchmarkCrawl(b *testing.B) {
	data := bigCrawl(b, 300)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "crawl.warc.gz"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	limits := sizeLimits{seed: 1 << 20, crawl: 1 << 30}
	entries, err := scan(context.Background(), dir, limits)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := loadSeed(context.Background(), parser{readHTML: panicky}, dir, entries[0], limits); err == nil {
			b.Fatal("the panicking page was not reported")
		}
	}
	b.ReportMetric(300*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
