package relevance

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The Reuters-21578 collection as a test collection of our own making
// (bench/RESULTS.md, "Ranking quality"): the stories of the ModApte
// training split (LEWISSPLIT="TRAIN", TOPICS="YES") that have a body, a
// query per TOPICS category written from the category descriptions alone
// (testdata/reuters-queries.txt), and as judgments the stories' own TOPICS
// lists. The ModApte test stories are never kept: their records are
// skipped as they are read, before their text is looked at.

// ReutersQueries is the file of the Reuters queries, relative to this
// package.
const ReutersQueries = "testdata/reuters-queries.txt"

var (
	reutersTopics = regexp.MustCompile(`(?s)<TOPICS>(.*?)</TOPICS>`)
	reutersD      = regexp.MustCompile(`<D>(.*?)</D>`)
	reutersTitle  = regexp.MustCompile(`(?s)<TITLE>(.*?)</TITLE>`)
	reutersBody   = regexp.MustCompile(`(?s)<BODY>(.*?)</BODY>`)
	reutersEntity = regexp.MustCompile(`&#[0-9]+;`)
)

// LoadReutersTrain reads the ModApte training stories of Reuters-21578
// from dir (reut2-NNN.sgm.gz) and the queries from queries. A missing
// folder is ErrNoCorpus.
func LoadReutersTrain(dir, queries string) (*Collection, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "reut2-*.sgm.gz"))
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no reut2-*.sgm.gz in %s", ErrNoCorpus, dir)
	}
	c := &Collection{Qrels: map[int]map[int]bool{}}
	topics := map[int][]string{} // ordinal → categories
	for _, name := range files {
		data, err := readGzip(name)
		if err != nil {
			return nil, err
		}
		for _, chunk := range bytes.Split(data, []byte("</REUTERS>")) {
			start := bytes.Index(chunk, []byte("<REUTERS "))
			if start < 0 {
				continue
			}
			head, rec, ok := bytes.Cut(chunk[start+len("<REUTERS "):], []byte(">"))
			if !ok {
				continue
			}
			attrs := string(head)
			if !strings.Contains(attrs, `LEWISSPLIT="TRAIN"`) || !strings.Contains(attrs, `TOPICS="YES"`) {
				continue // not ModApte training: never read further
			}
			body := reutersBody.FindSubmatch(rec)
			if body == nil {
				continue // title only (BRIEF) or unparsed (UNPROC)
			}
			d := Doc{Ordinal: len(c.Docs) + 1, Number: attr(attrs, "NEWID")}
			if t := reutersTitle.FindSubmatch(rec); t != nil {
				d.Title = strings.Join(strings.Fields(sgmlText(t[1])), " ")
			}
			d.Lines = reutersParagraphs(sgmlText(body[1]))
			if len(d.Lines) == 0 {
				continue
			}
			if t := reutersTopics.FindSubmatch(rec); t != nil {
				for _, dm := range reutersD.FindAllSubmatch(t[1], -1) {
					topics[d.Ordinal] = append(topics[d.Ordinal], string(dm[1]))
				}
			}
			c.Docs = append(c.Docs, d)
		}
	}
	f, err := os.Open(queries)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byCat := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		cat, text, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("%s: no tab in %q", queries, line)
		}
		id := len(c.Queries) + 1
		c.Queries = append(c.Queries, Query{ID: id, Text: text})
		byCat[cat] = id
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for ord, cats := range topics {
		for _, cat := range cats {
			if id, ok := byCat[cat]; ok {
				if c.Qrels[id] == nil {
					c.Qrels[id] = map[int]bool{}
				}
				c.Qrels[id][ord] = true
			}
		}
	}
	return c, nil
}

func readGzip(name string) ([]byte, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoCorpus, name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return io.ReadAll(z)
}

func attr(attrs, name string) string {
	_, v, ok := strings.Cut(attrs, name+`="`)
	if !ok {
		return ""
	}
	v, _, _ = strings.Cut(v, `"`)
	return v
}

// sgmlText decodes the entities of the collection's text: the control
// characters (&#N;) go, &lt; &gt; &amp; become their characters; the one
// byte past ASCII is read as Latin-1.
func sgmlText(b []byte) string {
	s := reutersEntity.ReplaceAllString(string(b), "")
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 {
			out.WriteRune(rune(c))
		} else {
			out.WriteByte(c)
		}
	}
	return out.String()
}

// reutersParagraphs joins a story's hard-wrapped lines into paragraphs (a
// line indented by 4 or more spaces starts one) and drops the closing
// "Reuter" signature.
func reutersParagraphs(body string) []string {
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "    ") {
			flush()
		}
		if t := strings.TrimSpace(line); t != "" {
			cur = append(cur, t)
		}
	}
	flush()
	if n := len(paras); n > 0 && strings.EqualFold(strings.TrimSpace(paras[n-1]), "reuter") {
		paras = paras[:n-1]
	}
	// One paragraph a line, a blank line between: the article parser's
	// paragraphs.
	var lines []string
	for i, p := range paras {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, p)
	}
	return lines
}
