package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/index/doc"
	"github.com/newsroom/newsearch/internal/article"
	"github.com/newsroom/newsearch/internal/language"
	"github.com/newsroom/newsearch/internal/language/detect"
	"github.com/newsroom/newsearch/internal/records"
	"github.com/newsroom/newsearch/internal/warc"
)

// ReaderVersion names what the seed readers make of a seed. The index
// records it with each generation; when it changes, every seed is read
// again, once (see index.VersionedSource): a new reader may make another
// article of the same bytes, or read a seed an older one skipped. Change
// it whenever a reader's output changes.
const ReaderVersion = "3" // 2: formats by extension, legacy encodings decoded, not-seeds skipped; 3: languages

// HTMLReader reads an HTML page into a document: its title, metadata and
// body paragraphs. pageURL is the address the page was fetched from ("" when
// unknown), to resolve its links and canonical URL against.
type HTMLReader func(data []byte, pageURL string) (*doc.Document, error)

// errNoHTMLReader is the reason HTML seeds are skipped when no HTML reader
// is set. The seed is read again once the indexer has one: the readers'
// version says whether there is an HTML reader (seedFiles.ReaderVersion).
var errNoHTMLReader = errors.New("no HTML reader")

// parser makes the documents of a seed's bytes, by format.
type parser struct {
	readHTML HTMLReader
	log      *slog.Logger
	// lang tells the language of a document whose reader found no
	// declaration; nil leaves Document.Language as the reader set it.
	lang *detect.Detector
}

// setLanguages sets each document's language: the one its page declared,
// as a bare language code (en-GB is en), else the one its title and
// first paragraphs are written in, language.Undetermined when the
// detector cannot tell. The index analyses a document by it.
func (p parser) setLanguages(docs []*index.Document) {
	if p.lang == nil {
		return
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		if d.Language = language.Tag(d.Language); d.Language != "" {
			continue
		}
		var b strings.Builder
		b.WriteString(d.Title)
		for _, para := range d.Paragraphs {
			if b.Len() > 2000 {
				break
			}
			b.WriteString("\n")
			b.WriteString(para.Text)
		}
		d.Language = p.lang.Detect(b.String())
	}
}

// documents returns the documents of a seed: one for a text or HTML page,
// those of its good records or pages for a file of records or a crawl,
// with an index.SeedProblems error listing the bad ones. Nothing a seed
// holds may crash the indexer: a reader that panics is this seed's error.
func (p parser) documents(seed string, data []byte, maxBytes int64) (docs []*index.Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.logger().Error("seed reader panicked", "seed", seed, "panic", r, "stack", string(debug.Stack()))
			docs, err = nil, fmt.Errorf("reader failed: %v", r)
		}
	}()
	format, gz, err := formatOf(seed)
	if err != nil {
		return nil, err
	}
	// A crawl's records are gzipped one by one, and the WARC reader takes
	// them as they are; other seeds are gzipped whole.
	if gz && format != FormatWARC {
		if data, err = gunzip(data, maxBytes); err != nil {
			return nil, err
		}
	}
	switch format {
	case FormatText:
		if looksHTML(data) {
			return p.html(seed, data)
		}
		text, err := decodeText(data)
		if err != nil {
			return nil, err
		}
		a, err := article.Parse(seed, text)
		if err != nil {
			return nil, err
		}
		return []*index.Document{a.Document()}, nil
	case FormatHTML:
		return p.html(seed, data)
	case FormatJSON, FormatJSONL:
		if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\uFEFF")), " \t\r\n"); len(t) > 0 && t[0] != '{' && t[0] != '[' {
			return nil, errors.New("not JSON: records are JSON objects")
		}
		read := records.ReadJSON
		if format == FormatJSONL {
			read = records.ReadJSONL
		}
		docs, errs := read(seed, data)
		if len(docs) == 0 && len(errs) == 0 {
			return nil, errors.New("no record in the file")
		}
		return docs, problems(errs)
	case FormatWARC:
		return p.crawl(seed, data)
	}
	return nil, fmt.Errorf("format %s has no reader", format)
}

func (p parser) logger() *slog.Logger {
	if p.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.log
}

// html reads a seed of one HTML page: its article id is the seed's, as for
// a text seed.
func (p parser) html(seed string, data []byte) ([]*index.Document, error) {
	if p.readHTML == nil {
		return nil, errNoHTMLReader
	}
	d, err := p.readHTML(data, "")
	if err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	if d == nil {
		return nil, errors.New("html: the reader returned no document")
	}
	d.Seed, d.ID = seed, ""
	if d.Language == "" {
		d.Language = declaredLanguage(data)
	}
	return []*index.Document{d}, nil
}

// htmlLang finds the lang attribute of a page's html element.
var htmlLang = regexp.MustCompile(`(?i)<html\b[^>]*?\s(?:xml:)?lang\s*=\s*["']?([a-z]{2,3}(?:[-_][a-z0-9]{1,8})*)`)

// declaredLanguage returns the language a page declares on its html
// element, as a bare code ("" when it declares none): the HTML reader
// does not read it.
func declaredLanguage(page []byte) string {
	m := htmlLang.FindSubmatch(page[:min(len(page), 8192)])
	if m == nil {
		return ""
	}
	return language.Tag(string(m[1]))
}

// crawl reads the HTML pages of a WARC seed. A page's article id derives
// from the seed path and its target URI (doc.RecordID with "url:" + URI),
// so that it keeps its id when other pages are added to or removed from
// the crawl; a page whose URI came before in the same crawl is reported
// and left out.
func (p parser) crawl(seed string, data []byte) ([]*index.Document, error) {
	if len(data) >= 2 && !(data[0] == 0x1f && data[1] == 0x8b) && !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("WARC/")) {
		return nil, errors.New("not a WARC file: no WARC/ record header")
	}
	if p.readHTML == nil {
		return nil, errNoHTMLReader
	}
	res := warc.Read(data)
	errs := res.Errors
	seen := map[string]int64{} // URI → offset of its first page
	var docs []*index.Document
	for _, page := range res.Pages {
		if first, dup := seen[page.URI]; dup {
			errs = append(errs, &warc.Error{Offset: page.Offset, URI: page.URI, Err: fmt.Errorf("the page of the record at byte %d again", first)})
			continue
		}
		seen[page.URI] = page.Offset
		d, err := p.readHTML(withCharset(page.Body, page.Charset), page.URI)
		if err == nil && d == nil {
			err = errors.New("the reader returned no document")
		}
		if err != nil {
			errs = append(errs, &warc.Error{Offset: page.Offset, URI: page.URI, Err: fmt.Errorf("html: %w", err)})
			continue
		}
		d.Seed, d.ID = seed, doc.RecordID(seed, "url:"+page.URI)
		if d.Language == "" {
			d.Language = declaredLanguage(page.Body)
		}
		if d.URL == "" {
			d.URL = page.URI
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("no HTML page in the crawl (%d other records)", res.Other)
	}
	return docs, problems(errs)
}

// problems makes the errors of a seed's bad articles an
// index.SeedProblems, nil when there are none.
func problems(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	out := make(index.SeedProblems, len(errs))
	for i, err := range errs {
		out[i] = err.Error()
	}
	return out
}
