package article

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSeedLineKinds checks the kind of every line of the seed against
// testdata/seed.lines.golden (one "kind<TAB>text" row a line, written with
// -update and reviewed by hand): a body line taken as chrome, a chrome line
// kept, or a heading taken as text fails here, even when the paragraphs
// still add up.
func TestSeedLineKinds(t *testing.T) {
	data := readSeed(t)
	a, err := Parse("000_5560a174234f78d3.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, l := range a.Lines {
		fmt.Fprintf(&b, "%s\t%s\n", l.Kind, l.Text)
	}
	const path = "testdata/seed.lines.golden"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	got := strings.Split(b.String(), "\n")
	wantLines := strings.Split(string(want), "\n")
	if len(got) != len(wantLines) {
		t.Fatalf("%d lines classified, golden has %d", len(got), len(wantLines))
	}
	for i := range got {
		if got[i] != wantLines[i] {
			t.Errorf("line %d: got %q, want %q", i+1, got[i], wantLines[i])
		}
	}
}

// TestBodySentencesNotChrome: sentences of a story that start like a page
// notice ("Copyright …", "Tags: …", "(c) …", "Source: …") stay body text
// where they stand inside the story; the same forms after the story are
// furniture and metadata.
func TestBodySentencesNotChrome(t *testing.T) {
	in := "Menu\n\nNews Sport Weather\n\nMusic labels sue file sharers\n\nBy Jane Doe\n\n" +
		"The record labels filed suits against forty file-sharing sites on Monday, saying that they had lost millions in sales.\n\n" +
		"Copyright holders were furious.\n\n" +
		"Tags: the group called itself that.\n\n" +
		"Source: the ministry.\n\n" +
		"The sites said they would fight the suits in court, and that their users had done nothing wrong at all.\n\n" +
		"(c) Reuters 2015.\n\n" +
		"Tags: music, law\n\nCopyright 2015 Daily Planet\n\nSource: Reuters\n"
	a, err := Parse("c.txt", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, []byte(in), a)
	kinds := map[string]Kind{}
	for _, l := range a.Lines {
		kinds[l.Text] = l.Kind
	}
	for text, want := range map[string]Kind{
		"Copyright holders were furious.":     KindText,
		"Tags: the group called itself that.": KindText,
		"Source: the ministry.":               KindText,
		"(c) Reuters 2015.":                   KindText,
		"Music labels sue file sharers":       KindTitle,
		"By Jane Doe":                         KindMeta,
		"Tags: music, law":                    KindChrome,
		"Copyright 2015 Daily Planet":         KindChrome,
		"Source: Reuters":                     KindMeta,
		"News Sport Weather":                  KindChrome,
	} {
		if kinds[text] != want {
			t.Errorf("%q is %v, want %v", text, kinds[text], want)
		}
	}
	if a.Author != "Jane Doe" || a.Source != "Reuters" {
		t.Errorf("author %q source %q", a.Author, a.Source)
	}
}
