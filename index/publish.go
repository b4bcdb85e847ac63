package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Progress is how far a Publish has got.
type Progress struct {
	Seeds      int // seeds read so far
	SeedsTotal int // seeds to read: those of the shards being written
	Paragraphs int // paragraphs indexed so far
}

// BuildStats says what a Publish did.
type BuildStats struct {
	Generation int
	Shards     int // shards in the generation
	Built      int // shards built by this run
	Reused     int // shards taken over unchanged from earlier generations
	Updated    int // of the shards built, those that are an earlier shard with seeds added
	Articles   int // articles in the generation
	Paragraphs int // paragraphs in the generation
	Indexed    int // paragraphs indexed by this run
	Elapsed    time.Duration
}

// ErrStalePlan is returned by Publish for a plan made against another
// generation than the one now published.
var ErrStalePlan = errors.New("plan is stale: another generation was published since")

// Publish carries out p, a plan this writer made, and publishes the
// generation atomically: readers see the previous generation until the
// CURRENT pointer is replaced. It asks src for the document of every seed
// of the shards it writes, once each, as it indexes them: no more than one
// document per worker is in memory. A seed src cannot read or parse is
// left out and recorded as skipped, with the reason and the hash of what
// was read, so that it is not read again until it changes. progress, if
// not nil, is called after each seed indexed (from several goroutines,
// never at once).
//
// Publish publishes even when p.UpToDate(): a new generation with the same
// shards.
func (w *Writer) Publish(ctx context.Context, p *Plan, src Source, progress func(Progress)) (*Generation, BuildStats, error) {
	start := time.Now()
	if cur, _ := w.Current(); cur != p.Base {
		return nil, BuildStats{}, ErrStalePlan
	}
	prevNumber, err := w.lastNumber()
	if err != nil {
		return nil, BuildStats{}, err
	}
	gen := &Generation{
		Number:     prevNumber + 1,
		Created:    time.Now().UTC(),
		Mapping:    MappingVersion,
		ShardCount: w.opts.Shards,
		Seeds:      make(map[string]SeedInfo, len(p.seeds)),
		Skipped:    make(map[string]SeedInfo, len(p.Skipped)),
	}
	for k, v := range p.Skipped {
		gen.Skipped[k] = v
	}
	for k, v := range p.seeds {
		gen.Seeds[k] = v
	}
	gen.Shards = append(gen.Shards, p.reused...)
	stats := BuildStats{Generation: gen.Number, Reused: len(p.reused)}
	if err := w.runJobs(ctx, p.jobs, src, progress, gen, &stats); err != nil {
		return nil, stats, err
	}

	sort.Slice(gen.Shards, func(i, j int) bool { return gen.Shards[i].Bucket < gen.Shards[j].Bucket })
	for _, s := range gen.Shards {
		stats.Articles += s.Articles
		stats.Paragraphs += s.Paragraphs
	}
	stats.Shards = len(gen.Shards)
	if err := w.commit(gen); err != nil {
		return nil, stats, err
	}
	w.cur = gen
	if err := w.collect(); err != nil {
		w.opts.Logger.Warn("remove old generations", "err", err)
	}
	stats.Elapsed = time.Since(start)
	return gen, stats, nil
}

// shardResult is what writing one shard gave.
type shardResult struct {
	info  ShardInfo
	seeds map[string]SeedInfo // the seeds the shard holds, as the manifest records them
	bad   map[string]SeedInfo // the seeds that could not be read, with the reason
}

// runJobs writes the shards of jobs, Workers at once, and adds them, their
// seeds and the seeds that failed to gen and stats.
func (w *Writer) runJobs(ctx context.Context, jobs []job, src Source, progress func(Progress), gen *Generation, stats *BuildStats) error {
	var mu sync.Mutex // guards gen, stats, prog and firstErr
	var firstErr error
	var prog Progress
	for _, j := range jobs {
		if j.base != nil {
			prog.SeedsTotal += len(j.added)
		} else {
			prog.SeedsTotal += len(j.entries)
		}
	}
	work := make(chan job)
	var workers sync.WaitGroup
	for range min(w.opts.Workers, max(len(jobs), 1)) {
		workers.Go(func() {
			for j := range work {
				write := w.buildShard
				if j.base != nil {
					write = w.updateShard
				}
				done := 0 // paragraphs indexed for this job
				res, err := write(ctx, j, src, func(n int) {
					done += n
					if progress != nil {
						mu.Lock()
						prog.Seeds++
						prog.Paragraphs += n
						progress(prog)
						mu.Unlock()
					}
				})
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					addShard(gen, stats, j, res, done)
				}
				mu.Unlock()
			}
		})
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		work <- j
	}
	close(work)
	workers.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// addShard adds the shard written for j to gen and stats; indexed is the
// number of paragraphs indexed to write it.
func addShard(gen *Generation, stats *BuildStats, j job, res shardResult, indexed int) {
	switch {
	case res.info.Articles == 0:
		// Every seed failed to read: no shard.
	case j.base != nil && res.info.Name == j.base.Name:
		// Every added seed failed to read: the shard as it was.
		gen.Shards = append(gen.Shards, res.info)
		stats.Reused++
	default:
		gen.Shards = append(gen.Shards, res.info)
		stats.Built++
		stats.Indexed += indexed
		if j.base != nil && res.info.Updates > 0 {
			stats.Updated++
		}
	}
	for k, v := range res.seeds {
		gen.Seeds[k] = v
	}
	for k, v := range res.bad {
		gen.Skipped[k] = v
	}
}

// readSeed asks src for the document of e and returns it with the record
// the manifest keeps of the seed. The record's hash is e's, known since
// the plan, or for a seed not hashed yet the one src computed reading it:
// the one place a new seed's hash is learnt. A seed that cannot be read
// or parsed is recorded in bad with its reason, and readSeed returns nil;
// its hash too, unless the bytes were not read (ErrNotRead).
func readSeed(ctx context.Context, src Source, e Entry, bad map[string]SeedInfo) (*Document, SeedInfo) {
	rec := e.Info
	d, sum, err := src.Read(ctx, e)
	if rec.SHA256 == "" {
		rec.SHA256 = sum
	}
	switch {
	case err != nil:
	case d == nil:
		err = errors.New("the reader returned no document")
	case d.Seed != e.Seed:
		err = fmt.Errorf("the reader returned the document of seed %q", d.Seed)
	}
	if err != nil {
		rec.Reason = err.Error()
		if errors.Is(err, ErrNotRead) {
			// No hash: the plan takes the seed for changed and reads it
			// again, even if its content turns out as it was.
			rec.SHA256 = ""
		}
		bad[e.Seed] = rec
		return nil, rec
	}
	rec.ArticleID, rec.Paragraphs, rec.Reason, rec.Missing = articleID(d), len(d.Paragraphs), "", d.Missing
	return d, rec
}

// commit writes the manifest of gen and points CURRENT at it: the rename of
// CURRENT is the moment the generation is published.
func (w *Writer) commit(gen *Generation) error {
	// Compact: the manifest lists every seed, and indenting it takes
	// several times as long (bench/RESULTS.md has its size at scale).
	b, err := json.Marshal(gen)
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	name := manifestName(gen.Number)
	if err := writeFileAtomic(filepath.Join(w.dir, name), b); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(w.dir, currentFile), []byte(name+"\n"))
}
