// Package query owns the user-facing search query language of newsearch:
// it turns the text a reader types into the search box into a small,
// simplified syntax tree (Node). It is pure: it knows nothing about bleve or
// the index, and another package translates the tree into index queries.
//
// # Language
//
//	cyber attack          both words must match (implicit AND; an explicit AND is a no-op)
//	"exact phrase"        the words adjacent and in order
//	-word -"a phrase"     exclude; also -(group) and NOT x (NOT is uppercase only)
//	a OR b                either (uppercase only); OR binds tighter than the implicit AND,
//	                      so "a b OR c" means a AND (b OR c)
//	(a OR b) c            parentheses group
//	title:word            scope a word, "phrase" or prefix* to one field;
//	title:(a OR "b c")    scope every word, phrase and prefix inside the group
//	cyber*                prefix search (at least 2 characters before the *)
//	lang:de               a filter, not a field: articles in that language (the
//	                      index reads the words beside it as its words)
//
// The fields are those returned by Fields; field names are matched
// case-insensitively. NOT binds tightest, then OR, then the implicit AND.
//
// Messy input is searched rather than rejected: "10:30", "covid-19", "U.S.",
// stray colons, a lone "-", punctuation-only words and empty phrases are kept
// as words or silently dropped (see Parse for the exact rules). Typographic
// double quotes (“ ” „) work like ". The only errors are the *Error codes
// listed as the Code* constants.
//
// # Tree
//
// Parse returns pointers: *Term, *Phrase, *Prefix, *And, *Or and *Not. The
// tree is simplified: And and Or always have at least two children, nested
// Ands (and nested Ors) are flattened, and double negations cancel out. String
// renders a tree back into canonical query text that parses to the same tree.
package query
