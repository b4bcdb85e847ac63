package index

import (
	"context"
	"fmt"
	"sync"
)

// readAheadSeeds is how many seeds a shard's reader may have read and
// analysed ahead of its indexer: enough to keep the indexer fed while the
// reader parses a long page, few enough that the waiting documents stay a
// small part of the build's memory.
const readAheadSeeds = 32

// readSeedResult is one seed read and made into the builder's documents.
type readSeedResult struct {
	entry Entry
	ds    []*Document     // nil: the seed failed to read (recorded in bad)
	rec   SeedInfo        // what the manifest records of the seed
	docs  [][]preparedDoc // the documents of ds[i]
	err   error           // a document that could not be made: the build stops
}

// seedReader reads a shard's seeds in one goroutine of its own, in order,
// while the shard's builder indexes the ones before: reading a seed
// (parsing, extraction, language detection) and analysing its documents
// is as much work as indexing them, and in a loop of its own it runs on
// the other core whenever the builder waits or writes a segment.
//
// The reader owns bad until Close returns: readSeed records there the
// seeds that fail.
type seedReader struct {
	out    chan readSeedResult
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// readSeeds starts reading entries from src, making each seed's documents
// with dm.
func readSeeds(ctx context.Context, src Source, dm *docMaker, entries []Entry, bad map[string]SeedInfo) *seedReader {
	ctx, cancel := context.WithCancel(ctx)
	r := &seedReader{out: make(chan readSeedResult, readAheadSeeds), cancel: cancel}
	r.done.Go(func() {
		defer close(r.out)
		for _, e := range entries {
			if ctx.Err() != nil {
				return
			}
			res := readSeedResult{entry: e}
			res.ds, res.rec = readSeed(ctx, src, e, bad)
			for _, d := range res.ds {
				docs, err := dm.document(d)
				if err != nil {
					res.err = fmt.Errorf("index %s: %w", e.Seed, err)
					break
				}
				res.docs = append(res.docs, docs)
			}
			select {
			case r.out <- res:
			case <-ctx.Done():
				return
			}
			if res.err != nil {
				return
			}
		}
	})
	return r
}

// Next returns the next seed read, or false when every seed has been
// (or the context ended: the caller checks it).
func (r *seedReader) Next() (readSeedResult, bool) {
	res, ok := <-r.out
	return res, ok
}

// Close stops the reader and waits for it, after which bad is the
// caller's again.
func (r *seedReader) Close() {
	r.cancel()
	r.done.Wait()
}
