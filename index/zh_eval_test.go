package index

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/newsroom/newsearch/internal/query"
)

// The Chinese evaluation (bench/RESULTS.md, "Chinese search"): how well
// each way of cutting Han text (cjk.go) finds the words of 35 queries in
// the Chinese news of ../shared/corpus/zh (People's Daily sentences, one
// document each; Sohu pages, their bodies cut by normalizeDocument).
//
// Judgments. A paragraph is relevant to a query when it holds the query's
// word as a word: any occurrence of the query's characters, except those
// inside the contexts listed with the query, which are other words that
// happen to contain them (华人 in 中华人民共和国, 民主 in 江泽民主席). The
// contexts were written by reading every distinct context (two characters
// either side) of every query's occurrences in the corpus; a context was
// listed as false only where the characters plainly belong to other words
// (listed in zhQueries); senses of one word (出口 "export" and "exit") are
// not told apart. A second reading, of every occurrence where the three
// ways disagreed (pooling), added six contexts the first had missed
// (升华人们, 委员会议长, 部长官 of Korean ministers, 这部长诗, 其中国王,
// 拉美国家); it also found segmentation errors (同日本队 cut 同日 本队,
// 个中国人 个中 国人, 财政部长安雷 财政 部 长安 雷), which stay misses. Queries are of three kinds: words that are often
// characters of other words (the first 11), words that rarely are (18),
// and phrases of two or three words (6).
//
// ZH_EVAL=1 go test ./index -run TestChineseEvaluation -v prints the table;
// without ZH_EVAL, or without the corpus, the test is skipped.

// zhQuery is a query and the contexts where its characters are not it.
type zhQuery struct {
	q     string
	false []string
}

var zhQueries = []zhQuery{
	{"华人", []string{"中华人民", "升华人们"}},
	{"民主", []string{"江泽民主", "殖民主义"}},
	{"人大", []string{"工人大", "局外人大", "的人大部分", "个人大型"}},
	{"的确", []string{"的确立", "的确认", "的确定"}},
	{"和平", []string{"张和平", "和平台"}},
	{"人才", []string{"数人才能", "老人才接受"}},
	{"会议", []string{"国会议", "委员会议长"}},
	{"工人", []string{"务工人员"}},
	{"大学", []string{"大学习"}},
	{"上海", []string{"踏上海"}},
	{"主席", []string{"主席台"}},
	{"地方", nil}, {"部长", []string{"部长官", "这部长诗"}}, {"学生", nil}, {"中国", []string{"其中国王"}}, {"香港", nil}, {"美国", []string{"拉美国家"}},
	{"会长", nil}, {"北京", nil}, {"出口", nil}, {"公益", nil}, {"儿童", nil}, {"地铁", nil},
	{"江泽民", nil}, {"国务院", nil}, {"联合国", nil}, {"银行", nil}, {"日本", nil}, {"经济", nil},
	{"市场经济", nil}, {"经济发展", nil}, {"中东和平", nil}, {"人民大会堂", nil}, {"北京大学", nil}, {"希望工程", nil},
}

// relevant reports whether text holds q's word outside its false contexts.
func (z zhQuery) relevant(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], z.q)
		if j < 0 {
			return false
		}
		at := i + j
		inFalse := false
		for _, f := range z.false {
			// f contains q: is this occurrence inside an occurrence of f?
			for k := 0; k <= len(f)-len(z.q); k++ {
				if f[k:k+len(z.q)] == z.q && at-k >= 0 && strings.HasPrefix(text[at-k:], f) {
					inFalse = true
				}
			}
		}
		if !inFalse {
			return true
		}
		i = at + len(z.q)
	}
}

// zhCorpus reads the evaluation's documents; nil when the corpus is absent.
func zhCorpus(t testing.TB) []*Document {
	dir := filepath.Join("..", "..", "shared", "corpus", "zh")
	var docs []*Document
	for _, f := range []string{"sentences.dev.txt", "sentences.test.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, "peoples_daily_1998_ner", f))
		if err != nil {
			return nil
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				docs = append(docs, &Document{Seed: fmt.Sprintf("pd/%05d", len(docs)), Paragraphs: []Paragraph{{Text: l}}})
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "sogoucs_sohu_2012", "news_sohusite_xml.smarty.dat"))
	if err != nil {
		return nil
	}
	re := regexp.MustCompile(`(?s)<contenttitle>(.*?)</contenttitle>\s*<content>(.*?)</content>`)
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		if strings.TrimSpace(m[2]) == "" {
			continue
		}
		d := &Document{Seed: fmt.Sprintf("sohu/%03d", len(docs)), Title: m[1], Paragraphs: []Paragraph{{Text: strings.TrimSpace(m[2])}}}
		normalizeDocument(d)
		docs = append(docs, d)
	}
	return docs
}

