package corpus

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsroom/newsearch/internal/article"
)

// corpora is the shared corpus folder, relative to this package.
const corpora = "../../../../shared/corpus"

func needCorpora(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(corpora, "bbc")); err != nil {
		t.Skip("shared corpora not found at ../shared/corpus; skipping")
	}
}

// TestBuild checks that a scaled corpus has exactly the target paragraph
// count, that every seed parses with its byline metadata, and that two
// builds are identical.
func TestBuild(t *testing.T) {
	needCorpora(t)
	if testing.Short() || raceEnabled {
		t.Skip("parses 260,000 paragraphs: not with -short or -race (TestBuildSmall covers the rest)")
	}
	testBuild(t, 130_000) // more than the real paragraphs: synthetic articles too
}

// TestBuildSmall is TestBuild on real articles only.
func TestBuildSmall(t *testing.T) {
	needCorpora(t)
	testBuild(t, 2_000)
}

func testBuild(t *testing.T, target int) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	m, err := Build(Options{Root: corpora, Out: a, Target: target})
	if err != nil {
		t.Fatal(err)
	}
	if m.Paragraphs != target || m.Real == 0 || (m.Synthetic == 0) != (target < 100_000) {
		t.Fatalf("manifest %+v", m)
	}
	total := 0
	sources := map[string]int{}
	err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		art, err := article.Parse(filepath.ToSlash(rel), data)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if art.Author == "" || art.Source == "" || art.Published.IsZero() || art.Title == "" {
			t.Fatalf("%s: metadata missing: %q %q %v %q", rel, art.Author, art.Source, art.Published, art.Title)
		}
		sources[art.Source]++
		total += len(art.Paragraphs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != target {
		t.Fatalf("parsed %d paragraphs, want %d", total, target)
	}
	if sources[SourceBBC] == 0 || sources[SourceReuters] == 0 {
		t.Fatalf("sources %v", sources)
	}
	b := filepath.Join(dir, "b")
	if _, err := Build(Options{Root: corpora, Out: b, Target: target}); err != nil {
		t.Fatal(err)
	}
	if ha, hb := treeHash(t, a), treeHash(t, b); ha != hb {
		t.Fatal("two builds differ")
	}
}

func TestReutersDate(t *testing.T) {
	needCorpora(t)
	stories, err := readReuters(corpora)
	if err != nil {
		t.Fatal(err)
	}
	s := stories[0]
	if s.Key != "reuters/00001" || s.Title != "BAHIA COCOA REVIEW" || s.Published.Format(BylineLayout) != "15:01, February 26, 1987" {
		t.Fatalf("first story: %s %q %v", s.Key, s.Title, s.Published)
	}
	if !strings.HasPrefix(s.Paras[0], "SALVADOR, Feb 26 - Showers continued") || len(s.Paras) < 10 {
		t.Fatalf("paragraphs: %d %q", len(s.Paras), s.Paras[0])
	}
	for _, p := range s.Paras {
		if strings.Contains(p, "Reuter") && strings.HasSuffix(p, "Reuter") {
			t.Fatalf("trailer kept: %q", p)
		}
	}
}

func treeHash(t *testing.T, dir string) [32]byte {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		h.Write([]byte(rel + "\x00"))
		h.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}
