package article

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const seedPath = "../../seeds/000_5560a174234f78d3.txt"

// corpusDir is the shared corpus folder beside the project, absent in a user's clone.
const corpusDir = "../../../shared/corpus"

func readSeed(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	return b
}

// checkAccounted proves that nothing is lost: every line of data is in
// a.Lines exactly once with its normalised text, every non-blank line has a
// kind other than blank, and the paragraphs and headings are exactly the
// text and heading lines in order.
func checkAccounted(t testing.TB, data []byte, a *Article) {
	t.Helper()
	raw := splitLines(strings.TrimPrefix(string(data), "\ufeff"))
	if len(raw) > 1 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	if len(a.Lines) != len(raw) {
		t.Fatalf("%s: %d lines classified, seed has %d", a.Seed, len(a.Lines), len(raw))
	}
	var text, headings []string
	titles := 0
	for i, l := range a.Lines {
		if l.No != i+1 || l.Text != normaliseSpace(raw[i]) {
			t.Fatalf("%s: line %d is %q (no %d), want %q", a.Seed, i+1, l.Text, l.No, normaliseSpace(raw[i]))
		}
		if (l.Kind == KindBlank) != (l.Text == "") || l.Kind < KindBlank || l.Kind > KindChrome {
			t.Fatalf("%s: line %d %q has kind %v", a.Seed, l.No, l.Text, l.Kind)
		}
		switch l.Kind {
		case KindText:
			text = append(text, l.Text)
		case KindHeading:
			headings = append(headings, l.Text)
		case KindTitle:
			titles++
			if l.Text != a.Title {
				t.Fatalf("%s: title line %q but title %q", a.Seed, l.Text, a.Title)
			}
		}
	}
	if titles > 1 {
		t.Fatalf("%s: %d title lines", a.Seed, titles)
	}
	var paras, sections []string
	for i, p := range a.Paragraphs {
		if p.N != i+1 || p.Text == "" {
			t.Fatalf("%s: paragraph %d numbered %d, text %q", a.Seed, i+1, p.N, p.Text)
		}
		paras = append(paras, p.Text)
		if p.Section != "" && (len(sections) == 0 || sections[len(sections)-1] != p.Section) {
			sections = append(sections, p.Section)
		}
	}
	if got, want := strings.Join(paras, " "), strings.Join(text, " "); got != want {
		t.Fatalf("%s: paragraphs do not add up to the text lines:\n got %.200q\nwant %.200q", a.Seed, got, want)
	}
	for _, s := range sections {
		found := false
		for _, h := range headings {
			found = found || h == s
		}
		if !found {
			t.Fatalf("%s: section %q is not a heading line", a.Seed, s)
		}
	}
}

func TestParseSeedGolden(t *testing.T) {
	data := readSeed(t)
	a, err := Parse("000_5560a174234f78d3.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, data, a)

	if a.Title != "Cyber Deal Expected to Halt Disputes" {
		t.Errorf("title %q", a.Title)
	}
	if a.Author != "Liu Xin" || a.Source != "People's Daily Online" {
		t.Errorf("author %q source %q", a.Author, a.Source)
	}
	want := time.Date(2015, 9, 21, 22, 51, 0, 0, time.FixedZone("", 8*3600))
	if !a.Published.Equal(want) {
		t.Errorf("published %v, want %v", a.Published, want)
	}
	if _, off := a.Published.Zone(); off != 8*3600 {
		t.Errorf("published offset %d s, want +08:00", off)
	}
	if a.Editors != "Luxiao Zou,Bianji" {
		t.Errorf("editors %q", a.Editors)
	}
	if len(a.Missing) != 0 {
		t.Errorf("missing %v", a.Missing)
	}
	if len(a.Paragraphs) != 21 {
		t.Fatalf("%d paragraphs, want 21", len(a.Paragraphs))
	}
	for _, p := range a.Paragraphs {
		want := ""
		switch {
		case p.N >= 15:
			want = "Build trust"
		case p.N >= 8:
			want = "Top of summit agenda"
		}
		if p.Section != want {
			t.Errorf("paragraph %d section %q, want %q", p.N, p.Section, want)
		}
		if strings.Contains(p.Text, "Editor") || strings.Contains(p.Text, "Please follow") {
			t.Errorf("paragraph %d holds chrome: %q", p.N, p.Text)
		}
	}
	chrome := map[string]bool{}
	for _, l := range a.Lines {
		if l.Kind == KindChrome {
			chrome[l.Text] = true
		}
	}
	for _, c := range []string{"Add your comment", "Most Viewed", "Hot News", "We Recommend", "prev next",
		"(For the latest China news, Please follow People's Daily on Twitter and Facebook)"} {
		if !chrome[c] {
			t.Errorf("%q is not chrome", c)
		}
	}
	if !strings.HasPrefix(a.Lines[0].Text, "Facebook Twitter") || a.Lines[0].Kind != KindChrome {
		t.Errorf("header line %q is %v, want chrome", a.Lines[0].Text, a.Lines[0].Kind)
	}

	golden(t, "testdata/seed.golden.json", a)
}

// golden compares v, as indented JSON, with the file at path (rewritten with -update).
func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the parse; run go test -update and review the diff", path)
	}
}

