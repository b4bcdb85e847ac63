package objstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/minio/minio-go/v7"

	"github.com/newsroom/newsearch/index"
)

// PushStats says what one push moved.
type PushStats struct {
	Manifest      string // the generation pushed ("" when the store already served it)
	ShardsSent    int    // shards whose file lists were written
	ShardsKept    int    // shards the store already had
	FilesSent     int
	BytesSent     int64
	FilesExisting int // files of new shards whose blobs the store already had
}

// Push makes the store serve the generation published in the local index
// directory dir: it uploads the shards the store lacks (each file once, by
// its hash; a shard's file list after its files), then the manifest, then
// moves CURRENT on the condition that it is still base (CURRENT's ETag when
// dir was last brought level with the store; "" when the store had no
// generation). It returns CURRENT's new ETag, to be the next push's base.
//
// The lease, when given, must still be held at the moment CURRENT moves.
func (s *Store) Push(ctx context.Context, dir, base string, lease *Lease) (string, PushStats, error) {
	var st PushStats
	name, err := index.PublishedManifest(dir)
	if err != nil {
		return "", st, err
	}
	remote, etag, err := s.Current(ctx)
	switch {
	case errors.Is(err, ErrNoGeneration):
	case err != nil:
		return "", st, err
	case remote == name:
		return etag, st, nil // already served
	}
	manifest := index.ManifestPath(dir, name)
	shards, err := index.ManifestShards(manifest)
	if err != nil {
		return "", st, err
	}
	blobs, err := s.listBlobs(ctx)
	if err != nil {
		return "", st, err
	}
	known := knownHashes(dir)
	for _, sh := range shards {
		if !index.ValidShardName(sh) {
			return "", st, fmt.Errorf("manifest %s names a bad shard %q", name, sh)
		}
		if ok, err := s.exists(ctx, shardsKey+sh+".json"); err != nil {
			return "", st, err
		} else if ok {
			st.ShardsKept++
			continue
		}
		if err := s.pushShard(ctx, dir, sh, blobs, known, &st); err != nil {
			return "", st, err
		}
		st.ShardsSent++
	}
	data, err := os.ReadFile(manifest)
	if err != nil {
		return "", st, fmt.Errorf("read manifest: %w", err)
	}
	if _, err := s.put(ctx, name, data, precondition{}); err != nil {
		return "", st, err
	}
	if lease != nil {
		if err := lease.Check(); err != nil {
			return "", st, err
		}
	}
	cond := precondition{etag: base, absent: base == ""}
	next, err := s.put(ctx, currentKey, []byte(name+"\n"), cond)
	if errors.Is(err, ErrConflict) {
		return "", st, fmt.Errorf("another writer moved CURRENT of %s since this one read it; %s was not published: %w", s.loc, name, err)
	}
	if err != nil {
		return "", st, err
	}
	st.Manifest = name
	return next, st, nil
}

// pushShard uploads one shard's files the store lacks, then its list.
func (s *Store) pushShard(ctx context.Context, dir, shard string, blobs map[string]bool, known map[fileKey]string, st *PushStats) error {
	local := index.ShardPath(dir, shard)
	list, err := listShard(local, shard, known)
	if err != nil {
		return err
	}
	for _, f := range list.Files {
		if blobs[f.SHA256] {
			st.FilesExisting++
			continue
		}
		p := filepath.Join(local, filepath.FromSlash(f.Path))
		_, err := s.client.FPutObject(ctx, s.bucket, s.key(blobsKey+f.SHA256), p, minio.PutObjectOptions{ContentType: "application/octet-stream"})
		if err != nil {
			return fmt.Errorf("upload %s of shard %s: %w", f.Path, shard, classify(err))
		}
		blobs[f.SHA256] = true
		st.FilesSent++
		st.BytesSent += f.Size
	}
	b, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode file list of %s: %w", shard, err)
	}
	if _, err := s.put(ctx, shardsKey+shard+".json", b, precondition{}); err != nil {
		return err
	}
	return saveList(dir, list)
}
