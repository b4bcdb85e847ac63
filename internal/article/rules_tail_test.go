package article

import (
	"fmt"
	"strings"
	"testing"
)

// TestPageNotices: the lines that open what follows a story, consent
// notices and pictures' credits, against story lines alike in form.
func TestPageNotices(t *testing.T) {
	t.Parallel()
	checkLines(t, []lineCase{
		{"Mehr zum Thema", isTail, "isTail", true},
		{"Das könnte Sie auch interessieren:", isTail, "isTail", true},
		{"Schreibe einen Kommentar", isTail, "isTail", true},
		{"Leave a Reply", isTail, "isTail", true},
		{"Zobacz także", isTail, "isTail", true},
		{"Über den Autor", isTail, "isTail", true},
		{"Mehr Geld für die Schulen", isTail, "isTail", false},
		{"Diese Website verwendet Cookies, damit wir Dir die bestmögliche Benutzererfahrung bieten können.", isConsent, "isConsent", true},
		{"We use cookies to improve your experience on our site.", isConsent, "isConsent", true},
		{"She baked cookies for the neighbours.", isConsent, "isConsent", false},
		{"Foto: Sean Gallup/Getty Images", isCredit, "isCredit", true},
		{"(Elizabeth Conley / Houston Chronicle)", isCredit, "isCredit", true},
		{"Liebeshoroskop Januar 2023 © AdobeStock", isCredit, "isCredit", true},
		{"Größtes solarthermisches Kraftwerk der Welt entsteht in Dubai", isCredit, "isCredit", false},
		{"The harbour at dusk. (Photo: Anna Example)", isCaption, "isCaption", true},
		{"Der Hafen am Abend. © Agentur", isCaption, "isCaption", true},
		{"Primary funding source:", isCaption, "isCaption", false},
		{"Quelle: das Ministerium. Die Zahlen stiegen im Mai.", isCaption, "isCaption", false},
		{"Die Polizei nennt das Bild ein Foto: Die Lage bleibt unklar.", isCaption, "isCaption", false},
	})
}

// lineCase is a line and what a predicate named name says of it.
type lineCase struct {
	line string
	f    func(string) bool
	name string
	want bool
}

// checkLines checks each case's predicate on its line.
func checkLines(t *testing.T, cases []lineCase) {
	t.Helper()
	for _, tt := range cases {
		if got := tt.f(tt.line); got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.name, tt.line, got, tt.want)
		}
	}
}

// TestLeadJoinsBody: a lead paragraph above the body, parted from it by a
// dateline and a share bar, is the story's first paragraph.
func TestLeadJoinsBody(t *testing.T) {
	t.Parallel()
	text := "Home | News | Sport | Weather\n\nA headline about the town hall\n\n" +
		"The town hall will close for a year of repairs, the council said on Monday after a long debate about its cost.\n\n" +
		"19.10.2019 12.09\nShare on Facebook Share on Twitter\n\n" +
		"The repairs will cost more than two million euros and will be paid by the state and the town together, as agreed last spring.\n\n" +
		"Work starts in January. The offices move to the school for the year, and the library stays where it is for now.\n\n" +
		"The mayor said the building had waited too long. The roof leaks, the heating fails every winter and the lift is broken.\n"
	a, err := Parse("lead.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Paragraphs) == 0 || a.Paragraphs[0].Text[:20] != "The town hall will c" {
		t.Errorf("paragraphs %+v, want the lead first", a.Paragraphs)
	}
	if a.Title != "A headline about the town hall" {
		t.Errorf("title %q", a.Title)
	}
}

