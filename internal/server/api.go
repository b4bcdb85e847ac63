package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// apiHit is one hit of the JSON API: one paragraph.
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
	Snippet     string    `json:"snippet"`
	TitleHTML   string    `json:"title_html"`
	SectionHTML string    `json:"section_html"`
	Matches     []apiSpan `json:"matches"`
	MoreMatches *int      `json:"more_matches,omitempty"`
	URL         string    `json:"url"`
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
}

func published(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

// search runs the parsed request under the search deadline.
func (s *Server) search(ctx context.Context, p *searchParams) (*index.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	return s.cfg.Index.Search(ctx, p.req)
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
	res, err := s.search(r.Context(), p)
	if err != nil {
		return err
	}
	out := apiSearch{Query: p.Q, Total: res.Total, TotalExact: res.TotalExact,
		TookMS: float64(res.Took.Microseconds()) / 1000, Page: p.Page, Size: p.Size, Sort: p.Sort,
		Group: "paragraph", Match: p.Match, Hits: []apiHit{}, Facets: res.Facets}
	if p.Group {
		out.Group = "article"
	}
	for _, h := range res.Hits {
		ah := apiHit{ID: h.ID, ArticleID: h.ArticleID, Seed: h.Seed, Paragraph: h.Paragraph, Section: h.Section,
			Title: h.Title, Published: published(h.Published), Author: h.Author, Source: h.Source, Score: h.Score,
			Snippet: snippet.Build(h.Text, h.Matches, snippet.Options{}).HTML, TitleHTML: snippet.Highlight(h.Title, h.TitleMatch),
			SectionHTML: snippet.Highlight(h.Section, h.SectionMatch), Matches: apiSpans(h.Matches),
			URL: articlePath(h.ArticleID, p.Q, h.Paragraph)}
		if p.Group {
			n := h.MoreMatches
			ah.MoreMatches = &n
		}
		out.Hits = append(out.Hits, ah)
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
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
	Published  *string        `json:"published"`
	Paragraphs []apiParagraph `json:"paragraphs"`
}

type apiParagraph struct {
	Paragraph int    `json:"paragraph"`
	Section   string `json:"section"`
	Text      string `json:"text"`
	HTML      string `json:"html,omitempty"`
}

// articleQuery parses the optional q of an article request.
func articleQuery(r *http.Request) (query.Node, string, error) {
	q := r.URL.Query().Get("q")
	if q == "" {
		return nil, "", nil
	}
	if len(q) > MaxQueryBytes {
		return nil, "", badRequest("query_too_long", "the query is %d bytes long; the limit is %d", len(q), MaxQueryBytes)
	}
	n, err := query.Parse(q)
	if err != nil {
		return nil, "", err
	}
	return n, q, nil
}

func (s *Server) article(r *http.Request) (*index.ArticleView, string, error) {
	n, q, err := articleQuery(r)
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.SearchTimeout)
	defer cancel()
	v, err := s.cfg.Index.Article(ctx, mux.Vars(r)["id"], n)
	return v, q, err
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) error {
	v, _, err := s.article(r)
	if err != nil {
		return err
	}
	out := apiArticle{ID: v.ID, Seed: v.Seed, Title: v.Title, Author: v.Author, Source: v.Source,
		Editors: v.Editors, Published: published(v.Published), Paragraphs: []apiParagraph{}}
	if len(v.TitleMatch) > 0 {
		out.TitleHTML = snippet.Highlight(v.Title, v.TitleMatch)
	}
	for _, p := range v.Paragraphs {
		ap := apiParagraph{Paragraph: p.N, Section: p.Section, Text: p.Text}
		if len(p.Matches) > 0 {
			ap.HTML = snippet.Highlight(p.Text, p.Matches)
		}
		out.Paragraphs = append(out.Paragraphs, ap)
	}
	writeJSON(w, r, http.StatusOK, out)
	return nil
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	st := s.cfg.Index.Status()
	if !st.Ready {
		writeJSON(w, r, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "ready": false})
		return nil
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"status": "ready", "ready": true, "generation": st.Generation,
		"documents": st.Documents, "articles": st.Articles, "shards": st.Shards, "loaded_at": st.LoadedAt.UTC().Format(time.RFC3339)})
	return nil
}
