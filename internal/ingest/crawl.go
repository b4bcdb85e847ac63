package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/index/doc"
	"github.com/newsroom/newsearch/internal/warc"
)

// DefaultMaxCrawlBytes is the largest web crawl (.warc, .warc.gz) read. A
// crawl is read as a stream, record by record, so its size costs time,
// not memory: the public news crawls come in files of about a gigabyte.
const DefaultMaxCrawlBytes = 16 << 30

// crawl reads the HTML pages of a WARC seed from r as a stream: records
// are read one at a time and their pages extracted by as many workers as
// there are processors, so that a crawl of any size is read in the memory
// of its articles, not of its bytes. A page's article id derives from the
// seed path and its target URI (doc.RecordID with "url:" + URI), so that
// it keeps its id when other pages are added to or removed from the
// crawl; a page whose URI came before in the same crawl is reported and
// left out. The documents and the errors come in the crawl's order,
// whatever order the workers finish in.
func (p parser) crawl(ctx context.Context, seed string, r io.Reader) ([]*index.Document, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(512)
	if len(head) >= 2 && !(head[0] == 0x1f && head[1] == 0x8b) && !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("WARC/")) {
		return nil, errors.New("not a WARC file: no WARC/ record header")
	}
	if p.readHTML == nil {
		return nil, errNoHTMLReader
	}
	type job struct {
		n    int
		page warc.Page
	}
	type done struct {
		doc *index.Document
		err error
	}
	jobs := make(chan job, runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	results := map[int]done{}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				d, err := p.crawlPage(seed, j.page)
				mu.Lock()
				results[j.n] = done{d, err}
				mu.Unlock()
			}
		})
	}
	// In the crawl's order: a page's duplicate is decided here, before
	// extraction, so that the first of two pages is always the one kept.
	seen := map[string]int64{} // URI → offset of its first page
	var order []done           // a duplicate's error, or a placeholder for a page sent to a worker
	var sent []int             // order's index of each page sent
	res, err := warc.Scan(br, func(page warc.Page) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if first, dup := seen[page.URI]; dup {
			order = append(order, done{err: &warc.Error{Offset: page.Offset, URI: page.URI,
				Err: fmt.Errorf("the page of the record at byte %d again", first)}})
			return nil
		}
		seen[page.URI] = page.Offset
		sent = append(sent, len(order))
		order = append(order, done{})
		jobs <- job{n: len(sent) - 1, page: page}
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	for n, i := range sent {
		order[i] = results[n]
	}
	errs := res.Errors
	var docs []*index.Document
	for _, d := range order {
		if d.err != nil {
			errs = append(errs, d.err)
			continue
		}
		docs = append(docs, d.doc)
	}
	if len(docs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("no HTML page in the crawl (%d other records)", res.Other)
	}
	return docs, problems(errs)
}

// crawlPage extracts the article of one page of a crawl. A reader that
// panics fails this page, not the crawl: the worker recovers (a panic in
// another goroutine is beyond the seed's own recovery).
func (p parser) crawlPage(seed string, page warc.Page) (d *index.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.logger().Error("page reader panicked", "seed", seed, "uri", page.URI, "panic", r, "stack", string(debug.Stack()))
			d, err = nil, &warc.Error{Offset: page.Offset, URI: page.URI, Err: fmt.Errorf("html: reader failed: %v", r)}
		}
	}()
	d, err = p.readHTML(withCharset(page.Body, page.Charset), page.URI)
	if err == nil && d == nil {
		err = errors.New("the reader returned no document")
	}
	if err != nil {
		return nil, &warc.Error{Offset: page.Offset, URI: page.URI, Err: fmt.Errorf("html: %w", err)}
	}
	d.Seed, d.ID = seed, doc.RecordID(seed, "url:"+page.URI)
	if d.Language == "" {
		d.Language = declaredLanguage(page.Body)
	}
	if d.URL == "" {
		d.URL = page.URI
	}
	return d, nil
}
