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
	"sync"

	"github.com/newsroom/newsearch/index"
)

// seedFiles is the index's Source for a seeds folder: it hashes the seeds
// the writer's plan must tell apart from a touch and reads and parses the
// seeds of the shards being written, each once.
type seedFiles struct {
	dir     string
	limits  sizeLimits
	parse   parser
	hashers *sync.Pool // of *hasher: the plan hashes from several goroutines
}

// newSeedFiles returns the Source of the seeds in dir, read by p.
func newSeedFiles(dir string, limits sizeLimits, p parser) seedFiles {
	return seedFiles{dir: dir, limits: limits, parse: p, hashers: &sync.Pool{
		New: func() any { return &hasher{h: sha256.New(), buf: make([]byte, 64<<10)} },
	}}
}

// hasher is a hash and a read buffer, reused from seed to seed.
type hasher struct {
	h   hash.Hash
	buf []byte
}

// Hash returns the hex SHA-256 of the seed's content.
func (s seedFiles) Hash(ctx context.Context, e index.Entry) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	hs := s.hashers.Get().(*hasher)
	defer s.hashers.Put(hs)
	return hashFile(s.path(e), hs.h, hs.buf)
}

// Read reads and parses the seed (see loadSeed).
func (s seedFiles) Read(ctx context.Context, e index.Entry) ([]*index.Document, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	return loadSeed(ctx, s.parse, s.dir, e, s.limits)
}

// ReaderVersion names the version of the seed readers (see
// index.VersionedSource), and whether HTML is read: the seeds skipped for
// want of an HTML reader are read again by the first run that has one.
func (s seedFiles) ReaderVersion() string {
	if s.parse.readHTML == nil {
		return ReaderVersion + "-nohtml"
	}
	return ReaderVersion
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

// loadSeed reads one seed and parses it with p into its documents. The file must still be the one the
// scan saw (size and modification time as in e.Info): a seed changed
// since is left to the next rebuild rather than indexed under what the
// scan recorded of it. When e has no hash yet (a new seed) it returns the
// SHA-256 of the bytes it read, also when they do not parse: the seed is
// read and hashed once. A seed the plan hashed already is not hashed again.
//
// Failures to read the bytes wrap index.ErrNotRead: the seed is read again
// by the next rebuild. Bytes that do not parse are the seed's own fault.
func loadSeed(ctx context.Context, p parser, dir string, e index.Entry, limits sizeLimits) ([]*index.Document, string, error) {
	path := filepath.Join(dir, filepath.FromSlash(e.Seed))
	f, err := os.Open(path)
	if err != nil {
		return nil, "", notRead{fmt.Errorf("unreadable: %w", err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", notRead{fmt.Errorf("unreadable: %w", err)}
	}
	if st.Size() != e.Info.Size || !st.ModTime().Equal(e.Info.ModTime) {
		return nil, "", notRead{errChangedWhileIndexed}
	}
	if format, _, err := formatOf(e.Seed); err == nil && format == FormatWARC {
		return loadCrawl(ctx, p, f, e, limits.crawl)
	}
	maxBytes := limits.seed
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, "", notRead{fmt.Errorf("unreadable: %w", err)}
	}
	if int64(len(data)) > maxBytes {
		return nil, "", notRead{fmt.Errorf("too large: more than %d bytes", maxBytes)}
	}
	if int64(len(data)) != e.Info.Size {
		return nil, "", notRead{errChangedWhileIndexed}
	}
	sum := ""
	if e.Info.SHA256 == "" {
		b := sha256.Sum256(data)
		sum = hex.EncodeToString(b[:])
	}
	docs, err := p.documents(e.Seed, data, maxBytes)
	p.setLanguages(docs)
	return docs, sum, err
}

// loadCrawl reads a web crawl from f as a stream (parser.crawl), hashing
// the bytes as they go by when e has no hash yet. A crawl the reader gave
// up on is still read to its end, so that its hash and size are those of
// the whole file.
func loadCrawl(ctx context.Context, p parser, f io.Reader, e index.Entry, maxBytes int64) ([]*index.Document, string, error) {
	if e.Info.Size > maxBytes {
		return nil, "", notRead{fmt.Errorf("too large: more than %d bytes", maxBytes)}
	}
	cr := &countingReader{r: io.LimitReader(f, maxBytes+1)}
	var src io.Reader = cr
	var h hash.Hash
	if e.Info.SHA256 == "" {
		h = sha256.New()
		src = io.TeeReader(cr, h)
	}
	docs, perr := p.crawl(ctx, e.Seed, src)
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(io.Discard, src); err != nil || cr.err != nil {
		return nil, "", notRead{fmt.Errorf("unreadable: %w", errors.Join(err, cr.err))}
	}
	if cr.n != e.Info.Size {
		return nil, "", notRead{errChangedWhileIndexed}
	}
	sum := ""
	if h != nil {
		sum = hex.EncodeToString(h.Sum(nil))
	}
	p.setLanguages(docs)
	return docs, sum, perr
}

// countingReader counts the bytes read through it and keeps the first
// read error that is not the end of the file: a crawl's reader may stop
// at a broken record and say nothing of the file itself.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// notRead is a failure to read a seed's bytes; it is index.ErrNotRead, with
// its own message.
type notRead struct{ err error }

func (e notRead) Error() string        { return e.err.Error() }
func (e notRead) Unwrap() error        { return e.err }
func (e notRead) Is(target error) bool { return target == index.ErrNotRead }

// errChangedWhileIndexed is the reason a seed that changed between the
// scan and its reading is skipped; the next rebuild, which the change
// triggers in watch mode, picks it up.
var errChangedWhileIndexed = errors.New("changed while being indexed: it is picked up by the next rebuild")
