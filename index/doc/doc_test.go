package doc

import "testing"

// TestRecordID: a multi-article seed's ids are stable, differ by key and
// seed, and never equal the id of a seed of one article.
func TestRecordID(t *testing.T) {
	a := RecordID("feed.jsonl", "id:1")
	if a != RecordID("feed.jsonl", "id:1") || len(a) != 16 {
		t.Fatalf("unstable or malformed id %q", a)
	}
	for _, other := range []string{
		RecordID("feed.jsonl", "id:2"),
		RecordID("other.jsonl", "id:1"),
		RecordID("feed.jsonl", "url:1"),
		ArticleID("feed.jsonl"),
	} {
		if other == a {
			t.Errorf("%s collides", other)
		}
	}
	// The single-article id is as it always was (the README's example).
	if got := ArticleID("000_5560a174234f78d3.txt"); got != "4f88d817ab2df2c2" {
		t.Errorf("ArticleID %q", got)
	}
}
