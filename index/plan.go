package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
)

// A Plan says what publishing a folder's seeds takes, measured against the
// generation published when it was made: which seeds are new, changed,
// removed or unchanged, and what becomes of each bucket. Writer.Plan makes
// it; Writer.Publish carries it out. Callers report from it and must not
// modify it.
type Plan struct {
	// Base is the generation the plan was made against: nil when none is
	// published (or its manifest is unreadable, and every shard is built).
	Base *Generation
	// The seeds scanned, by what happened to them since Base, and the seeds
	// Base indexed that are gone; each list is sorted. A seed that cannot
	// be indexed counts as new or changed too when it is.
	New, Changed, Removed, Unchanged []string
	// Skipped holds the seeds that will not be read, with the reason:
	// unreadable or too large at the scan, or known from Base not to parse
	// and unchanged since. Publish adds the seeds it fails to read.
	Skipped map[string]SeedInfo
	// Buckets says what becomes of each bucket that holds seeds, by bucket.
	Buckets []BucketPlan

	readers    string              // the version of the Source's readers
	reused     []ShardInfo         // shards taken over as they are
	seeds      map[string]SeedInfo // the seeds of the reused shards
	jobs       []job               // shards to write
	used       bool                // given to Publish: jobs' lists are let go as they are carried out
	goneBroken bool                // a seed Base had skipped is gone: the skipped list changes
}

// BucketAction is what a plan does with one bucket.
type BucketAction int

// What becomes of a bucket.
const (
	// Reuse takes the bucket's shard over from Base as it is: none of its
	// seeds changed.
	Reuse BucketAction = iota + 1
	// Update writes a copy of Base's shard (segment files hard-linked) in
	// which the paragraphs of changed and removed seeds are deleted and
	// new and changed seeds indexed: the cost is that of the change, not of
	// the bucket. It may still end as a whole build (removals alone from a
	// shard of one segment) or as the shard as it was (every seed to add
	// fails to read).
	Update
	// Rebuild builds the bucket's shard whole from its seeds.
	Rebuild
)

// String returns the action's lower-case name.
func (a BucketAction) String() string {
	switch a {
	case Reuse:
		return "reuse"
	case Update:
		return "update"
	case Rebuild:
		return "rebuild"
	}
	return fmt.Sprintf("BucketAction(%d)", int(a))
}

// BucketPlan is what a plan does with one bucket.
type BucketPlan struct {
	Bucket int
	Action BucketAction
	// Shard is the shard of Base reused or updated; "" for a rebuild.
	Shard string
	// Seeds is the number of seeds the bucket is to hold, Read the number
	// of them Publish reads and indexes (all for a rebuild, the new and
	// changed ones for an update, none for a reuse).
	Seeds, Read int
}

// UpToDate reports whether the published generation already holds exactly
// the scanned seeds, with the current mapping: nothing to publish.
func (p *Plan) UpToDate() bool {
	return p.Base != nil && p.Base.Mapping == MappingVersion && p.Base.Readers == p.readers &&
		len(p.New) == 0 && len(p.Changed) == 0 && len(p.Removed) == 0 && !p.goneBroken
}

// job is one shard to write: a bucket built whole from its seeds, or, with
// base set, a copy of the bucket's current shard with the paragraphs of
// changed and removed seeds deleted and new and changed seeds indexed.
type job struct {
	bucket  int
	readers string              // the version of the readers, part of the shard's name
	entries []Entry             // every seed of the bucket, by path
	base    *ShardInfo          // the shard to update, or nil to build whole
	added   []Entry             // with base: the entries it lacks (new or changed)
	gone    []SeedInfo          // with base: the seeds whose paragraphs go (changed or removed)
	kept    map[string]SeedInfo // with base: the seeds it holds unchanged
	// merge, when not nil, is held while the shard's builder merges its
	// segments: Publish lets one shard merge at a time (see runJobs).
	merge chan struct{}
}

