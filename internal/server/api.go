package server

import (
	"net/http"
	"time"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/search"
	"github.com/newsroom/newsearch/internal/snippet"
)

// apiHit is one hit of the JSON API: one paragraph. The *HTML fields are
// escaped HTML with <mark> made by the search service; their JSON names
// predate the naming and stay.
type apiHit struct {
	ID          string    `json:"id"`
	ArticleID   string    `json:"article_id"`
	Seed        string    `json:"seed"`
	Paragraph   int       `json:"paragraph"`
	Section     string    `json:"section"`
	Title       string    `json:"title"`
	Published   *string   `json:"published"`
	Author      string    `json:"author"`
	Source      string    `json:"source"`
	Score       float64   `json:"score"`
	SnippetHTML string    `json:"snippet"`
	TitleHTML   string    `json:"title_html"`
	SectionHTML string    `json:"section_html"`
	Matches     []apiSpan `json:"matches"`
	MoreMatches *int      `json:"more_matches,omitempty"`
	URL         string    `json:"url"`        // the article's page here
	SourceURL   string    `json:"source_url"` // the article's own address on the web, "" when unknown
	Language    string    `json:"language"`   // ISO 639-1, "und" when undetermined, "" when unknown
}

// apiSpan is a match in a paragraph's text: byte offsets, end exclusive.
type apiSpan struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

func apiSpans(spans []snippet.Span) []apiSpan {
	out := make([]apiSpan, len(spans))
	for i, s := range spans {
		out[i] = apiSpan{Start: s.Start, End: s.End}
	}
	return out
}

// apiSearch is the JSON body of /api/search.
type apiSearch struct {
	Query      string        `json:"query"`
	Total      int           `json:"total"`
	TotalExact bool          `json:"total_exact"`
	TookMS     float64       `json:"took_ms"`
	Page       int           `json:"page"`
	Size       int           `json:"size"`
	Sort       string        `json:"sort"`
	Group      string        `json:"group"`
	Match      string        `json:"match"`
	Hits       []apiHit      `json:"hits"`
	Facets     *index.Facets `json:"facets,omitempty"` // absent with facets=false
	// Relaxed: no paragraph has all the words; hits, total and facets are
	// those of the search by any of them.
	Relaxed bool `json:"relaxed"`
	// Partial are hits with only some of the words, added when fewer than
	// 3 have them all (page 1).
	Partial []apiHit `json:"partial"`
	// Suggestion is the query with misspelt words corrected, when nothing
	// has all the words.
	Suggestion string `json:"suggestion,omitempty"`
	// Incomplete: some shards of a partitioned index did not answer in
	// time (MissingShards names them); hits, total and facets are those
	// of the others. ("partial" already names the hits with some words.)
	Incomplete    bool     `json:"incomplete"`
	MissingShards []string `json:"missing_shards,omitempty"`
}

// formatPublished is a publication time as the API writes it: RFC 3339
// in the article's own offset, or null.
func formatPublished(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) error {
	v, err := queryValues(r.URL)
	if err != nil {
		return err
	}
	p, err := parseSearch(v, false)
	if err != nil {
		return err
	}
	res, err := s.svc.Search(r.Context(), p.req)
	if err != nil {
		return err
	}
	for _, n := range res.Notes {
		logNote(r.Context(), n)
	}
	s.noteIncomplete(r, res.MissingShards)
	out := apiSearch{Query: p.Q, Total: res.Total, TotalExact: res.TotalExact,
		TookMS: float64(res.Took.Microseconds()) / 1000, Page: p.Page, Size: p.Size, Sort: p.Sort,
		Group: "paragraph", Match: p.Match, Hits: makeAPIHits(res.Hits, p), Facets: res.Facets,
		Relaxed: res.Relaxed, Partial: makeAPIHits(res.Partial, p), Suggestion: res.Suggestion,
		Incomplete: len(res.MissingShards) > 0, MissingShards: res.MissingShards}
	if p.Group {
		out.Group = "article"
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

func makeAPIHits(hits []search.Hit, p *searchParams) []apiHit {
	out := make([]apiHit, 0, len(hits))
	for _, h := range hits {
		ah := apiHit{ID: h.ID, ArticleID: h.ArticleID, Seed: h.Seed, Paragraph: h.Paragraph, Section: h.Section,
			Title: h.Title, Published: formatPublished(h.Published), Author: h.Author, Source: h.Source, Score: h.Score,
			SnippetHTML: h.SnippetHTML, TitleHTML: h.TitleHTML, SectionHTML: h.SectionHTML, Matches: apiSpans(h.Matches),
			URL: articlePath(h.ArticleID, p.Q, h.Paragraph), SourceURL: h.URL, Language: h.Language}
		if p.Group {
			n := h.MoreMatches
			ah.MoreMatches = &n
		}
		out = append(out, ah)
	}
	return out
}

// apiArticle is the JSON body of /api/articles/{id}.
type apiArticle struct {
	ID         string         `json:"id"`
	Seed       string         `json:"seed"`
	Title      string         `json:"title"`
	TitleHTML  string         `json:"title_html,omitempty"`
	Author     string         `json:"author"`
	Source     string         `json:"source"`
	Editors    string         `json:"editors"`
	SourceURL  string         `json:"source_url"` // the article's own address on the web, "" when unknown
	Language   string         `json:"language"`   // ISO 639-1, "und" when undetermined, "" when unknown
	Published  *string        `json:"published"`
	Paragraphs []apiParagraph `json:"paragraphs"`
}

type apiParagraph struct {
	Paragraph int    `json:"paragraph"`
	Section   string `json:"section"`
	Text      string `json:"text"`
	HTML      string `json:"html,omitempty"`
}

// articleQuery parses the optional q of an article request: the zero
// Query when there is none.
func articleQuery(r *http.Request) (search.Query, error) {
	q := r.URL.Query().Get("q")
	if q == "" {
		return search.Query{}, nil
	}
	return search.Parse(q)
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) error {
	q, err := articleQuery(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Article(r.Context(), pathVar(r, "id"), q)
	if err != nil {
		return err
	}
	out := apiArticle{ID: v.ID, Seed: v.Seed, Title: v.Title, TitleHTML: v.TitleHTML, Author: v.Author, Source: v.Source,
		Editors: v.Editors, SourceURL: v.URL, Language: v.Language, Published: formatPublished(v.Published), Paragraphs: make([]apiParagraph, 0, len(v.Paragraphs))}
	for _, p := range v.Paragraphs {
		out.Paragraphs = append(out.Paragraphs, apiParagraph{Paragraph: p.N, Section: p.Section, Text: p.Text, HTML: p.HTML})
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	st := s.svc.Status()
	out := map[string]any{"status": "not ready", "ready": false}
	code := http.StatusServiceUnavailable
	if st.Ready {
		code = http.StatusOK
		out = map[string]any{"status": "ready", "ready": true, "generation": st.Generation,
			"documents": st.Documents, "articles": st.Articles, "shards": st.Shards, "loaded_at": st.LoadedAt.UTC().Format(time.RFC3339)}
	}
	if st.Refused > 0 {
		// A newer generation is published but damaged: still ready when an
		// older one is served, and saying so.
		out["refused_generation"], out["refused_reason"] = st.Refused, st.RefusedReason
	}
	writeJSON(w, r, code, out)
	return nil
}
