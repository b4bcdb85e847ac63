package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/language/detect"
)

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		seed   string
		format Format
		gz     bool
		reason string // prefix of the reason it is not a seed
	}{
		{"a/b.txt", FormatText, false, ""},
		{"B.TXT", FormatText, false, ""},
		{"x.txt.gz", FormatText, true, ""},
		{"p.html", FormatHTML, false, ""},
		{"p.HTM", FormatHTML, false, ""},
		{"p.htm.gz", FormatHTML, true, ""},
		{"r.json", FormatJSON, false, ""},
		{"r.jsonl", FormatJSONL, false, ""},
		{"r.ndjson", FormatJSONL, false, ""},
		{"c.warc", FormatWARC, false, ""},
		{"c.warc.gz", FormatWARC, true, ""},
		{"bbc/README.TXT", "", false, "not a seed: a collection's description"},
		{"SOURCE.md", "", false, "not a seed: a collection's description"},
		{"notes.md", "", false, "not a seed: extension .md"},
		{"img.jpg", "", false, "not a seed: extension .jpg"},
		{"Makefile", "", false, "not a seed: no extension"},
		{"x.gz", "", false, "not a seed: no extension"},
		{"x.tar.gz", "", false, "not a seed: extension .tar"},
	} {
		f, gz, err := formatOf(tc.seed)
		if tc.reason != "" {
			if err == nil || !errors.Is(err, errNotSeed) || !strings.HasPrefix(err.Error(), tc.reason) {
				t.Errorf("%s: %v, want %q", tc.seed, err, tc.reason)
			}
			continue
		}
		if err != nil || f != tc.format || gz != tc.gz {
			t.Errorf("%s: %s %v %v, want %s %v", tc.seed, f, gz, err, tc.format, tc.gz)
		}
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"utf-8", "Café £5", "Café £5"},
		{"utf-8 bom", "\uFEFFCafé", "\uFEFFCafé"},
		{"windows-1252 fallback", "Caf\xe9 \xa35 \x93quoted\x94 \x80", "Café £5 \u201cquoted\u201d €"},
		{"utf-16le bom", "\xff\xfeC\x00a\x00f\x00\xe9\x00", "Café"},
		{"utf-16be bom", "\xfe\xff\x00C\x00a\x00f\x00\xe9", "Café"},
		{"declared charset", "Content-Type: text/plain; charset=iso-8859-7\n\n\xe1\xe2\xe3", "Content-Type: text/plain; charset=iso-8859-7\n\nαβγ"},
		{"declared coding", "-*- coding: koi8-r -*-\n\xc1", "-*- coding: koi8-r -*-\nа"},
		{"declared utf-8 but latin-1", "charset=utf-8\nCaf\xe9", "charset=utf-8\nCafé"},
		{"unknown charset", "charset=nonsense\nCaf\xe9", "charset=nonsense\nCafé"},
		{"nul kept", "a\x00b\xff", "a\x00bÿ"},
	} {
		got, err := decodeText([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestLooksHTML(t *testing.T) {
	for in, want := range map[string]bool{
		"<!DOCTYPE html><p>":         true,
		"\n\t  <!doctype HTML>":      true,
		"\uFEFF<html lang=en>":       true,
		"<HTML>":                     true,
		"Title\n\n<html> in a story": false,
		"<p>fragment</p>":            false,
		"":                           false,
		"<!doctype":                  false,
	} {
		if got := looksHTML([]byte(in)); got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
}

func TestWithCharset(t *testing.T) {
	for _, tc := range []struct{ charset, want string }{
		{"", "<p>x"},
		{"ISO-8859-1", `<meta charset="windows-1252"><p>x`}, // as browsers read Latin-1
		{"utf-8", `<meta charset="utf-8"><p>x`},
		{"bogus", "<p>x"},
	} {
		if got := string(withCharset([]byte("<p>x"), tc.charset)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.charset, got, tc.want)
		}
	}
}

func TestGunzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Repeat("a", 1000)))
	zw.Close()
	if out, err := gunzip(b.Bytes(), 1000); err != nil || len(out) != 1000 {
		t.Errorf("%d %v", len(out), err)
	}
	if _, err := gunzip(b.Bytes(), 999); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("bomb: %v", err)
	}
	if _, err := gunzip([]byte("plain"), 1000); err == nil || !strings.Contains(err.Error(), "not gzip") {
		t.Errorf("plain: %v", err)
	}
	if _, err := gunzip(b.Bytes()[:b.Len()-6], 1000); err == nil {
		t.Error("truncated gzip read")
	}
}

