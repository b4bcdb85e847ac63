package index

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestLanguages: each article is analysed by its language (German plurals
// are found by their singular), a query without lang: finds every
// language's articles, lang: keeps one language's, the facet counts them
// and each hit says its language.
func TestLanguages(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{"feed.jsonl": []byte(strings.Join([]string{
		`{"id":"de1","title":"Wohnen","body":"Die Häuser in Berlin sind teuer geworden.","language":"de-DE"}`,
		`{"id":"de2","title":"Politik","body":"Der Kanzler sprach über die Wahlen.","language":"de"}`,
		`{"id":"fr1","title":"Logement","body":"Les chevaux de l'hôpital sont rentrés.","language":"fr"}`,
		`{"id":"en1","title":"Housing","body":"The houses in Berlin became expensive.","language":"en"}`,
		`{"id":"zh1","title":"地铁","body":"北京地铁站今天开通。","language":"zh-Hans"}`,
		`{"id":"xx1","title":"Berlin","body":"Berlin houses and Häuser, unknown tongue.","language":"und"}`,
	}, "\n") + "\n")})
	search := func(q string) (*Result, []string) {
		t.Helper()
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, q), Size: 10, Group: true})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var titles []string
		for _, h := range res.Hits {
			titles = append(titles, h.Title+"/"+h.Language)
		}
		slices.Sort(titles)
		return res, titles
	}
	for q, want := range map[string][]string{
		"haus":            {"Wohnen/de"},                             // Häuser, German light stem
		"häuser":          {"Berlin/und", "Wohnen/de"},               // as written, and the German stem
		"lang:de haus":    {"Wohnen/de"},                             //
		"lang:de berlin":  {"Wohnen/de"},                             //
		"berlin":          {"Berlin/und", "Housing/en", "Wohnen/de"}, //
		"cheval":          {"Logement/fr"},                           // chevaux
		"hopital":         {"Logement/fr"},                           // l'hôpital: elision, accents
		"house":           {"Housing/en"},                            // Porter: houses
		"lang:en house":   {"Housing/en"},                            //
		"-lang:de berlin": {"Berlin/und", "Housing/en"},              //
		"地铁 lang:zh":      {"地铁/zh"},                                 //
		"wahl":            {"Politik/de"},                            // Wahlen
	} {
		if _, got := search(q); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	// lang: stays a filter when any word may match, and excludes by
	// paragraph in grouped searches (never too broad).
	for q, want := range map[string]int{"lang:de haus kanzler": 2, "lang:fr haus kanzler": 0} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, q), Size: 10, Group: true, MatchAny: true})
		if err != nil || len(res.Hits) != want {
			t.Errorf("%s (any word): %d hits, want %d (%v)", q, len(res.Hits), want, err)
		}
	}
	if _, got := search("-lang:en -lang:und berlin OR haus"); !slices.Equal(got, []string{"Wohnen/de"}) {
		t.Errorf("exclusions: %q", got)
	}
	res, _ := search("berlin OR cheval OR 地铁")
	var langs []string
	for _, c := range res.Facets.Language {
		langs = append(langs, c.Value)
	}
	slices.Sort(langs)
	if !slices.Equal(langs, []string{"de", "en", "fr", "zh"}) {
		t.Errorf("language facet %v", res.Facets.Language)
	}
}

// TestJapanese: Japanese articles are cut into bigrams, so that 東京 is
// found in 東京都 (the Chinese dictionary reads 東 京都) and highlighted
// whole; Chinese articles beside them keep their words.
func TestJapanese(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{"feed.jsonl": []byte(strings.Join([]string{
		`{"id":"ja1","title":"交通","body":"東京都の地下鉄は今日も混雑しました。","language":"ja"}`,
		`{"id":"zh1","title":"交通","body":"北京地铁站今天开通。","language":"zh"}`,
	}, "\n") + "\n")})
	for q, want := range map[string]string{"東京": "東京", "地下鉄": "地下鉄", "混雑": "混雑", "地铁": "地铁", "東京都": "東京都"} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, q), Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		var spans []string
		for _, h := range res.Hits {
			for _, m := range h.Matches {
				spans = append(spans, h.Text[m.Start:m.End])
			}
		}
		if !slices.Equal(spans, []string{want}) {
			t.Errorf("%s: %q", q, spans)
		}
	}
}
