package index

import (
	"context"
	"slices"
	"testing"
)

// TestExclusionGroups: a group of exclusions only, inside OR, means
// "everything without them", as one exclusion does ("a OR -b"); the
// translation once dropped such a group and with it the paragraphs that
// have none of the excluded words. Every expectation is the boolean
// meaning of the query over the fruit each seed names.
func TestExclusionGroups(t *testing.T) {
	fruit := map[string][]string{
		"a.txt":  {"apple"},
		"b.txt":  {"banana"},
		"c.txt":  {"cherry"},
		"ab.txt": {"apple", "banana"},
		"bc.txt": {"banana", "cherry"},
		"cd.txt": {"cherry", "damson"},
		"d.txt":  {"damson"},
		"n.txt":  {"nothing"},
	}
	seeds := map[string][]byte{}
	for name, words := range fruit {
		text := "In the orchard grows"
		for _, w := range words {
			text += " " + w
		}
		seeds[name] = []byte("Orchard report " + name + "\n\n" + text + " this year.\n")
	}
	r, _ := buildIndex(t, seeds)
	has := func(name string, w string) bool { return slices.Contains(fruit[name], w) }
	for _, tc := range []struct {
		q    string
		want func(string) bool
	}{
		{"apple OR (-banana -cherry)", func(n string) bool { return has(n, "apple") || (!has(n, "banana") && !has(n, "cherry")) }},
		{"apple OR -banana", func(n string) bool { return has(n, "apple") || !has(n, "banana") }},
		{"cherry (apple OR (-banana -damson))", func(n string) bool {
			return has(n, "cherry") && (has(n, "apple") || (!has(n, "banana") && !has(n, "damson")))
		}},
		{"orchard (damson OR (-apple -cherry -banana))", func(n string) bool {
			return has(n, "damson") || (!has(n, "apple") && !has(n, "cherry") && !has(n, "banana"))
		}},
	} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, tc.q), Size: 100, NoFacets: true})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		var got, want []string
		for _, h := range res.Hits {
			got = append(got, h.Seed)
		}
		for name := range fruit {
			if tc.want(name) {
				want = append(want, name)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tc.q, got, want)
		}
	}
}
