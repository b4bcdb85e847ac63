// Package web holds the search page's templates and static assets,
// embedded in the binary so that searchd serves everything itself: no CDN,
// no external fonts, nothing read from disk at run time.
package web

import "embed"

// FS holds templates/*.html (html/template sources) and static/* (the
// stylesheet, the script and the icon served under /static/).
//
//go:embed templates static
var FS embed.FS
