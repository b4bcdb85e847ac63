package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Format is a seed format, chosen by the file's extension (and, for .txt,
// confirmed by its content).
type Format string

// The seed formats.
const (
	FormatText  Format = "txt"   // text saved from a page: .txt
	FormatHTML  Format = "html"  // the raw page: .html, .htm
	FormatJSON  Format = "json"  // one record or an array of records: .json
	FormatJSONL Format = "jsonl" // one record per line: .jsonl, .ndjson
	FormatWARC  Format = "warc"  // a web crawl: .warc
)

// extensions maps a lower-case extension to its format.
var extensions = map[string]Format{
	".txt":    FormatText,
	".html":   FormatHTML,
	".htm":    FormatHTML,
	".xhtml":  FormatHTML,
	".json":   FormatJSON,
	".jsonl":  FormatJSONL,
	".ndjson": FormatJSONL,
	".warc":   FormatWARC,
}

// docNames are the base names (upper case, extension removed) of the
// files that describe a collection rather than hold an article: a corpus'
// README.TXT is not news.
var docNames = map[string]bool{
	"README": true, "LICENSE": true, "LICENCE": true, "COPYING": true, "NOTICE": true,
	"CHANGELOG": true, "CHANGES": true, "AUTHORS": true, "SOURCE": true, "CONTRIBUTING": true,
}

// errNotSeed is the reason a file that is not a seed is skipped.
var errNotSeed = errors.New("not a seed")

// formatOf returns the format of a seed path and whether it is gzipped
// (name.ext.gz), or an error wrapping errNotSeed for a file that is no
// seed (another extension, none, or a collection's README).
func formatOf(seed string) (Format, bool, error) {
	name := strings.ToLower(path.Base(seed))
	gz := false
	if strings.HasSuffix(name, ".gz") {
		name, gz = strings.TrimSuffix(name, ".gz"), true
	}
	ext := path.Ext(name)
	if docNames[strings.ToUpper(strings.TrimSuffix(name, ext))] {
		return "", false, fmt.Errorf("%w: a collection's description (%s), not an article", errNotSeed, path.Base(seed))
	}
	f, ok := extensions[ext]
	switch {
	case ok:
		return f, gz, nil
	case ext == "":
		return "", false, fmt.Errorf("%w: no extension (seeds are .txt, .html, .htm, .json, .jsonl, .warc, or .gz of them)", errNotSeed)
	default:
		return "", false, fmt.Errorf("%w: extension %s (seeds are .txt, .html, .htm, .json, .jsonl, .warc, or .gz of them)", errNotSeed, ext)
	}
}

// gunzip decompresses a gzipped seed, at most limit bytes of it: a
// decompression bomb is refused, not read.
func gunzip(data []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not gzip: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("bad gzip: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("too large: more than %d bytes decompressed", limit)
	}
	return out, nil
}

// looksHTML reports whether text starts, after white space and a byte
// order mark, with an HTML document's opening: <!doctype html or <html.
func looksHTML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	data = bytes.TrimLeft(data, " \t\r\n\f")
	head := data[:min(len(data), 16)]
	return hasPrefixFold(head, "<!doctype html") || hasPrefixFold(head, "<html")
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// declaredCharset finds a charset declared in the first kilobyte of a text
// file: "charset=latin1" (as a page's meta tag or a saved header has it)
// or an editor's "coding: latin-1".
var declaredCharset = regexp.MustCompile(`(?i)(?:charset\s*=\s*["']?|-\*-.*coding[:=]\s*)([a-z0-9_.:-]+)`)

// decodeText returns a text seed's bytes as UTF-8: decoded by its byte
// order mark (UTF-8, UTF-16) or declared charset when it has one; else as
// they are when they are valid UTF-8; else as Windows-1252, the superset
// of Latin-1 that text saved on Western systems is nearly always in, and
// which decodes any bytes. NUL bytes are kept, so that binary data is
// still refused as such by the parser.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\uFEFF")):
		return data, nil // the parser drops the UTF-8 mark
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data)
	}
	if m := declaredCharset.FindSubmatch(data[:min(len(data), 1024)]); m != nil {
		if enc, err := htmlindex.Get(string(m[1])); err == nil {
			if name, _ := htmlindex.Name(enc); name == "utf-8" {
				if utf8.Valid(data) {
					return data, nil
				}
				// Declared UTF-8 but is not: the fallback below.
			} else {
				return decodeWith(enc, data)
			}
		}
	}
	if utf8.Valid(data) {
		return data, nil
	}
	return decodeWith(charmap.Windows1252, data)
}

// decodeWith decodes data to UTF-8 with enc.
func decodeWith(enc encoding.Encoding, data []byte) ([]byte, error) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return nil, fmt.Errorf("decode text: %w", err)
	}
	return out, nil
}

// withCharset returns an HTML page with the charset its HTTP response
// declared put first, as a meta tag, so that a reader that knows only the
// page's bytes decodes it as the browser did: the HTTP header wins over
// the page's own declaration, and a page's first declaration wins over
// later ones. An unknown charset leaves the page as it is.
func withCharset(page []byte, charset string) []byte {
	if charset == "" {
		return page
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return page
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return page
	}
	meta := `<meta charset="` + name + `">`
	return append([]byte(meta), page...)
}
