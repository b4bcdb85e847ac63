package objstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// DefaultLeaseTTL is how long a writer's lease lasts unless renewed. A
// writer that dies leaves the index locked this long at most.
const DefaultLeaseTTL = 2 * time.Minute

// leaseBody is the content of the LEASE object.
type leaseBody struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// Lease is the one writer's right to move CURRENT. It is renewed in the
// background until Release.
type Lease struct {
	s      *Store
	ttl    time.Duration
	holder string
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	etag string
	err  error // why renewal failed; the lease is lost
}

// Acquire takes the index's writer lease: a conditional create of LEASE,
// or a conditional take-over of a lease that expired. It fails with an
// error wrapping ErrConflict while another writer holds it.
func (s *Store) Acquire(ctx context.Context, ttl time.Duration) (*Lease, error) {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s pid %d", host, os.Getpid())
	body := func() []byte {
		b, _ := json.Marshal(leaseBody{Holder: holder, Expires: time.Now().Add(ttl).UTC()})
		return b
	}
	etag, err := s.put(ctx, leaseKey, body(), precondition{absent: true})
	if errors.Is(err, ErrConflict) {
		b, old, gerr := s.get(ctx, leaseKey)
		if gerr != nil {
			return nil, fmt.Errorf("read the lease of %s: %w", s.loc, gerr)
		}
		var cur leaseBody
		if json.Unmarshal(b, &cur) == nil && time.Now().Before(cur.Expires) {
			return nil, fmt.Errorf("%w: %s holds the writer lease of %s until %s", ErrConflict, cur.Holder, s.loc, cur.Expires.Format(time.RFC3339))
		}
		s.log.Warn("taking over an expired writer lease", "index", s.loc, "holder", cur.Holder, "expired", cur.Expires)
		etag, err = s.put(ctx, leaseKey, body(), precondition{etag: old})
	}
	if err != nil {
		return nil, fmt.Errorf("acquire the writer lease of %s: %w", s.loc, err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	l := &Lease{s: s, ttl: ttl, holder: holder, etag: etag, cancel: cancel, done: make(chan struct{})}
	go l.renew(rctx, body)
	return l, nil
}

// renew rewrites the lease every third of its life, each time on the
// condition that it is still ours.
func (l *Lease) renew(ctx context.Context, body func() []byte) {
	defer close(l.done)
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.mu.Lock()
		etag := l.etag
		l.mu.Unlock()
		pctx, cancel := context.WithTimeout(ctx, l.ttl/3)
		next, err := l.s.put(pctx, leaseKey, body(), precondition{etag: etag})
		cancel()
		l.mu.Lock()
		switch {
		case err == nil:
			l.etag = next
		case errors.Is(err, ErrConflict):
			l.err = fmt.Errorf("the writer lease of %s was taken by another writer: %w", l.s.loc, err)
		default:
			// A store unreachable for a while: try again at the next tick;
			// Check reports the lease lost once it has expired.
			l.s.log.Warn("could not renew the writer lease", "index", l.s.loc, "err", err)
		}
		lost := l.err != nil
		l.mu.Unlock()
		if lost {
			return
		}
	}
}

// Check returns an error when the lease was lost (taken over after it
// expired): the writer must not move CURRENT.
func (l *Lease) Check() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Release stops renewing and deletes the lease, so that the next writer
// need not wait for it to expire.
func (l *Lease) Release(ctx context.Context) error {
	l.cancel()
	<-l.done
	if l.Check() != nil {
		return nil // not ours any more: nothing to delete
	}
	return l.s.remove(ctx, leaseKey)
}
