package queries

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	q, err := Parse("phrwords", `"prime minister" blair  "interest rates"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []Part{{"prime minister", true}, {"blair", false}, {"interest rates", true}}
	if !reflect.DeepEqual(q.Parts, want) {
		t.Fatalf("parts %+v, want %+v", q.Parts, want)
	}
	for _, bad := range []string{`"open`, `oil OR gas`, `-oil`, `oil*`, `title:oil`, `""`} {
		if _, err := Parse("x", bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// TestQueryFile checks the benchmark query set: at least 40 queries, of
// every kind the runner reports.
func TestQueryFile(t *testing.T) {
	qs, err := Load("../../queries.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 40 {
		t.Fatalf("%d queries, want at least 40", len(qs))
	}
	got := Kinds(qs)
	want := []string{"keyword", "common", "rare", "nohit", "and", "phrase", "phrwords"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
}
