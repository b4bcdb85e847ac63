package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	bindex "github.com/blevesearch/bleve_index_api"
)

// updateShard writes the shard of a bucket whose seeds changed little: a
// copy of the bucket's current shard (its immutable segment files
// hard-linked, the rest copied) in which bleve deletes the paragraphs of
// changed and removed seeds and indexes new and changed seeds. The current
// shard is not touched: readers keep searching it until the new generation
// is published. Added seeds that fail to read are returned in bad and
// left out.
func (w *Writer) updateShard(ctx context.Context, j job, src Source, progress func(int)) (shardResult, error) {
	base := *j.base
	res := shardResult{
		info:  ShardInfo{Bucket: j.bucket, Articles: base.Articles, Paragraphs: base.Paragraphs, Updates: base.Updates + 1},
		seeds: map[string]SeedInfo{},
		bad:   map[string]SeedInfo{},
	}
	info, seeds := &res.info, res.seeds
	var kept []Entry
	for _, e := range j.entries {
		if si, ok := j.kept[e.Seed]; ok {
			seeds[e.Seed] = si
			kept = append(kept, e)
		}
	}

	shards := filepath.Join(w.dir, shardsDir)
	if err := verifyShard(filepath.Join(shards, base.Name)); err != nil && !errors.Is(err, errNoSums) {
		// A copy would carry the damage into the next generation: the
		// bucket is built whole instead.
		w.opts.Logger.Warn("shard damaged; building its bucket whole instead of updating it", "shard", base.Name, "err", err)
		return w.buildShard(ctx, job{bucket: j.bucket, readers: j.readers, entries: j.entries, merge: j.merge}, src, progress)
	}
	tmp, err := os.MkdirTemp(shards, buildPrefix+fmt.Sprintf("s%03d-", j.bucket))
	if err != nil {
		return res, fmt.Errorf("create shard update dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := copyShard(filepath.Join(shards, base.Name), tmp); err != nil {
		return res, fmt.Errorf("copy shard %s: %w", base.Name, err)
	}
	idx, err := bleve.OpenUsing(tmp, map[string]any{"bolt_timeout": "2s"})
	if err != nil {
		return res, fmt.Errorf("open copy of shard %s: %w", base.Name, err)
	}
	closed := false
	defer func() {
		if !closed {
			idx.Close()
		}
	}()
	batch := idx.NewBatch()
	for _, si := range j.gone {
		// Every article of the seed: a seed of records or a crawl holds
		// several, each listed in the manifest with its paragraph count.
		for _, a := range si.SeedArticles() {
			for n := 1; n <= a.Paragraphs; n++ {
				batch.Delete(ParagraphID(a.ID, n))
			}
		}
		info.Articles -= si.articleCount()
		info.Paragraphs -= si.Paragraphs
	}
	added := readSeeds(ctx, src, w.docs, j.added, res.bad)
	defer added.Close()
	for {
		r, ok := added.Next()
		if !ok {
			break
		}
		if r.err != nil {
			return res, r.err
		}
		if r.ds == nil {
			continue
		}
		for _, docs := range r.docs {
			for i := range docs {
				if err := batch.IndexAdvanced(docs[i].document()); err != nil {
					return res, fmt.Errorf("index %s paragraph %s: %w", r.entry.Seed, docs[i].id, err)
				}
			}
		}
		if batch.Size() >= w.opts.BatchSize {
			if err := idx.Batch(batch); err != nil {
				return res, fmt.Errorf("update shard %s: %w", base.Name, err)
			}
			batch.Reset()
		}
		seeds[r.entry.Seed] = r.rec
		kept = append(kept, Entry{Seed: r.entry.Seed, Info: r.rec})
		info.Articles += len(r.ds)
		n := paragraphCount(r.ds)
		info.Paragraphs += n
		progress(n)
	}
	// Every added seed read, or the update cancelled: the reader has stopped.
	added.Close()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if batch.Size() > 0 {
		if err := idx.Batch(batch); err != nil {
			return res, fmt.Errorf("update shard %s: %w", base.Name, err)
		}
	}
	if len(kept) == len(j.kept) {
		// Nothing added: removals alone, or every added seed failed to read.
		if len(j.gone) == 0 {
			res.info = base // the shard as it was
			return res, nil
		}
		// Deletions are cleaned up by merging segments; a shard of one
		// segment has nothing to merge them with: build it whole.
		n, err := segments(idx)
		if err != nil {
			return res, fmt.Errorf("segments of shard %s: %w", base.Name, err)
		}
		if n < 2 {
			idx.Close()
			closed = true
			return w.rebuildAfterRemovals(ctx, j, res, src, progress)
		}
	}
	mo := addedSegments(info.Paragraphs)
	if len(j.gone) > 0 {
		// Deleted paragraphs stay in their segment, and their terms in its
		// dictionary, until a merge: merge everything into one segment,
		// which costs less than indexing the bucket again.
		single := mergeplan.SingleSegmentMergePlanOptions
		mo = &single
	}
	if err := forceMerge(ctx, idx, mo); err != nil {
		return res, fmt.Errorf("merge segments of shard %s: %w", base.Name, err)
	}
	if res.info.Terms, err = fieldTerms(idx, mappedFields(w.mapping)); err != nil {
		return res, fmt.Errorf("count terms of shard %s: %w", base.Name, err)
	}
	closed = true
	if err := idx.Close(); err != nil {
		return res, fmt.Errorf("close updated shard %s: %w", base.Name, err)
	}
	sortBySeed(kept)
	if err := w.install(tmp, info, j.readers, kept, seeds); err != nil {
		return res, err
	}
	return res, nil
}

// rebuildAfterRemovals builds j's bucket whole, for an update that only
// deleted paragraphs from a shard of one segment (upd is what the update
// did). The seeds that failed to read during the update stay failed: they
// are not read a second time.
func (w *Writer) rebuildAfterRemovals(ctx context.Context, j job, upd shardResult, src Source, progress func(int)) (shardResult, error) {
	es := make([]Entry, 0, len(j.entries))
	for _, e := range j.entries {
		if _, failed := upd.bad[e.Seed]; !failed {
			es = append(es, e)
		}
	}
	res, err := w.buildShard(ctx, job{bucket: j.bucket, readers: j.readers, entries: es, merge: j.merge}, src, progress)
	for k, v := range upd.bad {
		res.bad[k] = v
	}
	return res, err
}

// addedSegments is the merge plan that merges the small segments updates
// have added to a shard of docs documents into one, leaving the large
// segment of its whole build alone, so that an updated shard has at most
// two segments for searches to visit.
func addedSegments(docs int) *mergeplan.MergePlanOptions {
	return &mergeplan.MergePlanOptions{
		// Eligible: segments under half the shard's documents.
		MaxSegmentSize:       int64(max(docs, 2)),
		MaxSegmentsPerTier:   1,
		TierGrowth:           10,
		SegmentsPerMergeTask: 1 << 10,
		FloorSegmentSize:     1,
		// Merge the eligible segments until one is left.
		CalcBudget: func(int64, int64, *mergeplan.MergePlanOptions) int { return 1 },
	}
}

// forceMerge merges a bleve index's segments as mo plans and waits until
// bleve has persisted the result. bleve plans merges over persisted
// segments only, so it first waits for the last batch's to be.
func forceMerge(ctx context.Context, idx bleve.Index, mo *mergeplan.MergePlanOptions) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return fmt.Errorf("index type %T, not scorch", adv)
	}
	if err := settle(ctx, sc); err != nil {
		return err
	}
	if err := sc.ForceMerge(ctx, mo); err != nil {
		return err
	}
	return settle(ctx, sc)
}

