package webpage

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestTitleParts: the whole title and every run of its pieces between
// separators.
func TestTitleParts(t *testing.T) {
	t.Parallel()
	got := titleParts("Site » Section » Headline")
	for _, want := range []string{"Site » Section » Headline", "Headline", "Section » Headline", "Site", "Section"} {
		if !slices.Contains(got, titlePart{want, ""}) {
			t.Errorf("titleParts: %q missing from %v", want, got)
		}
	}
	if got := titleParts("Just a headline"); !slices.Equal(got, []titlePart{{"Just a headline", ""}}) {
		t.Errorf("titleParts without separators = %v", got)
	}
	// A kicker: the statement's first piece with a colon after it.
	got = titleParts("Kicker: Headline | Site")
	for _, want := range []titlePart{{"Kicker", "Headline"}, {"Kicker: Headline", ""}, {"Headline", ""}, {"Site", ""}} {
		if !slices.Contains(got, want) {
			t.Errorf("titleParts: %v missing from %v", want, got)
		}
	}
}

// TestAgreedHeadline: the heading that another statement of the title
// gives wins, its kicker or the site's name left out.
func TestAgreedHeadline(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, page, want string }{
		{"kicker in its own element",
			`<title>Kicker: The headline of the story | Site</title><h1><span>Kicker</span><span>The headline of the story</span></h1>`,
			"The headline of the story"},
		{"kicker run into the heading",
			`<meta property="og:title" content="The headline of the story"><h1>Kicker words The headline of the story</h1>`,
			"The headline of the story"},
		{"site name in the h1, headline in an h2",
			`<title>Four Years Remaining » Blog Archive » The headline of the story</title><h1>Four Years Remaining</h1><h2>The headline of the story</h2>`,
			"The headline of the story"},
		{"og:title outweighs <title>",
			`<title>Section: Rewritten headline | Site</title><meta property="og:title" content="Reader's headline"><h1>Section: Rewritten headline</h1><h2>Reader's headline</h2>`,
			"Reader's headline"},
		{"a date after the headline",
			`<meta property="og:title" content="The headline of the story"><h1>The headline of the story 02.02.2022 • Presse</h1>`,
			"The headline of the story"},
		{"the h1 over an h2 agreeing as much",
			`<title>Long headline of the story | Site</title><meta name="twitter:title" content="Long headline of the story"><meta property="og:title" content="Short headline"><h1>Long headline of the story</h1><h2>Short headline</h2>`,
			"Long headline of the story"},
		{"a kicker shown as a heading above its headline",
			`<title>Kicker words here: The headline of the story | Site</title><h1>Kicker words here</h1><h1>The headline of the story</h1>`,
			"The headline of the story"},
		{"ruby readings left out, a bar without spaces",
			`<title>NEWS SITE|子どもの法律ができる</title><h1>子<ruby>ども<rt>こども</rt></ruby>の法律<rp>(</rp><rt>ほうりつ</rt><rp>)</rp>ができる</h1>`,
			"子どもの法律ができる"},
		{"no agreement", `<title>Something else</title><h1>The headline of the story</h1>`, ""},
	} {
		root, err := html.Parse(strings.NewReader(tt.page))
		if err != nil {
			t.Fatal(err)
		}
		if got := agreedHeadline(root, metaTitles(root, ""), "Four Years", "fouryears"); got != tt.want {
			t.Errorf("%s: agreedHeadline = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestIsSiteName: a short text that is the site's name or most of it.
func TestIsSiteName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s, site string
		want    bool
	}{
		{"Disfunctions.de", "disfunctions", true},
		{"Four Years Remaining", "fouryears", true},
		{"Tote Hummeln unter Linden", "Hummeln", false},
		{"A headline of many words about the site", "site", false},
		{"L-Mag", "l-mag", true},
	} {
		if got := isSiteName(tt.s, []string{tt.site}); got != tt.want {
			t.Errorf("isSiteName(%q, %q) = %v, want %v", tt.s, tt.site, got, tt.want)
		}
	}
	for _, tt := range []struct {
		url  string
		want []string
	}{
		{"https://www.fouryears.eu/2019/10/x", []string{"fouryears"}},
		{"http://archiv.krimiblog.de/?p=1", []string{"archiv.krimiblog", "archiv", "krimiblog"}},
		{"https://web.archive.org/web/20140226054445/http://www.time4talks.com/2013/x/", []string{"time4talks"}},
		{"", []string{""}},
	} {
		if got := hostNames(tt.url); !slices.Equal(got, tt.want) {
			t.Errorf("hostNames(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

// TestLeadingDate: a date before the headline is taken off.
func TestLeadingDate(t *testing.T) {
	t.Parallel()
	root, _ := html.Parse(strings.NewReader(`<h1>23.01.2022 - The headline of the story</h1>`))
	if got := headline(root, "23.01.2022 - The headline of the story", "", "", nil); got != "The headline of the story" {
		t.Errorf("headline = %q", got)
	}
}

// TestStatedTitle: without an agreeing heading, the part of the statements
// they agree on, pieces naming the site left out.
func TestStatedTitle(t *testing.T) {
	t.Parallel()
	sites := []string{"Example News", "example"}
	for _, tt := range []struct {
		name  string
		metas []statement
		want  string
	}{
		{"site after a bar", []statement{{"The headline of the story | Example News", 1}}, "The headline of the story"},
		{"two statements share the headline",
			[]statement{{"example | Reviews: The headline", 1}, {"Kicker words?: The headline", 2}}, "The headline"},
		{"the opening piece over a tagline",
			[]statement{{"The headline : Example | A tagline of the site | Since 2005", 1}}, "The headline"},
		{"no site piece: the whole", []statement{{"Kicker: The headline", 1}}, "Kicker: The headline"},
		{"nothing stated", nil, ""},
	} {
		if got := statedTitle(tt.metas, sites); got != tt.want {
			t.Errorf("%s: statedTitle = %q, want %q", tt.name, got, tt.want)
		}
	}
}