// TestDocumentsNeverPanic: whatever the bytes, each format gives
// documents or an error.
func TestDocumentsNeverPanic(t *testing.T) {
	p := parser{readHTML: standInHTML}
	inputs := []string{"", "\x00", "{", "[", "WARC/1.1\r\n", "\x1f\x8b", "<html>", "Title\n\nBody.\n", `[{"body":"x"}]`}
	for _, seed := range []string{"a.txt", "a.html", "a.json", "a.jsonl", "a.warc", "a.warc.gz", "a.txt.gz"} {
		for _, in := range inputs {
			docs, err := p.documents(seed, []byte(in), 1<<20)
			if err == nil && len(docs) == 0 {
				t.Errorf("%s %q: no document and no error", seed, in)
			}
		}
	}
}

// benchSeeds are a seed of each format, of about the same text.
func benchSeeds(b *testing.B) map[string][]byte {
	para := strings.Repeat("A sentence of a news story, of some length. ", 12)
	var txt, html, jsonl strings.Builder
	fmt.Fprintf(&txt, "Harbour story\n\nBy Ann Lee (Coast Times) 09:15, March 1, 2016\n\n")
	html.WriteString("<!doctype html><html><title>Harbour story</title>")
	for i := range 10 {
		fmt.Fprintf(&txt, "%s%d.\n\n", para, i)
		fmt.Fprintf(&html, "<p>%s%d.</p>", para, i)
	}
	for i := range 10 {
		fmt.Fprintf(&jsonl, `{"id":"%d","title":"Story","body":%q}`+"\n", i, para+"\n\n"+para)
	}
	crawl, err := os.ReadFile("testdata/formats/crawl.warc.gz")
	if err != nil {
		b.Fatal(err)
	}
	latin1 := strings.ReplaceAll(txt.String(), "news", "caf\xe9")
	return map[string][]byte{"s.txt": []byte(txt.String()), "latin1.txt": []byte(latin1), "s.html": []byte(html.String()),
		"s.jsonl": []byte(jsonl.String()), "s.warc.gz": crawl}
}

// BenchmarkDocuments reads a seed of each format through its reader.
func BenchmarkDocuments(b *testing.B) {
	p := parser{readHTML: standInHTML}
	seeds := benchSeeds(b)
	for _, name := range []string{"s.txt", "latin1.txt", "s.html", "s.jsonl", "s.warc.gz"} {
		data := seeds[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if docs, err := p.documents(name, data, 1<<20); err != nil || len(docs) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzDocuments gives any bytes to the reader of each format: documents
// or an error, never a panic (a panic is turned into an error, so the
// stand-in HTML reader is the only way one could escape: it has none).
func FuzzDocuments(f *testing.F) {
	f.Add(uint8(0), []byte("Title\n\nBody.\n"))
	f.Add(uint8(1), []byte("<html><title>T</title><p>x</p>"))
	f.Add(uint8(3), []byte(`{"body":"x"}`+"\n"+`{"id":1}`))
	f.Add(uint8(4), []byte("WARC/1.1\r\nWARC-Type: response\r\n\r\n"))
	seeds := []string{"a.txt", "a.html", "a.json", "a.jsonl", "a.warc", "a.txt.gz"}
	p := parser{readHTML: standInHTML}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		seed := seeds[int(which)%len(seeds)]
		docs, err := p.documents(seed, data, 1<<20)
		if err == nil && len(docs) == 0 {
			t.Fatalf("%s: no document and no error", seed)
		}
		for _, d := range docs {
			if d == nil || d.Seed != seed {
				t.Fatalf("%s: document %+v", seed, d)
			}
		}
	})
}

// TestLanguages: a page's declared language (its html element's lang) is
// the document's, as a bare code; a text without a declaration gets the
// language it is written in; a declaration beats the text.
func TestLanguages(t *testing.T) {
	p := parser{readHTML: standInHTML, lang: detect.New()}
	for _, c := range []struct{ seed, data, want string }{
		{"a.html", `<!DOCTYPE html><html lang="de-AT"><head><title>Wahl</title></head><body><p>The text says otherwise, in English words.</p></body></html>`, "de"},
		{"b.html", `<html class="x" xml:lang="fr"><body><p>Bonjour</p></body></html>`, "fr"},
		{"c.txt", "Politics today\n\nThe prime minister said on Tuesday that the government would not raise taxes before the election.\n", "en"},
		{"d.txt", "Politik heute\n\nDie Bundesregierung hat am Dienstag beschlossen, die Steuern vor der Wahl nicht zu erhöhen.\n", "de"},
		{"e.jsonl", `{"title":"x","body":"The prime minister said on Tuesday that taxes stay.","language":"pt-BR"}` + "\n", "pt"},
	} {
		docs, err := p.documents(c.seed, []byte(c.data), 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", c.seed, err)
		}
		p.setLanguages(docs)
		if docs[0].Language != c.want {
			t.Errorf("%s: language %q, want %q", c.seed, docs[0].Language, c.want)
		}
	}
}
