package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
)

// defaultMemoryLimit is the indexer's soft heap limit unless told
// otherwise. -gogc 400 lets the heap grow to five times what is live,
// which is cheap for a small index and, for a large one, multiplies the
// seed lists held for the manifest; the limit makes the collector work
// harder only when the heap nears it. It is below the resident memory an
// indexer is allowed on one node (docs/SCALING.md) by the room the
// merges' mapped segment files take.
const defaultMemoryLimit = "2GiB"

// parseSize reads a byte count with an optional binary unit (B, KiB, MiB,
// GiB, TiB), as GOMEMLIMIT spells it; "0" and "off" mean no limit (0).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || strings.EqualFold(s, "off") {
		return 0, nil
	}
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size such as 2GiB or 1500MiB", s)
	}
	if n > (1<<63-1)/mult {
		return 0, errors.New("size too large")
	}
	return n * mult, nil
}

// startCPUProfile starts writing a CPU profile to path; the function it
// returns stops it and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start CPU profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeHeapProfile writes the heap profile to path after a collection, so
// that what it says is live is up to date.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create heap profile: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("write heap profile: %w", err)
	}
	return f.Close()
}
