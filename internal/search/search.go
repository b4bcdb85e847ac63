// Package search is the search service that the JSON API and the search
// page share. It owns a query's whole policy: the query is checked and
// parsed once (Parse), and one request runs, under one deadline for all of
// its searches, the search itself, the fallback to any of the words when
// no paragraph has them all, the results with only some of the words added
// when very few have them all, the "did you mean" suggestion, and the
// snippets: the index returns match spans, and this package turns them into
// escaped HTML with <mark>, the one place where that HTML is made.
//
// Import rule: server → search → index. The service depends on the index
// only through Index, which it declares itself.
package search

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// Index is what the service needs of an index; *index.Reader implements it.
type Index interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
	Article(ctx context.Context, id string, q query.Node) (*index.ArticleView, error)
	Status() index.Status
	// Suggest returns q with misspelt words replaced by close words of
	// the index, or "" when it has none; n is q parsed.
	Suggest(ctx context.Context, q string, n query.Node) (string, error)
}

// MaxQueryBytes is the longest query accepted.
const MaxQueryBytes = 1024

// DefaultTimeout is the deadline of one request when Options.Timeout is
// not set.
const DefaultTimeout = 2 * time.Second

// fewResults is the count of results with all the words below which a
// relaxed request adds results with only some of them (Result.Partial).
const fewResults = 3

// Codes of a RequestError. A malformed query has the codes of query.Error.
const (
	CodeInvalidQuery = "invalid_query"
	CodeQueryTooLong = "query_too_long"
	CodeEmptyQuery   = query.CodeEmptyQuery
)

const messageEmptyQuery = "the query is empty: type a word or a \"phrase\""

// RequestError is a query the service refuses before it searches. A
// malformed query is a *query.Error instead (it has a column).
type RequestError struct {
	Code    string // stable, for scripts: one of the Code* constants
	Message string // says how to fix the query
}

// Error returns the message.
func (e *RequestError) Error() string { return e.Message }

// Query is a query as typed and its parse tree. Parse makes one; the zero
// Query is no query (an article read without highlights).
type Query struct {
	Text string
	Node query.Node
}

// IsZero reports whether q is no query.
func (q Query) IsZero() bool { return q.Node == nil }

// Parse checks q (valid UTF-8, at most MaxQueryBytes, not blank) and
// parses it. It is the only place a query string becomes a Query, so that
// every caller applies the same limits. Errors are *RequestError or
// *query.Error.
func Parse(q string) (Query, error) {
	if !utf8.ValidString(q) {
		return Query{}, &RequestError{Code: CodeInvalidQuery, Message: "the query is not valid UTF-8"}
	}
	if len(q) > MaxQueryBytes {
		return Query{}, &RequestError{Code: CodeQueryTooLong,
			Message: fmt.Sprintf("the query is %d bytes long; the limit is %d", len(q), MaxQueryBytes)}
	}
	if strings.TrimSpace(q) == "" {
		return Query{}, &RequestError{Code: CodeEmptyQuery, Message: messageEmptyQuery}
	}
	n, err := query.Parse(q)
	if err != nil {
		return Query{}, err
	}
	return Query{Text: q, Node: n}, nil
}

// Request is one search.
type Request struct {
	Query    Query
	Page     int    // 1-based
	Size     int    // hits per page
	Sort     string // index.SortRelevance or index.SortDate
	Group    bool   // one hit per article: its best paragraph
	MatchAny bool   // rank by any of the words instead of requiring all
	From, To time.Time
	Source   string // exact source filter
	Author   string // exact author filter
	NoFacets bool   // leave out the source, author and month counts
	// Relax asks for help when all the words find little: when nothing
	// has them all, the results become those with any of them
	// (Result.Relaxed); when fewer than 3 have them all on page 1,
	// results with only some of them are added (Result.Partial). Both
	// apply only to a query of two or more words without MatchAny, and
	// so does the suggestion when nothing has all the words. The page and
	// the API relax unless told not to; false gives strict results from
	// one search and nothing more, at the cost of that one search.
	Relax bool
}

