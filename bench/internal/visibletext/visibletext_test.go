package visibletext

import (
	"os"
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	if !Available() {
		t.Skip("w3m is not installed (apt-get install -y w3m)")
	}
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	for range 2 { // the second time from the cache
		text, err := Dump(page, cache)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "Café owners protest") || !strings.Contains(text, "Zürich council agreed.") || strings.Contains(text, "<p>") {
			t.Fatalf("dump %q", text)
		}
		// A paragraph is one line, however long: the width is unlimited.
		if !strings.Contains(text, "The owners of the cafés in the old town met on Monday to protest against the new rules, which they said would cost them half of their summer trade.") {
			t.Fatalf("paragraph wrapped or lost: %q", text)
		}
	}
}
