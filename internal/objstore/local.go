package objstore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/newsroom/newsearch/index"
)

// listsDir is where a local index directory keeps the file lists of the
// shards it shares with the store: a pushed or pulled shard's files need
// not be hashed again, and a download can link a file another cached
// shard already has. Hidden, so the index itself ignores it.
const listsDir = ".objstore"

func listPath(dir, shard string) string { return filepath.Join(dir, listsDir, shard+".json") }

// saveList records a shard's file list beside a local index.
func saveList(dir string, l *FileList) error {
	b, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("encode file list of %s: %w", l.Shard, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, listsDir), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", listsDir, err)
	}
	p := listPath(dir, l.Shard)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write file list of %s: %w", l.Shard, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("write file list of %s: %w", l.Shard, err)
	}
	return nil
}

// localLists reads the file lists of the shards present in dir. A list
// whose shard is gone, or that cannot be read, is left out.
func localLists(dir string) map[string]*FileList {
	out := map[string]*FileList{}
	ents, err := os.ReadDir(filepath.Join(dir, listsDir))
	if err != nil {
		return out
	}
	for _, e := range ents {
		shard, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !index.ValidShardName(shard) {
			continue
		}
		if _, err := os.Stat(index.ShardPath(dir, shard)); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, listsDir, e.Name()))
		if err != nil {
			continue
		}
		if l, err := decodeList(b, shard); err == nil {
			out[shard] = l
		}
	}
	return out
}

// knownHashes maps the files of dir's listed shards (device and inode) to
// their hashes, for files whose size still matches the list.
func knownHashes(dir string) map[fileKey]string {
	known := map[fileKey]string{}
	for shard, l := range localLists(dir) {
		for _, f := range l.Files {
			info, err := os.Stat(filepath.Join(index.ShardPath(dir, shard), filepath.FromSlash(f.Path)))
			if err != nil || info.Size() != f.Size {
				continue
			}
			if k, ok := keyOf(info); ok {
				known[k] = f.SHA256
			}
		}
	}
	return known
}

// localBlobs maps the hashes of dir's listed shards' files to a path that
// holds each, so a download links a file it already has.
func localBlobs(dir string) map[string]string {
	have := map[string]string{}
	for shard, l := range localLists(dir) {
		for _, f := range l.Files {
			p := filepath.Join(index.ShardPath(dir, shard), filepath.FromSlash(f.Path))
			if info, err := os.Stat(p); err == nil && info.Size() == f.Size {
				have[f.SHA256] = p
			}
		}
	}
	return have
}