// settle waits until every segment of sc is persisted and its background
// merging and persisting are done.
func settle(ctx context.Context, sc *scorch.Scorch) error {
	for range 3000 {
		m := sc.StatsMap()
		active, _ := m["index_bgthreads_active"].(bool)
		inMemory, _ := m["TotMemorySegmentsAtRoot"].(uint64)
		if !active && inMemory == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return fmt.Errorf("segments not persisted after 30 s")
}

// fieldTerms counts the distinct terms of every field of a shard: the
// measure of field length bleve's BM25 uses. bleve adds up the counts of a
// shard's segments, so that a term in two counts twice; the reader takes
// these counts instead for an updated shard, so that it scores as the
// shard a whole build would have written.
func fieldTerms(idx bleve.Index, mapped []string) (map[string]int, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	fields, err := rd.Fields()
	if err != nil {
		return nil, err
	}
	fields = append(fields, mapped...)
	slices.Sort(fields)
	terms := map[string]int{}
	for _, f := range slices.Compact(fields) {
		if terms[f], err = distinctTerms(rd, f); err != nil {
			return nil, err
		}
	}
	return terms, nil
}

// distinctTerms counts the distinct terms of field in rd: bleve's measure
// of a field's length (the BM25 average length is this over the documents).
func distinctTerms(rd bindex.IndexReader, field string) (int, error) {
	dict, err := rd.FieldDict(field)
	if err != nil {
		return 0, fmt.Errorf("terms of %s: %w", field, err)
	}
	defer dict.Close()
	n := 0
	for {
		e, err := dict.Next()
		if err != nil {
			return 0, fmt.Errorf("terms of %s: %w", field, err)
		}
		if e == nil {
			return n, nil
		}
		n++
	}
}

// segments returns how many segments a bleve index has.
func segments(idx bleve.Index) (int, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return 0, err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return 0, fmt.Errorf("index type %T, not scorch", adv)
	}
	m := sc.StatsMap()
	files, _ := m["TotFileSegmentsAtRoot"].(uint64)
	mem, _ := m["TotMemorySegmentsAtRoot"].(uint64)
	return int(files + mem), nil
}

// copyShard copies the bleve index in src to dst (which exists): segment
// files, never changed once written, are hard-linked; the rest (the root
// metadata bleve rewrites) is copied.
func copyShard(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(d.Name(), ".zap") {
			if err := os.Link(path, target); err == nil {
				return nil
			}
		}
		return copyFile(path, target)
	})
}

// copyFile copies one file, with its permission bits, and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
