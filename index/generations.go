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
		if err := w.removeShard(d.Name()); err != nil {
			errs = append(errs, err)
		}
		w.wholeMu.Lock()
		delete(w.whole, d.Name())
		w.wholeMu.Unlock()
	}
	return errors.Join(errs...)
}

// removeBuilds deletes what a writer killed mid-publish left behind:
// build directories, shards renamed aside for removal (.trash-*), and the
// temporaries of manifests and CURRENT that were never renamed into place.
// It runs under the lock, before this writer writes anything.
func (w *Writer) removeBuilds() error {
	shards := filepath.Join(w.dir, shardsDir)
	dirs, err := os.ReadDir(shards)
	if err != nil {
		return fmt.Errorf("list shards: %w", err)
	}
	for _, d := range dirs {
		if strings.HasPrefix(d.Name(), buildPrefix) || strings.HasPrefix(d.Name(), trashPrefix) {
			if err := os.RemoveAll(filepath.Join(shards, d.Name())); err != nil {
				return fmt.Errorf("remove stale %s: %w", d.Name(), err)
			}
		}
	}
	tmps, err := os.ReadDir(w.dir)
	if err != nil {
		return fmt.Errorf("list index dir: %w", err)
	}
	for _, d := range tmps {
		n := d.Name()
		if !d.IsDir() && strings.HasPrefix(n, ".") && strings.Contains(n, ".tmp-") &&
			(strings.HasPrefix(n, ".gen-") || strings.HasPrefix(n, "."+currentFile+".")) {
			if err := os.Remove(filepath.Join(w.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove stale %s: %w", n, err)
			}
		}
	}
	return nil
}

// shardWhole reports whether the shard name is on disk and whole: its
// files match its SUMS (a shard written before SUMS existed is taken as
// it is). A damaged shard is logged once and no longer reused: the plan
// builds its bucket again, and install replaces it.
func (w *Writer) shardWhole(name string) bool {
	w.wholeMu.Lock()
	ok, known := w.whole[name]
	w.wholeMu.Unlock()
	if known {
		return ok
	}
	err := verifyShard(filepath.Join(w.dir, shardsDir, name))
	ok = err == nil || errors.Is(err, errNoSums)
	if !ok && !errors.Is(err, os.ErrNotExist) {
		w.opts.Logger.Warn("shard damaged; its bucket will be built again", "shard", name, "err", err)
	}
	if !ok && errors.Is(err, os.ErrNotExist) {
		return false // not cached: it may be installed later
	}
	w.markWhole(name, ok)
	return ok
}

// markWhole records what is known of shard name.
func (w *Writer) markWhole(name string, ok bool) {
	w.wholeMu.Lock()
	defer w.wholeMu.Unlock()
	if w.whole == nil {
		w.whole = map[string]bool{}
	}
	w.whole[name] = ok
}
