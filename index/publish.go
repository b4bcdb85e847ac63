package index

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// ErrPlanUsed is returned by Publish for a plan it was given before: a
// plan is used up as it is carried out (each shard's list of seeds is
// let go once the shard is written), so a second try needs a new Plan.
var ErrPlanUsed = errors.New("plan already published (or tried): make a new one")

// Publish carries out p, a plan this writer made, and publishes the
// generation atomically: readers see the previous generation until the
// CURRENT pointer is replaced. It asks src for the documents of every seed
// of the shards it writes, once each, as it indexes them: no more than one
// few seeds' documents per worker are in memory (readSeeds). A seed src cannot read or parse is
// left out and recorded as skipped, with the reason and the hash of what
// was read, so that it is not read again until it changes. progress, if
// not nil, is called after each seed indexed (from several goroutines,
// never at once).
//
// Publish publishes even when p.UpToDate(): a new generation with the same
// shards.
func (w *Writer) Publish(ctx context.Context, p *Plan, src Source, progress func(Progress)) (*Generation, BuildStats, error) {
	start := time.Now()
	if p.used {
		return nil, BuildStats{}, ErrPlanUsed
	}
	if cur, _ := w.Current(); cur != p.Base {
		return nil, BuildStats{}, ErrStalePlan
	}
	p.used = true
	prevNumber, err := w.lastNumber()
	if err != nil {
		return nil, BuildStats{}, err
	}
	gen := &Generation{
		Number:     prevNumber + 1,
		Created:    time.Now().UTC(),
		Mapping:    MappingVersion,
		ShardCount: w.opts.Shards,
		Readers:    p.readers,
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
	// finish, when not nil, is what is left of the shard's writing once
	// its seeds are indexed (the builder's merge, the shard's install):
	// the result is the one finish returns.
	finish func() (shardResult, error)
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
	// One shard merges its segments at a time (closeBuilder): a merge
	// holds its shard's segment files mapped, the build's largest resident
	// cost, and two at once would double it.
	merge := make(chan struct{}, 1)
	record := func(j job, res shardResult, err error, done int) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if err == nil {
			addShard(gen, stats, j, res, done)
		}
	}
	// A worker whose shard is indexed hands its merge to a goroutine of
	// its own and takes the next job: waiting for the merge slot, it
	// would leave its core idle while another shard merges.
	var workers, finishing sync.WaitGroup
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
				if err == nil && res.finish != nil {
					finishing.Go(func() {
						res, err := res.finish()
						record(j, res, err, done)
					})
					continue
				}
				record(j, res, err, done)
			}
		})
	}
	for i, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		j.merge = merge
		work <- j
		// The worker holds the job now: its seed lists (at millions of
		// seeds, a large part of the heap) go when its shard is written,
		// not when the whole generation is.
		jobs[i] = job{}
	}
	close(work)
	workers.Wait()
	finishing.Wait()
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

// readSeed asks src for the documents of e and returns them with the
// record the manifest keeps of the seed. The record's hash is e's, known
// since the plan, or for a seed not hashed yet the one src computed
// reading it: the one place a new seed's hash is learnt. A seed that
// cannot be read or parsed, or yields no document, is recorded in bad
// with its reason, and readSeed returns nil; its hash too, unless the
// bytes were not read (ErrNotRead).
func readSeed(ctx context.Context, src Source, e Entry, bad map[string]SeedInfo) ([]*Document, SeedInfo) {
	rec := e.Info
	docs, sum, err := src.Read(ctx, e)
	if rec.SHA256 == "" {
		rec.SHA256 = sum
	}
	var problems SeedProblems
	if errors.As(err, &problems) && len(docs) > 0 {
		// Some articles read: they are indexed, the others reported.
		err = nil
	}
	if err == nil {
		err = checkDocuments(e.Seed, docs)
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
	for _, d := range docs {
		normalizeDocument(d) // normalize.go: long CJK paragraphs cut at sentence ends
	}
	rec.Reason, rec.Missing, rec.Paragraphs, rec.Articles, rec.Problems = "", nil, 0, nil, nil
	if len(problems) > 0 {
		rec.Problems = problems[:min(len(problems), maxProblems)]
		if len(problems) > maxProblems {
			rec.Problems = append(rec.Problems[:maxProblems:maxProblems], fmt.Sprintf("and %d more", len(problems)-maxProblems))
		}
	}
	if len(docs) == 1 {
		// One article: recorded as every seed was before seeds could
		// hold several, so that manifests stay as they were.
		rec.ArticleID, rec.Paragraphs, rec.Missing = articleID(docs[0]), len(docs[0].Paragraphs), docs[0].Missing
		return docs, rec
	}
	rec.ArticleID = ""
	rec.Articles = make([]ArticleInfo, len(docs))
	seen := map[string]bool{}
	for i, d := range docs {
		rec.Articles[i] = ArticleInfo{ID: articleID(d), Paragraphs: len(d.Paragraphs)}
		rec.Paragraphs += len(d.Paragraphs)
		// The seed lacks what any of its articles lacks, once.
		for _, m := range d.Missing {
			if !seen[m] {
				seen[m] = true
				rec.Missing = append(rec.Missing, m)
			}
		}
	}
	return docs, rec
}

// checkDocuments checks what a Source read of seed: at least one document,
// each of that seed, no two with the same article id (their paragraphs
// would overwrite each other's in the shard).
func checkDocuments(seed string, docs []*Document) error {
	if len(docs) == 0 {
		return errors.New("no article in the seed")
	}
	ids := make(map[string]bool, len(docs))
	for i, d := range docs {
		switch {
		case d == nil:
			return fmt.Errorf("the reader returned no document for article %d", i+1)
		case d.Seed != seed:
			return fmt.Errorf("the reader returned the document of seed %q", d.Seed)
		}
		id := articleID(d)
		if ids[id] {
			return fmt.Errorf("two articles of the seed have the id %s", id)
		}
		ids[id] = true
	}
	return nil
}

// paragraphCount is the number of paragraphs of docs.
func paragraphCount(docs []*Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Paragraphs)
	}
	return n
}

// commit writes the manifest of gen and points CURRENT at it: the rename of
// CURRENT is the moment the generation is published.
func (w *Writer) commit(gen *Generation) error {
	// Compact: the manifest lists every seed, and indenting it takes
	// several times as long (bench/RESULTS.md has its size at scale).
	// Streamed to the file: never the whole manifest in memory.
	name := manifestName(gen.Number)
	if err := writeAtomic(filepath.Join(w.dir, name), func(out io.Writer) error {
		return encodeManifest(out, gen)
	}); err != nil {
		return err
	}
	crashPoint("manifest")
	if err := writeFileAtomic(filepath.Join(w.dir, currentFile), []byte(name+"\n")); err != nil {
		return err
	}
	crashPoint("current")
	return nil
}
