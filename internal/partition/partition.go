// Package partition carries a root searchd's shard requests to its leaves
// over HTTP: each leaf is a group of replicas serving the same buckets,
// tried in turn until one answers. It implements index.Leaf and knows
// nothing of what the requests say.
package partition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newsroom/newsearch/index"
)

// DefaultTimeout bounds one attempt at one replica: past it the next
// replica is tried, and past the last the shard is missing from the
// result (index.ErrShardUnavailable) rather than the search failing.
const DefaultTimeout = 2 * time.Second

// maxAnswer bounds a leaf's answer: stored fields of a page of hits, the
// candidates' postings.
const maxAnswer = 256 << 20

// Group is a leaf of a partitioned search: the base URLs of the searchd
// replicas serving the same buckets.
type Group struct {
	urls    []string
	client  *http.Client
	timeout time.Duration
	next    atomic.Uint32 // the replica the next call starts with
}

// Options configures the groups of Parse. The zero value works.
type Options struct {
	// Timeout bounds one attempt at one replica; 0 means DefaultTimeout.
	Timeout time.Duration
	// Client sends the requests; nil means one of its own, keeping
	// connections to every replica open.
	Client *http.Client
}

// Parse reads the leaves of a root: groups separated by spaces, the
// replicas of a group by commas, each a base URL ("http://host:port").
func Parse(spec string, opts Options) ([]*Group, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			// Leaves are near: compressing answers costs more than
			// sending them.
			DisableCompression: true,
		}}
	}
	var groups []*Group
	for _, g := range strings.Fields(spec) {
		grp := &Group{client: opts.Client, timeout: opts.Timeout}
		for _, u := range strings.Split(g, ",") {
			if u == "" {
				continue
			}
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
				return nil, fmt.Errorf("leaf %q: want a base URL like http://host:port", u)
			}
			grp.urls = append(grp.urls, strings.TrimRight(u, "/"))
		}
		if len(grp.urls) > 0 {
			groups = append(groups, grp)
		}
	}
	if len(groups) == 0 {
		return nil, errors.New("no leaves: want groups of base URLs, replicas joined by commas, groups by spaces")
	}
	return groups, nil
}

// Leaves returns the groups as the index's leaves.
func Leaves(groups []*Group) []index.Leaf {
	out := make([]index.Leaf, len(groups))
	for i, g := range groups {
		out[i] = g
	}
	return out
}

// String names the group by its replicas.
func (g *Group) String() string { return strings.Join(g.urls, ",") }

// Call sends one shard request to the group's replicas, starting with the
// next in turn, until one answers 200. A refused request (400) fails at
// once; an unreachable, failing or slow replica passes the request on.
// When none answers the error wraps index.ErrShardUnavailable; when the
// caller's own deadline passes, it is the context's error.
func (g *Group) Call(ctx context.Context, op string, body []byte) ([]byte, error) {
	start := int(g.next.Add(1))
	var errs []error
	for i := range g.urls {
		u := g.urls[(start+i)%len(g.urls)]
		out, retry, err := g.try(ctx, u, op, body)
		if err == nil {
			return out, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("leaf %s: %w", u, ctx.Err())
		}
		if !retry {
			return nil, err
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("%w: %w", index.ErrShardUnavailable, errors.Join(errs...))
}

// try sends the request to one replica; retry says whether another
// replica may answer it.
func (g *Group) try(ctx context.Context, base, op string, body []byte) (out []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/internal/shards/"+url.PathEscape(op), bytes.NewReader(body))
	if err != nil {
		return nil, false, fmt.Errorf("leaf %s: %w", base, err)
	}
	req.Header.Set("Content-Type", index.ShardMediaType)
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, true, fmt.Errorf("leaf %s: %w", base, err)
	}
	defer resp.Body.Close()
	out, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return nil, true, fmt.Errorf("leaf %s: read answer: %w", base, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK && len(out) > maxAnswer:
		return nil, false, fmt.Errorf("leaf %s: answer larger than %d bytes", base, maxAnswer)
	case resp.StatusCode == http.StatusOK:
		return out, false, nil
	case resp.StatusCode == http.StatusBadRequest:
		return nil, false, fmt.Errorf("leaf %s refused %s: %s", base, op, bytes.TrimSpace(out[:min(len(out), 300)]))
	}
	return nil, true, fmt.Errorf("leaf %s: %s: %s", base, resp.Status, bytes.TrimSpace(out[:min(len(out), 300)]))
}

// maxBuckets bounds a bucket list: far more than any index has shards, so
// that a mistyped range is an error, not a list of millions.
const maxBuckets = 1 << 16

// ParseBuckets reads a list of buckets: numbers and ranges joined by
// commas ("0,2-3").
func ParseBuckets(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("-buckets %q: want numbers and ranges like 0,2-3", s)
		}
		if b-a >= maxBuckets || len(out)+b-a >= maxBuckets {
			return nil, fmt.Errorf("-buckets %q: more than %d buckets", s, maxBuckets)
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	return out, nil
}