func TestChineseEvaluation(t *testing.T) {
	if os.Getenv("ZH_EVAL") == "" {
		t.Skip("ZH_EVAL not set")
	}
	docs := zhCorpus(t)
	if docs == nil {
		t.Skip("no ../shared/corpus/zh")
	}
	if _, err := zhDict(); err != nil {
		t.Fatal(err)
	}
	paras := 0
	for _, d := range docs {
		paras += len(d.Paragraphs)
	}
	t.Logf("%d documents, %d paragraphs, %d queries", len(docs), paras, len(zhQueries))
	fmt.Printf("| cut | P@10 | MAP | recall | false hits | analysis time | terms |\n|---|---|---|---|---|---|---|\n")
	for _, mode := range []cjkMode{cjkWords, cjkBigrams, cjkUnigrams} {
		name := [...]string{"dictionary words (gse)", "bigrams", "single characters"}[mode]
		m, err := newMapping(mode)
		if err != nil {
			t.Fatal(err)
		}
		dm, err := newDocMaker(m)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := bleve.NewMemOnly(m)
		if err != nil {
			t.Fatal(err)
		}
		an := m.AnalyzerNamed(textAnalyzer)
		start := time.Now()
		for _, d := range docs {
			for _, p := range d.Paragraphs {
				an.Analyze([]byte(p.Text))
			}
		}
		took := time.Since(start)
		texts := map[string]string{}
		batch := idx.NewBatch()
		for _, d := range docs {
			pds, err := dm.document(d)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range pds {
				texts[p.id] = d.Paragraphs[i].Text
				if err := batch.IndexAdvanced(p.document()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := idx.Batch(batch); err != nil {
			t.Fatal(err)
		}
		terms := 0
		if dict, err := idx.FieldDict(FieldText); err == nil {
			for e, _ := dict.Next(); e != nil; e, _ = dict.Next() {
				terms++
			}
			dict.Close()
		}
		tr := &translator{text: m.AnalyzerNamed(textAnalyzer), name: m.AnalyzerNamed(nameAnalyzer), paragraphs: true, han: true}
		var sumP, sumAP, sumRecall float64
		falseHits := 0
		var perQuery []string
		for _, z := range zhQueries {
			n, err := query.Parse(z.q)
			if err != nil {
				t.Fatal(err)
			}
			bq := tr.translate(n)
			sr := bleve.NewSearchRequestOptions(bq, 10_000, 0, false)
			sr.SortBy([]string{"-_score", "_id"})
			res, err := idx.Search(sr)
			if err != nil {
				t.Fatal(err)
			}
			rel := 0
			for _, text := range texts {
				if z.relevant(text) {
					rel++
				}
			}
			found, p10, ap := 0, 0, 0.0
			for i, h := range res.Hits {
				if z.relevant(texts[h.ID]) {
					found++
					ap += float64(found) / float64(i+1)
					if i < 10 {
						p10++
					}
				} else {
					falseHits++
				}
			}
			if rel > 0 {
				ap /= float64(rel)
				sumRecall += float64(found) / float64(rel)
			}
			sumP += float64(p10) / float64(min(10, max(rel, 1)))
			sumAP += ap
			perQuery = append(perQuery, fmt.Sprintf("%s %d/%d/%d", z.q, found, len(res.Hits), rel))
		}
		nq := float64(len(zhQueries))
		fmt.Printf("| %s | %.3f | %.3f | %.3f | %d | %v | %d |\n", name, sumP/nq, sumAP/nq, sumRecall/nq, falseHits, took.Round(time.Millisecond), terms)
		t.Logf("%s (relevant found/hits/relevant): %s", name, strings.Join(perQuery, ", "))
		idx.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap %d MiB", ms.HeapAlloc>>20)
}
