package objstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsroom/newsearch/index"
)

// Writer is the indexer's side of an index in object storage. The indexer
// builds in a local working directory as it always does; the Writer first
// brings that directory level with the store (so only what changed is
// rebuilt and uploaded), then pushes each generation published there.
type Writer struct {
	s     *Store
	dir   string
	lease *Lease
	base  string // CURRENT's ETag as last seen; "" for none
}

// OpenWriter takes the store's writer lease (ttl, or DefaultLeaseTTL when
// 0), creates the bucket if it has to, and pulls the generation the store
// serves into dir.
func (s *Store) OpenWriter(ctx context.Context, dir string, ttl time.Duration) (*Writer, error) {
	if err := s.EnsureBucket(ctx); err != nil {
		return nil, err
	}
	lease, err := s.Acquire(ctx, ttl)
	if err != nil {
		return nil, err
	}
	base, _, err := s.Pull(ctx, dir)
	if err != nil && !errors.Is(err, ErrNoGeneration) {
		_ = lease.Release(ctx)
		return nil, fmt.Errorf("bring %s level with %s: %w", dir, s.loc, err)
	}
	return &Writer{s: s, dir: dir, lease: lease, base: base}, nil
}

// Push uploads the generation published in the working directory, if the
// store does not serve it yet.
func (w *Writer) Push(ctx context.Context) (PushStats, error) {
	next, st, err := w.s.Push(ctx, w.dir, w.base, w.lease)
	if errors.Is(err, index.ErrNoIndex) {
		return st, nil // nothing was published locally: nothing to upload
	}
	if err != nil {
		return st, err
	}
	w.base = next
	return st, nil
}

// Collect removes from the store what none of the last keep generations
// needs (Store.Collect), under the writer's lease.
func (w *Writer) Collect(ctx context.Context, keep int, grace time.Duration) (CollectStats, error) {
	return w.s.Collect(ctx, keep, grace, w.lease)
}

// Close gives the lease back.
func (w *Writer) Close(ctx context.Context) error { return w.lease.Release(ctx) }
