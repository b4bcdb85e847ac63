package article

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// prefilters pairs every cheap scan with the expression it stands before:
// a line the scan rules out must be one the expression does not match.
var prefilters = []struct {
	name string
	may  func(string) bool
	re   *regexp.Regexp
}{
	{"cookie", mayHaveCookie, consentRe},
	{"editors", mayBeEditors, editorRe},
	{"byline", mayBeByline, bylineRe},
	{"source", hasColon, sourceRe},
	{"author", mayNameAuthor, authorRe},
	{"month-day-year", mayHaveMonth, mdyRe},
	{"day-month-year", mayHaveMonth, dmyRe},
	{"iso", func(s string) bool { return strings.ContainsAny(s, "-/") }, isoRe},
	{"clock", func(s string) bool { return strings.IndexByte(s, ':') >= 0 }, clockRe},
	{"zone", mayHaveZone, zoneRe},
	{"notice", mayBeNotice, noticeRe},
	{"follow", mayFollow, followRe},
	{"widget", mayBeWidget, widgetRe},
	{"dotted", func(s string) bool { return strings.IndexByte(s, '.') >= 0 }, dottedRe},
	{"short dotted", func(s string) bool { return strings.IndexByte(s, '.') >= 0 }, shortDottedRe},
	{"slashed", func(s string) bool { return strings.IndexByte(s, '/') >= 0 }, slashedRe},
}

// prefilterLines are lines each expression matches, in the case and
// spelling variants (the Kelvin sign, the long s, brackets, full-width
// colons) that a scan could get wrong, and lines it does not.
var prefilterLines = []string{
	"We use cookies on this website.", "COOKIE settings", "Coo\u212aies help us", "cooking tips",
	"(Editor: Li Wei)", "( Edited by Ann Lee)", "Responsible editor: Wang", "Web editors: X", "RESPONſIBLE EDITOR: Y",
	"By John Smith (Reuters)", "Written by Ann", "reporting by B C", "Posted by D", "From Our Correspondent", "Von Hans Meier",
	"Geschrieben von Eva", "Eingestellt von Jo", "Par Marie", "Por Juan", "Door Piet", "Av Lars", "Przez Jan", "Autor: X", "Autorin: Y", "Author: Z",
	"Source: Xinhua", "source：Xinhua", "ſource: X", "Via: AP", "from: somewhere",
	"Posted 11 April by Walter", "Eingestellt von Weinlachgummi um 10:52", "Veröffentlicht | Autor: gnaddrig", "(by Ann)", "text,by Bob",
	"Verfasst von Eva", "written by\tTab", "",
	"March 19, 1987", "14:34, MARCH 19, 1987", "ſept 21 2015", "21st ſep, 2015", "1 Jan 2020", "9 DEC. 2019", "July 4 1776", "may 1 2000", "Aug. 3 1999",
	"Click here to subscribe", "CLICK HERE", "Tags: a, b", "Keywords: x", "Keyword: y", "Copyright 2020 Reuters", "© Agentur", "(C) BBC",
	"2020 Example Ltd. All rights reserved.", "ALL RIGHTſ RESERVED",
	"18.10.2019", "am 23.09.22 um", "15/01/2016",
	"Follow us on Twitter", "( follow @bbc)", "For the latest news, follow us", "Like us on Facebook", "JOIN US ON X", "ſubscribe to our newsletter", " subscribe to the channel",
	"Add a comment", "Comments (113)", "MOST READ", "Hot news", "You may also like", "Recommended for you", "« Prev | Next »", "‹ ›", "Next page",
	"ſhare this article", "Advertisement", "Back to top", "In pictures", "Sign up for our newsletter", "Editor's picks", "We recommend", "Tweet",
	"2015-09-21", "2015/9/1", "9:05 pm", "10:30:05", "GMT+8", "utc", "+08:00", "-0500", "BST", "Cſt", "pdt", "EDT", "bjt", "PST", "EſT",
	"An ordinary sentence of the story, with nothing special in it.",
}

// TestMatchMonthFirst checks that running the month-day-year expression
// from the first month's letters finds what running it on the whole line
// does.
func TestMatchMonthFirst(t *testing.T) {
	for _, line := range append(prefilterLines, "By Reuters Staff (Reuters) 14:34, March 19, 1987", "xMarch 19, 1987 and March 20, 1988",
		"Reported sep 1 2000", "Le ſep 3 2001", "jánuary? Jan 5 2003", "é May 6 2004", "May 1999 but June 7 2005") {
		if got, want := matchMonthFirst(line), mdyRe.FindStringSubmatchIndex(line); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", line, got, want)
		}
	}
}

func FuzzMatchMonthFirst(f *testing.F) {
	f.Add("By Reuters Staff (Reuters) 14:34, March 19, 1987")
	f.Add("ab ſep 3 2001")
	f.Fuzz(func(t *testing.T, line string) {
		if got, want := matchMonthFirst(line), mdyRe.FindStringSubmatchIndex(line); !slices.Equal(got, want) {
			t.Fatalf("%q: %v, want %v", line, got, want)
		}
	})
}

func TestPrefiltersNecessary(t *testing.T) {
	for _, pf := range prefilters {
		matched := 0
		for _, line := range prefilterLines {
			m := pf.re.MatchString(line)
			if m {
				matched++
			}
			if m && !pf.may(line) {
				t.Errorf("%s: %q matches the expression but the scan rules it out", pf.name, line)
			}
		}
		if matched == 0 {
			t.Errorf("%s: no test line matches the expression", pf.name)
		}
	}
}

// FuzzPrefilters checks on any text that no scan rules out a line its
// expression matches.
func FuzzPrefilters(f *testing.F) {
	for _, line := range prefilterLines {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for _, pf := range prefilters {
			if pf.re.MatchString(line) && !pf.may(line) {
				t.Fatalf("%s: %q matches the expression but the scan rules it out", pf.name, line)
			}
		}
	})
}
