package query

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestParseCanonical checks what each query means through its canonical
// rendering (String), which spells out fields, negation and grouping.
func TestParseCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Bare words, AND, phrases.
		{"single word", "cyber", "cyber"},
		{"implicit and", "cyber attack", "cyber attack"},
		{"explicit AND is a no-op", "cyber AND attack", "cyber attack"},
		{"explicit AND mixed", "a AND b c", "a b c"},
		{"lowercase and is a word", "cyber and attack", "cyber and attack"},
		{"phrase", `"exact phrase"`, `"exact phrase"`},
		{"phrase trimmed", `"  exact phrase  "`, `"exact phrase"`},
		{"phrase keeps inner text", `"a (b) OR c:d"`, `"a (b) OR c:d"`},
		{"single word phrase", `"cyber"`, `"cyber"`},
		{"phrase glued to words", `foo"bar baz"qux`, `foo "bar baz" qux`},
		{"typographic quotes", "“exact phrase” „low“", `"exact phrase" "low"`},
		{"unicode words", "Zürich Ελλάδα 東京", "Zürich Ελλάδα 東京"},

		// Negation.
		{"negated word", "cyber -attack", "cyber -attack"},
		{"negated phrase", `cyber -"denial of service"`, `cyber -"denial of service"`},
		{"negated group", "cyber -(attack OR breach)", "cyber -(attack OR breach)"},
		{"negated and-group", "cyber -(a b)", "cyber -(a b)"},
		{"NOT keyword", "cyber NOT attack", "cyber -attack"},
		{"NOT group", "cyber NOT (a OR b)", "cyber -(a OR b)"},
		{"NOT glued to paren", "cyber NOT(a OR b)", "cyber -(a OR b)"},
		{"lowercase not is a word", "not guilty", "not guilty"},
		{"double dash collapses", "--cyber", "cyber"},
		{"triple dash", "x ---cyber", "x -cyber"},
		{"NOT NOT collapses", "NOT NOT cyber", "cyber"},
		{"NOT dash collapses", "NOT -cyber", "cyber"},
		{"negated negated group collapses", "-(-a) b", "a b"},
		{"negated negated group of two", "x -(-(a b))", "x a b"},
		{"NOT binds tighter than OR", "NOT a OR b", "-a OR b"},
		{"OR NOT", "a OR NOT b", "a OR -b"},
		{"OR dash", "a OR -b", "a OR -b"},
		{"negated keyword is a word", "x -OR", "x -or"},

		// OR and precedence.
		{"or", "a OR b", "a OR b"},
		{"or three flat", "a OR b OR c", "a OR b OR c"},
		{"or binds tighter than and", "a b OR c", "a b OR c"},
		{"or binds tighter, left", "a OR b c", "a OR b c"},
		{"two ors", "a OR b c OR d", "a OR b c OR d"},
		{"lowercase or is a word", "a or b", "a or b"},
		{"Mixed case Or is a word", "a Or b", "a Or b"},
		{"group", "(a OR b) c", "a OR b c"},
		{"and group inside or", "(a b) OR c", "(a b) OR c"},
		{"nested or groups flatten", "(a OR b) OR (c OR d)", "a OR b OR c OR d"},
		{"nested and groups flatten", "a (b (c d)) e", "a b c d e"},
		{"redundant parens", "((a))", "a"},
		{"or of phrase and prefix", `"a b" OR cyber*`, `"a b" OR cyber*`},
		{"OR glued to parens", "(a)OR(b)", "a OR b"},
		{"deep mixed", "a (b OR (c d -(e OR f)))", "a b OR (c d -(e OR f))"},

		// Fields.
		{"field word", "title:cyber", "title:cyber"},
		{"field phrase", `title:"cyber attack"`, `title:"cyber attack"`},
		{"field prefix", "title:cyber*", "title:cyber*"},
		{"field case-insensitive", "TITLE:Cyber Author:smith", "title:Cyber author:smith"},
		{"all fields", "title:a author:b source:c section:d text:e", "title:a author:b source:c section:d text:e"},
		{"field group", `title:(cyber OR "data breach" hack*)`, `title:cyber OR title:"data breach" title:hack*`},
		{"field group and", "section:(world politics)", "section:world section:politics"},
		{"field group inner field wins", "title:(a author:b)", "title:a author:b"},
		{"nested field groups", "title:(a author:(b c))", "title:a author:b author:c"},
		{"field group with negation", "x title:(a -b)", "x title:a -title:b"},
		{"negated field", "x -title:cyber", "x -title:cyber"},
		{"negated field phrase", `x -title:"a b"`, `x -title:"a b"`},
		{"negated field group", "x -title:(a b)", "x -(title:a title:b)"},
		{"negation after colon", "x title:-cyber", "x -title:cyber"},
		{"negation after colon before group", "x title:-(a OR b)", "x -(title:a OR title:b)"},
		{"field value keeps colon", "title:10:30", "title:10:30"},
		{"field value keyword", "title:OR", "title:or"},
		{"field word then group", "title:a(b)", "title:a b"},
		{"field group unscoped outside", "title:(a) b", "title:a b"},

		// Prefixes.
		{"prefix", "cyber*", "cyber*"},
		{"prefix two runes", "ab*", "ab*"},
		{"prefix two non-ascii runes", "éé*", "éé*"},
		{"negated prefix", "x -cyber*", "x -cyber*"},
		{"prefix trailing colon", "cyber*:", "cyber*"},
		{"prefix keyword text", "OR*", "OR*"},

		// Messy input.
		{"time", "10:30", "10:30"},
		{"hyphenated", "covid-19", "covid-19"},
		{"abbreviation", "U.S. election", "U.S. election"},
		{"email word", "e-mail", "e-mail"},
		{"trailing colon", "foo:", "foo"},
		{"known field alone at end", "x title:", "x title"},
		{"leading colon", ":bar", "bar"},
		{"leading colon then field-like", "x :title:a", "x title:a"},
		{"spaced colon", "a : b", "a b"},
		{"double colon", "a :: b", "a b"},
		{"lone dash", "a - b", "a b"},
		{"lone dash at end", "a -", "a"},
		{"lone dash before paren with space", "- (a b)", "a b"},
		{"dash before close paren", "(a -) b", "a b"},
		{"dash colon", "a -: b", "a b"},
		{"trailing hyphen", "foo- bar", "foo- bar"},
		{"punctuation words dropped", "a !!! ? , b", "a b"},
		{"punctuation attached kept", "who won? yes!", "who won? yes!"},
		{"commas", "apple, banana,cherry", "apple, banana,cherry"},
		{"empty phrase dropped", `a "" b`, "a b"},
		{"blank phrase dropped", `a "  " b`, "a b"},
		{"punctuation phrase dropped", `a "!?" b`, "a b"},
		{"negated noise dropped", "a -!!! b", "a b"},
		{"digit colon digit", "1:2:3", "1:2:3"},
		{"letters digits colon", "ab1:x", "ab1:x"},
		{"url is a word", "see https://example.com/a?b=c", "see https://example.com/a?b=c"},
		{"symbols with letters", "C++ C# AT&T $100", "C++ C# AT&T $100"},
		{"lowercase keywords", "and or not", "and or not"},
		{"keyword with colon", "OR:", "or"},
		{"nbsp separates", "cyber\u00a0attack", "cyber attack"},
		{"ideographic space separates", "cyber\u3000attack", "cyber attack"},
		{"zero width space separates", "cyber\u200battack", "cyber attack"},
		{"tabs and newlines", "\tcyber\n\r attack\v", "cyber attack"},
		{"invalid utf8 replaced", "caf\xe9 ok", "caf\uFFFD ok"},
		{"invalid utf8 only is noise", "\xff\xfe ok", "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): unexpected error %v", tc.in, err)
			}
			if got := String(n); got != tc.want {
				t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
			}
			checkInvariants(t, tc.in, n)
		})
	}
}

