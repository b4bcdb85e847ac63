package query

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that every error is an *Error
// with a known code and a column inside the input, and that every tree has
// the promised shape and survives a String/Parse round trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "cyber attack", `"exact phrase"`, "a b OR c", "a OR b OR c", "(a OR b) c",
		"-word", `-"phrase"`, "x -(a b)", "NOT x y", "title:cyber*", `title:(a "b c" d*)`,
		"10:30", "covid-19", "U.S.", "e-mail", "foo:", ":bar", "a : b", "a - b", "!!! ? ,",
		"foo:bar", "a*", "*a", "a*b", "OR a", "a OR", "(OR a)", "NOT", "()", `"abc`, "(a", "a)",
		"--x", "-(-a) b", "x title:-(a OR b)", "“a b” „c“", "caf\xe9", "a\u00a0b", "https://x.y",
		strings.Repeat("(", 21) + "a" + strings.Repeat(")", 21),
	} {
		f.Add(s)
	}
	codes := map[string]bool{
		CodeEmptyQuery: true, CodeUnbalancedQuote: true, CodeUnbalancedParen: true,
		CodeEmptyGroup: true, CodeUnknownField: true, CodePrefixTooShort: true,
		CodeWildcardUnsupported: true, CodeDanglingOperator: true, CodeOnlyNegative: true,
		CodeTooDeep: true, CodeTooManyClauses: true,
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := Parse(in)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q): error %T %v is not *Error", in, err, err)
			}
			if n != nil {
				t.Fatalf("Parse(%q): both a tree and an error", in)
			}
			if !codes[qe.Code] || qe.Message == "" {
				t.Fatalf("Parse(%q): bad error %#v", in, qe)
			}
			if max := utf8.RuneCountInString(in) + 1; qe.Column < 0 || qe.Column > max {
				t.Fatalf("Parse(%q): column %d out of 0..%d", in, qe.Column, max)
			}
			if (qe.Column == 0) != (qe.Code == CodeEmptyQuery) {
				t.Fatalf("Parse(%q): column %d for %s", in, qe.Column, qe.Code)
			}
			return
		}
		checkInvariants(t, in, n)
	})
}
