package index

import (
	"os"
	"path/filepath"
	"sort"
)

// job is one shard to write: a bucket built whole from its seeds, or, with
// base set, a copy of the bucket's current shard with the added seeds
// indexed into it.
type job struct {
	bucket  int
	entries []Entry             // every seed of the bucket, by path
	base    *ShardInfo          // the shard to update, or nil to build whole
	added   []Entry             // with base: the entries it lacks
	held    map[string]SeedInfo // with base: the seeds it holds
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
// in one existing shard reuses it. A bucket that only gained seeds since
// its shard was written gets a copy of that shard with the new seeds added
// (cost: the new seeds), unless the shard was updated MaxUpdates times
// already or the new seeds are more than half its size. Any other bucket (a
// seed changed or removed, or no shard yet) is built whole.
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
	// inShard reports whether every entry is indexed in shard name as it is now.
	inShard := func(es []Entry, name string) bool {
		for _, e := range es {
			si, ok := prevSeeds[e.Seed]
			if !ok || si.Shard != name || si.SHA256 != e.Info.SHA256 {
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
			var keptBytes, addedBytes int64
			for _, e := range es {
				if si, ok := prevSeeds[e.Seed]; ok && si.Shard == p.Name && si.SHA256 == e.Info.SHA256 {
					kept = append(kept, e)
					keptBytes += e.Info.Size
				} else {
					added = append(added, e)
					addedBytes += e.Info.Size
				}
			}
			// The shard serves as a base only if none of its seeds changed
			// or went away, and if adding costs clearly less than building
			// (the seeds' sizes stand for the work).
			if len(kept) == p.Articles && len(kept) > 0 && addedBytes <= keptBytes/2 && inShard(kept, p.Name) {
				base := p
				j.base, j.added, j.held = &base, added, map[string]SeedInfo{}
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