// TestParseTree checks exact trees, including node types, fields and columns.
func TestParseTree(t *testing.T) {
	tests := []struct {
		in   string
		want Node
	}{
		{"cyber", &Term{Text: "cyber", Column: 1}},
		{"a b OR c", &And{Children: []Node{
			&Term{Text: "a", Column: 1},
			&Or{Children: []Node{&Term{Text: "b", Column: 3}, &Term{Text: "c", Column: 8}}},
		}}},
		{"a OR b OR c", &Or{Children: []Node{
			&Term{Text: "a", Column: 1}, &Term{Text: "b", Column: 6}, &Term{Text: "c", Column: 11},
		}}},
		{`  "exact  phrase " x`, &And{Children: []Node{
			&Phrase{Text: "exact  phrase", Column: 3}, &Term{Text: "x", Column: 20},
		}}},
		{"-foo bar", &And{Children: []Node{
			&Not{Child: &Term{Text: "foo", Column: 2}}, &Term{Text: "bar", Column: 6},
		}}},
		{"x -title:cyber*", &And{Children: []Node{
			&Term{Text: "x", Column: 1}, &Not{Child: &Prefix{Field: "title", Text: "cyber", Column: 10}},
		}}},
		{`Author:("jane doe" OR smith)`, &Or{Children: []Node{
			&Phrase{Field: "author", Text: "jane doe", Column: 9},
			&Term{Field: "author", Text: "smith", Column: 23},
		}}},
		{"x NOT (a b)", &And{Children: []Node{
			&Term{Text: "x", Column: 1},
			&Not{Child: &And{Children: []Node{&Term{Text: "a", Column: 8}, &Term{Text: "b", Column: 10}}}},
		}}},
		{"10:30 covid-19 :bar foo:", &And{Children: []Node{
			&Term{Text: "10:30", Column: 1}, &Term{Text: "covid-19", Column: 7},
			&Term{Text: "bar", Column: 17}, &Term{Text: "foo", Column: 21},
		}}},
		// Columns count runes, not bytes.
		{"ÄÖÜ → ß title:ç", &And{Children: []Node{
			&Term{Text: "ÄÖÜ", Column: 1}, &Term{Text: "ß", Column: 7}, &Term{Field: "title", Text: "ç", Column: 15},
		}}},
		{"--x", &Term{Text: "x", Column: 3}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): unexpected error %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q)\n got  %s\n want %s", tc.in, dump(got), dump(tc.want))
		}
	}
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth)
	tooDeep := strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1)
	words := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "w%03d", i) // 4 runes + 1 space each
		}
		return b.String()
	}
	tests := []struct {
		in   string
		code string
		col  int
	}{
		{"", CodeEmptyQuery, 0},
		{"   \t\n", CodeEmptyQuery, 0},
		{"\u00a0\u3000", CodeEmptyQuery, 0},
		{"-", CodeEmptyQuery, 0},
		{`""`, CodeEmptyQuery, 0},
		{`- "" !!! ? , :`, CodeEmptyQuery, 0},

		{`"abc`, CodeUnbalancedQuote, 1},
		{`a "b" "c`, CodeUnbalancedQuote, 7},
		{`é "abc`, CodeUnbalancedQuote, 3}, // runes, not bytes
		{`“abc`, CodeUnbalancedQuote, 1},
		{`(a "b)`, CodeUnbalancedQuote, 4}, // the quote swallowed the ")"
		{`5" screen`, CodeUnbalancedQuote, 2},

		{"(a b", CodeUnbalancedParen, 1},
		{"a (b (c) d", CodeUnbalancedParen, 3},
		{"a b)", CodeUnbalancedParen, 4},
		{"ü) (a", CodeUnbalancedParen, 2},
		{"(a) b) c", CodeUnbalancedParen, 6},
		{`"(" a)`, CodeUnbalancedParen, 6}, // a quoted paren does not count
		{"(a OR", CodeUnbalancedParen, 1},  // wins over the dangling OR

		{"()", CodeEmptyGroup, 1},
		{"a ( ) b", CodeEmptyGroup, 3},
		{"ü title:()", CodeEmptyGroup, 9},
		{"a (!!! -) b", CodeEmptyGroup, 3},
		{`a ("") b`, CodeEmptyGroup, 3},

		{"foo:bar", CodeUnknownField, 1},
		{"a FOO:bar", CodeUnknownField, 3},
		{`ü -foo:"bar baz"`, CodeUnknownField, 4},
		{"a foo:(b)", CodeUnknownField, 3},
		{"a :foo:bar", CodeUnknownField, 4},
		{"title:(a foo:b)", CodeUnknownField, 10},
		{"mailto:x@example.com", CodeUnknownField, 1},

		{"a*", CodePrefixTooShort, 1},
		{"ü x*", CodePrefixTooShort, 3},
		{"é*", CodePrefixTooShort, 1},
		{"*", CodePrefixTooShort, 1},
		{"a -b*", CodePrefixTooShort, 4},
		{"ü title:c*", CodePrefixTooShort, 9},

		{"*a", CodeWildcardUnsupported, 1},
		{"*a*", CodeWildcardUnsupported, 1},
		{"ü a*b", CodeWildcardUnsupported, 3},
		{"cyber**", CodeWildcardUnsupported, 1},
		{"x title:*ab", CodeWildcardUnsupported, 9},

		{"OR a", CodeDanglingOperator, 1},
		{"a OR", CodeDanglingOperator, 3},
		{"é OR", CodeDanglingOperator, 3},
		{"a OR OR b", CodeDanglingOperator, 6},
		{"(OR a)", CodeDanglingOperator, 2},
		{"(a OR) b", CodeDanglingOperator, 4},
		{"NOT", CodeDanglingOperator, 1},
		{"a NOT", CodeDanglingOperator, 3},
		{"(a NOT) b", CodeDanglingOperator, 4},
		{"NOT OR a", CodeDanglingOperator, 5},
		{"AND a", CodeDanglingOperator, 1},
		{"a AND", CodeDanglingOperator, 3},
		{"a AND AND b", CodeDanglingOperator, 7},
		{"a AND OR b", CodeDanglingOperator, 7},
		{"a OR AND b", CodeDanglingOperator, 6},
		{`a OR ""`, CodeDanglingOperator, 3}, // the empty phrase is dropped
		{"a OR !!!", CodeDanglingOperator, 3},

		{"-foo", CodeOnlyNegative, 1},
		{"-foo -bar", CodeOnlyNegative, 1},
		{"NOT foo", CodeOnlyNegative, 1},
		{`-"a b" -title:cy*`, CodeOnlyNegative, 1},
		{"-a OR -b", CodeOnlyNegative, 1},
		{"-(a b)", CodeOnlyNegative, 1},
		{"-foo !!!", CodeOnlyNegative, 1},
		{"---foo", CodeOnlyNegative, 1},

		{tooDeep, CodeTooDeep, MaxDepth + 1},
		{"ü " + tooDeep, CodeTooDeep, MaxDepth + 3},

		{words(MaxClauses + 1), CodeTooManyClauses, MaxClauses*5 + 1},
		{"→ " + words(MaxClauses+1), CodeTooManyClauses, MaxClauses*5 + 3}, // "→" is noise
		{"-x " + words(MaxClauses), CodeTooManyClauses, 3 + (MaxClauses-1)*5 + 1},
	}
	if _, err := Parse(deep); err != nil {
		t.Errorf("Parse(%d nested groups): %v", MaxDepth, err)
	}
	if _, err := Parse(words(MaxClauses)); err != nil {
		t.Errorf("Parse(%d words): %v", MaxClauses, err)
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Parse(%.40q) = %v, want *Error %s", tc.in, err, tc.code)
			continue
		}
		if qe.Code != tc.code || qe.Column != tc.col {
			t.Errorf("Parse(%.40q) = %s at column %d (%s), want %s at column %d",
				tc.in, qe.Code, qe.Column, qe.Message, tc.code, tc.col)
		}
		if qe.Message == "" || qe.Error() != qe.Message {
			t.Errorf("Parse(%.40q): bad message %q", tc.in, qe.Message)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a "b" "c`, `unbalanced quote: the " at column 7 is never closed`},
		{"(a", "the ( at column 1 is never closed"},
		{"a)", "the ) at column 2 has no matching ("},
		{"foo:bar", `unknown field "foo" at column 1: use one of title, author, source, section, text`},
		{"a*", "needs at least 2 characters before the *"},
		{"a*b", "only a * at the end of a word is supported"},
		{"a OR", "OR at column 3 has no search term after it"},
		{"OR a", "OR at column 1 has no search term before it"},
		{"-a", "add at least one word to search for"},
		{"", "type one or more words"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
	// Long words are shortened in messages.
	_, err := Parse(strings.Repeat("x", 1000) + "*y")
	if err == nil || utf8.RuneCountInString(err.Error()) > 200 {
		t.Errorf("long word error = %v, want a short message", err)
	}
}

func TestLeaves(t *testing.T) {
	n, err := Parse(`a -b "c d" OR -(e ff*) title:(g -h) NOT i jj*`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range Leaves(n) {
		got = append(got, String(l))
	}
	want := []string{"a", `"c d"`, "title:g", "jj*"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Leaves = %q, want %q", got, want)
	}
	if l := Leaves(nil); len(l) != 0 {
		t.Errorf("Leaves(nil) = %v", l)
	}
}

func TestFields(t *testing.T) {
	f := Fields()
	want := []string{"title", "author", "source", "section", "text", "lang"}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("Fields() = %q, want %q", f, want)
	}
	f[0] = "changed"
	if Fields()[0] != "title" {
		t.Error("Fields() returned a shared slice")
	}
	for _, name := range want {
		if _, err := Parse(name + ":x"); err != nil {
			t.Errorf("field %s: %v", name, err)
		}
	}
}

// TestStringHandBuilt checks String on trees Parse never returns.
func TestStringHandBuilt(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{nil, ""},
		{&Not{Child: &Not{Child: &Term{Text: "a"}}}, "-(-a)"},
		{&And{Children: []Node{&And{Children: []Node{&Term{Text: "a"}, &Term{Text: "b"}}}, &Term{Text: "c"}}}, "(a b) c"},
		{&Or{Children: []Node{&Or{Children: []Node{&Term{Text: "a"}, &Term{Text: "b"}}}, &Term{Text: "c"}}}, "(a OR b) OR c"},
		{&And{Children: []Node{&Term{Text: "a"}}}, "a"},
		{&Not{Child: &Phrase{Field: "title", Text: "x y"}}, `-title:"x y"`},
	}
	for _, tc := range tests {
		if got := String(tc.n); got != tc.want {
			t.Errorf("String(%s) = %q, want %q", dump(tc.n), got, tc.want)
		}
	}
}

// TestLargeInput checks that big inputs are handled in linear time.
func TestLargeInput(t *testing.T) {
	big := strings.Repeat("cyber attack ", 1000) // 13 KB, 2,000 words
	if _, err := Parse(big); !isCode(err, CodeTooManyClauses) {
		t.Errorf("2,000 words: err = %v, want too_many_clauses", err)
	}
	for _, in := range []string{
		strings.Repeat("NOT ", 5000) + "a",
		strings.Repeat("-", 10000) + "a",
		strings.Repeat("- ", 10000) + "a",
		strings.Repeat(":", 10000) + "a",
		strings.Repeat("!!! ", 5000) + "a",
		strings.Repeat(`"" `, 5000) + "a",
		strings.Repeat("(a) ", 5000),
		strings.Repeat("a OR ", 5000) + "a",
		strings.Repeat("é", 10000) + "*",
		strings.Repeat("x", 100000),
	} {
		if _, err := Parse(in); err != nil && !isCode(err, CodeTooManyClauses) {
			t.Errorf("Parse(%.30q...): %v", in, err)
		}
	}
}

func isCode(err error, code string) bool {
	var qe *Error
	return errors.As(err, &qe) && qe.Code == code
}

// checkInvariants verifies the shape Parse promises and that String
// round-trips.
func checkInvariants(t *testing.T, in string, n Node) {
	t.Helper()
	if n == nil {
		t.Fatalf("Parse(%q) returned nil without error", in)
	}
	if !hasPositive(n) {
		t.Errorf("Parse(%q): no positive clause in %s", in, String(n))
	}
	runes := utf8.RuneCountInString(in)
	if err := checkShape(n, runes); err != "" {
		t.Errorf("Parse(%q) = %s: %s", in, dump(n), err)
	}
	s := String(n)
	n2, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) = %s, which does not re-parse: %v", in, s, err)
	}
	if !equalTrees(n, n2) {
		t.Errorf("Parse(%q) = %s, re-parsed as %s", in, dump(n), dump(n2))
	}
	if s2 := String(n2); s2 != s {
		t.Errorf("String not stable for %q: %q then %q", in, s, s2)
	}
}

func checkShape(n Node, runes int) string {
	leaf := func(field, text string, col int) string {
		if field != "" {
			if _, ok := lookupField(field); !ok || field != strings.ToLower(field) {
				return fmt.Sprintf("bad field %q", field)
			}
		}
		if text == "" || !utf8.ValidString(text) {
			return fmt.Sprintf("bad text %q", text)
		}
		if col < 1 || col > runes {
			return fmt.Sprintf("column %d out of 1..%d", col, runes)
		}
		return ""
	}
	switch n := n.(type) {
	case *Term:
		return leaf(n.Field, n.Text, n.Column)
	case *Phrase:
		return leaf(n.Field, n.Text, n.Column)
	case *Prefix:
		if utf8.RuneCountInString(n.Text) < MinPrefixLen {
			return "short prefix"
		}
		return leaf(n.Field, n.Text, n.Column)
	case *Not:
		if _, ok := n.Child.(*Not); ok {
			return "Not in Not"
		}
		return checkShape(n.Child, runes)
	case *And:
		if len(n.Children) < 2 {
			return "And with < 2 children"
		}
		for _, c := range n.Children {
			if _, ok := c.(*And); ok {
				return "And in And"
			}
			if e := checkShape(c, runes); e != "" {
				return e
			}
		}
	case *Or:
		if len(n.Children) < 2 {
			return "Or with < 2 children"
		}
		for _, c := range n.Children {
			if _, ok := c.(*Or); ok {
				return "Or in Or"
			}
			if e := checkShape(c, runes); e != "" {
				return e
			}
		}
	default:
		return fmt.Sprintf("unexpected node %T", n)
	}
	return ""
}

// equalTrees compares trees ignoring Column.
func equalTrees(a, b Node) bool {
	switch a := a.(type) {
	case *Term:
		b, ok := b.(*Term)
		return ok && a.Field == b.Field && a.Text == b.Text
	case *Phrase:
		b, ok := b.(*Phrase)
		return ok && a.Field == b.Field && a.Text == b.Text
	case *Prefix:
		b, ok := b.(*Prefix)
		return ok && a.Field == b.Field && a.Text == b.Text
	case *Not:
		b, ok := b.(*Not)
		return ok && equalTrees(a.Child, b.Child)
	case *And:
		b, ok := b.(*And)
		return ok && equalLists(a.Children, b.Children)
	case *Or:
		b, ok := b.(*Or)
		return ok && equalLists(a.Children, b.Children)
	}
	return a == nil && b == nil
}

func equalLists(a, b []Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalTrees(a[i], b[i]) {
			return false
		}
	}
	return true
}

// dump renders a tree with node types, fields and columns, for failures.
func dump(n Node) string {
	switch n := n.(type) {
	case *Term:
		return fmt.Sprintf("Term(%q,%q,%d)", n.Field, n.Text, n.Column)
	case *Phrase:
		return fmt.Sprintf("Phrase(%q,%q,%d)", n.Field, n.Text, n.Column)
	case *Prefix:
		return fmt.Sprintf("Prefix(%q,%q,%d)", n.Field, n.Text, n.Column)
	case *Not:
		return "Not(" + dump(n.Child) + ")"
	case *And:
		return "And(" + dumpList(n.Children) + ")"
	case *Or:
		return "Or(" + dumpList(n.Children) + ")"
	}
	return fmt.Sprintf("%T", n)
}

func dumpList(ns []Node) string {
	parts := make([]string, len(ns))
	for i, c := range ns {
		parts[i] = dump(c)
	}
	return strings.Join(parts, ", ")
}

var benchQueries = []string{
	"cyber attack",
	`"climate change" summit -trump`,
	`title:(election OR vote*) author:"jane doe" -section:opinion`,
	`(covid-19 OR coronavirus) vaccine* NOT "anti-vax" source:reuters 10:30 U.S.`,
	`„Bundestag“ Wahl* (CDU OR SPD OR Grüne) -AfD text:(koalition verhandlung)`,
}

func BenchmarkParse(b *testing.B) {
	for _, q := range benchQueries {
		b.Run(fmt.Sprintf("%dB", len(q)), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(q)))
			for b.Loop() {
				if _, err := Parse(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	big := strings.Repeat("cyber attack ", 1000)
	b.Run("10KB-too-many", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(big)))
		for b.Loop() {
			if _, err := Parse(big); err == nil {
				b.Fatal("want too_many_clauses")
			}
		}
	})
}