func TestParseMalformed(t *testing.T) {
	long := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 2000)
	tests := []struct {
		name    string
		in      string
		err     error
		title   string
		paras   int
		missing []string
	}{
		{name: "empty", in: "", err: ErrEmpty},
		{name: "white space", in: " \n\t\n\u00a0\n", err: ErrEmpty},
		{name: "bom only", in: "\ufeff", err: ErrEmpty},
		{name: "binary", in: "PK\x03\x04\x00\x00 zip", err: ErrBinary},
		{name: "control characters", in: strings.Repeat("\x01\x02\x03abc", 50), err: ErrBinary},
		{name: "invalid utf-8", in: "Title\n\nThe price is \xa3600m today.\n", err: ErrInvalidUTF8},
		{name: "only chrome", in: "Facebook Twitter Instagram YouTube\n\nAdd your comment\n\nMost Viewed\n", err: ErrNoBody},
		{name: "title only", in: "Just a headline\n", err: ErrNoBody},
		{name: "crlf", in: "Storm hits coast\r\n\r\nA storm hit the coast on Monday.\r\n\r\nPower was cut to homes.\r\n",
			title: "Storm hits coast", paras: 2, missing: []string{"author", "source", "published"}},
		{name: "lone cr", in: "Storm hits coast\r\rA storm hit the coast on Monday.\r\rPower was cut.\r",
			title: "Storm hits coast", paras: 2, missing: []string{"author", "source", "published"}},
		{name: "bom", in: "\ufeffStorm hits coast\n\nA storm hit the coast on Monday.\n",
			title: "Storm hits coast", paras: 1, missing: []string{"author", "source", "published"}},
		{name: "no blank lines", in: "Storm hits coast\nA storm hit the coast on Monday.\nPower was cut to homes.",
			title: "Storm hits coast", paras: 1, missing: []string{"author", "source", "published"}},
		{name: "no title", in: strings.Repeat("A storm hit the coast on Monday and power was cut to many homes in the area. ", 3) + "\n",
			title: "A storm hit the coast on Monday and power was cut to …", paras: 1,
			missing: []string{"title", "author", "source", "published"}},
		{name: "very long line", in: "Long\n\n" + long, title: "Long", paras: 134, missing: []string{"author", "source", "published"}},
		{name: "byline without source", in: "Rates rise\n\nBy Jane Doe\n\nRates rose by a quarter point on Thursday.\n",
			title: "Rates rise", paras: 1, missing: []string{"source", "published"}},
		{name: "byline with bar and date", in: "Rates rise\n\nBy Jane Doe | Reuters | 2024-03-05 09:30 GMT\n\nRates rose by a quarter point on Thursday.\n",
			title: "Rates rise", paras: 1},
		{name: "date without zone", in: "Rates rise\n\nBy Jane Doe (Daily Planet) March 5, 2024\n\nRates rose by a quarter point on Thursday.\n",
			title: "Rates rise", paras: 1, missing: []string{"timezone"}},
		{name: "sentence starting with By", in: "Rates rise\n\nBy contrast, the market fell 2% on Thursday as rates rose.\n",
			title: "Rates rise", paras: 1, missing: []string{"author", "source", "published"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse("t.txt", []byte(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkAccounted(t, []byte(tt.in), a)
			if a.Title != tt.title || len(a.Paragraphs) != tt.paras {
				t.Errorf("title %q, %d paragraphs; want %q, %d", a.Title, len(a.Paragraphs), tt.title, tt.paras)
			}
			if strings.Join(a.Missing, ",") != strings.Join(tt.missing, ",") {
				t.Errorf("missing %v, want %v", a.Missing, tt.missing)
			}
		})
	}
}

func TestBylineForms(t *testing.T) {
	tests := []struct {
		line, author, source string
		when                 time.Time
	}{
		{"By Liu Xin (People's Daily Online) 22:51, September 21, 2015", "Liu Xin", "People's Daily Online",
			time.Date(2015, 9, 21, 22, 51, 0, 0, time.FixedZone("", 8*3600))},
		{"By Jane Doe, BBC News | 5 March 2024 09:30 GMT", "Jane Doe", "BBC News", time.Date(2024, 3, 5, 9, 30, 0, 0, time.UTC)},
		{"By Zhang Wei and Li Na (Xinhua) 2024-03-05", "Zhang Wei and Li Na", "Xinhua",
			time.Date(2024, 3, 5, 0, 0, 0, 0, time.FixedZone("", 8*3600))},
		{"By Ann Smith (Reuters) Sep 1, 2020 4:05 pm +0100", "Ann Smith", "Reuters",
			time.Date(2020, 9, 1, 16, 5, 0, 0, time.FixedZone("", 3600))},
	}
	for _, tt := range tests {
		in := "Headline here\n\n" + tt.line + "\n\nThe first paragraph of the story is here.\n"
		a, err := Parse("t.txt", []byte(in))
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		if a.Author != tt.author || a.Source != tt.source || !a.Published.Equal(tt.when) {
			t.Errorf("%q: author %q source %q published %v; want %q %q %v", tt.line, a.Author, a.Source, a.Published, tt.author, tt.source, tt.when)
		}
		if a.Lines[2].Kind != KindMeta {
			t.Errorf("%q is %v, want meta", tt.line, a.Lines[2].Kind)
		}
	}
}

func TestHardWrappedText(t *testing.T) {
	// Every line followed by a blank line, wrapped at about 60 columns: the
	// blank lines are not paragraph breaks.
	var b strings.Builder
	b.WriteString("Wrapped story\n\n")
	words := strings.Fields(strings.Repeat("The council met on Tuesday to discuss the new budget for the city schools and roads. ", 30))
	line := ""
	for _, w := range words {
		if len(line)+len(w)+1 > 60 {
			b.WriteString(line + "\n\n")
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
	data := []byte(b.String())
	a, err := Parse("w.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, data, a)
	if len(a.Paragraphs) < 2 || len(a.Paragraphs) > 6 {
		t.Fatalf("%d paragraphs from %d words of wrapped text, want passages of about %d words", len(a.Paragraphs), len(words), passageWords)
	}
	for _, p := range a.Paragraphs {
		if n := wordCount(p.Text); n > maxParagraphWords+20 {
			t.Errorf("paragraph %d has %d words", p.N, n)
		}
	}
}

// TestCorpusAccounted parses every seed and every BBC article and proves
// that each line is accounted for exactly once.
func TestCorpusAccounted(t *testing.T) {
	files, _ := filepath.Glob("../../seeds/*.txt")
	bbc, _ := filepath.Glob(filepath.Join(corpusDir, "bbc", "*", "*.txt"))
	if len(bbc) == 0 {
		t.Logf("corpus folder %s is absent: checking the bundled seeds only", corpusDir)
	}
	files = append(files, bbc...)
	parsed, invalid := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(filepath.Base(f), data)
		if errors.Is(err, ErrInvalidUTF8) {
			invalid++ // the BBC set has one Latin-1 byte: reported and skipped
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		checkAccounted(t, data, a)
		parsed++
	}
	if len(bbc) > 0 && (parsed < 2200 || invalid > 1) {
		t.Errorf("parsed %d files, %d invalid", parsed, invalid)
	}
}

func TestBBCSample(t *testing.T) {
	path := filepath.Join(corpusDir, "bbc", "business", "001.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("BBC corpus not present (%v): the shared corpus sits beside the project in the team's workspace", err)
	}
	a, err := Parse("bbc/business/001.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Ad sales boost Time Warner profit" || len(a.Paragraphs) != 5 {
		t.Errorf("title %q, %d paragraphs", a.Title, len(a.Paragraphs))
	}
	if strings.Join(a.Missing, ",") != "author,source,published" {
		t.Errorf("missing %v", a.Missing)
	}
}

func TestIDStable(t *testing.T) {
	if IDFor("a/b.txt") != IDFor("a/b.txt") || IDFor("a/b.txt") == IDFor("a/c.txt") || len(IDFor("x")) != 16 {
		t.Fatal("ids are not stable and distinct")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readSeed(f))
	f.Add([]byte("Title\r\n\r\nBy A B (C) 1 May 2020\r\nText here.\r\n"))
	f.Add([]byte("\ufeffHeading\n\nShort line\n\nA paragraph that ends. Another one.\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("f.txt", data)
		if err != nil {
			if a != nil && !errors.Is(err, ErrNoBody) {
				t.Fatalf("article returned with error %v", err)
			}
			return
		}
		checkAccounted(t, data, a)
	})
}

func BenchmarkParse(b *testing.B) {
	data := readSeed(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("s.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCorpus parses news articles of the BBC corpus, when it is
// beside the project: many short articles, as the indexer sees them.
func BenchmarkParseCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "bbc/*/*.txt"))
	if len(files) == 0 {
		b.Skip("BBC corpus absent (../shared/corpus/bbc beside the project)")
	}
	var texts [][]byte
	var n int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, data)
		n += int64(len(data))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, data := range texts {
			// Errors (one Latin-1 file) are part of the work.
			_, _ = Parse(files[i], data)
		}
	}
}

// BenchmarkParseBuiltCorpus parses the seeds of a corpus built by
// bench/corpus (BBC and Reuters articles with bylines), when one is in
// bench/out: the indexer's input.
func BenchmarkParseBuiltCorpus(b *testing.B) {
	dirs, _ := filepath.Glob("../../bench/out/corpus-*")
	if len(dirs) == 0 {
		b.Skip("no built corpus in bench/out (go run ./bench/corpus)")
	}
	var files []string
	for _, pat := range []string{"*/*.txt", "*/*/*.txt"} {
		m, _ := filepath.Glob(filepath.Join(dirs[0], pat))
		files = append(files, m...)
	}
	var texts [][]byte
	var n int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, data)
		n += int64(len(data))
	}
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for i, data := range texts {
			_, _ = Parse(files[i], data)
		}
	}
}
