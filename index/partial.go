package index

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// ErrShardUnavailable is the error of a shard that no leaf serving it
// answered in time (remote.go): the search goes on without it, and its
// result says which shards are missing (Result.Partial). Any other error
// of a shard fails the search.
var ErrShardUnavailable = errors.New("shard unavailable")

// missing collects the shards that did not answer one search.
type missing struct {
	mu    sync.Mutex
	names map[string]bool
}

// add records a shard as missing.
func (m *missing) add(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names == nil {
		m.names = map[string]bool{}
	}
	m.names[name] = true
}

// list returns the missing shards, sorted.
func (m *missing) list() []string {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.names))
	for n := range m.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// shardMissing reports whether err is a shard's unavailability that the
// search goes on without, recording the shard when it is (each of a
// leaf's shards, for a leaf's member of a root).
func (v view) shardMissing(sh interface{ Name() string }, err error) bool {
	if v.miss == nil || !errors.Is(err, ErrShardUnavailable) {
		return false
	}
	if rs, ok := v.s.byName[sh.Name()].(*remoteShard); ok {
		for _, p := range rs.parts {
			v.miss.add(p)
		}
		return true
	}
	v.miss.add(sh.Name())
	return true
}

// namedShard is a shard known by its name alone.
type namedShard string

func (n namedShard) Name() string { return string(n) }

// shardIndex returns each shard's position in the snapshot by name.
func (v view) shardIndex() map[string]int {
	out := make(map[string]int, len(v.s.shards))
	for i, sh := range v.s.shards {
		out[sh.Name()] = i
	}
	return out
}

// eachShard runs fn on every shard of the view and returns the answers in
// the shards' order: one after the other on shards opened here, at once
// on shards served by leaves (each is a round trip). A shard that is
// unavailable answers the zero value and is recorded as missing (whole is
// false: what was counted must not be cached); any other error is
// returned.
func eachShard[T any](ctx context.Context, v view, fn func(context.Context, shard) (T, error)) (out []T, whole bool, err error) {
	out, whole = make([]T, len(v.s.shards)), true
	if !v.s.remote {
		for i, sh := range v.s.shards {
			a, err := fn(ctx, sh)
			if err != nil {
				if v.shardMissing(sh, err) {
					whole = false
					continue
				}
				return nil, false, err
			}
			out[i] = a
		}
		return out, whole, nil
	}
	errs := make([]error, len(v.s.shards))
	var wg sync.WaitGroup
	for i, sh := range v.s.shards {
		wg.Go(func() { out[i], errs[i] = fn(ctx, sh) })
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			continue
		}
		if !v.shardMissing(v.s.shards[i], err) {
			return nil, false, err
		}
		whole = false
	}
	return out, whole, nil
}
