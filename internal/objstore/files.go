package objstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// File is one file of a shard: its path inside the shard's folder, size
// and content hash (the name of its blob).
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// FileList is the object shards/<name>.json: every file of one shard.
type FileList struct {
	Shard string `json:"shard"`
	Files []File `json:"files"`
}

// validate checks a list read from the store before anything is written
// from it: paths stay inside the shard, hashes are hashes.
func (l *FileList) validate(shard string) error {
	if l.Shard != shard {
		return fmt.Errorf("file list of shard %s names shard %q", shard, l.Shard)
	}
	seen := map[string]bool{}
	for _, f := range l.Files {
		if f.Path == "" || path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == ".." || strings.HasPrefix(f.Path, "../") {
			return fmt.Errorf("file list of shard %s: bad path %q", shard, f.Path)
		}
		if seen[f.Path] {
			return fmt.Errorf("file list of shard %s: %q twice", shard, f.Path)
		}
		seen[f.Path] = true
		if f.Size < 0 || !isHash(f.SHA256) {
			return fmt.Errorf("file list of shard %s: bad size or hash for %q", shard, f.Path)
		}
	}
	return nil
}

func isHash(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// fileKey identifies a file on disk, so that a hard link of a file whose
// hash is known (an updated shard shares its old segments) is not hashed
// again.
type fileKey struct{ dev, ino uint64 }

func keyOf(info fs.FileInfo) (fileKey, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{uint64(st.Dev), uint64(st.Ino)}, true
}

// listShard walks a local shard folder and returns its file list, taking
// hashes from known (files already hashed, by device and inode) where it
// can and adding the ones it computes.
func listShard(dir, shard string, known map[fileKey]string) (*FileList, error) {
	l := &FileList{Shard: shard}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		k, hasKey := keyOf(info)
		sum, ok := known[k]
		if !hasKey || !ok {
			if sum, err = hashFile(p); err != nil {
				return err
			}
			if hasKey {
				known[k] = sum
			}
		}
		l.Files = append(l.Files, File{Path: filepath.ToSlash(rel), Size: info.Size(), SHA256: sum})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list shard %s: %w", shard, err)
	}
	sort.Slice(l.Files, func(i, j int) bool { return l.Files[i].Path < l.Files[j].Path })
	return l, nil
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", p, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func decodeList(b []byte, shard string) (*FileList, error) {
	var l FileList
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("decode file list of shard %s: %w", shard, err)
	}
	if err := l.validate(shard); err != nil {
		return nil, err
	}
	return &l, nil
}
