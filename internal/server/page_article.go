package server

import (
	"net/http"
	"net/url"
	"time"

	"github.com/newsroom/newsearch/internal/search"
)

// articleView is the article page: the whole article, the query's
// matches highlighted.
type articleView struct {
	Title     string
	TitleHTML string // HTML made by the search service, "" when the title does not match
	Source    string
	Author    string
	Date      string
	DateTime  string
	Editors   string
	Original  string // the article's own address on the web, "" when unknown or not http(s)
	BackURL   string
	BackLabel string
	Hits      []int // the matching paragraphs
	Paras     []paraView
}

type paraView struct {
	N       int
	Heading string // the section heading to show before the paragraph
	Text    string
	HTML    string // HTML made by the search service when the paragraph matches
}

// handleArticlePage serves /articles/{id}: the article, with the matches
// of q highlighted and a way back to its results.
func (s *Server) handleArticlePage(w http.ResponseWriter, r *http.Request) error {
	id := pathVar(r, "id")
	q, err := articleQuery(r)
	var v *search.Article
	if err == nil {
		v, err = s.svc.Article(r.Context(), id, q)
	}
	if err != nil && toHTTPError(err).Status == http.StatusBadRequest {
		// A bad q must not hide the article: show it without highlights.
		q = search.Query{}
		v, err = s.svc.Article(r.Context(), id, q)
	}
	if err != nil {
		return err
	}
	av := &articleView{Title: v.Title, Source: v.Source, Author: v.Author,
		Date: humanDate(v.Published), Editors: v.Editors, Original: originalURL(v.URL), BackURL: "/", BackLabel: "New search"}
	if !v.Published.IsZero() {
		av.DateTime = v.Published.Format(time.RFC3339)
	}
	av.TitleHTML = v.TitleHTML
	if !q.IsZero() {
		av.BackURL = "/?q=" + url.QueryEscape(q.Text)
		av.BackLabel = "Back to the results"
	}
	section := ""
	for _, p := range v.Paragraphs {
		pv := paraView{N: p.N, Text: p.Text, HTML: p.HTML}
		if p.Section != section && p.Section != "" {
			pv.Heading = p.Section
		}
		section = p.Section
		if pv.HTML != "" {
			av.Hits = append(av.Hits, p.N)
		}
		av.Paras = append(av.Paras, pv)
	}
	d := &pageData{Title: v.Title, Q: q.Text, Article: av}
	return s.page.render(w, r, "article", http.StatusOK, d)
}

// originalURL is an article's address on the web as the page links it:
// only an absolute http or https URL, so that a seed's URL can never be a
// javascript: or data: link on the page.
func originalURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.String()
}
