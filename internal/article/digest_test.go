package article

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The digest check proves that a change meant to leave Parse's output as it
// is (a change of speed, say) does: run it with -digests.write before the
// change and with -digests.check after it, on the same inputs:
//
//	go test ./internal/article -run TestParseDigests -digests.write /tmp/before.txt
//	go test ./internal/article -run TestParseDigests -digests.check /tmp/before.txt
var (
	digestsWrite = flag.String("digests.write", "", "write the digest of Parse's output for every text input to this file")
	digestsCheck = flag.String("digests.check", "", "compare the digest of Parse's output for every text input with this file")
)

// digestInput is one text given to Parse.
type digestInput struct {
	name string
	data []byte
}

// digestWeights are the weights every input is parsed with: the defaults,
// and a set that turns on what the defaults leave off (continuation blocks)
// and off what they turn on (signing, leads, repeats), so that both sides
// of those branches are compared.
var digestWeights = []struct {
	name string
	w    Weights
}{
	{"default", DefaultWeights()},
	{"alt", Weights{Short: 5, Bullet: 1, Count: 4, Chrome: 12, Menu: 3, Follow: 30, Run: 3, Signed: 0, Lead: 0, Window: 4, Repeats: false}},
}

// TestParseDigests writes or checks the SHA-256 of the JSON of Parse's
// result (article and error) for every text input at hand: the seeds,
// the shared corpora (BBC files, Reuters records, TIME records, the
// Chinese sets), a built bench corpus and the cached visible text of the
// extraction development pages (bench/out, when they were made).
func TestParseDigests(t *testing.T) {
	if *digestsWrite == "" && *digestsCheck == "" {
		t.Skip("give -digests.write FILE or -digests.check FILE to compare Parse's output before and after a change")
	}
	if _, err := os.Stat(corpusDir); err != nil {
		t.Logf("shared corpora absent (%v): digesting the seeds and bench/out only", err)
	}
	inputs := digestInputs(t)
	var out bytes.Buffer
	for _, in := range inputs {
		for _, dw := range digestWeights {
			fmt.Fprintf(&out, "%s\t%s\t%s\n", in.name, dw.name, parseDigest(in, dw.w))
		}
	}
	t.Logf("%d inputs, %d digests", len(inputs), len(inputs)*len(digestWeights))
	if *digestsWrite != "" {
		if err := os.WriteFile(*digestsWrite, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if *digestsCheck == "" {
		return
	}
	want, err := os.ReadFile(*digestsCheck)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(out.String(), "\n")
	wantLines := strings.Split(string(want), "\n")
	if len(got) != len(wantLines) {
		t.Fatalf("%d digests, %s has %d", len(got)-1, *digestsCheck, len(wantLines)-1)
	}
	differ := 0
	for i := range got {
		if got[i] != wantLines[i] {
			if differ++; differ <= 20 {
				t.Errorf("differs: %s (was %s)", got[i], wantLines[i])
			}
		}
	}
	if differ > 0 {
		t.Fatalf("%d of %d digests differ", differ, len(got)-1)
	}
	t.Logf("all %d digests identical", len(got)-1)
}

// parseDigest is the hex SHA-256 of the JSON of what ParseWeighted returns.
func parseDigest(in digestInput, w Weights) string {
	a, err := ParseWeighted(in.name, in.data, w)
	res := struct {
		Article *Article
		Zone    string
		Err     string
	}{Article: a}
	if a != nil {
		res.Zone = a.Published.Location().String()
	}
	if err != nil {
		res.Err = err.Error()
	}
	b, jerr := json.Marshal(res)
	if jerr != nil {
		return "marshal: " + jerr.Error()
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// digestInputs gathers the texts, in a fixed order.
func digestInputs(t *testing.T) []digestInput {
	t.Helper()
	var ins []digestInput
	files := func(prefix string, patterns ...string) {
		for _, pat := range patterns {
			paths, _ := filepath.Glob(pat)
			sort.Strings(paths)
			for _, p := range paths {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				ins = append(ins, digestInput{prefix + filepath.ToSlash(p), b})
			}
		}
	}
	files("", "../../seeds/*.txt")
	files("", filepath.Join(corpusDir, "bbc/*/*.txt"))
	// A built bench corpus (go run ./bench/corpus): the indexer's input.
	files("", "../../bench/out/corpus-*/*/*.txt", "../../bench/out/corpus-*/*/*/*.txt")
	// The visible text of the extraction pages (bench/internal/visibletext's cache).
	files("", "../../bench/out/visibletext/*.txt")
	// The Chinese sentence files, whole.
	files("", filepath.Join(corpusDir, "zh/peoples_daily_1998_ner/sentences.*.txt"))
	ins = append(ins, reutersInputs(t)...)
	ins = append(ins, recordInputs(t, filepath.Join(corpusDir, "time/TIME.ALL"), "*TEXT ")...)
	ins = append(ins, sohuInputs(t)...)
	return ins
}

// tagRe matches an SGML tag of the Reuters files.
var tagRe = regexp.MustCompile(`<[^>]*>`)

// reutersInputs are the Reuters-21578 records' text parts, the tags made
// line breaks.
func reutersInputs(t *testing.T) []digestInput {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "reuters21578/reut2-*.sgm.gz"))
	sort.Strings(paths)
	var ins []digestInput
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, rec := range strings.Split(string(b), "<REUTERS")[1:] {
			s, e := strings.Index(rec, "<TEXT"), strings.Index(rec, "</TEXT>")
			if s < 0 || e < s {
				continue
			}
			text := tagRe.ReplaceAllString(rec[s:e], "\n")
			ins = append(ins, digestInput{fmt.Sprintf("%s#%d", filepath.Base(p), i), []byte(text)})
		}
	}
	return ins
}

// recordInputs splits a file into records at the lines that start with mark.
func recordInputs(t *testing.T, path, mark string) []digestInput {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ins []digestInput
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			ins = append(ins, digestInput{fmt.Sprintf("%s#%d", filepath.Base(path), len(ins)), []byte(cur.String())})
			cur.Reset()
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), mark) {
			flush()
		}
		cur.WriteString(sc.Text())
		cur.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	flush()
	return ins
}

// sohuInputs are the Sohu pages of the SogouCS sample: title, blank line,
// content.
func sohuInputs(t *testing.T) []digestInput {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "zh/sogoucs_sohu_2012/news_sohusite_xml.smarty.dat"))
	if err != nil {
		return nil
	}
	between := func(s, open, close string) string {
		i := strings.Index(s, open)
		j := strings.Index(s, close)
		if i < 0 || j < i {
			return ""
		}
		return s[i+len(open) : j]
	}
	var ins []digestInput
	for i, doc := range strings.Split(string(b), "<doc>")[1:] {
		text := between(doc, "<contenttitle>", "</contenttitle>") + "\n\n" + between(doc, "<content>", "</content>") + "\n"
		ins = append(ins, digestInput{fmt.Sprintf("sohu#%d", i), []byte(text)})
	}
	return ins
}