// TestNearDateAndAuthor: an article no dateline or byline dated or named
// takes both from the short lines around the start of its body.
func TestNearDateAndAuthor(t *testing.T) {
	t.Parallel()
	text := "Home | News | Sport | Weather\n\nGunter Frank / 22.04.2020 / 06:15 / Seite ausdrucken\n\n" +
		"A headline about the town hall\n\n" +
		"The repairs will cost more than two million euros and will be paid by the state and the town together, as agreed last spring.\n\n" +
		"Work starts in January. The offices move to the school for the year, and the library stays where it is for now.\n\n" +
		"The mayor said the building had waited too long. The roof leaks, the heating fails every winter and the lift is broken.\n"
	a, err := Parse("near.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Published.Format("2006-01-02"); got != "2020-04-22" {
		t.Errorf("published %s, want 2020-04-22", got)
	}
	if a.Author != "Gunter Frank" {
		t.Errorf("author %q, want Gunter Frank", a.Author)
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{{"Gunter Frank", true}, {"Walter von Aachen", true}, {"Seite ausdrucken", false}, {"Kommentare 34", false}, {"Home", false}} {
		if got := isName(tt.s); got != tt.want {
			t.Errorf("isName(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestTitleRepeatedOnPage: of the headline-shaped lines above the body,
// the one the page repeats (in its breadcrumb) is the headline, not the
// picture's caption nearer the body; a credit after a caption is no
// headline either.
func TestTitleRepeatedOnPage(t *testing.T) {
	t.Parallel()
	text := "Home | News | Sport | Weather\n\nStart News The council closes the town hall\n\n" +
		"The council closes the town hall\n\n19.10.2019\n\nThe old town hall seen from the market square\n\n" +
		"The town hall will close for a year of repairs, the council said on Monday after a long debate about its cost.\n\n" +
		"The repairs will cost more than two million euros and will be paid by the state and the town together, as agreed last spring.\n\n" +
		"Work starts in January. The offices move to the school for the year, and the library stays where it is for now.\n"
	a, err := Parse("repeat.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "The council closes the town hall" {
		t.Errorf("title %q, want the repeated headline", a.Title)
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{{"Shanghai Electric builds it in Dubai.Foto: Shanghai Electric", true}, {"Foto: dpa", true}, {"A headline about photography", false}} {
		if got := isCredit(tt.s); got != tt.want {
			t.Errorf("isCredit(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

// TestLooseDateForms: the date forms of a page's head beyond the written
// and the dotted four-digit ones.
func TestLooseDateForms(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ line, want string }{
		{"23.09.22", "2022-09-23"},
		{"Von: Björn Jahner | 31.10.23", "2023-10-31"},
		{"15/01/2016", "2016-01-15"},
		{"12/30/2019 05:03 AM EST", "2019-12-30"},
		{"01. Dez. 2022 | 14:08 Uhr", "2022-12-01"},
		{"18.10.2019 16:06 Uhr", "2019-10-18"},
		{"Version 1.2.3", ""},
		{"Seite 12", ""},
	} {
		d, ok := looseDate(tt.line)
		got := ""
		if ok {
			got = fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
		}
		if got != tt.want {
			t.Errorf("looseDate(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestNameBesideDate: a name on a line of its own beside the date line
// names the author.
func TestNameBesideDate(t *testing.T) {
	t.Parallel()
	text := "Home | News | Sport | Weather\n\nA headline about the town hall\n\nAnna Berger\n\n19.10.2019\n\n" +
		"The repairs will cost more than two million euros and will be paid by the state and the town together, as agreed last spring.\n\n" +
		"Work starts in January. The offices move to the school for the year, and the library stays where it is for now.\n"
	a, err := Parse("name.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if a.Author != "Anna Berger" {
		t.Errorf("author %q, want Anna Berger", a.Author)
	}
	// A date and a name on one line.
	a, err = Parse("name2.txt", []byte(strings.Replace(text, "Anna Berger\n\n19.10.2019", "19.10.2019 Anna Berger", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if a.Author != "Anna Berger" {
		t.Errorf("author %q from a date line, want Anna Berger", a.Author)
	}
}

// TestRunsInBody: a run of teaser headlines inside the body block is
// furniture, while the lines of hard-wrapped text, which end mid-sentence,
// and a story that is only a table of figures stay the story's.
func TestRunsInBody(t *testing.T) {
	t.Parallel()
	teasers := "Home | News | Sport | Weather\n\n" +
		"The town hall will close for a year of repairs, the council said on Monday after a long debate about its cost and its use.\n\n" +
		"Mayor opens the new bridge over the river Lahn\nSchool year starts with three new teachers in town\nFire brigade gets a second ladder truck for winter\n\n" +
		"The repairs will cost more than two million euros and will be paid by the state and the town together, as agreed last spring.\n\n" +
		"Work starts in January. The offices move to the school for the year, and the library stays where it is for now.\n"
	menu := "Home | News | Sport | Weather\n\n"
	wrapped := menu + "A HEADLINE ABOUT THE TOWN HALL\n\n"
	for i := range 6 {
		wrapped += fmt.Sprintf("THE TOWN HALL WILL CLOSE FOR %d YEARS OF REPAIRS, THE COUNCIL\n\nSAID ON MONDAY AFTER A DEBATE OF %d HOURS ABOUT ITS COST AND THE\n\nOFFICES MOVE TO SCHOOL NUMBER %d . THE LIBRARY STAYS WHERE IT IS.\n\n", i+2, i+3, i+4)
	}
	table := menu + "Net profit 12.3 mln dlrs versus 10.1 mln dlrs\nRevenues 120.4 mln dlrs versus 99.2 mln dlrs\nShare earnings 1.10 dlrs versus 0.90 dlrs\n"
	for _, tt := range []struct {
		name, text string
		chrome     int // lines of the text that are furniture
	}{
		{"teasers", teasers, 4}, // the menu and the three teasers
		{"wrapped", wrapped, 1}, // the menu
		{"table", table, 1},
	} {
		a, err := Parse(tt.name+".txt", []byte(tt.text))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		chrome := 0
		for _, l := range a.Lines {
			if l.Kind == KindChrome {
				chrome++
			}
		}
		if chrome != tt.chrome {
			t.Errorf("%s: %d lines of furniture, want %d: %+v", tt.name, chrome, tt.chrome, a.Lines)
		}
	}
}
