// Command testsummary reads `go test -json` on stdin and prints what `go
// test` prints (a line per package; the output of failed tests and
// packages), then a summary of the tests that were skipped, each with its
// reason, so that a test that quietly skips (no browser, no root, no
// network) is seen. It exits 1 when a test or package failed.
//
//	go test -json ./... | go run ./internal/testsummary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type key struct{ pkg, test string }

// skip is one skipped test and why.
type skip struct {
	pkg, test, reason string
}

func main() {
	failed, err := summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// summarise reads the events in r and writes the report to w; it reports
// whether anything failed.
func summarise(r io.Reader, w io.Writer) (bool, error) {
	out := map[key][]string{} // output so far of each test (test "" is the package's)
	var skips []skip
	failed := false
	passed, failedTests := 0, 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event (a build error printed by go itself): shown.
			fmt.Fprintln(w, string(line))
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "output", "build-output":
			out[k] = append(out[k], e.Output)
		case "pass":
			if e.Test == "" {
				fmt.Fprintf(w, "ok  \t%s\t%.3fs\n", e.Package, e.Elapsed)
			} else {
				passed++
			}
			delete(out, k)
		case "skip":
			if e.Test == "" {
				fmt.Fprintf(w, "?   \t%s\t[no test files]\n", e.Package)
			} else {
				skips = append(skips, skip{e.Package, e.Test, reason(out[k])})
			}
			delete(out, k)
		case "fail":
			failed = true
			if e.Test != "" {
				failedTests++
			}
			for _, o := range out[k] {
				fmt.Fprint(w, o)
			}
			if e.Test == "" && len(out[k]) == 0 {
				fmt.Fprintf(w, "FAIL\t%s\n", e.Package)
			}
			delete(out, k)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	// Output of packages that never ended (a panic that killed the binary
	// prints to the package's output, then fails it; anything else left
	// here is shown rather than lost).
	for k, o := range out {
		if k.test == "" && len(o) > 0 && failed {
			fmt.Fprint(w, strings.Join(o, ""))
		}
	}
	sort.Slice(skips, func(i, j int) bool {
		if skips[i].pkg != skips[j].pkg {
			return skips[i].pkg < skips[j].pkg
		}
		return skips[i].test < skips[j].test
	})
	fmt.Fprintf(w, "\n%d tests passed, %d failed, %d skipped\n", passed, failedTests, len(skips))
	if len(skips) > 0 {
		fmt.Fprintln(w, "Skipped:")
		for _, s := range skips {
			fmt.Fprintf(w, "  %s %s: %s\n", strings.TrimPrefix(s.pkg, "github.com/newsroom/newsearch/"), s.test, s.reason)
		}
	}
	return failed, nil
}

// reason is what a skipped test said, without go test's own lines.
func reason(lines []string) string {
	var r []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		// "file_test.go:12: why": the why.
		if i := strings.Index(t, ".go:"); i >= 0 {
			if j := strings.Index(t[i+4:], ": "); j >= 0 {
				t = t[i+4+j+2:]
			}
		}
		r = append(r, t)
	}
	if len(r) == 0 {
		return "(no reason given)"
	}
	return strings.Join(r, " / ")
}
