package objstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsroom/newsearch/index"
)

// FollowStatus is what a replica knows of its store.
type FollowStatus struct {
	Manifest string    // the generation last pulled ("" before the first)
	Synced   time.Time // the last time the store answered
	Err      error     // the last failure, nil after a success
	Fetched  int64     // bytes downloaded since start
}

// Follower keeps a local cache directory level with the store: a replica's
// searchd serves the cache with index.Reader, which switches to a new
// generation when the follower moves the cache's CURRENT.
type Follower struct {
	s   *Store
	dir string

	mu     sync.Mutex
	status FollowStatus
}

// NewFollower returns a follower of s into the cache directory dir.
func (s *Store) NewFollower(dir string) *Follower { return &Follower{s: s, dir: dir} }

// Status returns the follower's state.
func (f *Follower) Status() FollowStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// Sync pulls the generation CURRENT names, if the cache does not have it,
// then evicts what no kept generation needs.
func (f *Follower) Sync(ctx context.Context) (PullStats, error) {
	_, st, err := f.s.Pull(ctx, f.dir)
	f.mu.Lock()
	f.status.Err = err
	f.status.Fetched += st.BytesFetch
	if err == nil || errors.Is(err, ErrNoGeneration) {
		f.status.Synced = time.Now()
	}
	if st.Manifest != "" {
		f.status.Manifest = st.Manifest
	} else if f.status.Manifest == "" && err == nil {
		f.status.Manifest, _ = index.PublishedManifest(f.dir)
	}
	f.mu.Unlock()
	if err != nil {
		return st, err
	}
	if st.Manifest != "" {
		if err := Evict(f.dir, 2); err != nil {
			f.s.log.Warn("could not evict old shards from the cache", "cache", f.dir, "err", err)
		}
	}
	return st, nil
}

// Run syncs every interval until ctx ends. A failure is logged and tried
// again (at most every few intervals while the store stays unreachable);
// the cache keeps the generation it has, which searchd goes on serving.
func (f *Follower) Run(ctx context.Context, interval time.Duration) {
	wait := interval
	for {
		st, err := f.Sync(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, ErrNoGeneration):
			wait = interval
		case err != nil:
			f.s.log.Warn("could not follow the object store; serving the generation in the cache", "index", f.s.loc, "err", err)
			wait = min(2*wait, 8*interval)
		default:
			wait = interval
			if st.Manifest != "" {
				f.s.log.Info("pulled a generation", "index", f.s.loc, "generation", st.Manifest,
					"shards_fetched", st.ShardsFetch, "shards_kept", st.ShardsKept,
					"files_linked", st.FilesLinked, "bytes", st.BytesFetch)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Evict removes from a local index directory the manifests of all but the
// newest keep generations (never the one CURRENT names) and the shards and
// file lists no kept manifest names. A reader still serving the previous
// generation keeps its shards, since keep is at least 2.
func Evict(dir string, keep int) error {
	keep = max(keep, 2)
	cur, err := index.PublishedManifest(dir)
	if err != nil {
		return err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list cache: %w", err)
	}
	var names []string
	for _, e := range ents {
		if _, err := index.ManifestNumber(e.Name()); err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // zero-padded: by number
	used := map[string]bool{}
	var errs []error
	for i, n := range names {
		if i < len(names)-keep && n != cur {
			if err := os.Remove(filepath.Join(dir, n)); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		shards, err := index.ManifestShards(index.ManifestPath(dir, n))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, s := range shards {
			used[s] = true
		}
	}
	shards, err := os.ReadDir(index.ShardsPath(dir))
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("list cached shards: %w", err))...)
	}
	for _, e := range shards {
		if strings.HasPrefix(e.Name(), ".") || used[e.Name()] {
			continue
		}
		if err := os.RemoveAll(index.ShardPath(dir, e.Name())); err != nil {
			errs = append(errs, err)
		}
		_ = os.Remove(listPath(dir, e.Name()))
	}
	return errors.Join(errs...)
}
