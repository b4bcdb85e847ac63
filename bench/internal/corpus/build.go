package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/newsroom/newsearch/internal/article"
)

// Version changes whenever the generated files would change; a corpus
// folder written by another version is rebuilt.
const Version = "1"

// ManifestFile is written in the output folder. Its name starts with a
// dot, so the indexer does not take it for a seed.
const ManifestFile = ".corpus.json"

// BylineLayout is the date layout of the byline line.
const BylineLayout = "15:04, January 2, 2006"

// Options says what to build.
type Options struct {
	Root   string // the shared corpora: holds bbc/ and reuters21578/
	Out    string // the output folder, e.g. bench/out/corpus-10000
	Target int    // paragraphs, as the article parser counts them
	Force  bool   // rebuild even when Out holds this corpus already
}

// Manifest describes a built corpus.
type Manifest struct {
	Version    string `json:"version"`
	Target     int    `json:"target"`
	Paragraphs int    `json:"paragraphs"` // as article.Parse counts them
	Articles   int    `json:"articles"`
	Real       int    `json:"real_articles"`      // taken as they are from the corpora
	Synthetic  int    `json:"synthetic_articles"` // recombined from real paragraphs
	Bytes      int64  `json:"bytes"`
	BBC        int    `json:"bbc_articles"`
	Reuters    int    `json:"reuters_articles"`
}

// ReadManifest reads the manifest of a built corpus folder.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(b, &m)
}

// Build writes the corpus of opts.Target paragraphs to opts.Out, unless it
// is there already. Real articles come first, in a fixed shuffled order of
// both corpora; once they are used up, synthetic articles are made of a
// real article's title and byline and 3–10 paragraphs drawn from the real
// paragraphs of the same outlet. The last article is cut so that the total
// is exactly the target.
func Build(opts Options) (Manifest, error) {
	if opts.Target <= 0 {
		return Manifest{}, errors.New("target must be positive")
	}
	if m, err := ReadManifest(opts.Out); err == nil && !opts.Force && m.Version == Version && m.Target == opts.Target {
		return m, nil
	}
	bbc, err := readBBC(opts.Root)
	if err != nil {
		return Manifest{}, err
	}
	reuters, err := readReuters(opts.Root)
	if err != nil {
		return Manifest{}, err
	}
	stories := append(append([]Story{}, bbc...), reuters...)
	rng := rand.New(rand.NewPCG(20260101, 8))
	rng.Shuffle(len(stories), func(i, j int) { stories[i], stories[j] = stories[j], stories[i] })

	tmp := opts.Out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return Manifest{}, err
	}
	w := &writer{dir: tmp, m: Manifest{Version: Version, Target: opts.Target}}
	for _, s := range stories {
		if w.m.Paragraphs >= opts.Target {
			break
		}
		if err := w.add(s.Key, s, opts.Target); err != nil {
			return Manifest{}, err
		}
	}
	w.m.Real = w.m.Articles
	if w.m.Paragraphs < opts.Target {
		pools := map[string][]string{}
		var templates []Story
		for _, s := range stories {
			pools[s.Source] = append(pools[s.Source], s.Paras...)
			templates = append(templates, s)
		}
		sort.Slice(templates, func(i, j int) bool { return templates[i].Key < templates[j].Key })
		for n := 1; w.m.Paragraphs < opts.Target; n++ {
			t := templates[rng.IntN(len(templates))]
			pool := pools[t.Source]
			k := 3 + rng.IntN(8)
			s := Story{Source: t.Source, Title: t.Title, Author: t.Author, Published: t.Published}
			for range k {
				s.Paras = append(s.Paras, pool[rng.IntN(len(pool))])
			}
			key := fmt.Sprintf("synth/%04d/%07d", n/1000, n)
			before := w.m.Articles
			if err := w.add(key, s, opts.Target); err != nil {
				return Manifest{}, err
			}
			w.m.Synthetic += w.m.Articles - before
		}
	}
	b, _ := json.MarshalIndent(w.m, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return Manifest{}, err
	}
	if err := os.RemoveAll(opts.Out); err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(tmp, opts.Out); err != nil {
		return Manifest{}, err
	}
	return w.m, nil
}

type writer struct {
	dir  string
	m    Manifest
	dirs map[string]bool
}

// add writes story s as seed key.txt, cut to the paragraphs still wanted.
// A story whose text the parser reads as no paragraph is left out.
func (w *writer) add(key string, s Story, target int) error {
	want := target - w.m.Paragraphs
	rel := key + ".txt"
	paras := s.Paras
	var text string
	n := 0
	for len(paras) > 0 {
		text = SeedText(s.Title, s.Author, s.Source, s.Published, paras)
		a, err := article.Parse(rel, []byte(text))
		if err != nil {
			return nil // not an article to the parser: skip it
		}
		n = len(a.Paragraphs)
		if n <= want {
			break
		}
		// Too many: keep about as many source paragraphs as are wanted.
		paras = paras[:min(len(paras)-1, max(want, 1))]
	}
	if len(paras) == 0 || n == 0 {
		return nil
	}
	path := filepath.Join(w.dir, filepath.FromSlash(rel))
	if w.dirs == nil {
		w.dirs = map[string]bool{}
	}
	if d := filepath.Dir(path); !w.dirs[d] {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		w.dirs[d] = true
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return err
	}
	w.m.Articles++
	w.m.Paragraphs += n
	w.m.Bytes += int64(len(text))
	switch s.Source {
	case SourceBBC:
		w.m.BBC++
	case SourceReuters:
		w.m.Reuters++
	}
	return nil
}

// SeedText renders an article as a seed: title, blank line, byline
// "By Name (Outlet) 15:04, January 2, 2006", blank line, then the
// paragraphs separated by blank lines.
func SeedText(title, author, source string, published time.Time, paras []string) string {
	var b strings.Builder
	b.WriteString(title)
	b.WriteString("\n\nBy ")
	b.WriteString(author)
	b.WriteString(" (")
	b.WriteString(source)
	b.WriteString(") ")
	b.WriteString(published.Format(BylineLayout))
	b.WriteString("\n")
	for _, p := range paras {
		b.WriteString("\n")
		b.WriteString(p)
		b.WriteString("\n")
	}
	return b.String()
}
