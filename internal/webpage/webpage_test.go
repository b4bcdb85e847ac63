package webpage

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index/doc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden is the JSON form of a Document compared with testdata/*.json.
type golden struct {
	Title      string          `json:"title"`
	Author     string          `json:"author"`
	Source     string          `json:"source"`
	Published  string          `json:"published"`
	URL        string          `json:"url"`
	Language   string          `json:"language"`
	Missing    []string        `json:"missing"`
	Paragraphs []doc.Paragraph `json:"paragraphs"`
}

func toGolden(d *doc.Document) golden {
	g := golden{Title: d.Title, Author: d.Author, Source: d.Source, URL: d.URL,
		Language: d.Language, Missing: d.Missing, Paragraphs: d.Paragraphs}
	if !d.Published.IsZero() {
		g.Published = d.Published.Format(time.RFC3339)
	}
	return g
}

// TestRead reads each page of testdata and compares the document with its
// golden file (go test ./internal/webpage -run TestRead -update rewrites
// them), then checks what each page is there for.
func TestRead(t *testing.T) {
	tests := []struct {
		page, url string
		check     func(t *testing.T, d *doc.Document)
	}{
		{"news-chrome.html", "https://courier.example.com/news/2024/03/harbour-bridge-reopens?utm_source=x", func(t *testing.T, d *doc.Document) {
			wantEq(t, "title", d.Title, "Harbour bridge reopens after two years of repairs")
			wantEq(t, "source", d.Source, "The Coastal Courier")
			wantEq(t, "published", d.Published.Format(time.RFC3339), "2024-03-14T09:30:00+01:00")
			wantEq(t, "url", d.URL, "https://courier.example.com/news/2024/03/harbour-bridge-reopens")
			wantEq(t, "language", d.Language, "en")
			wantNone(t, d, "Most read", "Share this article", "All rights reserved", "Subscribe")
			wantSome(t, d, "two years after engineers closed it", "thirty kilometres an hour")
		}},
		{"jsonld.html", "", func(t *testing.T, d *doc.Document) {
			wantEq(t, "title", d.Title, "Rail strike called off at the last minute")
			wantEq(t, "author", d.Author, "James Okafor")
			wantEq(t, "published", d.Published.Format(time.RFC3339), "2023-11-02T18:05:00-05:00")
			wantEq(t, "url", d.URL, "https://ledger.example.com/2023/11/02/rail-strike-called-off")
			wantNone(t, d, "Finally some good news", "Log in")
			wantSome(t, d, "fourteen hours", "next three weeks")
		}},
		{"blog.html", "https://garden.example.net/2023/08/balcony-tomatoes/", func(t *testing.T, d *doc.Document) {
			wantEq(t, "title", d.Title, "Growing tomatoes on a balcony")
			wantEq(t, "published", d.Published.Format(time.DateOnly), "2023-08-21")
			wantEq(t, "url", d.URL, "https://garden.example.net/2023/08/balcony-tomatoes/")
			wantNone(t, d, "August 2023", "Leave a Reply")
			// Each list item is a paragraph of its own.
			wantPara(t, d, "A bush variety instead of a tall one, so that the wind no longer snapped the stems.")
		}},
		{"german-latin1.html", "", func(t *testing.T, d *doc.Document) {
			wantEq(t, "title", d.Title, "Stadtrat beschließt neue Grünflächen für die Innenstadt")
			wantEq(t, "author", d.Author, "Jürgen Weiß")
			wantEq(t, "language", d.Language, "de")
			wantEq(t, "published", d.Published.Format(time.RFC3339), "2022-06-09T16:45:00+02:00")
			wantSome(t, d, "Fußgängerzone begrüßten")
			wantNone(t, d, "Impressum")
		}},
		{"headings.html", "", func(t *testing.T, d *doc.Document) {
			wantEq(t, "url", d.URL, "https://citynews.example.org/guides/recycling-rules")
			wantEq(t, "published", d.Published.Format(time.RFC3339), "2025-01-07T08:00:00Z")
			sections := map[string]string{
				"Paper and cardboard":      "What goes where",
				"Food scraps":              "The new brown bin",
				"\"Half of what we find":   "The new brown bin",
				"Households that repeated": "First offence",
				"From the first of Februa": "",
			}
			for prefix, want := range sections {
				found := false
				for _, p := range d.Paragraphs {
					if strings.HasPrefix(p.Text, prefix) {
						found = true
						wantEq(t, "section of "+prefix, p.Section, want)
					}
				}
				if !found {
					t.Errorf("no paragraph starts with %q", prefix)
				}
			}
			// "Fines" has no paragraph of its own: it is kept as one.
			wantPara(t, d, "Fines")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", tt.page))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Read(data, tt.url)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			tt.check(t, d)
			got, err := json.MarshalIndent(toGolden(d), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", strings.TrimSuffix(tt.page, ".html")+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("document differs from %s (run with -update after checking):\n%s", path, got)
			}
		})
	}
}

// TestReadNoBody: pages without an article are errors that say so.
func TestReadNoBody(t *testing.T) {
	t.Parallel()
	for _, page := range []string{
		"",
		"<html><head><title>x</title></head><body></body></html>",
		"<html><body><nav><a href=/>Home</a></nav></body></html>",
	} {
		_, err := Read([]byte(page), "")
		if err == nil {
			t.Errorf("Read(%q): no error", page)
			continue
		}
		if !errors.Is(err, ErrNoBody) {
			t.Errorf("Read(%q) = %v, want ErrNoBody", page, err)
		}
	}
}

// TestCleanTitle: the site's name is taken off either end of the title.
func TestCleanTitle(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ title, site, want string }{
		{"Headline here | Site", "Site", "Headline here"},
		{"SITE - Headline here", "Site", "Headline here"},
		{"Headline - with a dash - Site Online", "Site", "Headline - with a dash"},
		{"Headline › evang.at", "evang.at", "Headline"},
		{"Headline: the rest", "Other", "Headline: the rest"},
		{"Just a headline", "", "Just a headline"},
		{"Site", "Site", "Site"},
	} {
		if got := cleanTitle(tt.title, tt.site); got != tt.want {
			t.Errorf("cleanTitle(%q, %q) = %q, want %q", tt.title, tt.site, got, tt.want)
		}
	}
}

// TestDecode: declared, detected and default charsets.
func TestDecode(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"<meta charset=utf-8><p>Grüße</p>", "<meta charset=utf-8><p>Grüße</p>"},
		// Valid UTF-8 wins over a stale Latin-1 declaration.
		{"<meta charset=iso-8859-1><p>Grüße</p>", "<meta charset=iso-8859-1><p>Grüße</p>"},
		{"<meta charset=iso-8859-1><p>Gr\xfc\xdfe</p>", "<meta charset=iso-8859-1><p>Grüße</p>"},
		// No declaration and not UTF-8: Windows-1252 (the euro sign at 0x80).
		{"<p>5 \x80 caf\xe9</p>", "<p>5 € café</p>"},
		{"\xef\xbb\xbf<p>bom</p>", "<p>bom</p>"},
	} {
		if got := string(decode([]byte(tt.in))); got != tt.want {
			t.Errorf("decode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPublished: a time with an offset is kept only when it is the day
// the extractor found.
func TestPublished(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"2024-03-14T09:30:00+01:00", true},
		{"2024-03-14T09:30:00.123Z", true},
		{"2024-03-14T09:30+01:00", true},
		{"2024-03-14", false},
		{"2024-03-14T09:30:00", false},
		{"yesterday", false},
	} {
		if _, ok := parseTime(tt.in); ok != tt.ok {
			t.Errorf("parseTime(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
	}
}

func wantEq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func text(d *doc.Document) string { return Body(d) }

func wantSome(t *testing.T, d *doc.Document, snippets ...string) {
	t.Helper()
	for _, s := range snippets {
		if !strings.Contains(text(d), s) {
			t.Errorf("body lacks %q:\n%s", s, text(d))
		}
	}
}

func wantNone(t *testing.T, d *doc.Document, snippets ...string) {
	t.Helper()
	for _, s := range snippets {
		if strings.Contains(text(d), s) {
			t.Errorf("body keeps chrome %q:\n%s", s, text(d))
		}
	}
}

func wantPara(t *testing.T, d *doc.Document, want string) {
	t.Helper()
	for _, p := range d.Paragraphs {
		if p.Text == want {
			return
		}
	}
	t.Errorf("no paragraph is exactly %q:\n%s", want, text(d))
}

// FuzzRead: no input makes Read panic, and a document it returns has a
// body of non-empty paragraphs.
func FuzzRead(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") {
			data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, "https://example.com/a")
		}
	}
	f.Add([]byte("<p>short</p>"), "")
	f.Add([]byte("<html><h1>x</h1><h2>y</h2></html>"), "::not a url")
	f.Fuzz(func(t *testing.T, data []byte, url string) {
		d, err := Read(data, url)
		if err != nil {
			return
		}
		if len(d.Paragraphs) == 0 {
			t.Fatal("document without paragraphs and no error")
		}
		for _, p := range d.Paragraphs {
			if strings.TrimSpace(p.Text) == "" {
				t.Fatalf("empty paragraph in %+v", d.Paragraphs)
			}
		}
	})
}

// BenchmarkRead reads the test pages in turn; paragraphs/s is reported.
func BenchmarkRead(b *testing.B) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") {
			data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			pages = append(pages, data)
		}
	}
	b.ReportAllocs()
	paras := 0
	for i := 0; b.Loop(); i++ {
		d, err := Read(pages[i%len(pages)], "https://example.com/a")
		if err != nil {
			b.Fatal(err)
		}
		paras += len(d.Paragraphs)
	}
	b.ReportMetric(float64(paras)/b.Elapsed().Seconds(), "paragraphs/s")
}
