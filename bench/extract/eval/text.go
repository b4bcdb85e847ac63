package eval

import (
	"github.com/newsroom/newsearch/bench/internal/extraction"
	"github.com/newsroom/newsearch/bench/internal/textpath"
)

// Text is the text seed path: the page's visible text as a browser saves
// it (w3m's dump, cached under bench/out) through internal/article.
func Text(p extraction.Page) (Extracted, error) {
	body, title, date, author, err := textpath.TextPath(p)
	if err != nil {
		return Extracted{}, err
	}
	return Extracted{Body: body, Title: title, Date: date, Author: author}, nil
}
