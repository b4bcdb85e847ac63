package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		format string
		json   bool
	}{{"", true}, {Auto, true}, {JSON, true}, {Text, false}} {
		var b bytes.Buffer
		log, err := New(&b, c.format, slog.LevelInfo)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("hello", "k", "v")
		log.Debug("hidden")
		var m map[string]any
		isJSON := json.Unmarshal(b.Bytes(), &m) == nil
		if isJSON != c.json || strings.Contains(b.String(), "hidden") || !strings.Contains(b.String(), "hello") {
			t.Errorf("format %q (not a terminal): %q", c.format, b.String())
		}
	}
	if _, err := New(&bytes.Buffer{}, "xml", slog.LevelInfo); err == nil {
		t.Error("-log-format xml accepted")
	}
}
