package records

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsroom/newsearch/index/doc"
)

func TestReadJSONL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		ids   []string // keys of the documents' ids
		texts []string // the documents' paragraphs, joined with |
		errs  []string // prefixes of the errors
	}{
		{name: "empty", in: ""},
		{name: "blank lines", in: "\n  \n\r\n"},
		{
			name:  "id, url, position",
			in:    `{"id":"a","body":"one"}` + "\n" + `{"url":" https://x.example/b ","body":"two"}` + "\n\n" + `{"body":"three"}`,
			ids:   []string{"id:a", "url:https://x.example/b", "n:4"},
			texts: []string{"one", "two", "three"},
		},
		{
			name:  "numeric id",
			in:    `{"id":12,"body":"x"}`,
			ids:   []string{"id:12"},
			texts: []string{"x"},
		},
		{
			name:  "body paragraphs",
			in:    `{"body":"First line\nsame paragraph.\n\n\n  Second   one.  \n"}`,
			ids:   []string{"n:1"},
			texts: []string{"First line same paragraph.|Second one."},
		},
		{
			name:  "paragraphs with sections",
			in:    `{"paragraphs":["Lead.",{"section":"Background","text":"Then."},"",{"text":"  "}]}`,
			ids:   []string{"n:1"},
			texts: []string{"Lead.|Background:Then."},
		},
		{
			name: "bad records",
			in: strings.Join([]string{
				`{"body":"good"}`,
				`[1,2]`,
				`{"body":`,
				`{"title":"t"}`,
				`{"body":"x","paragraphs":["y"]}`,
				`{"body":"x","published":"yesterday"}`,
				`{"body":5}`,
				`{"id":{"a":1},"body":"x"}`,
				`{"id":"g","body":"first"}`,
				`{"id":"g","body":"again"}`,
				`{"paragraphs":[3]}`,
				`"\uFEFF{"body":"after"}`,
			}, "\n"),
			ids:   []string{"n:1", "id:g"},
			texts: []string{"good", "first"},
			errs: []string{
				"line 2: not a JSON object",
				"line 3: unexpected end",
				"line 4: no text",
				"line 5: both body and paragraphs",
				"line 6: field published",
				"line 7: field body",
				"line 8: field id",
				"line 10: the same id as the record at line 9",
				"line 11: a paragraph is a string",
				"line 12: not a JSON object",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, errs := ReadJSONL("s.jsonl", []byte(tc.in))
			check(t, "s.jsonl", docs, errs, tc.ids, tc.texts, tc.errs)
		})
	}
}

func TestReadJSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		ids   []string
		texts []string
		errs  []string
	}{
		{name: "one record", in: "\uFEFF " + `{"title":"T","body":"b"}`, ids: []string{"n:0"}, texts: []string{"b"}},
		{name: "array", in: `[{"body":"a"},{"id":"x","body":"b"}]`, ids: []string{"n:0", "id:x"}, texts: []string{"a", "b"}},
		{name: "empty array", in: `[]`},
		{name: "empty file", in: ``, errs: []string{"record: not a JSON object"}},
		{name: "not an object", in: `"text"`, errs: []string{"record: not a JSON object"}},
		{name: "bad items", in: `[{"body":"a"}, 7, {"title":"none"}, {"body":"d"}]`, ids: []string{"n:0", "n:3"}, texts: []string{"a", "d"},
			errs: []string{"item 1: not a JSON object", "item 2: no text"}},
		{name: "syntax error", in: `[{"body":"a"}, {"body": }, {"body":"c"}]`, ids: []string{"n:0"}, texts: []string{"a"},
			errs: []string{"item 1: invalid character"}},
		{name: "unterminated", in: `[{"body":"a"}`, ids: []string{"n:0"}, texts: []string{"a"}, errs: []string{"item 1: "}},
		{name: "trailing", in: `[{"body":"a"}] x`, ids: []string{"n:0"}, texts: []string{"a"}, errs: []string{"after the array"}},
		{name: "record with trailing", in: `{"body":"a"} {"body":"b"}`, errs: []string{"record: invalid character"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, errs := ReadJSON("s.json", []byte(tc.in))
			check(t, "s.json", docs, errs, tc.ids, tc.texts, tc.errs)
		})
	}
}

