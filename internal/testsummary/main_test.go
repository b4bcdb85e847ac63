package main

import (
	"bytes"
	"strings"
	"testing"
)

const events = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK","Elapsed":0.01}
{"Action":"run","Package":"p/a","Test":"TestBrowser"}
{"Action":"output","Package":"p/a","Test":"TestBrowser","Output":"=== RUN   TestBrowser\n"}
{"Action":"output","Package":"p/a","Test":"TestBrowser","Output":"    browser_test.go:40: no chromium on PATH\n"}
{"Action":"output","Package":"p/a","Test":"TestBrowser","Output":"--- SKIP: TestBrowser (0.00s)\n"}
{"Action":"skip","Package":"p/a","Test":"TestBrowser","Elapsed":0}
{"Action":"pass","Package":"p/a","Elapsed":0.2}
{"Action":"run","Package":"p/b","Test":"TestBad"}
{"Action":"output","Package":"p/b","Test":"TestBad","Output":"    b_test.go:9: got 2, want 3\n"}
{"Action":"fail","Package":"p/b","Test":"TestBad","Elapsed":0}
{"Action":"fail","Package":"p/b","Elapsed":0.1}
`

func TestSummary(t *testing.T) {
	var out bytes.Buffer
	failed, err := summarise(strings.NewReader(events), &out)
	if err != nil || !failed {
		t.Fatalf("failed %v, err %v", failed, err)
	}
	for _, want := range []string{"ok  \tp/a", "got 2, want 3", "FAIL\tp/b", "1 tests passed, 1 failed, 1 skipped",
		"p/a TestBrowser: no chromium on PATH"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