// Plan measures the scanned seeds against the published generation: it
// takes each seed's hash from the manifest when its size and modification
// time are as recorded there, asks src for the hash of the other seeds the
// manifest knows (to tell a change from a touch; a new seed is hashed when
// Publish reads it), sorts the seeds into new, changed, removed and
// unchanged, and decides the fate of every bucket (see BucketAction).
// Seeds that cannot be indexed (Entry.Info.Reason) and seeds known not to
// parse whose content is unchanged are skipped without being read.
func (w *Writer) Plan(ctx context.Context, scanned []Entry, src Source) (*Plan, error) {
	base, err := w.Current()
	if err != nil {
		if !errors.Is(err, ErrNoIndex) {
			w.opts.Logger.Warn("current generation unreadable; building every shard", "err", err)
		}
		base = nil
	}
	known, knownBad := map[string]SeedInfo{}, map[string]SeedInfo{}
	if base != nil {
		known, knownBad = base.Seeds, base.Skipped
	}
	// previous returns what base recorded of a seed, indexed or skipped.
	previous := func(seed string) (old SeedInfo, seen, wasBad bool) {
		old, wasGood := known[seed]
		oldBad, wasBad := knownBad[seed]
		if !wasGood && wasBad {
			old = oldBad
		}
		return old, wasGood || wasBad, wasBad
	}

	entries := slices.Clone(scanned)
	var toHash []*Entry
	for i := range entries {
		e := &entries[i]
		if e.Info.Reason != "" || e.Info.SHA256 != "" {
			continue
		}
		switch old, seen, _ := previous(e.Seed); {
		case !seen:
		case old.Size == e.Info.Size && old.ModTime.Equal(e.Info.ModTime) && old.SHA256 != "":
			e.Info.SHA256 = old.SHA256
		default:
			toHash = append(toHash, e)
		}
	}
	if err := w.hashEntries(ctx, src, toHash); err != nil {
		return nil, err
	}

	p := &Plan{Base: base, Skipped: map[string]SeedInfo{}, readers: readerVersion(src)}
	// Other readers than those of base: what base skipped is read again.
	sameReaders := base != nil && base.Readers == p.readers
	var toIndex []Entry
	present := make(map[string]bool, len(entries))
	for _, e := range entries {
		present[e.Seed] = true
		old, seen, wasBad := previous(e.Seed)
		switch {
		case !seen:
			p.New = append(p.New, e.Seed)
		case old.SHA256 != e.Info.SHA256 || old.Size != e.Info.Size ||
			(e.Info.Reason != "" && (!wasBad || old.Reason != e.Info.Reason)):
			p.Changed = append(p.Changed, e.Seed)
		default:
			p.Unchanged = append(p.Unchanged, e.Seed)
		}
		if e.Info.Reason != "" {
			p.Skipped[e.Seed] = e.Info
			continue
		}
		if oldBad := knownBad[e.Seed]; wasBad && sameReaders && oldBad.SHA256 == e.Info.SHA256 {
			// Known not to parse; not worth reading again.
			p.Skipped[e.Seed] = withStat(oldBad, e)
			continue
		}
		toIndex = append(toIndex, e)
	}
	for seed := range known {
		if !present[seed] {
			p.Removed = append(p.Removed, seed)
		}
	}
	for seed := range knownBad {
		if !present[seed] {
			p.goneBroken = true
		}
	}
	for _, l := range [...][]string{p.New, p.Changed, p.Removed, p.Unchanged} {
		slices.Sort(l)
	}
	w.planBuckets(p, toIndex)
	return p, nil
}

// hashEntries sets the hash of each entry from src, with one goroutine per
// worker; an entry whose hash fails gets the error as the reason it is
// skipped.
func (w *Writer) hashEntries(ctx context.Context, src Source, entries []*Entry) error {
	next := make(chan *Entry)
	var wg sync.WaitGroup
	for range min(w.opts.Workers, max(len(entries), 1)) {
		wg.Go(func() {
			for e := range next {
				sum, err := src.Hash(ctx, *e)
				if err != nil {
					e.Info.Reason = err.Error()
					continue
				}
				e.Info.SHA256 = sum
			}
		})
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			break
		}
		next <- e
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hash seeds: %w", err)
	}
	return nil
}

