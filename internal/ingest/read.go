package ingest

import (
	"bytes"
	"context"
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
		return p.crawl(context.Background(), seed, bytes.NewReader(data))
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