// check compares documents and errors with what a test case wants.
func check(t *testing.T, seed string, docs []*doc.Document, errs []error, ids, texts, wantErrs []string) {
	t.Helper()
	if len(docs) != len(ids) {
		t.Fatalf("%d documents, want %d (errors %v)", len(docs), len(ids), errs)
	}
	for i, d := range docs {
		if d.ID != doc.RecordID(seed, ids[i]) || d.Seed != seed {
			t.Errorf("document %d: id %s seed %s, want key %s", i, d.ID, d.Seed, ids[i])
		}
		var ps []string
		for _, p := range d.Paragraphs {
			if p.Section != "" {
				ps = append(ps, p.Section+":"+p.Text)
			} else {
				ps = append(ps, p.Text)
			}
		}
		if got := strings.Join(ps, "|"); got != texts[i] {
			t.Errorf("document %d: paragraphs %q, want %q", i, got, texts[i])
		}
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors %q, want %q", errs, wantErrs)
	}
	for i, err := range errs {
		var re *Error
		if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), wantErrs[i]) {
			t.Errorf("error %d: %q, want %q", i, err, wantErrs[i])
		}
	}
}

// TestMetadata: every field of the schema reaches the document.
func TestMetadata(t *testing.T) {
	in := `{"id":"a1","title":" Storm\nwarning ","body":"Text.","published":"2024-04-02T09:30:00+01:00","author":"Ann Lee","source":"Coast Times","url":"https://x.example/a","language":"en","extra":{"ignored":true}}
{"body":"Text.","published":"2024-04-03"}`
	docs, errs := ReadJSONL("f.jsonl", []byte(in))
	if len(errs) != 0 || len(docs) != 2 {
		t.Fatalf("%v %v", docs, errs)
	}
	d := docs[0]
	want := time.Date(2024, 4, 2, 9, 30, 0, 0, time.FixedZone("", 3600))
	if d.Title != "Storm warning" || d.Author != "Ann Lee" || d.Source != "Coast Times" || d.URL != "https://x.example/a" ||
		d.Language != "en" || !d.Published.Equal(want) || len(d.Missing) != 0 {
		t.Errorf("%+v", d)
	}
	if _, off := d.Published.Zone(); off != 3600 {
		t.Errorf("offset %d, want the record's own", off)
	}
	d = docs[1]
	if !d.Published.Equal(time.Date(2024, 4, 3, 0, 0, 0, 0, time.UTC)) || strings.Join(d.Missing, ",") != "title,author,source" {
		t.Errorf("%+v", d)
	}
}

// fuzzCheck holds the readers' promise: every record is a document or an
// error, documents have text and distinct ids, nothing panics.
func fuzzCheck(t *testing.T, seed string, docs []*doc.Document, errs []error) {
	ids := map[string]bool{}
	for _, d := range docs {
		if d == nil || d.Seed != seed || d.ID == "" || ids[d.ID] || len(d.Paragraphs) == 0 {
			t.Fatalf("bad document %+v", d)
		}
		ids[d.ID] = true
		for _, p := range d.Paragraphs {
			if strings.TrimSpace(p.Text) == "" {
				t.Fatalf("empty paragraph in %+v", d)
			}
		}
	}
	for _, err := range errs {
		if err == nil || err.Error() == "" {
			t.Fatal("empty error")
		}
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","title":"T","body":"one\n\ntwo","published":"2024-01-02"}` + "\n" + `{"paragraphs":["x",{"section":"s","text":"y"}]}`))
	f.Add([]byte("{\"body\":\"x\"}\n[1]\n{\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := ReadJSONL("f.jsonl", data)
		fuzzCheck(t, "f.jsonl", docs, errs)
		// Every non-blank line is a document or an error.
		lines := 0
		for _, l := range strings.Split(strings.TrimPrefix(string(data), "\uFEFF"), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if len(docs)+len(errs) != lines {
			t.Fatalf("%d documents and %d errors for %d records", len(docs), len(errs), lines)
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"id":1,"body":"a"},{"body":"b","url":"https://x"},7]`))
	f.Add([]byte(`{"title":"t","paragraphs":["p"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := ReadJSON("f.json", data)
		fuzzCheck(t, "f.json", docs, errs)
	})
}

func BenchmarkReadJSONL(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, `{"id":"%d","title":"Story %d","author":"Ann Lee","source":"Coast Times","published":"2024-04-02T09:30:00Z","body":%q}`+"\n",
			i, i, strings.Repeat("A sentence of a news story, of some length. ", 20)+"\n\n"+strings.Repeat("Another paragraph follows it. ", 20))
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if docs, errs := ReadJSONL("b.jsonl", data); len(docs) != 1000 || len(errs) != 0 {
			b.Fatal(len(docs), errs)
		}
	}
}
