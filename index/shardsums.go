package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
)

// A shard's SUMS file lists every other file of the shard with its size
// and CRC-32C. The writer writes it last, once the shard is whole, and
// checks it before taking a directory of the right name for a shard it
// built before; the reader checks it before opening a shard, so that a
// shard whose files were damaged on disk (or left half-removed) is
// refused instead of served. Shards written before SUMS existed have
// none: the reader opens them unchecked, the writer replaces them when it
// would reuse them.

// fileSum is one file of a shard.
type fileSum struct {
	Size   int64  `json:"size"`
	CRC32C uint32 `json:"crc32c"`
}

type shardSums struct {
	Files map[string]fileSum `json:"files"` // by slash-separated path within the shard
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errNoSums is returned by verifyShard for a shard without a SUMS file.
var errNoSums = errors.New("no " + sumsFile + " file")

// ErrCorruptShard is wrapped by the errors of a shard whose files do not
// match its SUMS.
var ErrCorruptShard = errors.New("shard files do not match their checksums")

// sumFile returns the size and CRC-32C of a file.
func sumFile(path string) (fileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return fileSum{}, err
	}
	return fileSum{Size: n, CRC32C: h.Sum32()}, nil
}

// writeShardSums writes the SUMS file of the shard in dir.
func writeShardSums(dir string) error {
	sums := shardSums{Files: map[string]fileSum{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == sumsFile {
			return err
		}
		s, err := sumFile(path)
		if err != nil {
			return err
		}
		sums.Files[filepath.ToSlash(rel)] = s
		return nil
	})
	if err != nil {
		return fmt.Errorf("checksum shard %s: %w", filepath.Base(dir), err)
	}
	b, err := json.Marshal(sums)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, sumsFile), b, 0o644); err != nil {
		return fmt.Errorf("write %s of shard %s: %w", sumsFile, filepath.Base(dir), err)
	}
	return nil
}

// verifyShard checks the files of the shard in dir against its SUMS: an
// error wrapping errNoSums when there is none, ErrCorruptShard when a file
// is missing or differs.
func verifyShard(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, sumsFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dir); serr != nil {
			return fmt.Errorf("shard %s: %w", filepath.Base(dir), serr)
		}
		return fmt.Errorf("shard %s: %w", filepath.Base(dir), errNoSums)
	}
	if err != nil {
		return fmt.Errorf("shard %s: %w", filepath.Base(dir), err)
	}
	var sums shardSums
	if err := json.Unmarshal(b, &sums); err != nil || sums.Files == nil {
		return fmt.Errorf("shard %s: %w: unreadable %s", filepath.Base(dir), ErrCorruptShard, sumsFile)
	}
	names := make([]string, 0, len(sums.Files))
	for n := range sums.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		want := sums.Files[n]
		got, err := sumFile(filepath.Join(dir, filepath.FromSlash(n)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("shard %s: %w: %s is missing", filepath.Base(dir), ErrCorruptShard, n)
		case err != nil:
			return fmt.Errorf("shard %s: read %s: %w", filepath.Base(dir), n, err)
		case got.Size != want.Size:
			return fmt.Errorf("shard %s: %w: %s has %d bytes, %d expected", filepath.Base(dir), ErrCorruptShard, n, got.Size, want.Size)
		case got.CRC32C != want.CRC32C:
			return fmt.Errorf("shard %s: %w: %s has checksum %08x, %08x expected", filepath.Base(dir), ErrCorruptShard, n, got.CRC32C, want.CRC32C)
		}
	}
	return nil
}

// syncTree fsyncs every file and directory under dir, dir included, so
// that a rename of dir published after it finds its content on disk
// whatever the machine does next.
func syncTree(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, path)
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	// Deepest first: a directory's entries before the entry naming it.
	slices.Reverse(dirs)
	for _, d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// removeShard removes a shard directory by renaming it aside first (one
// atomic step: the shard's name then names nothing), then deleting the
// renamed tree. A writer killed during the deletion leaves a .trash-*
// directory, which the next writer removes, never part of a shard under
// its name.
func (w *Writer) removeShard(name string) error {
	shards := filepath.Join(w.dir, shardsDir)
	trash, err := os.MkdirTemp(shards, trashPrefix+name+"-")
	if err != nil {
		return fmt.Errorf("remove shard %s: %w", name, err)
	}
	if err := os.Remove(trash); err != nil {
		return fmt.Errorf("remove shard %s: %w", name, err)
	}
	if err := os.Rename(filepath.Join(shards, name), trash); err != nil {
		return fmt.Errorf("remove shard %s: %w", name, err)
	}
	if err := syncDir(shards); err != nil {
		return err
	}
	crashPoint("collect-trash")
	return removeTree(trash)
}

// removeTree removes dir and everything in it, files first, one at a
// time (os.RemoveAll, with a crash point after the first file).
func removeTree(dir string) error {
	var files, dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, path)
		} else {
			files = append(files, path)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return os.RemoveAll(dir)
	}
	for i, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", f, err)
		}
		if i == 0 {
			crashPoint("collect-remove")
		}
	}
	slices.Reverse(dirs)
	for _, d := range dirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return os.RemoveAll(dir)
		}
	}
	return nil
}

// crashAt names the step at which the process kills itself with SIGKILL,
// from NEWSEARCH_CRASH_AT: the fault tests' way of killing a real indexer
// at an exact moment of a publish. Unset, crashPoint does nothing.
var crashAt = os.Getenv("NEWSEARCH_CRASH_AT")

// CrashSteps are the steps NEWSEARCH_CRASH_AT may name, in the order a
// publish reaches them: a shard built but not installed, a shard
// installed, the manifest written but not CURRENT, CURRENT written before
// the old generations are collected, an old shard renamed aside, an old
// shard half-deleted.
var CrashSteps = []string{"build", "install", "manifest", "current", "collect-trash", "collect-remove"}

// crashPoint dies as kill -9 would when step is the one NEWSEARCH_CRASH_AT
// names.
func crashPoint(step string) {
	if crashAt == "" || crashAt != step {
		return
	}
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // the signal is on its way
}
