package index

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The functions below let a copy of an index directory be kept elsewhere
// (object storage, a replica's cache) without knowing the directory's
// layout: which manifest is served, which shards it names, where they live,
// and how a copy publishes a generation the way the writer does.

// PublishedManifest returns the file name of the manifest CURRENT points at
// in dir ("gen-00000007.json"), or an error wrapping ErrNoIndex.
func PublishedManifest(dir string) (string, error) { return currentName(dir) }

// ManifestPath is the path of the manifest called name in dir.
func ManifestPath(dir, name string) string { return filepath.Join(dir, name) }

// ManifestShards returns the names of the shards the manifest at path
// serves, reading only its head.
func ManifestShards(path string) ([]string, error) { return shardNames(path) }

// ManifestShardsFrom returns the names of the shards of the manifest read
// from r (name says which in errors), reading only its head: a manifest's
// seeds need not be fetched to know its shards.
func ManifestShardsFrom(r io.Reader, name string) ([]string, error) {
	g, err := readHeadFrom(r, name)
	if err != nil {
		return nil, err
	}
	return g.shardNames(), nil
}

// ManifestNumber returns the generation number of a manifest's file name.
func ManifestNumber(name string) (int, error) {
	s, ok := strings.CutPrefix(name, "gen-")
	if ok {
		s, ok = strings.CutSuffix(s, ".json")
	}
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 || manifestName(n) != name {
		return 0, fmt.Errorf("%q is not a generation manifest's name", name)
	}
	return n, nil
}

// ShardsPath is the folder of dir's shards.
func ShardsPath(dir string) string { return filepath.Join(dir, shardsDir) }

// ShardPath is the folder of the shard called name in dir.
func ShardPath(dir, name string) string { return filepath.Join(dir, shardsDir, name) }

// ValidShardName reports whether name can be a published shard's folder
// name: one path element, not hidden (builds and temporaries are).
func ValidShardName(name string) bool {
	return name != "" && name == filepath.Base(name) && !strings.HasPrefix(name, ".") && name != ".."
}

// WriteManifest stores a copy of a published manifest in dir, durably and
// atomically; it serves nothing until SetCurrent names it.
func WriteManifest(dir, name string, data []byte) error {
	if _, err := ManifestNumber(name); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create index dir: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, name), data)
}

// SetCurrent publishes the manifest called name in dir: a reader of dir
// serves it from then on. Every shard it names must already be complete
// in dir.
func SetCurrent(dir, name string) error {
	if _, err := ManifestNumber(name); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, currentFile), []byte(name+"\n"))
}

// SyncDir makes the entries of dir durable (after files were written into
// it, before it is renamed into place).
func SyncDir(dir string) error { return syncDir(dir) }
