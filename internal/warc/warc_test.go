package warc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nlnwa/gowarc/v3"

	"github.com/newsroom/newsearch/internal/warc/warctest"
)

// rec is a record of a test crawl.
type rec struct {
	typ  gowarc.RecordType
	uri  string
	http string // the HTTP message, header and body
}

// response is an HTTP response of status, content type and body.
func response(status int, ctype, body string, headers ...string) string {
	return warctest.Response(status, ctype, body, headers...)
}

// makeWARC writes records as a WARC file.
func makeWARC(t testing.TB, gz bool, recs ...rec) []byte {
	out := make([]warctest.Record, len(recs))
	for i, r := range recs {
		out[i] = warctest.Record{Type: r.typ, URI: r.uri, HTTP: r.http}
	}
	return warctest.Build(t, gz, out...)
}

// crawl is a small crawl: two pages, and records that are not pages.
func crawl(t testing.TB, gz bool) []byte {
	return makeWARC(t, gz,
		rec{gowarc.Warcinfo, "", "software: test\r\n"},
		rec{gowarc.Request, "https://news.example/a", "GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n"},
		rec{gowarc.Response, "https://news.example/a", response(200, "text/html; charset=ISO-8859-1", "<html><title>A</title><p>Caf\xe9 story.</p></html>")},
		rec{gowarc.Response, "https://news.example/logo.png", response(200, "image/png", "\x89PNG....")},
		rec{gowarc.Response, "https://news.example/gone", response(404, "text/html", "<p>not found</p>")},
		rec{gowarc.Response, "https://news.example/b", response(200, "application/xhtml+xml", "<html><p>B story.</p></html>")},
	)
}

func TestRead(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			res := Read(crawl(t, gz))
			if len(res.Errors) > 0 {
				t.Fatalf("errors %v", res.Errors)
			}
			if len(res.Pages) != 2 || res.Other != 4 {
				t.Fatalf("%d pages, %d other records", len(res.Pages), res.Other)
			}
			a, b := res.Pages[0], res.Pages[1]
			if a.URI != "https://news.example/a" || a.Charset != "iso-8859-1" || !strings.Contains(string(a.Body), "Caf\xe9 story.") {
				t.Errorf("page a %q %q %q", a.URI, a.Charset, a.Body)
			}
			if b.URI != "https://news.example/b" || b.Charset != "" || string(b.Body) != "<html><p>B story.</p></html>" {
				t.Errorf("page b %q %q %q", b.URI, b.Charset, b.Body)
			}
		})
	}
}

// TestReadEncodings: chunked and gzipped HTTP bodies come out as the page.
func TestReadEncodings(t *testing.T) {
	var zbody bytes.Buffer
	zw := gzip.NewWriter(&zbody)
	zw.Write([]byte("<p>zipped page</p>"))
	zw.Close()
	chunked := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>ch\r\n9\r\nunked</p>\r\n0\r\n\r\n"
	data := makeWARC(t, false,
		rec{gowarc.Response, "https://x.example/z", response(200, "text/html", zbody.String(), "Content-Encoding: gzip")},
		rec{gowarc.Response, "https://x.example/c", chunked},
		rec{gowarc.Response, "https://x.example/bad", response(200, "text/html", "not gzip", "Content-Encoding: gzip")},
	)
	res := Read(data)
	if len(res.Pages) != 2 || string(res.Pages[0].Body) != "<p>zipped page</p>" || string(res.Pages[1].Body) != "<p>chunked</p>" {
		t.Fatalf("pages %+v", res.Pages)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "https://x.example/bad") {
		t.Errorf("errors %v", res.Errors)
	}
}

// TestReadMalformed: a broken record is reported and the records after it
// are read; bytes that are not WARC give an error, not a page.
func TestReadMalformed(t *testing.T) {
	good := makeWARC(t, false, rec{gowarc.Response, "https://x.example/1", response(200, "text/html", "<p>one</p>")})
	broken := []byte("WARC/1.1\r\nWARC-Type: response\r\nContent-Length: zzz\r\n\r\n")
	data := append(append(append([]byte{}, good...), broken...), good...)
	res := Read(data)
	if len(res.Pages) != 2 || len(res.Errors) != 1 {
		t.Fatalf("%d pages, errors %v", len(res.Pages), res.Errors)
	}
	for _, junk := range []string{"", "hello, this is not a crawl", "WARC/1.1\r\n"} {
		res := Read([]byte(junk))
		if len(res.Pages) != 0 || (junk != "" && len(res.Errors) == 0) {
			t.Errorf("%q: %+v", junk, res)
		}
	}
}

// TestReadTestdata reads the crawl committed in testdata (made by
// makeWARC, gzipped): it is what the ingest tests index.
func TestReadTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/crawl.warc.gz")
	if err != nil {
		t.Fatal(err)
	}
	res := Read(data)
	if len(res.Pages) != 2 || len(res.Errors) != 0 {
		t.Fatalf("%+v", res)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(crawl(f, false))
	f.Add(crawl(f, true))
	f.Add([]byte("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nHTTP/\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Read(data)
		for _, p := range res.Pages {
			if p.URI == "" {
				t.Fatalf("page without URI: %+v", p)
			}
		}
		for _, err := range res.Errors {
			if err == nil || err.Error() == "" {
				t.Fatal("empty error")
			}
		}
	})
}

func BenchmarkRead(b *testing.B) {
	page := "<html><p>" + strings.Repeat("A sentence of a news story. ", 200) + "</p></html>"
	var recs []rec
	for i := range 50 {
		recs = append(recs, rec{gowarc.Response, fmt.Sprintf("https://news.example/%d", i), response(200, "text/html", page)})
	}
	data := makeWARC(b, true, recs...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if res := Read(data); len(res.Pages) != 50 {
			b.Fatal(len(res.Pages))
		}
	}
}

// TestWriteTestdata rewrites testdata/crawl.warc.gz with WRITE_TESTDATA=1.
func TestWriteTestdata(t *testing.T) {
	if os.Getenv("WRITE_TESTDATA") == "" {
		t.Skip("set WRITE_TESTDATA=1 to rewrite testdata/crawl.warc.gz")
	}
	if err := os.WriteFile("testdata/crawl.warc.gz", crawl(t, true), 0o644); err != nil {
		t.Fatal(err)
	}
}
