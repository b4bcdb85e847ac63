package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
)

// bucket returns the shard bucket of a seed path.
func (w *Writer) bucket(seed string) int {
	h := fnv.New32a()
	h.Write([]byte(seed))
	return int(h.Sum32() % uint32(w.opts.Shards))
}

// shardName names a shard by its bucket and a hash of everything that
// decides its content: the mapping version, the bucket count, the
// version of the seed readers (when there is one: names made without
// stay as they were) and the sorted seeds with their content hashes.
func (w *Writer) shardName(bucket int, readers string, es []Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "mapping %s\nshards %d\nbucket %d\n", MappingVersion, w.opts.Shards, bucket)
	if readers != "" {
		fmt.Fprintf(h, "readers %s\n", readers)
	}
	for _, e := range es {
		fmt.Fprintf(h, "%s\x00%s\n", e.Seed, e.Info.SHA256)
	}
	return fmt.Sprintf("s%03d-%s", bucket, hex.EncodeToString(h.Sum(nil))[:16])
}

// buildShard indexes the seeds of one bucket (every article of each) into a
// new shard directory with bleve's offline builder, reading each from src
// ahead of the builder (readSeeds). Seeds that fail to read are returned
// in bad and left out. What is left once the seeds are indexed, the
// builder's merge and the shard's install, is the result's finish.
func (w *Writer) buildShard(ctx context.Context, j job, src Source, progress func(int)) (res shardResult, err error) {
	bucket, es := j.bucket, j.entries
	res = shardResult{info: ShardInfo{Bucket: bucket}, seeds: map[string]SeedInfo{}, bad: map[string]SeedInfo{}}
	shards := filepath.Join(w.dir, shardsDir)
	// The builder's segments before their merge: a directory of this
	// build's own, removed with it whatever happens (a builder that failed
	// is abandoned, not closed: see closeBuilder).
	scratch, err := os.MkdirTemp(shards, buildPrefix+"scratch-")
	if err != nil {
		return res, fmt.Errorf("create scratch dir: %w", err)
	}
	tmp, err := os.MkdirTemp(shards, buildPrefix+fmt.Sprintf("s%03d-", bucket))
	if err != nil {
		os.RemoveAll(scratch)
		return res, fmt.Errorf("create shard build dir: %w", err)
	}
	cleanup := func() {
		os.RemoveAll(scratch)
		os.RemoveAll(tmp)
	}
	// Unless finish is left to do, whatever happens the build's
	// directories go with it.
	defer func() {
		if res.finish == nil {
			cleanup()
		}
	}()
	// bleve's builder wants to create its own directory.
	if err := os.Remove(tmp); err != nil {
		return res, fmt.Errorf("prepare shard build dir: %w", err)
	}
	// The builder is made on the first document: bleve's builder cannot
	// close empty, and a bucket whose seeds all fail to read has none.
	var b bleve.Builder
	// On an error the builder is abandoned, not closed: closing would
	// finish the shard (merge, write), and bleve's Close panics when no
	// segment was written, as when the disk filled up writing the first.
	// Between batches it holds no open file; its files are in scratch.
	seeds := readSeeds(ctx, src, w.docs, es, res.bad)
	defer seeds.Close()
	for {
		r, ok := seeds.Next()
		if !ok {
			break
		}
		if r.err != nil {
			return res, r.err
		}
		if r.ds == nil {
			continue
		}
		if b == nil {
			var err error
			b, err = bleve.NewBuilder(tmp, w.docs.builder, map[string]any{
				"buildPathPrefix": scratch,
				"batchSize":       w.opts.BatchSize,
				"mergeMax":        w.opts.MergeMax,
			})
			if err != nil {
				return res, fmt.Errorf("new shard builder: %w", err)
			}
		}
		for _, docs := range r.docs {
			for i := range docs {
				if err := b.Index(docs[i].id, &docs[i]); err != nil {
					return res, fmt.Errorf("index %s paragraph %s: %w", r.entry.Seed, docs[i].id, err)
				}
			}
		}
		res.seeds[r.entry.Seed] = r.rec
		res.info.Articles += len(r.ds)
		n := paragraphCount(r.ds)
		res.info.Paragraphs += n
		progress(n)
	}
	// Every seed read, or the build cancelled: the reader has stopped.
	seeds.Close()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if b == nil {
		return res, nil
	}
	res.finish = func() (shardResult, error) {
		defer cleanup()
		done := res
		done.finish = nil
		if err := closeBuilder(ctx, b, j.merge); err != nil {
			return done, fmt.Errorf("finish shard %d: %w", bucket, err)
		}
		if err := w.install(tmp, &done.info, j.readers, keptEntries(es, done.seeds), done.seeds); err != nil {
			return done, err
		}
		return done, nil
	}
	return res, nil
}

// keptEntries returns the entries of es that seeds holds, in es' order,
// with the records read: the seeds a shard was built of. Made when the
// shard is named, not kept through its build: at millions of seeds a copy
// of every entry is a large part of the build's heap.
func keptEntries(es []Entry, seeds map[string]SeedInfo) []Entry {
	kept := make([]Entry, 0, len(seeds))
	for _, e := range es {
		if si, ok := seeds[e.Seed]; ok {
			kept = append(kept, Entry{Seed: e.Seed, Info: si})
		}
	}
	return kept
}

// install names the shard written in tmp after the seeds it holds, moves it
// into the shards directory (unless a whole shard of that content is there
// already) and records the name in seeds. The shard goes in whole: its
// SUMS written, every file and directory of it synced, then one rename.
// A directory of the right name that does not match its SUMS (the remnant
// of a removal killed half-way, by a writer older than removeShard, or a
// damaged shard) is removed and replaced, never taken for the shard.
func (w *Writer) install(tmp string, info *ShardInfo, readers string, kept []Entry, seeds map[string]SeedInfo) error {
	crashPoint("build")
	shards := filepath.Join(w.dir, shardsDir)
	info.Name = w.shardName(info.Bucket, readers, kept)
	final := filepath.Join(shards, info.Name)
	reuse := false
	if _, err := os.Lstat(final); err == nil {
		// Built before with the same content (a failed read fell back to
		// a known set, or a generation came back to an earlier content).
		if verr := verifyShard(final); verr == nil {
			reuse = true
		} else {
			w.opts.Logger.Warn("a directory of the shard's name is not the whole shard; replacing it", "shard", info.Name, "err", verr)
			if err := w.removeShard(info.Name); err != nil {
				return err
			}
		}
	}
	if !reuse {
		if err := writeShardSums(tmp); err != nil {
			return err
		}
		if err := os.Chmod(tmp, 0o755); err != nil {
			return fmt.Errorf("chmod shard: %w", err)
		}
		if err := syncTree(tmp); err != nil {
			return fmt.Errorf("shard %s: %w", info.Name, err)
		}
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("publish shard %s: %w", info.Name, err)
		}
		w.markWhole(info.Name, true)
	}
	for k, v := range seeds {
		v.Shard = info.Name
		seeds[k] = v
	}
	if err := syncDir(shards); err != nil {
		return err
	}
	crashPoint("install")
	return nil
}

// closeBuilder finishes a shard: the builder merges its batch segments
// into one and writes the shard. The merge maps every segment of the
// shard, and the pages it reads stay resident until it ends: with merge
// not nil it waits for the merge slot, so that shards built at once take
// turns to merge instead of holding their segments mapped together. The
// other workers go on indexing meanwhile.
func closeBuilder(ctx context.Context, b bleve.Builder, merge chan struct{}) error {
	if merge != nil {
		select {
		case merge <- struct{}{}:
			defer func() { <-merge }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return b.Close()
}
