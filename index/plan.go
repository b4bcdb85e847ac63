package index

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// job is one shard to write: a bucket built whole from its seeds, or, with
// base set, a copy of the bucket's current shard with the paragraphs of
// changed and removed seeds deleted and new and changed seeds indexed.
type job struct {
	bucket  int
	entries []Entry             // every seed of the bucket, by path
	base    *ShardInfo          // the shard to update, or nil to build whole
	added   []Entry             // with base: the entries it lacks (new or changed)
	gone    []SeedInfo          // with base: the seeds whose paragraphs go (changed or removed)
	held    map[string]SeedInfo // with base: the seeds it holds unchanged
}

// A plan says which shards of a new generation are taken over from the
// current one as they are and which are written.
type plan struct {
	reused []ShardInfo         // shards taken over as they are
	seeds  map[string]SeedInfo // the seeds of the reused shards
	jobs   []job               // shards to write
}

// plan decides the shards of a generation holding exactly entries, given
// the current generation cur (nil if none). A bucket whose seeds are all
// in one existing shard reuses it. A bucket whose seeds changed little
// since its shard was written (new, changed and removed seeds at most half
// the size of those unchanged) gets a copy of that shard, updated: the
// cost is that of the changed seeds, not of the bucket. After MaxUpdates
// updates, or with more change, or with no shard yet, a bucket is built
// whole.
func (w *Writer) plan(entries []Entry, cur *Generation) plan {
	prevSeeds := map[string]SeedInfo{}
	prevShard := map[int]ShardInfo{} // the current generation's shards by bucket
	if cur != nil {
		prevSeeds = cur.Seeds
		if cur.Mapping == MappingVersion && cur.ShardCount == w.opts.Shards {
			for _, s := range cur.Shards {
				prevShard[s.Bucket] = s
			}
		}
	}
	// held reports whether shard name holds the entry as it is now.
	held := func(e Entry, name string) bool {
		si, ok := prevSeeds[e.Seed]
		return ok && si.Shard == name && si.SHA256 == e.Info.SHA256
	}
	// inShard reports whether shard name holds every entry as it is now.
	inShard := func(es []Entry, name string) bool {
		for _, e := range es {
			if !held(e, name) {
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
	pl := plan{seeds: map[string]SeedInfo{}}
	for b, es := range buckets {
		if len(es) == 0 {
			continue
		}
		sortBySeed(es)
		if name := w.shardName(b, es); inShard(es, name) {
			info := ShardInfo{Name: name, Bucket: b}
			if p, ok := prevShard[b]; ok && p.Name == name {
				info.Updates, info.Terms = p.Updates, p.Terms
			}
			for _, e := range es {
				si := prevSeeds[e.Seed]
				info.Articles++
				info.Paragraphs += si.Paragraphs
				pl.seeds[e.Seed] = si
			}
			pl.reused = append(pl.reused, info)
			continue
		}
		j := job{bucket: b, entries: es}
		if p, ok := prevShard[b]; ok && p.Updates < w.opts.MaxUpdates {
			var kept, added []Entry
			var keptBytes, changedBytes int64
			isKept := map[string]bool{}
			for _, e := range es {
				if held(e, p.Name) {
					kept = append(kept, e)
					keptBytes += e.Info.Size
					isKept[e.Seed] = true
				} else {
					added = append(added, e)
					changedBytes += e.Info.Size
				}
			}
			// The shard's seeds that changed or went away: their
			// paragraphs are deleted from the copy.
			var gone []SeedInfo
			for _, seed := range inPrev[p.Name] {
				if !isKept[seed] {
					gone = append(gone, prevSeeds[seed])
					changedBytes += prevSeeds[seed].Size
				}
			}
			// Updating pays off when the changed seeds are few next to
			// those kept (the seeds' sizes stand for the work).
			if len(kept) > 0 && len(kept)+len(gone) == p.Articles && changedBytes <= keptBytes/2 && w.shardExists(p.Name) {
				base := p
				j.base, j.added, j.gone, j.held = &base, added, gone, map[string]SeedInfo{}
				for _, e := range kept {
					j.held[e.Seed] = prevSeeds[e.Seed]
				}
			}
		}
		pl.jobs = append(pl.jobs, j)
	}
	// Whole builds first: they are the long ones.
	sort.SliceStable(pl.jobs, func(i, k int) bool { return pl.jobs[i].base == nil && pl.jobs[k].base != nil })
	return pl
}

// sortBySeed sorts entries by seed path.
func sortBySeed(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Seed < es[j].Seed })
}

// shardExists reports whether a published shard directory is on disk.
func (w *Writer) shardExists(name string) bool {
	_, err := os.Stat(filepath.Join(w.dir, shardsDir, name))
	return err == nil
}
