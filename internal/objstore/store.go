// Package objstore keeps the index in an S3-compatible object store: the
// indexer pushes each generation it publishes locally, and every searchd
// replica pulls the generation CURRENT names into a local cache that
// index.Reader serves like any index directory.
//
// The bucket holds, under its prefix:
//
//	CURRENT                 "gen-00000008.json": the served generation, moved by a conditional write
//	gen-00000008.json       the generation's manifest, byte for byte the local one
//	shards/<name>.json      a shard's file list (path, size, sha256), written after every blob it names
//	blobs/<sha256>          file contents, addressed by content, never rewritten
//	LEASE                   the one writer's lease (conditional create, renewed, expires)
//
// Shards are immutable and named by their content, so a shard whose list
// exists is complete and never uploaded again; files are stored by their
// hash, so an updated shard (a copy of the old one with a small new
// segment) moves only its new files. Nothing is ever rewritten but CURRENT
// and LEASE, both under a precondition, so readers never see a torn
// generation.
package objstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Scheme is the prefix of an index location in object storage.
const Scheme = "s3://"

// IsURL reports whether loc names an index in object storage rather than a
// local directory.
func IsURL(loc string) bool { return strings.HasPrefix(loc, Scheme) }

// Object names under the prefix.
const (
	currentKey = "CURRENT"
	leaseKey   = "LEASE"
	shardsKey  = "shards/"
	blobsKey   = "blobs/"
)

// ErrConflict is returned when a conditional write lost: another writer
// moved CURRENT or holds the lease.
var ErrConflict = errors.New("the object store changed under a conditional write")

// errNotFound is returned for a missing object.
var errNotFound = errors.New("no such object")

// Store is one index location in an S3-compatible object store.
type Store struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	loc    string
	log    *slog.Logger
}

// Options configure Open. Zero values come from the standard environment:
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (default AWS itself), AWS_REGION
// or AWS_DEFAULT_REGION, and credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, MinIO's variables, the shared credentials file or
// the instance's role, in that order.
type Options struct {
	Endpoint string // "http://host:port" or "https://host"
	Region   string
	Creds    *credentials.Credentials
	// Transport replaces the HTTP transport (tests route through a proxy
	// they can break).
	Transport http.RoundTripper
	Logger    *slog.Logger
}

// Open connects to the index at loc ("s3://BUCKET/PREFIX"). It does not
// contact the store.
func Open(loc string, o Options) (*Store, error) {
	bucket, prefix, err := parseLocation(loc)
	if err != nil {
		return nil, err
	}
	if o.Endpoint == "" {
		o.Endpoint = firstEnv("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
	}
	if o.Endpoint == "" {
		o.Endpoint = "https://s3.amazonaws.com"
	}
	if o.Region == "" {
		o.Region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if o.Creds == nil {
		o.Creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.EnvMinio{},
			&credentials.FileAWSCredentials{}, &credentials.IAM{},
		})
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	u, err := url.Parse(o.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("object store endpoint %q: want http://host:port or https://host", o.Endpoint)
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:     o.Creds,
		Secure:    u.Scheme == "https",
		Region:    o.Region,
		Transport: o.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("object store %s: %w", o.Endpoint, err)
	}
	return &Store{client: client, bucket: bucket, prefix: prefix, loc: loc, log: o.Logger}, nil
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// parseLocation splits "s3://BUCKET/PREFIX" into the bucket and a prefix
// that is empty or ends in "/".
func parseLocation(loc string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(loc, Scheme)
	if !ok {
		return "", "", fmt.Errorf("index location %q: want %sBUCKET/PREFIX", loc, Scheme)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("index location %q names no bucket", loc)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if path.Clean(prefix) != prefix || strings.HasPrefix(prefix, "..") {
			return "", "", fmt.Errorf("index location %q: the prefix must be a clean path", loc)
		}
		prefix += "/"
	}
	return bucket, prefix, nil
}

// String returns the location the store was opened with.
func (s *Store) String() string { return s.loc }

// EnsureBucket creates the bucket when it does not exist.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("look up bucket %s: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return fmt.Errorf("create bucket %s: %w", s.bucket, err)
	}
	return nil
}

func (s *Store) key(rel string) string { return s.prefix + rel }

// classify turns the client's errors into ours.
func classify(err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%w: %w", errNotFound, err)
	case resp.Code == "PreconditionFailed" || resp.StatusCode == http.StatusPreconditionFailed:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// get reads a small object whole, with its ETag.
func (s *Store) get(ctx context.Context, rel string) ([]byte, string, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, s.key(rel), minio.GetObjectOptions{})
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", rel, classify(err))
	}
	defer obj.Close()
	st, err := obj.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", rel, classify(err))
	}
	b, err := io.ReadAll(obj)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", rel, classify(err))
	}
	return b, st.ETag, nil
}

// exists reports whether an object is there.
func (s *Store) exists(ctx context.Context, rel string) (bool, error) {
	_, err := s.client.StatObject(ctx, s.bucket, s.key(rel), minio.StatObjectOptions{})
	if err = classify(err); errors.Is(err, errNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("stat %s: %w", rel, err)
	}
	return true, nil
}

// precondition of a conditional write.
type precondition struct {
	absent bool   // the object must not exist (If-None-Match: *)
	etag   string // the object must have this ETag (If-Match)
}

// put writes a small object under an optional precondition and returns its
// new ETag.
func (s *Store) put(ctx context.Context, rel string, data []byte, cond precondition) (string, error) {
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream", DisableMultipart: true}
	switch {
	case cond.absent:
		opts.SetMatchETagExcept("*")
	case cond.etag != "":
		opts.SetMatchETag(cond.etag)
	}
	info, err := s.client.PutObject(ctx, s.bucket, s.key(rel), bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return "", fmt.Errorf("put %s: %w", rel, classify(err))
	}
	return info.ETag, nil
}

// remove deletes an object.
func (s *Store) remove(ctx context.Context, rel string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, s.key(rel), minio.RemoveObjectOptions{}); err != nil {
		return fmt.Errorf("remove %s: %w", rel, classify(err))
	}
	return nil
}

// listBlobs returns the hashes of every blob in the store.
func (s *Store) listBlobs(ctx context.Context) (map[string]bool, error) {
	have := map[string]bool{}
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.key(blobsKey), Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("list blobs: %w", classify(obj.Err))
		}
		have[strings.TrimPrefix(obj.Key, s.key(blobsKey))] = true
	}
	return have, nil
}

// Current returns the manifest name CURRENT points at and CURRENT's ETag;
// an error wrapping ErrNoGeneration when nothing was published yet.
func (s *Store) Current(ctx context.Context) (name, etag string, err error) {
	b, etag, err := s.get(ctx, currentKey)
	if errors.Is(err, errNotFound) {
		return "", "", fmt.Errorf("%w in %s", ErrNoGeneration, s.loc)
	}
	if err != nil {
		return "", "", err
	}
	name = strings.TrimSpace(string(b))
	if name != path.Base(name) || !strings.HasPrefix(name, "gen-") {
		return "", "", fmt.Errorf("%s in %s names %q, not a generation manifest", currentKey, s.loc, name)
	}
	return name, etag, nil
}

// ErrNoGeneration is returned when the store has no published generation.
var ErrNoGeneration = errors.New("no generation published")
