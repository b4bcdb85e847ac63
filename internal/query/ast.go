package query

import "strings"

// Node is a parsed query expression: one of *Term, *Phrase, *Prefix, *And,
// *Or or *Not.
type Node interface{ isNode() }

// Term matches one word. Text may still contain punctuation ("covid-19",
// "10:30", "U.S."); the analyzer downstream splits it, and a word that splits
// into several tokens is best searched as a phrase.
type Term struct {
	// Field is the field the word is scoped to, lowercase, or "" for the
	// default fields.
	Field string
	// Text is the word as typed (valid UTF-8, no white space).
	Text string
	// Column is the 1-based rune column of the word's first rune.
	Column int
}

// Phrase matches words adjacent and in order.
type Phrase struct {
	// Field is the field the phrase is scoped to, lowercase, or "" for the
	// default fields.
	Field string
	// Text is what was inside the quotes, with surrounding white space trimmed.
	Text string
	// Column is the 1-based rune column of the opening quote.
	Column int
}

// Prefix matches words that start with Text (the query "cyber*").
type Prefix struct {
	// Field is the field the prefix is scoped to, lowercase, or "" for the
	// default fields.
	Field string
	// Text is the prefix without the trailing '*'; at least MinPrefixLen runes.
	Text string
	// Column is the 1-based rune column of the prefix's first rune.
	Column int
}

// And matches when every child matches. Parse always gives it at least two
// children, none of which is an *And.
type And struct {
	Children []Node
}

// Or matches when any child matches. Parse always gives it at least two
// children, none of which is an *Or.
type Or struct {
	Children []Node
}

// Not excludes what Child matches. Parse never nests a *Not directly in a *Not.
type Not struct {
	Child Node
}

func (*Term) isNode()   {}
func (*Phrase) isNode() {}
func (*Prefix) isNode() {}
func (*And) isNode()    {}
func (*Or) isNode()     {}
func (*Not) isNode()    {}

// Field names a word, phrase, prefix or group may be scoped to
// ("title:cyber"): the query language's names, which the index maps to
// the fields it searches. Fields lists them all.
const (
	FieldTitle   = "title"
	FieldAuthor  = "author"
	FieldSource  = "source"
	FieldSection = "section"
	FieldText    = "text"
	// FieldLang is not a field of the text but a filter: lang:de keeps
	// the articles in German (a language code), and reads the words
	// beside it as German words.
	FieldLang = "lang"
)

// Fields returns the field names a query may scope to, lowercase, in a fresh
// slice: title, author, source, section, text.
func Fields() []string {
	return []string{FieldTitle, FieldAuthor, FieldSource, FieldSection, FieldText, FieldLang}
}

// lookupField returns the canonical (lowercase) name of a known field,
// matching name case-insensitively.
func lookupField(name string) (string, bool) {
	for _, f := range Fields() {
		if strings.EqualFold(name, f) {
			return f, true
		}
	}
	return "", false
}

// Leaves returns the Term, Phrase and Prefix nodes of n that are not under a
// Not, in query order: the clauses a match is expected to contain, e.g. for
// highlighting.
func Leaves(n Node) []Node {
	var out []Node
	var walk func(Node)
	walk = func(n Node) {
		switch n := n.(type) {
		case *Term, *Phrase, *Prefix:
			out = append(out, n)
		case *And:
			for _, c := range n.Children {
				walk(c)
			}
		case *Or:
			for _, c := range n.Children {
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// hasPositive reports whether n has a leaf that is not under a Not.
func hasPositive(n Node) bool {
	switch n := n.(type) {
	case *Term, *Phrase, *Prefix:
		return true
	case *And:
		for _, c := range n.Children {
			if hasPositive(c) {
				return true
			}
		}
	case *Or:
		for _, c := range n.Children {
			if hasPositive(c) {
				return true
			}
		}
	}
	return false
}

// String renders n in the query language, in canonical form: fields are
// written on every leaf, negation as "-", OR in uppercase, and parentheses
// only where the precedence needs them (an And inside an Or, a group under a
// Not). Parsing the result of String on a tree returned by Parse gives an
// equal tree (apart from Column values). A nil Node renders as "".
func String(n Node) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

func writeField(b *strings.Builder, field string) {
	if field != "" {
		b.WriteString(field)
		b.WriteByte(':')
	}
}

// writeWord writes a field-scoped word. "title://x" would read back as one
// URL-like word, so a scoped word starting with "//" is grouped.
func writeWord(b *strings.Builder, field, word string) {
	writeField(b, field)
	if field != "" && strings.HasPrefix(word, "//") {
		b.WriteString("(" + word + ")")
		return
	}
	b.WriteString(word)
}

func writeNode(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Term:
		writeWord(b, n.Field, n.Text)
	case *Prefix:
		writeWord(b, n.Field, n.Text+"*")
	case *Phrase:
		writeField(b, n.Field)
		b.WriteByte('"')
		b.WriteString(n.Text)
		b.WriteByte('"')
	case *Not:
		b.WriteByte('-')
		switch n.Child.(type) {
		case *Term, *Phrase, *Prefix:
			writeNode(b, n.Child)
		default:
			writeGroup(b, n.Child)
		}
	case *And:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteByte(' ')
			}
			if _, ok := c.(*And); ok {
				writeGroup(b, c)
			} else {
				writeNode(b, c)
			}
		}
	case *Or:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" OR ")
			}
			switch c.(type) {
			case *And, *Or:
				writeGroup(b, c)
			default:
				writeNode(b, c)
			}
		}
	}
}

func writeGroup(b *strings.Builder, n Node) {
	b.WriteByte('(')
	writeNode(b, n)
	b.WriteByte(')')
}
