package query

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits enforced by Parse.
const (
	// MaxDepth is the deepest parenthesis nesting Parse accepts.
	MaxDepth = 20
	// MaxClauses is the largest number of leaf clauses (Term, Phrase and
	// Prefix nodes, negated or not) Parse accepts in one query.
	MaxClauses = 100
	// MinPrefixLen is the least number of characters (runes) a prefix search
	// needs before its trailing '*'.
	MinPrefixLen = 2
)

// Error codes: the values of Error.Code. They are stable and meant for
// programs (API responses, metrics); Error.Message is meant for people.
const (
	// CodeEmptyQuery: the query is empty, white space only, or contains
	// nothing but noise (a lone "-", punctuation, ""). Column is 0.
	CodeEmptyQuery = "empty_query"
	// CodeUnbalancedQuote: a double quote is never closed. Column is the
	// opening quote.
	CodeUnbalancedQuote = "unbalanced_quote"
	// CodeUnbalancedParen: a "(" is never closed, or a ")" has no opener.
	// Column is that parenthesis.
	CodeUnbalancedParen = "unbalanced_paren"
	// CodeEmptyGroup: a group "()" contains nothing to search for. Column is
	// the "(".
	CodeEmptyGroup = "empty_group"
	// CodeUnknownField: a letters-only name before a colon is not one of
	// Fields. Column is the first rune of the name.
	CodeUnknownField = "unknown_field"
	// CodePrefixTooShort: fewer than MinPrefixLen runes before a trailing
	// '*'. Column is the first rune of the word.
	CodePrefixTooShort = "prefix_too_short"
	// CodeWildcardUnsupported: a '*' that is not the last rune of a word.
	// Column is the first rune of the word.
	CodeWildcardUnsupported = "wildcard_unsupported"
	// CodeDanglingOperator: AND, OR or NOT lacks an operand. Column is the
	// operator.
	CodeDanglingOperator = "dangling_operator"
	// CodeOnlyNegative: the query excludes words but has nothing positive to
	// search for. Column is 1.
	CodeOnlyNegative = "only_negative"
	// CodeTooDeep: parentheses are nested deeper than MaxDepth. Column is the
	// first "(" over the limit.
	CodeTooDeep = "too_deep"
	// CodeTooManyClauses: more than MaxClauses leaf clauses. Column is the
	// first leaf over the limit.
	CodeTooManyClauses = "too_many_clauses"
)

// Error is the only error type Parse returns. It describes the first problem
// found in the query.
type Error struct {
	// Code is one of the Code* constants.
	Code string
	// Message is a human-readable explanation that says how to fix the query.
	Message string
	// Column is the 1-based position, counted in runes (an invalid UTF-8
	// byte counts as one), of the offending character in the query; 0 when
	// no single character is at fault (CodeEmptyQuery).
	Column int
}

// Error returns the human-readable message.
func (e *Error) Error() string { return e.Message }

func newError(code string, col int, format string, args ...any) *Error {
	return &Error{Code: code, Column: col, Message: fmt.Sprintf(format, args...)}
}

func errEmptyQuery() *Error {
	return newError(CodeEmptyQuery, 0, "empty query: type one or more words to search for")
}

func errOnlyNegative() *Error {
	return newError(CodeOnlyNegative, 1,
		"only negative terms: the query only says what to exclude; add at least one word to search for")
}

func errUnbalancedQuote(col int, q rune) *Error {
	return newError(CodeUnbalancedQuote, col,
		"unbalanced quote: the %c at column %d is never closed; add a closing \" or remove it", q, col)
}

func errUnclosedParen(col int) *Error {
	return newError(CodeUnbalancedParen, col,
		"unbalanced parenthesis: the ( at column %d is never closed; add a ) or remove it", col)
}

func errUnopenedParen(col int) *Error {
	return newError(CodeUnbalancedParen, col,
		"unbalanced parenthesis: the ) at column %d has no matching (; remove it or add a ( before it", col)
}

func errTooDeep(col int) *Error {
	return newError(CodeTooDeep, col,
		"too deeply nested: the ( at column %d is more than %d groups deep; remove some parentheses", col, MaxDepth)
}

func errEmptyGroup(col int) *Error {
	return newError(CodeEmptyGroup, col,
		"empty group: the parentheses at column %d contain nothing to search for; put words inside or remove them", col)
}

func errTooManyClauses(col int) *Error {
	return newError(CodeTooManyClauses, col,
		"too many search terms: the term at column %d is over the limit of %d; shorten the query", col, MaxClauses)
}

func errUnknownField(col int, name string) *Error {
	return newError(CodeUnknownField, col,
		"unknown field %q at column %d: use one of %s, or put the text in quotes to search for it as is",
		excerpt(name), col, strings.Join(Fields(), ", "))
}

func errPrefixTooShort(col int, word string) *Error {
	return newError(CodePrefixTooShort, col,
		"prefix too short: %q at column %d needs at least %d characters before the *; add letters or remove the *",
		excerpt(word), col, MinPrefixLen)
}

func errWildcard(col int, word string) *Error {
	return newError(CodeWildcardUnsupported, col,
		"unsupported wildcard in %q at column %d: only a * at the end of a word is supported (as in cyber*); remove the other *",
		excerpt(word), col)
}

// errDanglingBefore reports an operator with no operand before it.
func errDanglingBefore(t token) *Error {
	return newError(CodeDanglingOperator, t.col,
		"dangling operator: %s at column %d has no search term before it; add one or remove the %s (to search for the word, write it in lowercase)",
		t.op(), t.col, t.op())
}

// errDanglingAfter reports an operator with no operand after it.
func errDanglingAfter(t token) *Error {
	return newError(CodeDanglingOperator, t.col,
		"dangling operator: %s at column %d has no search term after it; add one or remove the %s (to search for the word, write it in lowercase)",
		t.op(), t.col, t.op())
}

// excerpt shortens s for an error message and makes it valid UTF-8.
func excerpt(s string) string {
	const max = 40
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
