// Package records reads articles given as JSON records: a .json seed holds
// one record or an array of them, a .jsonl seed one record per line.
//
// A record is an object with these fields (others are ignored, so that
// records exported with more fields read as they are):
//
//	id         string or number, optional: the record's own id; the article id derives from it
//	title      string
//	body       string: the text, paragraphs separated by blank lines
//	paragraphs instead of body: a list of strings, or of {"section", "text"} objects
//	published  RFC 3339 ("2016-03-01T09:15:00+08:00") or a date ("2016-03-01")
//	author     string
//	source     string: the outlet
//	url        string: the article's address
//	language   string: a BCP 47 tag ("en", "de")
//
// A record needs at least one paragraph of text. A bad record (not an
// object, a field of the wrong type, a date that is neither form, no
// text, an id used twice) is reported with its line (.jsonl) or array
// index (.json) and left out; the others are read.
package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsroom/newsearch/index/doc"
)

// Error is one record that could not be read.
type Error struct {
	// Where names the record: "line 3" in a .jsonl seed, "item 2" (0-based
	// array index) or "record" in a .json seed.
	Where string
	Err   error
}

func (e *Error) Error() string { return e.Where + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// record is a record as it is decoded.
type record struct {
	ID         json.RawMessage `json:"id"`
	Title      string          `json:"title"`
	Body       *string         `json:"body"`
	Paragraphs []paragraph     `json:"paragraphs"`
	Published  string          `json:"published"`
	Author     string          `json:"author"`
	Source     string          `json:"source"`
	URL        string          `json:"url"`
	Language   string          `json:"language"`
}

// paragraph is an element of "paragraphs": a string or {section, text}.
type paragraph struct {
	Section string
	Text    string
}

// UnmarshalJSON takes a string or an object.
func (p *paragraph) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &p.Text)
	}
	var o struct {
		Section string `json:"section"`
		Text    string `json:"text"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return errors.New("a paragraph is a string or an object {\"section\", \"text\"}")
	}
	p.Section, p.Text = o.Section, o.Text
	return nil
}

// ReadJSONL reads a .jsonl seed: one record per line, blank lines ignored.
// It returns the documents of the good records, in order, and an *Error
// for each bad one, naming its line (1-based).
func ReadJSONL(seed string, data []byte) ([]*doc.Document, []error) {
	r := newReader(seed)
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		r.add(fmt.Sprintf("line %d", n), "n:"+strconv.Itoa(n), line)
	}
	return r.docs, r.errs
}

// ReadJSON reads a .json seed: one record, or an array of records. It
// returns the documents of the good records, in order, and an *Error for
// each bad one, naming its array index (0-based). A syntax error ends the
// reading: the records before it are kept.
func ReadJSON(seed string, data []byte) ([]*doc.Document, []error) {
	r := newReader(seed)
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\uFEFF")))
	if len(data) == 0 || data[0] != '[' {
		r.add("record", "n:0", data)
		return r.docs, r.errs
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the '['
		r.fail("array", err)
		return r.docs, r.errs
	}
	for i := 0; ; i++ {
		if !dec.More() {
			if _, err := dec.Token(); err != nil { // the ']'
				r.fail(fmt.Sprintf("item %d", i), err)
			} else if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
				r.fail("after the array", errors.New("unexpected content"))
			}
			break
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The rest of the array cannot be found again after a syntax
			// error: report it and keep what was read.
			r.fail(fmt.Sprintf("item %d", i), fmt.Errorf("%w (the rest of the file is not read)", err))
			break
		}
		r.add(fmt.Sprintf("item %d", i), "n:"+strconv.Itoa(i), raw)
	}
	return r.docs, r.errs
}

// reader collects a seed's documents and errors, and the ids taken.
type reader struct {
	seed string
	docs []*doc.Document
	errs []error
	ids  map[string]string // article id → where its record is
}

func newReader(seed string) *reader {
	return &reader{seed: seed, ids: map[string]string{}}
}

func (r *reader) fail(where string, err error) {
	r.errs = append(r.errs, &Error{Where: where, Err: err})
}

// add decodes the record at where (position key pos) and adds its
// document, or its error.
func (r *reader) add(where, pos string, raw []byte) {
	d, err := r.document(pos, raw)
	if err == nil {
		if first, dup := r.ids[d.ID]; dup {
			err = fmt.Errorf("the same id as the record at %s", first)
		}
	}
	if err != nil {
		r.fail(where, err)
		return
	}
	r.ids[d.ID] = where
	r.docs = append(r.docs, d)
}

// document makes the document of one record; pos is the key of its
// position, the id's last resort.
func (r *reader) document(pos string, raw []byte) (*doc.Document, error) {
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, describe(err)
	}
	id, err := recordID(rec.ID)
	if err != nil {
		return nil, err
	}
	d := &doc.Document{
		Seed:     r.seed,
		Title:    oneLine(rec.Title),
		Author:   oneLine(rec.Author),
		Source:   oneLine(rec.Source),
		URL:      strings.TrimSpace(rec.URL),
		Language: strings.TrimSpace(rec.Language),
	}
	switch {
	case id != "":
		d.ID = doc.RecordID(r.seed, "id:"+id)
	case d.URL != "":
		d.ID = doc.RecordID(r.seed, "url:"+d.URL)
	default:
		d.ID = doc.RecordID(r.seed, pos)
	}
	if d.Published, err = parseTime(rec.Published); err != nil {
		return nil, err
	}
	switch {
	case rec.Body != nil && rec.Paragraphs != nil:
		return nil, errors.New("both body and paragraphs: give one")
	case rec.Body != nil:
		for _, p := range splitBody(*rec.Body) {
			d.Paragraphs = append(d.Paragraphs, doc.Paragraph{Text: p})
		}
	default:
		for _, p := range rec.Paragraphs {
			if t := oneLine(p.Text); t != "" {
				d.Paragraphs = append(d.Paragraphs, doc.Paragraph{Section: oneLine(p.Section), Text: t})
			}
		}
	}
	if len(d.Paragraphs) == 0 {
		return nil, errors.New("no text: body or paragraphs is missing or empty")
	}
	for _, m := range [...]struct {
		name  string
		empty bool
	}{{"title", d.Title == ""}, {"author", d.Author == ""}, {"source", d.Source == ""}, {"published", d.Published.IsZero()}} {
		if m.empty {
			d.Missing = append(d.Missing, m.name)
		}
	}
	return d, nil
}

// describe makes a decoding error name the field at fault.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Errorf("field %s: %s where %s is expected", te.Field, te.Value, te.Type)
	}
	return err
}

// recordID returns a record's own id as text: a string or a number, ""
// when absent.
func recordID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	return "", errors.New("field id: a string or a number is expected")
}

// parseTime reads published: RFC 3339, or a date (midnight UTC).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("field published: %q is neither RFC 3339 nor YYYY-MM-DD", s)
}

// splitBody splits a body into paragraphs at blank lines; the lines of a
// paragraph are joined with spaces.
func splitBody(body string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(body) {
		if t := strings.Join(strings.Fields(line), " "); t != "" {
			cur = append(cur, t)
		} else {
			flush()
		}
	}
	flush()
	return out
}

// oneLine collapses white space, newlines included, to single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
