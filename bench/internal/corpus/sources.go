// Package corpus turns the shared news corpora (BBC News, Reuters-21578)
// into seed files in the byline format the article parser understands, and
// scales them to a target paragraph count by recombining real paragraphs.
//
// Everything it does is deterministic: the same corpora and target give
// the same files, byte for byte.
package corpus

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Source names written in the bylines.
const (
	SourceBBC     = "BBC News"
	SourceReuters = "Reuters"
)

// Story is one real article read from a corpus.
type Story struct {
	Key       string // stable name: "bbc/business/001", "reuters/00001"
	Source    string // SourceBBC or SourceReuters
	Title     string
	Author    string
	Published time.Time
	Paras     []string // body paragraphs, one line each
}

// readBBC reads bbc/*/*.txt: a title line, a blank line, then paragraphs
// separated by blank lines. The dataset carries no dates (its articles are
// from 2004–2005), so each story gets a fixed date in that span derived
// from its path. Exact duplicate files are read once.
func readBBC(root string) ([]Story, error) {
	files, err := filepath.Glob(filepath.Join(root, "bbc", "*", "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	seen := map[[32]byte]bool{}
	var out []Story
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		text := latin1Fix(data)
		lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		if len(lines) < 3 {
			continue
		}
		title := clean(lines[0])
		var paras []string
		var cur []string
		flush := func() {
			if len(cur) > 0 {
				paras = append(paras, strings.Join(cur, " "))
				cur = nil
			}
		}
		for _, l := range lines[1:] {
			if t := clean(l); t == "" {
				flush()
			} else {
				cur = append(cur, t)
			}
		}
		flush()
		if title == "" || len(paras) == 0 {
			continue
		}
		rel, _ := filepath.Rel(filepath.Join(root, "bbc"), f)
		key := "bbc/" + strings.TrimSuffix(filepath.ToSlash(rel), ".txt")
		out = append(out, Story{Key: key, Source: SourceBBC, Title: title, Author: "BBC News Staff",
			Published: bbcDate(key), Paras: paras})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no BBC articles under %s", filepath.Join(root, "bbc"))
	}
	return out, nil
}

// bbcDate is a fixed date between 2004-01-01 and 2005-12-31 for a story key.
func bbcDate(key string) time.Time {
	h := fnv.New64a()
	h.Write([]byte(key))
	v := h.Sum64()
	start := time.Date(2004, 1, 1, 7, 0, 0, 0, time.UTC)
	days := int(v % 731)
	minutes := int(v/731) % (14 * 60) // 07:00–20:59
	return start.AddDate(0, 0, days).Add(time.Duration(minutes) * time.Minute)
}

var (
	newIDRe  = regexp.MustCompile(`^<REUTERS[^>]*NEWID="(\d+)"`)
	dateRe   = regexp.MustCompile(`<DATE>\s*(\d{1,2}-[A-Z]{3}-\d{4} \d{1,2}:\d{2}:\d{2})`)
	entityRe = regexp.MustCompile(`&#(\d+);|&(lt|gt|amp|quot);`)
	nameRe   = regexp.MustCompile(`^(?:\p{Lu}[\p{L}'.-]*\s*){1,5}$`)
)

// readReuters reads reuters21578/reut2-*.sgm.gz tolerantly (a scan for
// the tags, small regular expressions inside them): records with a <BODY> (the BRIEF and UNPROC ones have none
// and are left out), their <TITLE>, <DATE> (26-FEB-1987 15:01:01.79),
// <AUTHOR> when it names a person, and the body split into paragraphs at
// indented lines. Bodies that repeat an earlier one are left out.
func readReuters(root string) ([]Story, error) {
	files, err := filepath.Glob(filepath.Join(root, "reuters21578", "reut2-*.sgm.gz"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	seen := map[[32]byte]bool{}
	var out []Story
	for _, f := range files {
		raw, err := readGzip(f)
		if err != nil {
			return nil, err
		}
		text := latin1Fix(raw)
		for _, rec := range records(text) {
			im := newIDRe.FindStringSubmatch(rec)
			if im == nil {
				continue
			}
			id := im[1]
			body, okB := between(rec, "<BODY>", "</BODY>")
			title, okT := between(rec, "<TITLE>", "</TITLE>")
			dm := dateRe.FindStringSubmatch(rec)
			if !okB || !okT || dm == nil {
				continue
			}
			published, err := time.Parse("2-Jan-2006 15:04:05", titleCaseMonth(dm[1]))
			if err != nil {
				continue
			}
			body = unescape(body)
			sum := sha256.Sum256([]byte(body))
			if seen[sum] {
				continue
			}
			seen[sum] = true
			paras := reutersParas(body)
			if len(paras) == 0 {
				continue
			}
			if dl, ok := between(rec, "<DATELINE>", "</DATELINE>"); ok {
				if d := clean(unescape(dl)); d != "" {
					paras[0] = d + " " + paras[0]
				}
			}
			author := "Reuters Staff"
			if am, ok := between(rec, "<AUTHOR>", "</AUTHOR>"); ok {
				if a := authorName(am); nameRe.MatchString(a) {
					author = a
				}
			}
			n, _ := strconv.Atoi(id)
			title = clean(unescape(title))
			if title == "" {
				continue
			}
			out = append(out, Story{Key: fmt.Sprintf("reuters/%05d", n), Source: SourceReuters, Title: title,
				Author: author, Published: published, Paras: paras})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no Reuters articles under %s", filepath.Join(root, "reuters21578"))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// between returns the text between the first open tag and the close tag
// after it.
func between(s, open, close string) (string, bool) {
	i := strings.Index(s, open)
	if i < 0 {
		return "", false
	}
	s = s[i+len(open):]
	j := strings.Index(s, close)
	if j < 0 {
		return "", false
	}
	return s[:j], true
}

// authorName reads "    By Cal Mankowski, Reuters" as "Cal Mankowski".
func authorName(s string) string {
	s = clean(s)
	if len(s) < 3 || !strings.EqualFold(s[:3], "by ") {
		return ""
	}
	s = s[3:]
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// records splits an SGML file into its <REUTERS ...>...</REUTERS> records
// (a plain scan: a regular expression over the whole file is slow).
func records(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "<REUTERS")
		if i < 0 {
			return out
		}
		text = text[i:]
		j := strings.Index(text, "</REUTERS>")
		if j < 0 {
			return append(out, text)
		}
		out = append(out, text[:j])
		text = text[j+len("</REUTERS>"):]
	}
}

// reutersParas splits a hard-wrapped body into paragraphs: a line that
// starts with white space starts a new one; the trailing "Reuter" line
// and control characters go.
func reutersParas(body string) []string {
	lines := strings.Split(body, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.EqualFold(strings.TrimSpace(lines[i]), "reuter") {
			lines = lines[:i]
			break
		}
	}
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			if p := strings.Join(cur, " "); p != "" {
				paras = append(paras, p)
			}
			cur = nil
		}
	}
	for _, l := range lines {
		t := clean(l)
		if t == "" {
			flush()
			continue
		}
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			flush()
		}
		cur = append(cur, t)
	}
	flush()
	return paras
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// latin1Fix reads bytes that are not valid UTF-8 as Latin-1 (one stray
// byte in each corpus).
func latin1Fix(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(rune(b[0]))
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}

// unescape decodes the SGML entities of the Reuters files; control
// characters become nothing.
func unescape(s string) string {
	return entityRe.ReplaceAllStringFunc(s, func(e string) string {
		switch e {
		case "&lt;":
			return "<"
		case "&gt;":
			return ">"
		case "&amp;":
			return "&"
		case "&quot;":
			return `"`
		}
		n, err := strconv.Atoi(e[2 : len(e)-1])
		if err != nil || n < 32 || n == 127 {
			return ""
		}
		return string(rune(n))
	})
}

// clean normalises white space and drops control characters.
func clean(s string) string {
	var b bytes.Buffer
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0':
			space = b.Len() > 0
		case r < 32 || r == 127:
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// titleCaseMonth turns "26-FEB-1987 15:01:01" into "26-Feb-1987 15:01:01".
func titleCaseMonth(s string) string {
	parts := strings.SplitN(s, "-", 3)
	if len(parts) != 3 || len(parts[1]) != 3 {
		return s
	}
	parts[1] = parts[1][:1] + strings.ToLower(parts[1][1:])
	return strings.Join(parts, "-")
}