// Hit is one paragraph found, with its HTML: the text is escaped and the
// matches are in <mark>, a matched phrase in one <mark>.
type Hit struct {
	index.Hit
	SnippetHTML string // the window of Text that best shows the matches
	TitleHTML   string // the whole title
	SectionHTML string // the whole section heading
}

// Result is a page of hits and the help that comes with it.
type Result struct {
	Total      int // paragraphs, or articles with Group, of Hits' search
	TotalExact bool
	Took       time.Duration // the whole request, every search included
	Hits       []Hit         // never nil
	Facets     *index.Facets // nil with NoFacets
	// Relaxed: no paragraph has all the words, and Hits, Total and Facets
	// are those of the search by any of them.
	Relaxed bool
	// Partial are hits with only some of the words, not among Hits, added
	// when very few have them all; never nil. Hits and Partial together
	// are at most Size.
	Partial []Hit
	// Suggestion is the query with misspelt words corrected, when nothing
	// has all the words, the request relaxes, and the index knows closer
	// words; "" otherwise.
	Suggestion string
	// MissingShards names the shards of a partitioned index that did not
	// answer (index.Result.Missing): the result comes from the others.
	MissingShards []string
	// Notes are failures of what only adds to the result (the suggestion,
	// the partial results): the result stands without it. The caller logs
	// them.
	Notes []error
}

// Options configures a Service. The zero value works.
type Options struct {
	// Timeout bounds one request, all of its searches together; past it
	// the request fails with context.DeadlineExceeded or index.ErrTimeout.
	// 0 or less means DefaultTimeout.
	Timeout time.Duration
}

// Service runs searches and reads articles for the API and the page. It
// keeps no state between requests and is safe for concurrent use.
type Service struct {
	idx     Index
	timeout time.Duration
}

// New returns a Service over idx.
func New(idx Index, opt Options) *Service {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	return &Service{idx: idx, timeout: opt.Timeout}
}

// Status is the index's status (readiness, generation, counts).
func (s *Service) Status() index.Status { return s.idx.Status() }

// Search runs req: the search by all the words (or any, with MatchAny),
// then, within the same deadline, the suggestion and the relaxed and
// partial results the request asks for. An error of a search whose result
// would be the answer fails the request; an error of the suggestion or the
// partial results is a note and the result stands.
func (s *Service) Search(ctx context.Context, req Request) (*Result, error) {
	if req.Query.IsZero() {
		return nil, &RequestError{Code: CodeEmptyQuery, Message: messageEmptyQuery}
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	ireq := index.Request{Query: req.Query.Node, Page: req.Page, Size: req.Size, Sort: req.Sort, Group: req.Group,
		MatchAny: req.MatchAny, From: req.From, To: req.To, Source: req.Source, Author: req.Author, NoFacets: req.NoFacets}
	res, err := s.idx.Search(ctx, ireq)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Partial: []Hit{}}
	// Only a query of several words can be relaxed: one word (or one
	// phrase) by any of its words is itself.
	relaxable := req.Relax && !req.MatchAny && len(query.Leaves(req.Query.Node)) >= 2
	if res.Total == 0 && req.Relax {
		sug, err := s.idx.Suggest(ctx, req.Query.Text, req.Query.Node)
		switch {
		case gone(ctx, err):
			return nil, fmt.Errorf("suggest: %w", err)
		case err != nil:
			out.Notes = append(out.Notes, fmt.Errorf("suggestion left out: %w", err))
		case sug != req.Query.Text:
			out.Suggestion = sug
		}
		if relaxable {
			ireq.MatchAny = true
			anyRes, err := s.idx.Search(ctx, ireq)
			if err != nil {
				return nil, fmt.Errorf("search by any of the words: %w", err)
			}
			if anyRes.Total > 0 {
				res, out.Relaxed = anyRes, true
			}
		}
	}
	if relaxable && !out.Relaxed && res.Total > 0 && res.Total < fewResults && req.Page <= 1 {
		partial, err := s.partial(ctx, ireq, res.Hits)
		switch {
		case gone(ctx, err):
			return nil, fmt.Errorf("partial results: %w", err)
		case err != nil:
			out.Notes = append(out.Notes, fmt.Errorf("partial results left out: %w", err))
		default:
			out.Partial = partial
		}
	}
	out.Total, out.TotalExact, out.Facets = res.Total, res.TotalExact, res.Facets
	out.MissingShards = res.Missing
	out.Hits = makeHits(res.Hits)
	out.Took = time.Since(start)
	return out, nil
}

