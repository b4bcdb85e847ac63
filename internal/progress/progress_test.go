package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestBarAndLog(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, slog.New(slog.DiscardHandler), true, 0)
	r.Update(10, 10, 50)
	r.Done()
	if s := out.String(); !strings.Contains(s, "[==============================] 10/10 seeds") || !strings.HasSuffix(s, "\n") {
		t.Errorf("bar %q", s)
	}
	var logs bytes.Buffer
	r = New(&out, slog.New(slog.NewTextHandler(&logs, nil)), false, 1)
	r.Update(1, 1000, 3)
	if !strings.Contains(logs.String(), "eta=?") {
		t.Errorf("log %q", logs.String())
	}
}
