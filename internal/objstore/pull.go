package objstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"

	"github.com/newsroom/newsearch/index"
)

// downloadPrefix names a shard being downloaded into a local directory.
const downloadPrefix = ".download-"

// PullStats says what one pull moved.
type PullStats struct {
	Manifest    string // the generation now served locally ("" when it already was)
	ShardsFetch int    // shards downloaded
	ShardsKept  int    // shards the directory already had
	FilesFetch  int
	FilesLinked int // files taken from another local shard with the same content
	BytesFetch  int64
}

// Pull brings the local index directory dir level with the store: every
// shard of the generation CURRENT names that dir lacks is downloaded
// (checksummed, fsynced, renamed into place whole), then the manifest, then
// dir's CURRENT is moved, so a reader of dir switches only to a complete
// generation. It returns the ETag of the CURRENT it followed, the base of
// a later Push. With nothing published in the store it returns "" and an
// error wrapping ErrNoGeneration.
func (s *Store) Pull(ctx context.Context, dir string) (string, PullStats, error) {
	var st PullStats
	name, etag, err := s.Current(ctx)
	if err != nil {
		return "", st, err
	}
	if local, err := index.PublishedManifest(dir); err == nil && local == name {
		return etag, st, nil
	}
	if err := os.MkdirAll(index.ShardsPath(dir), 0o755); err != nil {
		return "", st, fmt.Errorf("create cache: %w", err)
	}
	removeDownloads(dir)
	data, _, err := s.get(ctx, name)
	if err != nil {
		return "", st, err
	}
	if err := index.WriteManifest(dir, name, data); err != nil {
		return "", st, err
	}
	shards, err := index.ManifestShards(index.ManifestPath(dir, name))
	if err != nil {
		return "", st, err
	}
	have := localBlobs(dir)
	for _, sh := range shards {
		if !index.ValidShardName(sh) {
			return "", st, fmt.Errorf("manifest %s names a bad shard %q", name, sh)
		}
		if _, err := os.Stat(index.ShardPath(dir, sh)); err == nil {
			st.ShardsKept++
			continue
		}
		if err := s.pullShard(ctx, dir, sh, have, &st); err != nil {
			return "", st, err
		}
		st.ShardsFetch++
	}
	if err := index.SetCurrent(dir, name); err != nil {
		return "", st, err
	}
	st.Manifest = name
	return etag, st, nil
}

// removeDownloads deletes what an interrupted pull left.
func removeDownloads(dir string) {
	ents, _ := os.ReadDir(index.ShardsPath(dir))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), downloadPrefix) {
			_ = os.RemoveAll(filepath.Join(index.ShardsPath(dir), e.Name()))
		}
	}
}

// pullWorkers is how many files of a shard are fetched at once.
const pullWorkers = 4

// pullShard downloads one shard into a hidden folder and renames it into
// place once every file is there, verified and synced.
func (s *Store) pullShard(ctx context.Context, dir, shard string, have map[string]string, st *PullStats) error {
	b, _, err := s.get(ctx, shardsKey+shard+".json")
	if err != nil {
		return fmt.Errorf("shard %s: %w", shard, err)
	}
	list, err := decodeList(b, shard)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(index.ShardsPath(dir), downloadPrefix+shard+"-")
	if err != nil {
		return fmt.Errorf("create download of %s: %w", shard, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed into place

	var (
		mu     sync.Mutex
		errs   []error
		wg     sync.WaitGroup
		work   = make(chan File)
		dctx   context.Context
		cancel context.CancelFunc
	)
	dctx, cancel = context.WithCancel(ctx)
	defer cancel()
	for range pullWorkers {
		wg.Go(func() {
			for f := range work {
				linked, err := s.fetchFile(dctx, tmp, f, have)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("shard %s: %w", shard, err))
					cancel()
				} else if linked {
					st.FilesLinked++
				} else {
					st.FilesFetch++
					st.BytesFetch += f.Size
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, f := range list.Files {
		select {
		case work <- f:
		case <-dctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := syncTree(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, index.ShardPath(dir, shard)); err != nil {
		return fmt.Errorf("place shard %s: %w", shard, err)
	}
	if err := index.SyncDir(index.ShardsPath(dir)); err != nil {
		return err
	}
	if err := saveList(dir, list); err != nil {
		return err
	}
	mu.Lock()
	for _, f := range list.Files {
		have[f.SHA256] = filepath.Join(index.ShardPath(dir, shard), filepath.FromSlash(f.Path))
	}
	mu.Unlock()
	return nil
}

// fetchFile writes one file of a shard under root: a hard link to a local
// file with the same content where there is one (segments an updated shard
// shares with the one it was copied from), else the blob, checked against
// its hash and size.
func (s *Store) fetchFile(ctx context.Context, root string, f File, have map[string]string) (linked bool, err error) {
	dst := filepath.Join(root, filepath.FromSlash(f.Path))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, fmt.Errorf("create %s: %w", filepath.Dir(dst), err)
	}
	// Only segment files are linked: they are never written once made,
	// while bleve's root and metadata belong to one shard each.
	if src, ok := have[f.SHA256]; ok && strings.HasSuffix(f.Path, ".zap") {
		if os.Link(src, dst) == nil {
			return true, nil
		}
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(blobsKey+f.SHA256), minio.GetObjectOptions{})
	if err != nil {
		return false, fmt.Errorf("get %s: %w", f.Path, classify(err))
	}
	defer obj.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, fmt.Errorf("create %s: %w", f.Path, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), obj)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("download %s: %w", f.Path, classify(err))
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != f.Size || got != f.SHA256 {
		return false, fmt.Errorf("download %s: got %d bytes with sha256 %s, the list says %d bytes, %s", f.Path, n, got, f.Size, f.SHA256)
	}
	return false, nil
}

// syncTree fsyncs every folder under root (the files were synced as they
// were written), so the shard is durable before it is renamed into place.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return index.SyncDir(p)
		}
		return nil
	})
}
