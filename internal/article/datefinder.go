package article

// dateFinder finds the dates of lines (findDate, isDateline, looseDate,
// parseByline) and, when it is a parse's, remembers what it found in each
// text: a parse asks about the same line many times (its shape is read
// for the body block, the title, the byline and the head), and finding a
// date runs several expressions over the whole line. Each function is
// pure, so an answer remembered is the answer it would give again. The
// zero value remembers nothing.
type dateFinder struct {
	memo      bool // remember answers (a parse's finder)
	found     map[string]dateFound
	datelines map[string]dateFound
	loose     map[string]dateFound
}

// dateFound is a remembered answer.
type dateFound struct {
	d  dateParts
	ok bool
}

// newDateFinder returns a finder that remembers its answers.
func newDateFinder() dateFinder { return dateFinder{memo: true} }

// remember keeps the answer for s in *m when f remembers answers.
func (f *dateFinder) remember(m *map[string]dateFound, s string, d dateParts, ok bool) {
	if !f.memo {
		return
	}
	if *m == nil {
		*m = make(map[string]dateFound)
	}
	(*m)[s] = dateFound{d, ok}
}

// findDate is the package's findDate, remembering what it finds.
func (f *dateFinder) findDate(s string) (dateParts, bool) {
	if !hasDigits(s, 4) {
		return dateParts{}, false // findDate's own first test: not worth a look-up
	}
	if r, ok := f.found[s]; ok {
		return r.d, r.ok
	}
	d, ok := findDate(s)
	f.remember(&f.found, s, d, ok)
	return d, ok
}
