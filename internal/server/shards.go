package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/newsroom/newsearch/index"
)

// ShardServer answers a root searchd's reads of the shards this searchd
// serves (index.Reader.ServeShard): the leaf's side of a partitioned
// search.
type ShardServer interface {
	ServeShard(ctx context.Context, op string, body []byte) ([]byte, error)
}

// maxShardRequest bounds the body of a shard request: a search's query
// and the candidates' ids, never text.
const maxShardRequest = 8 << 20

// handleShard answers POST /internal/shards/{op}. It is for roots, not
// people: a load balancer in front of searchd does not route it
// (deploy/nginx.conf).
func (s *Server) handleShard(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Shards == nil {
		return errNotFound
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxShardRequest))
	if err != nil {
		return badRequest("bad_body", "the request body could not be read: %v", err)
	}
	out, err := s.cfg.Shards.ServeShard(r.Context(), pathVar(r, "op"), body)
	switch {
	case errors.Is(err, index.ErrShardNotServed):
		return &httpError{Status: http.StatusNotFound, Code: "shard_not_served", Message: err.Error()}
	case errors.Is(err, index.ErrBadShardRequest):
		return badRequest("bad_shard_request", "%s", err.Error())
	case err != nil:
		if he := toHTTPError(err); he.Status != http.StatusInternalServerError {
			return he
		}
		return fmt.Errorf("shard %s: %w", pathVar(r, "op"), err)
	}
	if pathVar(r, "op") == index.OpStatus {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", index.ShardMediaType)
	}
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(out)
	return err
}
