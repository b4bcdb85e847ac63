// Package warctest writes small WARC files for tests: crawls made of the
// records a test names, each record written by gowarc.
package warctest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"testing"

	"github.com/nlnwa/gowarc/v3"
)

// Record is a record of a test crawl.
type Record struct {
	Type gowarc.RecordType
	URI  string
	HTTP string // the HTTP message, header and body; the fields of a warcinfo record
}

// Response is an HTTP response of status, content type and body, with
// extra header lines.
func Response(status int, ctype, body string, headers ...string) string {
	h := ""
	for _, x := range headers {
		h += x + "\r\n"
	}
	return fmt.Sprintf("HTTP/1.1 %d X\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n%s", status, ctype, h, len(body), body)
}

// Build writes records as a WARC file, each record a gzip member of its
// own when gz (as .warc.gz crawls are).
func Build(tb testing.TB, gz bool, recs ...Record) []byte {
	tb.Helper()
	var out bytes.Buffer
	m := gowarc.NewMarshaler()
	for i, r := range recs {
		b := gowarc.NewRecordBuilder(r.Type, gowarc.WithAddMissingDigest(true), gowarc.WithAddMissingRecordId(true), gowarc.WithFixContentLength(true))
		if _, err := b.WriteString(r.HTTP); err != nil {
			tb.Fatal(err)
		}
		b.AddWarcHeader(gowarc.WarcDate, "2024-01-02T15:04:05Z")
		b.AddWarcHeader(gowarc.ContentLength, fmt.Sprint(len(r.HTTP)))
		switch r.Type {
		case gowarc.Response:
			b.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=response")
		case gowarc.Request:
			b.AddWarcHeader(gowarc.ContentType, "application/http;msgtype=request")
		default:
			b.AddWarcHeader(gowarc.ContentType, "application/warc-fields")
		}
		if r.URI != "" {
			b.AddWarcHeader(gowarc.WarcTargetURI, r.URI)
		}
		wr, _, err := b.Build()
		if err != nil {
			tb.Fatalf("record %d: %v", i, err)
		}
		var one bytes.Buffer
		if _, _, err := m.Marshal(&one, wr, 0); err != nil {
			tb.Fatal(err)
		}
		wr.Close()
		if gz {
			zw := gzip.NewWriter(&out)
			if _, err := zw.Write(one.Bytes()); err != nil {
				tb.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				tb.Fatal(err)
			}
		} else {
			out.Write(one.Bytes())
		}
	}
	return out.Bytes()
}
