package objstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/newsroom/newsearch/index"
)

// DefaultCollectGrace is how long an object stays after it was written
// whatever generation needs it: a replica that read a manifest just before
// CURRENT moved on may still be downloading its shards.
const DefaultCollectGrace = 10 * time.Minute

// DefaultCollectKeep is how many generations a collection keeps: the
// served one and the two before it, as a local index directory does.
const DefaultCollectKeep = 3

// CollectStats says what one collection removed from the store.
type CollectStats struct {
	Manifests int   // generations' manifests removed
	Shards    int   // shards' file lists removed
	Blobs     int   // files removed
	Bytes     int64 // their size
}

// Collect removes from the store what none of the last keep generations
// needs: the manifests of older generations, the file lists of the shards
// no kept manifest names, and the blobs no kept shard lists. The kept
// generations are the one CURRENT names, any newer one, and the keep-1
// before it, so that a replica still downloading the previous generation
// finds it whole. An object written less than grace ago stays whatever it
// is. Removal goes manifests first, then file lists, then blobs: at no
// moment does the store hold a manifest whose shards or files are gone.
//
// The lease, when given, must still be held before anything is removed.
func (s *Store) Collect(ctx context.Context, keep int, grace time.Duration, lease *Lease) (CollectStats, error) {
	var st CollectStats
	keep = max(keep, 1)
	cur, _, err := s.Current(ctx)
	if err != nil {
		return st, err
	}
	curN, err := index.ManifestNumber(cur)
	if err != nil {
		return st, err
	}
	cutoff := time.Now().Add(-grace)
	type object struct {
		rel  string
		size int64
		old  bool // written before the grace period
	}
	list := func(prefix string, recursive bool) ([]object, error) {
		var out []object
		for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.key(prefix), Recursive: recursive}) {
			if obj.Err != nil {
				return nil, fmt.Errorf("list %s: %w", prefix, classify(obj.Err))
			}
			if strings.HasSuffix(obj.Key, "/") {
				continue // a folder of the listing, not an object
			}
			out = append(out, object{rel: strings.TrimPrefix(obj.Key, s.prefix), size: obj.Size, old: obj.LastModified.Before(cutoff)})
		}
		return out, nil
	}

	// The manifests: the current one, newer ones, the keep-1 before it.
	tops, err := list("", false)
	if err != nil {
		return st, err
	}
	type manifest struct {
		object
		n int
	}
	var older []manifest
	kept := []string{}
	for _, o := range tops {
		n, err := index.ManifestNumber(o.rel)
		if err != nil {
			continue // CURRENT, LEASE: not a manifest
		}
		if n >= curN {
			kept = append(kept, o.rel)
			continue
		}
		older = append(older, manifest{o, n})
	}
	slices.SortFunc(older, func(a, b manifest) int { return b.n - a.n }) // newest first
	var drop []object
	for i, m := range older {
		if i < keep-1 || !m.old {
			kept = append(kept, m.rel)
		} else {
			drop = append(drop, m.object)
		}
	}

	// What the kept manifests need.
	shards := map[string]bool{}
	for _, name := range kept {
		names, err := s.manifestShards(ctx, name)
		if err != nil {
			return st, err
		}
		for _, n := range names {
			shards[n] = true
		}
	}
	lists, err := list(shardsKey, true)
	if err != nil {
		return st, err
	}
	blobs := map[string]bool{}
	listed := map[string]bool{}
	var dropLists []object
	for _, o := range lists {
		listed[o.rel] = true
		shard, ok := strings.CutSuffix(strings.TrimPrefix(o.rel, shardsKey), ".json")
		if !ok || !shards[shard] {
			if o.old {
				dropLists = append(dropLists, o)
			}
			continue
		}
		b, _, err := s.get(ctx, o.rel)
		if err != nil {
			return st, err
		}
		fl, err := decodeList(b, shard)
		if err != nil {
			return st, err
		}
		for _, f := range fl.Files {
			blobs[f.SHA256] = true
		}
	}
	for sh := range shards {
		if !listed[shardsKey+sh+".json"] {
			return st, fmt.Errorf("a kept generation names shard %s, whose file list is not in %s: nothing removed", sh, s.loc)
		}
	}
	stored, err := list(blobsKey, true)
	if err != nil {
		return st, err
	}
	var dropBlobs []object
	for _, o := range stored {
		if !blobs[strings.TrimPrefix(o.rel, blobsKey)] && o.old {
			dropBlobs = append(dropBlobs, o)
		}
	}

	if lease != nil {
		if err := lease.Check(); err != nil {
			return st, err
		}
	}
	for _, o := range drop {
		if err := s.remove(ctx, o.rel); err != nil {
			return st, err
		}
		st.Manifests++
	}
	for _, o := range dropLists {
		if err := s.remove(ctx, o.rel); err != nil {
			return st, err
		}
		st.Shards++
	}
	for _, o := range dropBlobs {
		if err := s.remove(ctx, o.rel); err != nil {
			return st, err
		}
		st.Blobs++
		st.Bytes += o.size
	}
	return st, nil
}

// manifestShards reads the shard names of a manifest in the store from its
// head, without fetching its seeds.
func (s *Store) manifestShards(ctx context.Context, name string) ([]string, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(name), minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", name, classify(err))
	}
	defer obj.Close()
	names, err := index.ManifestShardsFrom(obj, name)
	if err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) {
			return nil, fmt.Errorf("get %s: %w", name, classify(resp))
		}
		return nil, err
	}
	return names, nil
}
