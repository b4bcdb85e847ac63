package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// This file is the writer's housekeeping: generation numbers, and the
// removal of what no kept generation needs (old manifests, unused shards,
// the build directories of a crashed writer).

// manifests lists the generation numbers that have a manifest, ascending.
func (w *Writer) manifests() ([]int, error) {
	names, err := filepath.Glob(filepath.Join(w.dir, "gen-*.json"))
	if err != nil {
		return nil, fmt.Errorf("list manifests: %w", err)
	}
	var nums []int
	for _, n := range names {
		var g int
		if _, err := fmt.Sscanf(filepath.Base(n), "gen-%08d.json", &g); err == nil {
			nums = append(nums, g)
		}
	}
	slices.Sort(nums)
	return nums, nil
}

// lastNumber returns the highest generation number with a manifest, 0
// when there is none.
func (w *Writer) lastNumber() (int, error) {
	nums, err := w.manifests()
	if err != nil || len(nums) == 0 {
		return 0, err
	}
	return nums[len(nums)-1], nil
}

// collect removes the manifests of all but the last Keep generations (never
// the current one) and the shards that no kept generation uses.
func (w *Writer) collect() error {
	nums, err := w.manifests()
	if err != nil {
		return err
	}
	cur, err := w.Current()
	if err != nil {
		return err
	}
	used := map[string]bool{}
	var errs []error
	for i, n := range nums {
		path := filepath.Join(w.dir, manifestName(n))
		if i < len(nums)-w.opts.Keep && n != cur.Number {
			if err := os.Remove(path); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		names, err := shardNames(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, n := range names {
			used[n] = true
		}
	}
	dirs, err := os.ReadDir(filepath.Join(w.dir, shardsDir))
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d.Name(), ".") || used[d.Name()] {
			continue
		}
		if err := os.RemoveAll(filepath.Join(w.dir, shardsDir, d.Name())); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// removeBuilds deletes the build directories a crashed writer left.
func (w *Writer) removeBuilds() error {
	dirs, err := os.ReadDir(filepath.Join(w.dir, shardsDir))
	if err != nil {
		return fmt.Errorf("list shards: %w", err)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d.Name(), buildPrefix) {
			if err := os.RemoveAll(filepath.Join(w.dir, shardsDir, d.Name())); err != nil {
				return fmt.Errorf("remove stale build %s: %w", d.Name(), err)
			}
		}
	}
	return nil
}
