// Package warc reads the HTML pages of a web crawl stored as WARC (the
// format of the public news crawls), plain or gzipped record by record
// (.warc.gz), with github.com/nlnwa/gowarc.
//
// Every response record whose HTTP status is 200 and whose content type is
// text/html or application/xhtml+xml is a page: its WARC-Target-URI is the
// page's address, its HTTP payload (de-chunked and, for a gzip or deflate
// content encoding, decompressed) the page, and the charset of its
// Content-Type the page's declared encoding. Other records (warcinfo,
// requests, metadata, revisits, other types, other statuses) are not pages
// and are counted, not reported. A record that cannot be read is reported
// with its offset, and reading goes on with the next record.
package warc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httputil"
	"strings"

	"github.com/nlnwa/gowarc/v3"
)

// MaxPageBytes is the largest page body read: a news page is far smaller;
// a bigger one (or a decompression bomb) is reported and left out.
const MaxPageBytes = 32 << 20

// maxErrors is how many unreadable records a file may have before the rest
// of it is given up: a file that is not WARC at all would otherwise be
// scanned byte by byte for record starts, each miss an error.
const maxErrors = 100

// Page is one HTML response of a crawl.
type Page struct {
	// URI is the record's WARC-Target-URI: the address the page was
	// fetched from.
	URI string
	// Body is the HTTP payload: the page's bytes as the server sent them,
	// transfer and content encodings undone.
	Body []byte
	// Charset is the charset parameter of the response's Content-Type
	// ("utf-8", "windows-1252"), "" when the server declared none.
	Charset string
	// Offset is the record's byte offset in the file.
	Offset int64
}

// Error is a record that could not be read.
type Error struct {
	Offset int64 // the record's byte offset in the file
	URI    string
	Err    error
}

