package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// packedPostings is a postings answer on the wire: one CBOR byte string
// of varints instead of an array of arrays. A rescored search moves the
// candidates' postings of every query and feedback word in every field,
// thousands per round, and decoding each as a CBOR array of five numbers
// cost the root more than the leaves spent finding them.
//
// Layout: the number of terms, then per term the number of postings and
// per posting a head (Field<<1, +1 when a norm follows), Num, Freq and
// Article as unsigned varints, and the norm's 8 bytes (little-endian
// IEEE 754) when the head says so.
type packedPostings [][]posting

// maxPackedPostings bounds the postings a decoded answer may claim, so
// that a broken answer cannot make the root allocate without limit.
const maxPackedPostings = 1 << 26

var errPackedPostings = errors.New("malformed postings answer")

// MarshalCBOR packs the postings.
func (p packedPostings) MarshalCBOR() ([]byte, error) {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(p)))
	for _, ps := range p {
		b = binary.AppendUvarint(b, uint64(len(ps)))
		for _, x := range ps {
			if x.Field < 0 || x.Article < 0 {
				return nil, fmt.Errorf("posting with field %d, article %d", x.Field, x.Article)
			}
			head := uint64(x.Field) << 1
			if x.Norm != 0 {
				head |= 1
			}
			b = binary.AppendUvarint(b, head)
			b = binary.AppendUvarint(b, x.Num)
			b = binary.AppendUvarint(b, x.Freq)
			b = binary.AppendUvarint(b, uint64(x.Article))
			if x.Norm != 0 {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.Norm))
			}
		}
	}
	return cbor.Marshal(b)
}

// UnmarshalCBOR unpacks postings; anything malformed is an error, never a
// panic (the answer comes from the network).
func (p *packedPostings) UnmarshalCBOR(data []byte) error {
	var b []byte
	if err := wireDecoding.Unmarshal(data, &b); err != nil {
		return err
	}
	pos := 0 // an offset, not a reslice: no write barrier per number
	next := func() (uint64, error) {
		v, n := binary.Uvarint(b[pos:])
		if n <= 0 {
			return 0, errPackedPostings
		}
		pos += n
		return v, nil
	}
	terms, err := next()
	if err != nil || terms > uint64(len(b))+1 {
		return errPackedPostings
	}
	out := make([][]posting, terms)
	total := uint64(0)
	for ti := range out {
		n, err := next()
		// Each posting takes four bytes at least.
		if err != nil || n > uint64(len(b)-pos)/4 {
			return errPackedPostings
		}
		if total += n; total > maxPackedPostings {
			return errPackedPostings
		}
		if n > 0 {
			out[ti] = make([]posting, n)
		}
		ps := out[ti]
		for i := range ps {
			var v [4]uint64
			for j := range v {
				if v[j], err = next(); err != nil {
					return err
				}
			}
			if v[0]>>1 > math.MaxInt32 || v[3] > math.MaxInt32 {
				return errPackedPostings
			}
			x := &ps[i]
			x.Field, x.Num, x.Freq, x.Article = int(v[0]>>1), v[1], v[2], int(v[3])
			if v[0]&1 == 1 {
				if len(b)-pos < 8 {
					return errPackedPostings
				}
				x.Norm = math.Float64frombits(binary.LittleEndian.Uint64(b[pos:]))
				pos += 8
			}
		}
	}
	if pos != len(b) {
		return errPackedPostings
	}
	*p = out
	return nil
}
