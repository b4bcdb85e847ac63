package snippet

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden renders a few snippets into testdata/golden/NAME.html. Run
// `go test ./internal/snippet/ -run TestGolden -update` to regenerate them
// after an intended change, and review the diff.
func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		terms []string
		max   int
	}{
		{"council", councilText, []string{"solar", "battery", "grid", "council"}, 160},
		{"flood", floodText, []string{"coast", "road", "repairs"}, 60},
		{"french", frenchText, []string{"centrale", "solaire", "batterie"}, 80},
		{"emoji", emojiText, []string{"sunny", "days", "forecast"}, 40},
		{"hostile", hostileText + " " + strings.Repeat("and more filler text ", 6), []string{"script", "co"}, 40},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spans := Spans(c.text, tokenMatches(c.text, c.terms...))
			sn := Build(c.text, spans, Options{MaxRunes: c.max})
			checkSnippet(t, c.text, sn, c.max)
			var b strings.Builder
			b.WriteString("<!-- Build, MaxRunes " + strconv.Itoa(c.max) + " -->\n<p>" + sn.HTML + "</p>\n")
			b.WriteString("<!-- Highlight -->\n<p>" + Highlight(c.text, spans) + "</p>\n")
			got := b.String()

			path := filepath.Join("testdata", "golden", c.name+".html")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (run with -update to accept)\n got:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
