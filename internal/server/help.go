package server

import (
	"net/http"
	"net/url"
	"strconv"
)

// Syntax is one construct of the query language.
type Syntax struct {
	Syntax  string `json:"syntax"`
	Meaning string `json:"meaning"`
	Example string `json:"example"`
}

// Param is one parameter of /api/search.
type Param struct {
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
}

// Help documents the query language and the API; /api/help serves it as
// JSON and /help as a page. The full contract is /api/openapi.json.
type Help struct {
	Syntax  []Syntax `json:"syntax"`
	Params  []Param  `json:"parameters"`
	Offsets string   `json:"offsets"`
	Errors  string   `json:"errors"`
}

// help is read-only: the handlers only read it.
var help = Help{
	Syntax: []Syntax{
		{"word word", "every word must match (AND), in the title, section heading or text; words are stemmed in the article's language (attack finds attacks, Haus finds Häuser in German articles); case, width (ｗｏｒｄ) and accents are ignored, so cafe finds café", "cyber attacks"},
		{`"exact phrase"`, "the words adjacent and in order", `"critical infrastructure"`},
		{"-word, -\"phrase\", NOT word", "exclude paragraphs that match", `espionage -industrial`},
		{"a OR b", "either matches; OR binds tighter than the implicit AND", `china (cyber OR hacking)`},
		{"( … )", "group", `(trade OR tariffs) -"world bank"`},
		{"title: author: source: section: text:", "scope a word, phrase, prefix or group to one field", `title:cyber author:"liu xin"`},
		{"word*", "prefix: words starting with it (at least 2 letters before the *)", "espion*"},
		{"covid-19, 10:30, U.S.", "words with punctuation inside are searched as a phrase of their parts", "covid-19"},
		{"lang:code", "only articles in that language (ISO 639-1: en, de, fr, zh…), the words beside it read as words of that language; -lang:code leaves a language out; the language facet counts them", "wahlen lang:de"},
		{"中文, 日本語", "Chinese and Japanese are searched by words, not characters: 地铁 finds 地铁 and 地铁站 but not 天地 铁路; a longer query (北京地铁) is the phrase of its words; Japanese articles by overlapping bigrams (東京 finds 東京都); matches are highlighted whole", "北京地铁"},
	},
	Params: []Param{
		{"q", "the query, at most 1,024 bytes"},
		{"page, size", "1-based page and hits per page (size 1–100, page × size ≤ 10,000)"},
		{"sort", "relevance (default) or date (newest first)"},
		{"group", "paragraph (default in the API): one hit per paragraph; article: one hit per article, its best paragraph, with more_matches"},
		{"match", "all (default): every word must match; any: rank by any of the words (for pasted sentences and questions)"},
		{"relax", "true (default): when nothing has all the words, answer with what has some of them (relaxed: true), and when fewer than 3 have them all, add some that have only some of them (partial, on page 1); and when nothing has all the words, suggest a spelling (did you mean); false: strict results from one search, no suggestion"},
		{"from, to", "publication dates YYYY-MM-DD, inclusive (UTC days)"},
		{"source, author", "only articles with exactly this source or author (values from facets)"},
		{"facets", "true (default): counts of the matching paragraphs by source, author, month and language; false: leave them out (a search is then about a third cheaper)"},
	},
	Offsets: "matches[].start and matches[].end are byte offsets into the paragraph's UTF-8 text, end exclusive",
	Errors:  `errors are 4xx or 503 with {"error": {"code", "message", "column"}}; column is the 1-based character position in q`,
}

func (s *Server) handleHelp(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, r, http.StatusOK, help)
	return nil
}

// articlePath is the page of an article, with the query to highlight and
// the anchor of a paragraph (0 for none).
func articlePath(id, q string, paragraph int) string {
	u := "/articles/" + url.PathEscape(id)
	if q != "" {
		u += "?q=" + url.QueryEscape(q)
	}
	if paragraph > 0 {
		u += "#p" + strconv.Itoa(paragraph)
	}
	return u
}
