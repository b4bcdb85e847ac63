package query

import "unicode/utf8"

// Parse parses a query typed by a user into a simplified tree.
//
// Grammar, loosest binding first:
//
//	query   = seq
//	seq     = or { ["AND"] or }        (implicit AND)
//	or      = unary { "OR" unary }
//	unary   = { "NOT" } primary
//	primary = { "-" } [field ":"] ( word | word "*" | '"' phrase '"' | "(" seq ")" )
//
// Words are split on white space and on '(', ')' and '"'. AND, OR and NOT are
// operators only when written in uppercase as a whole word; "-OR" or
// "title:OR" search for the word. A '-' negates only at the start of a word
// and only when something follows it directly ("--x" is x); a leading ':' is
// dropped. "name:value" scopes value to a field when name is ASCII letters
// only and value is not empty (a directly following quote or "(" counts);
// otherwise the colon stays in the word ("10:30") or, trailing, is dropped
// ("foo:" is foo). A field group "title:(...)" scopes every leaf inside it
// that has no field of its own. Words and phrases without a letter or digit
// are dropped as noise, as are empty phrases and a lone "-".
//
// Errors are reported in this order: quotes, then parentheses (balance and
// depth), then the first other problem from left to right, then an empty or
// purely negative query. Every error is an *Error.
func Parse(s string) (Node, error) {
	if err := prescan(s); err != nil {
		return nil, err
	}
	p := &parser{lx: lexer{s: s, col: 1}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	n, err := p.parseSeq("")
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF { // unreachable after prescan; kept for safety
		return nil, errUnopenedParen(p.tok.col)
	}
	if n == nil {
		return nil, errEmptyQuery()
	}
	if !hasPositive(n) {
		return nil, errOnlyNegative()
	}
	return n, nil
}

// prescan checks quotes and parentheses before parsing, so that these
// structural errors win over whatever they cause further on.
func prescan(s string) error {
	var open [MaxDepth]int // columns of the open "(", innermost last
	depth, col := 0, 0
	inQuote, quoteCol, quote := false, 0, rune(0)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		col++
		if inQuote {
			inQuote = !isQuote(r)
			continue
		}
		switch {
		case isQuote(r):
			inQuote, quoteCol, quote = true, col, r
		case r == '(':
			if depth == MaxDepth {
				return errTooDeep(col)
			}
			open[depth] = col
			depth++
		case r == ')':
			if depth == 0 {
				return errUnopenedParen(col)
			}
			depth--
		}
	}
	if inQuote {
		return errUnbalancedQuote(quoteCol, quote)
	}
	if depth > 0 {
		return errUnclosedParen(open[0])
	}
	return nil
}

type parser struct {
	lx     lexer
	tok    token // the current (not yet consumed) token
	leaves int
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// parseSeq parses a sequence of or-expressions, joined by implicit or
// explicit AND, up to the end of input or a ")". field is the scope of the
// enclosing field group, "" for none. It returns nil for an empty sequence.
func (p *parser) parseSeq(field string) (Node, error) {
	var kids []Node
	for {
		switch p.tok.kind {
		case tEOF, tRParen:
			switch len(kids) {
			case 0:
				return nil, nil
			case 1:
				return kids[0], nil
			}
			return &And{Children: kids}, nil
		case tAnd:
			op := p.tok
			if len(kids) == 0 {
				return nil, errDanglingBefore(op)
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			if k := p.tok.kind; k == tEOF || k == tRParen {
				return nil, errDanglingAfter(op)
			}
		}
		n, err := p.parseOr(field)
		if err != nil {
			return nil, err
		}
		if a, ok := n.(*And); ok {
			kids = append(kids, a.Children...)
		} else {
			kids = append(kids, n)
		}
	}
}

// parseOr parses unary expressions joined by OR. The current token is not
// the end of input or a ")".
func (p *parser) parseOr(field string) (Node, error) {
	n, err := p.parseUnary(field, nil)
	if err != nil || p.tok.kind != tOr {
		return n, err
	}
	kids := appendOr(nil, n)
	for p.tok.kind == tOr {
		op := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		m, err := p.parseUnary(field, &op)
		if err != nil {
			return nil, err
		}
		kids = appendOr(kids, m)
	}
	return &Or{Children: kids}, nil
}

func appendOr(kids []Node, n Node) []Node {
	if o, ok := n.(*Or); ok {
		return append(kids, o.Children...)
	}
	return append(kids, n)
}

// parseUnary parses NOT* primary. prev is the operator just consumed before
// it, if any, to blame when the operand is missing.
func (p *parser) parseUnary(field string, prev *token) (Node, error) {
	neg := 0
	var not *token
	for p.tok.kind == tNot {
		t := p.tok
		not = &t
		neg++
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	t := p.tok
	switch t.kind {
	case tLeaf:
		p.leaves++
		if p.leaves > MaxClauses {
			return nil, errTooManyClauses(t.col)
		}
		setField(t.leaf, field)
		if err := p.advance(); err != nil {
			return nil, err
		}
		return negate(t.leaf, neg+t.neg), nil
	case tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, errEmptyGroup(t.col)
		}
		scope := field
		if t.field != "" {
			scope = t.field
		}
		inner, err := p.parseSeq(scope)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen { // unreachable after prescan
			return nil, errUnclosedParen(t.col)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return negate(inner, neg+t.neg), nil
	case tAnd, tOr:
		return nil, errDanglingBefore(t)
	}
	// End of input or ")": the operand is missing.
	switch {
	case not != nil:
		return nil, errDanglingAfter(*not)
	case prev != nil:
		return nil, errDanglingAfter(*prev)
	}
	return nil, errEmptyQuery() // unreachable: callers check for an operand
}

// setField scopes a leaf to field unless it has a field of its own.
func setField(n Node, field string) {
	if field == "" {
		return
	}
	switch n := n.(type) {
	case *Term:
		if n.Field == "" {
			n.Field = field
		}
	case *Phrase:
		if n.Field == "" {
			n.Field = field
		}
	case *Prefix:
		if n.Field == "" {
			n.Field = field
		}
	}
}

// negate applies neg negations to n; an even number cancels out, and a
// negation of a Not unwraps it.
func negate(n Node, neg int) Node {
	if neg%2 == 0 {
		return n
	}
	if x, ok := n.(*Not); ok {
		return x.Child
	}
	return &Not{Child: n}
}
