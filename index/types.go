package index

import (
	"errors"
	"time"

	"github.com/newsroom/newsearch/internal/query"
	"github.com/newsroom/newsearch/internal/snippet"
)

// Limits of a search request.
const (
	MaxSize   = 100    // hits per page
	MaxWindow = 10_000 // page × size
	// MaxTermSearchers caps the terms a query may expand to (prefixes).
	MaxTermSearchers = 2048
	// maxArticleParagraphs bounds the paragraphs read for one article.
	maxArticleParagraphs = 10_000
)

// Errors a search can return besides invalid requests.
var (
	// ErrNotReady: no generation has been published or opened yet.
	ErrNotReady = errors.New("index not ready")
	// ErrTimeout: the search ran past its deadline.
	ErrTimeout = errors.New("search took too long")
	// ErrTooBroad: a prefix expands to more terms than MaxTermSearchers.
	ErrTooBroad = errors.New("query expands to too many terms")
	// ErrNoTerms: the query has nothing searchable (only punctuation).
	ErrNoTerms = errors.New("query has no searchable words")
	// ErrNotFound: no article has the id.
	ErrNotFound = errors.New("article not found")
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Request is a search.
type Request struct {
	Query    query.Node
	Page     int    // 1-based
	Size     int    // hits per page
	Sort     string // SortRelevance (default) or SortDate
	Group    bool   // one hit per article: its best paragraph
	MatchAny bool   // rank by any of the words instead of requiring all
	From, To time.Time
	Source   string // exact source filter
	Author   string // exact author filter
	// NoFacets skips the source, author and month counts (Result.Facets
	// stays nil): they read a doc value for every matching paragraph, the
	// largest single cost of a search, which scripts that only want hits
	// need not pay.
	NoFacets bool
	// languageFacet: count the matching paragraphs by language (set by
	// the search where the index holds several languages).
	languageFacet bool
	// Rank is how results sorted by relevance are ordered (ranking.go).
	// nil means DefaultRanking for any-words requests (MatchAny) and
	// bleve's own order (RankBleve) for all-words ones; results sorted by
	// date are never rescored, whatever Rank says.
	Rank *Ranking
}

// Hit is one matching paragraph.
type Hit struct {
	ID           string
	ArticleID    string
	Seed         string
	Paragraph    int
	Section      string
	Title        string
	Published    time.Time // zero when the article has no date; in the article's own offset
	Author       string
	Source       string
	URL          string // the article's own address on the web, "" when unknown
	Language     string // the article's language (ISO 639-1, "und"), "" when its reader set none
	Score        float64
	Text         string
	Matches      []snippet.Span // match spans in Text, byte offsets; never nil
	TitleMatch   []snippet.Span // match spans in Title
	SectionMatch []snippet.Span // match spans in Section
	MoreMatches  int            // with Group: other matching paragraphs of the article
}

// FacetCount is one value of a facet and the number of matching paragraphs.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets counts the matching paragraphs by source, author, month and
// language (an ISO 639-1 code; articles of undetermined language are in
// none; empty where the index holds one language).
type Facets struct {
	Source   []FacetCount `json:"source"`
	Author   []FacetCount `json:"author"`
	Month    []FacetCount `json:"month"`
	Language []FacetCount `json:"language"`
}

// Result is a page of hits.
type Result struct {
	Total      int // paragraphs, or articles with Group
	TotalExact bool
	Took       time.Duration
	Hits       []Hit
	Facets     *Facets // nil when the request set NoFacets
	// Missing names the shards that did not answer (a partitioned
	// search whose leaves failed or ran out of time): the result is
	// partial, from the other shards. Nil when every shard answered.
	Missing []string
}
