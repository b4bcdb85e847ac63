package seeds

import (
	"testing"

	"github.com/newsroom/newsearch/index"
)

func TestParagraphID(t *testing.T) {
	for _, n := range []int{1, 12, 9999, 12345} {
		if got, want := paragraphID("4f88d817ab2df2c2", n), index.ParagraphID("4f88d817ab2df2c2", n); got != want {
			t.Fatalf("paragraphID = %q, index.ParagraphID = %q", got, want)
		}
	}
}