// partial runs req by any of the words and returns its hits that are not
// among shown (by paragraph, and by article when grouped), no more than
// fill the page.
func (s *Service) partial(ctx context.Context, req index.Request, shown []index.Hit) ([]Hit, error) {
	req.MatchAny, req.NoFacets = true, true
	anyRes, err := s.idx.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, 2*len(shown)) // paragraph ids, and article ids when grouped
	for _, h := range shown {
		seen[h.ID] = true
		if req.Group {
			seen[h.ArticleID] = true
		}
	}
	out := []Hit{}
	for _, h := range anyRes.Hits {
		if len(shown)+len(out) >= req.Size {
			break
		}
		if seen[h.ID] || seen[h.ArticleID] {
			continue
		}
		out = append(out, makeHit(h))
	}
	return out, nil
}

// gone reports whether err is the request's own cancellation (the client
// left): then nothing is worth returning.
func gone(ctx context.Context, err error) bool {
	return err != nil && errors.Is(err, context.Canceled) && ctx.Err() != nil
}

func makeHits(hs []index.Hit) []Hit {
	out := make([]Hit, len(hs))
	for i, h := range hs {
		out[i] = makeHit(h)
	}
	return out
}

// makeHit adds a hit's HTML.
func makeHit(h index.Hit) Hit {
	return Hit{Hit: h,
		SnippetHTML: snippet.Build(h.Text, h.Matches, snippet.Options{}).HTML,
		TitleHTML:   snippet.Highlight(h.Title, h.TitleMatch),
		SectionHTML: snippet.Highlight(h.Section, h.SectionMatch)}
}

// Article is a whole article, the query's matches highlighted.
type Article struct {
	ID         string
	Seed       string
	Title      string
	TitleHTML  string // "" when the query does not match the title
	Author     string
	Source     string
	Editors    string
	URL        string    // the article's own address on the web, "" when unknown
	Language   string    // ISO 639-1 ("und": undetermined), "" when unknown
	Published  time.Time // zero when the article has no date
	Paragraphs []Paragraph
}

// Paragraph is one paragraph of an Article.
type Paragraph struct {
	N       int
	Section string
	Text    string
	Matches []snippet.Span // the query's matches in Text; nil when none
	HTML    string         // Text escaped, matches in <mark>; "" when none
}

// Article reads the article with the given id, under the request
// deadline; when q is not the zero Query, its matches are highlighted.
func (s *Service) Article(ctx context.Context, id string, q Query) (*Article, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	v, err := s.idx.Article(ctx, id, q.Node)
	if err != nil {
		return nil, fmt.Errorf("article %.40q: %w", id, err)
	}
	a := &Article{ID: v.ID, Seed: v.Seed, Title: v.Title, Author: v.Author, Source: v.Source,
		Editors: v.Editors, URL: v.URL, Language: v.Language, Published: v.Published, Paragraphs: make([]Paragraph, len(v.Paragraphs))}
	if len(v.TitleMatch) > 0 {
		a.TitleHTML = snippet.Highlight(v.Title, v.TitleMatch)
	}
	for i, p := range v.Paragraphs {
		a.Paragraphs[i] = Paragraph{N: p.N, Section: p.Section, Text: p.Text, Matches: p.Matches}
		if len(p.Matches) > 0 {
			a.Paragraphs[i].HTML = snippet.Highlight(p.Text, p.Matches)
		}
	}
	return a, nil
}
