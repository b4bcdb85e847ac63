package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsroom/newsearch/internal/article"
)

var update = flag.Bool("update", false, "rewrite the golden files of the API under testdata/golden")

// TestAPIGolden pins whole JSON bodies of /api/search and
// /api/articles/{id} from a real index. Volatile fields are masked
// (took_ms, request ids) and scores rounded to 6 decimals, so that only a
// change of the contract or of the results fails it. After an intended
// change: go test ./internal/server -run APIGolden -update, and review the
// diff.
func TestAPIGolden(t *testing.T) {
	f := newAPIFixture(t, nil)
	h := f.srv.Config.Handler
	id := article.IDFor("000_5560a174234f78d3.txt")
	for _, tt := range []struct{ name, target string }{
		{"search-phrase", "/api/search?q=" + url.QueryEscape(`"critical infrastructure"`) + "&size=3"},
		{"search-grouped", "/api/search?q=storm&group=article&sort=date"},
		{"search-relaxed", "/api/search?q=espionage+zzyzxq&size=2&facets=false"},
		{"search-partial", "/api/search?q=storm+harbour&facets=false"},
		{"search-suggestion", "/api/search?q=espionnage"},
		{"search-error", "/api/search?q=" + url.QueryEscape(`china "cyber`)},
		{"article", "/api/articles/" + id + "?q=espionage"},
		{"article-hostile", "/api/articles/" + article.IDFor("hostile.txt") + "?q=markup"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
			got := maskVolatile(t, rec.Body.Bytes())
			path := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s (status %d) differs from %s (run with -update after an intended change):\n%s", tt.target, rec.Code, path, got)
			}
		})
	}
}

// maskVolatile re-indents a JSON body with took_ms and request_id set to
// fixed values and scores rounded.
func maskVolatile(t *testing.T, body []byte) []byte {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "took_ms":
					v[k] = 0
				case "request_id":
					v[k] = "masked"
				case "score":
					if n, ok := x.(json.Number); ok {
						f, _ := n.Float64()
						v[k] = math.Round(f*1e6) / 1e6
					}
				default:
					v[k] = walk(x)
				}
			}
		case []any:
			for i, x := range v {
				v[i] = walk(x)
			}
		}
		return v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // readable diffs; the served bodies stay escaped
	enc.SetIndent("", "  ")
	if err := enc.Encode(walk(v)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
