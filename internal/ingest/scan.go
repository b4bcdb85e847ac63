package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/newsroom/newsearch/index"
)

// scan lists the seed files under dir: regular files whose names do not
// start with a dot, and symbolic links to such files inside dir, each with
// its size and modification time. It reads no file: a file that cannot be
// indexed whatever its content (unreadable, too large, a link out of the
// folder, not a seed by its name: see formatOf) gets the reason in
// Info.Reason. It stops when ctx ends.
//
// The walk only lists the files; their stat calls, one per file and most
// of a scan's time at millions of seeds, are made by one goroutine per
// core, each entry in its place, so the order is the walk's.
func scan(ctx context.Context, dir string, limits sizeLimits) ([]index.Entry, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("seeds dir %s: %w", dir, err)
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("seeds dir: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("seeds dir %s is not a directory", dir)
	}
	var entries []index.Entry
	var files []found // the files to stat, with their entries' places
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		e := index.Entry{Seed: filepath.ToSlash(rel)}
		if err != nil {
			if path == root {
				return err
			}
			e.Info.Reason = fmt.Errorf("unreadable: %w", err).Error()
			entries = append(entries, e)
			return nil
		}
		name := d.Name()
		if path != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink == 0 && !d.Type().IsRegular() {
			return nil // devices, sockets, pipes: not seeds
		}
		files = append(files, found{at: len(entries), path: path, link: d.Type()&fs.ModeSymlink != 0})
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan seeds %s: %w", dir, err)
	}
	next := make(chan found)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Go(func() {
			for f := range next {
				statEntry(&entries[f.at], root, f, limits)
			}
		})
	}
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		next <- f
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("scan seeds %s: %w", dir, err)
	}
	return entries, nil
}

// found is a file the walk listed: its entry's place, its path, and
// whether it is a symbolic link.
type found struct {
	at   int
	path string
	link bool
}

// statEntry fills in e, the entry of the file f under root, from the
// file's stat: size and modification time, or the reason it cannot be a
// seed whatever its content.
func statEntry(e *index.Entry, root string, f found, limits sizeLimits) {
	var reason error // why the file cannot be indexed, whatever its content
	target := f.path
	if f.link {
		t, err := filepath.EvalSymlinks(f.path)
		if err != nil {
			reason = fmt.Errorf("broken symbolic link: %w", err)
		} else if r, err := filepath.Rel(root, t); err != nil || r == ".." || strings.HasPrefix(r, "../") {
			reason = errors.New("symbolic link points outside the seeds folder")
		} else {
			target = t
		}
	}
	st, err := os.Stat(target)
	if err != nil && reason == nil {
		reason = fmt.Errorf("unreadable: %w", err)
	}
	if err == nil {
		e.Info.Size, e.Info.ModTime = st.Size(), st.ModTime().UTC()
		if st.IsDir() && reason == nil {
			reason = errors.New("symbolic link to a directory")
		}
		if max := limits.of(e.Seed); st.Size() > max && reason == nil {
			reason = fmt.Errorf("too large: %d bytes, the limit is %d", st.Size(), max)
		}
	}
	if reason == nil {
		// Not a seed by its name: skipped unread, with the reason.
		_, _, reason = formatOf(e.Seed)
	}
	if reason != nil {
		e.Info.Reason = reason.Error()
	}
}

// sizeLimits are the largest seeds read: a crawl, read as a stream, may
// be far larger than a seed read whole.
type sizeLimits struct{ seed, crawl int64 }

// of returns the limit of the seed at path.
func (l sizeLimits) of(path string) int64 {
	if f, _, err := formatOf(path); err == nil && f == FormatWARC {
		return l.crawl
	}
	return l.seed
}
