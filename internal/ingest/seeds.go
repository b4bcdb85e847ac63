package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/newsroom/newsearch/index"
	"github.com/newsroom/newsearch/internal/article"
)

// seedFiles is the index's Source for a seeds folder: it hashes the seeds
// the writer's plan must tell apart from a touch and reads and parses the
// seeds of the shards being written, each once.
type seedFiles struct {
	dir      string
	maxBytes int64
}

// Hash returns the hex SHA-256 of the seed's content.
func (s seedFiles) Hash(ctx context.Context, e index.Entry) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return hashFile(s.path(e), sha256.New(), make([]byte, 64<<10))
}

// Read reads and parses the seed (see loadSeed).
func (s seedFiles) Read(ctx context.Context, e index.Entry) (*index.Document, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	return loadSeed(s.dir, e, s.maxBytes)
}

// path returns the file of a seed.
func (s seedFiles) path(e index.Entry) string {
	return filepath.Join(s.dir, filepath.FromSlash(e.Seed))
}

// hashFile returns the hex SHA-256 of a file's content, reading it through
// buf with h (reset first).
func hashFile(path string, h hash.Hash, buf []byte) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	h.Reset()
	for {
		n, err := f.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("unreadable: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(buf[:0])), nil
}

// loadSeed reads and parses one seed. The file must still be the one the
// scan saw (size and modification time as in e.Info): a seed changed
// since is left to the next rebuild rather than indexed under what the
// scan recorded of it. When e has no hash yet (a new seed) it returns the
// SHA-256 of the bytes it read, also when they do not parse: the seed is
// read and hashed once. A seed the plan hashed already is not hashed again.
func loadSeed(dir string, e index.Entry, maxBytes int64) (*index.Document, string, error) {
	path := filepath.Join(dir, filepath.FromSlash(e.Seed))
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("unreadable: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("unreadable: %w", err)
	}
	if st.Size() != e.Info.Size || !st.ModTime().Equal(e.Info.ModTime) {
		return nil, "", errChangedWhileIndexed
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("unreadable: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, "", fmt.Errorf("too large: more than %d bytes", maxBytes)
	}
	if int64(len(data)) != e.Info.Size {
		return nil, "", errChangedWhileIndexed
	}
	sum := ""
	if e.Info.SHA256 == "" {
		b := sha256.Sum256(data)
		sum = hex.EncodeToString(b[:])
	}
	a, err := article.Parse(e.Seed, data)
	if err != nil {
		return nil, sum, err
	}
	return a.Document(), sum, nil
}

// errChangedWhileIndexed is the reason a seed that changed between the
// scan and its reading is skipped; the next rebuild, which the change
// triggers in watch mode, picks it up.
var errChangedWhileIndexed = errors.New("changed while being indexed: it is picked up by the next rebuild")
