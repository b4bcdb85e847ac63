package index

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// manifestHead is a Generation without its seed lists: the fields, in the
// same order and with the same tags, that encodeManifest writes before the
// seeds. TestEncodeManifest holds the two types to one another.
type manifestHead struct {
	Number     int         `json:"generation"`
	Created    time.Time   `json:"created"`
	Mapping    string      `json:"mapping"`
	ShardCount int         `json:"shard_count"`
	Readers    string      `json:"readers,omitempty"`
	Shards     []ShardInfo `json:"shards"`
}

// encodeManifest writes gen to out as json.Marshal would (the same bytes:
// compact, map keys sorted, seed lists last where readHead expects them),
// one seed at a time instead of the whole manifest in one buffer. At ten
// million paragraphs (1.6 million seeds) the manifest is some hundreds of
// megabytes, and json.Marshal's buffer grows by doubling to hold it, with
// every copy alive until the write: a transient of several times the file
// on top of the seed maps themselves.
func encodeManifest(out io.Writer, gen *Generation) error {
	bw := bufio.NewWriterSize(out, 1<<16)
	head, err := json.Marshal(manifestHead{
		Number: gen.Number, Created: gen.Created, Mapping: gen.Mapping,
		ShardCount: gen.ShardCount, Readers: gen.Readers, Shards: gen.Shards,
	})
	if err != nil {
		return fmt.Errorf("encode manifest head: %w", err)
	}
	// The head's closing brace is replaced by the seed lists.
	bw.Write(bytes.TrimSuffix(head, []byte("}")))
	bw.WriteString(`,"seeds":`)
	if err := encodeSeeds(bw, gen.Seeds); err != nil {
		return err
	}
	bw.WriteString(`,"skipped":`)
	if err := encodeSeeds(bw, gen.Skipped); err != nil {
		return err
	}
	bw.WriteString("}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// encodeSeeds writes m as json.Marshal writes a map: null for nil, else its
// keys in sorted order. Each key and value goes through one reused buffer.
func encodeSeeds(bw *bufio.Writer, m map[string]SeedInfo) error {
	if m == nil {
		bw.WriteString("null")
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// put writes v as json.Marshal would: Encode adds a newline.
	put := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	bw.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			bw.WriteString(",")
		}
		if err := put(k); err != nil {
			return fmt.Errorf("encode seed name %q: %w", k, err)
		}
		bw.WriteString(":")
		if err := put(m[k]); err != nil {
			return fmt.Errorf("encode seed %s: %w", k, err)
		}
	}
	bw.WriteString("}")
	return nil
}