// planBuckets decides the shards of a generation holding exactly entries,
// measured against p.Base. A bucket whose seeds are all in one existing
// shard reuses it. A bucket whose seeds changed little since its shard was
// written (new, changed and removed seeds at most half the size of those
// unchanged) gets a copy of that shard, updated. After MaxUpdates updates,
// or with more change, or with no shard yet, a bucket is built whole.
func (w *Writer) planBuckets(p *Plan, entries []Entry) {
	prevSeeds := map[string]SeedInfo{}
	prevShard := map[int]ShardInfo{} // the current generation's shards by bucket
	if cur := p.Base; cur != nil {
		prevSeeds = cur.Seeds
		// A shard of another mapping, bucket count or readers is no base
		// for an update: every bucket is built whole.
		if cur.Mapping == MappingVersion && cur.ShardCount == w.opts.Shards && cur.Readers == p.readers {
			for _, s := range cur.Shards {
				prevShard[s.Bucket] = s
			}
		}
	}
	// holds reports whether shard name holds the entry as it is now.
	holds := func(name string, e Entry) bool {
		si, ok := prevSeeds[e.Seed]
		return ok && si.Shard == name && si.SHA256 == e.Info.SHA256
	}
	// holdsAll reports whether shard name holds every entry as it is now
	// and is on disk.
	holdsAll := func(name string, es []Entry) bool {
		for _, e := range es {
			if !holds(name, e) {
				return false
			}
		}
		return w.shardExists(name)
	}

	buckets := make([][]Entry, w.opts.Shards)
	for _, e := range entries {
		b := w.bucket(e.Seed)
		buckets[b] = append(buckets[b], e)
	}
	inPrev := map[string][]string{} // the seeds of each current shard, by path
	for seed, si := range prevSeeds {
		inPrev[si.Shard] = append(inPrev[si.Shard], seed)
	}
	for _, seeds := range inPrev {
		slices.Sort(seeds)
	}
	p.seeds = map[string]SeedInfo{}
	for b, es := range buckets {
		if len(es) == 0 {
			continue
		}
		sortBySeed(es)
		if name := w.shardName(b, p.readers, es); holdsAll(name, es) {
			info := ShardInfo{Name: name, Bucket: b}
			if prev, ok := prevShard[b]; ok && prev.Name == name {
				info.Updates, info.Terms = prev.Updates, prev.Terms
			}
			for _, e := range es {
				si := withStat(prevSeeds[e.Seed], e)
				info.Articles += si.articleCount()
				info.Paragraphs += si.Paragraphs
				p.seeds[e.Seed] = si
			}
			p.reused = append(p.reused, info)
			p.Buckets = append(p.Buckets, BucketPlan{Bucket: b, Action: Reuse, Shard: name, Seeds: len(es)})
			continue
		}
		j := job{bucket: b, readers: p.readers, entries: es}
		bp := BucketPlan{Bucket: b, Action: Rebuild, Seeds: len(es), Read: len(es)}
		if prev, ok := prevShard[b]; ok && !w.opts.NoUpdates && prev.Updates < w.opts.MaxUpdates {
			var kept, added []Entry
			var keptBytes, changedBytes int64
			articles := 0 // of the seeds kept and gone: the shard's, if the manifest is right
			isKept := map[string]bool{}
			for _, e := range es {
				if holds(prev.Name, e) {
					kept = append(kept, e)
					keptBytes += e.Info.Size
					articles += prevSeeds[e.Seed].articleCount()
					isKept[e.Seed] = true
				} else {
					added = append(added, e)
					changedBytes += e.Info.Size
				}
			}
			// The shard's seeds that changed or went away: their
			// paragraphs are deleted from the copy.
			var gone []SeedInfo
			for _, seed := range inPrev[prev.Name] {
				if !isKept[seed] {
					gone = append(gone, prevSeeds[seed])
					changedBytes += prevSeeds[seed].Size
					articles += prevSeeds[seed].articleCount()
				}
			}
			// Updating pays off when the changed seeds are few next to
			// those kept (the seeds' sizes stand for the work).
			if len(kept) > 0 && articles == prev.Articles && changedBytes <= keptBytes/2 && w.shardExists(prev.Name) {
				base := prev
				j.base, j.added, j.gone, j.kept = &base, added, gone, map[string]SeedInfo{}
				for _, e := range kept {
					j.kept[e.Seed] = withStat(prevSeeds[e.Seed], e)
				}
				bp.Action, bp.Shard, bp.Read = Update, prev.Name, len(added)
			}
		}
		p.jobs = append(p.jobs, j)
		p.Buckets = append(p.Buckets, bp)
	}
	// Whole builds first: they are the long ones.
	sort.SliceStable(p.jobs, func(i, k int) bool { return p.jobs[i].base == nil && p.jobs[k].base != nil })
}

// withStat returns the manifest's record of an unchanged seed with the
// size and modification time scanned now, so that a seed touched but not
// changed is hashed once, not again at every scan.
func withStat(si SeedInfo, e Entry) SeedInfo {
	si.Size, si.ModTime = e.Info.Size, e.Info.ModTime
	return si
}

// sortBySeed sorts entries by seed path.
func sortBySeed(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Seed < es[j].Seed })
}

// shardExists reports whether a published shard directory is on disk.
func (w *Writer) shardExists(name string) bool {
	return w.shardWhole(name) // generations.go: on disk and matching its SUMS
}