func (e *Error) Error() string {
	if e.URI != "" {
		return fmt.Sprintf("record at byte %d (%s): %v", e.Offset, e.URI, e.Err)
	}
	return fmt.Sprintf("record at byte %d: %v", e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Result is what reading a WARC file gave.
type Result struct {
	Pages []Page
	// Other counts the records read that are not HTML pages.
	Other int
	// Errors holds an *Error for each record that could not be read.
	Errors []error
}

// Read reads every record of the WARC file data. It never fails as a
// whole: what it cannot read is in Result.Errors, and data that is not
// WARC at all gives no page and an error.
func Read(data []byte) Result {
	var pages []Page
	res, _ := Scan(bytes.NewReader(data), func(p Page) error {
		pages = append(pages, p)
		return nil
	})
	res.Pages = pages
	return res
}

// Scan reads the records of a WARC file from r one at a time, as they
// come, and calls page with each page: a crawl of any size is read in the
// memory of one record. The Result it returns holds no page, only the
// count of other records and the errors of the unreadable ones. It stops
// at the first error page returns, and returns that error.
func Scan(r io.Reader, page func(Page) error) (Result, error) {
	var res Result
	wr, err := gowarc.NewWarcFileReaderFromStream(r, 0,
		// Crawls in the wild bend the standard (bad digests, missing
		// CRs): read what can be read, and keep the findings to explain
		// a record that gives no page.
		gowarc.WithSyntaxErrorPolicy(gowarc.ErrWarn),
		gowarc.WithSpecViolationPolicy(gowarc.ErrWarn),
		gowarc.WithUnknownRecordTypePolicy(gowarc.ErrIgnore),
		gowarc.WithBlockErrorPolicy(gowarc.ErrIgnore),
	)
	if err != nil {
		res.Errors = append(res.Errors, &Error{Err: fmt.Errorf("open: %w", err)})
		return res, nil
	}
	defer wr.Close()
	last := int64(-1)
	pages := 0
	for {
		rec, err := wr.Next()
		if errors.Is(err, io.EOF) && rec.WarcRecord == nil {
			return res, nil
		}
		if err != nil {
			rec.Close()
			if errors.Is(err, gowarc.ErrNoRecord) && pages+res.Other+len(res.Errors) > 0 {
				// Trailing bytes after the last record.
				return res, nil
			}
			res.Errors = append(res.Errors, &Error{Offset: rec.Offset, Err: err})
			// The reader looks for the next record's start; stop when it
			// cannot move on or the file is hopeless.
			if rec.Offset <= last || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || len(res.Errors) >= maxErrors {
				if len(res.Errors) >= maxErrors {
					res.Errors = append(res.Errors, &Error{Offset: rec.Offset, Err: errors.New("too many unreadable records: the rest of the file is not read")})
				}
				return res, nil
			}
			last = rec.Offset
			continue
		}
		if rec.WarcRecord == nil || rec.Offset <= last {
			// No record and no error, or the same record again: the
			// reader cannot move on.
			rec.Close()
			return res, nil
		}
		last = rec.Offset
		p, isPage, err := pageOf(rec)
		rec.Close()
		switch {
		case err != nil:
			res.Errors = append(res.Errors, err)
		case isPage:
			pages++
			if err := page(p); err != nil {
				return res, err
			}
		default:
			res.Other++
		}
	}
}

// pageOf returns the page of a record, or isPage false for a record that
// is not an HTML response.
func pageOf(rec gowarc.Record) (p Page, isPage bool, err error) {
	wr := rec.WarcRecord
	if wr != nil && wr.Type() == 0 {
		// No known WARC-Type: a header too broken to tell what the
		// record is.
		err := errors.New("record of unknown type")
		if len(rec.Validation) > 0 {
			err = fmt.Errorf("%w: %w", err, errors.Join(rec.Validation...))
		}
		return p, false, &Error{Offset: rec.Offset, Err: err}
	}
	if wr == nil || wr.Type() != gowarc.Response {
		return p, false, nil
	}
	uri := strings.TrimSpace(strings.Trim(wr.WarcHeader().Get(gowarc.WarcTargetURI), "<>"))
	fail := func(err error) (Page, bool, error) {
		return Page{}, false, &Error{Offset: rec.Offset, URI: uri, Err: err}
	}
	block, ok := wr.Block().(gowarc.HttpResponseBlock)
	if !ok {
		if lower := strings.ToLower(uri); uri != "" && !strings.HasPrefix(lower, "http:") && !strings.HasPrefix(lower, "https:") {
			return p, false, nil // a response of another protocol (dns:, ...)
		}
		// A web response that does not parse: say why, with what the
		// WARC reader found wrong with the record.
		err := errors.New("not an HTTP response")
		if len(rec.Validation) > 0 {
			err = fmt.Errorf("%w: %w", err, errors.Join(rec.Validation...))
		}
		return fail(err)
	}
	if block.HttpStatusCode() != http.StatusOK {
		return p, false, nil
	}
	h := block.HttpHeader()
	if h == nil {
		return fail(errors.New("no HTTP header"))
	}
	media, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || (media != "text/html" && media != "application/xhtml+xml") {
		return p, false, nil
	}
	if uri == "" {
		return fail(errors.New("an HTML response without WARC-Target-URI"))
	}
	payload, err := block.PayloadBytes()
	if err != nil {
		return fail(fmt.Errorf("payload: %w", err))
	}
	body, err := decode(payload, h, chunked(block.ProtocolHeaderBytes()))
	if err != nil {
		return fail(err)
	}
	return Page{URI: uri, Body: body, Charset: strings.ToLower(strings.TrimSpace(params["charset"])), Offset: rec.Offset}, true, nil
}

// chunked reports whether a raw HTTP header says the body is chunked. The
// parsed header cannot tell: Go's HTTP reader, which gowarc uses, takes
// Transfer-Encoding out of it.
func chunked(header []byte) bool {
	for line := range strings.Lines(strings.ToLower(string(header))) {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "transfer-encoding" {
			return strings.Contains(value, "chunked")
		}
	}
	return false
}

// decode reads a payload, undoing the chunked transfer encoding when
// isChunked and a gzip or deflate content encoding, at most MaxPageBytes
// of it.
func decode(payload io.Reader, h *http.Header, isChunked bool) ([]byte, error) {
	r := payload
	if isChunked {
		r = httputil.NewChunkedReader(bufio.NewReader(r))
	}
	switch enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip content encoding: %w", err)
		}
		defer zr.Close()
		r = zr
	case "deflate":
		zr := flate.NewReader(r)
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("content encoding %q not supported", enc)
	}
	body, err := io.ReadAll(io.LimitReader(r, MaxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(body) > MaxPageBytes {
		return nil, fmt.Errorf("page larger than %d bytes", MaxPageBytes)
	}
	return body, nil
}
