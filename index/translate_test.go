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

// TestGroupedExclusions: with group=article a top-level exclusion removes
// every article that has the excluded word in any paragraph or its title;
// by paragraph it removes the paragraphs that have it.
func TestGroupedExclusions(t *testing.T) {
	r, _ := buildIndex(t, map[string][]byte{
		"one.txt":   []byte("Chelsea win\n\nChelsea won the match on Saturday.\n\nMourinho praised the defence afterwards.\n"),
		"two.txt":   []byte("Chelsea lose\n\nChelsea lost the match on Sunday.\n\nThe fans were unhappy.\n"),
		"three.txt": []byte("Mourinho speaks\n\nChelsea will buy a striker, the manager said.\n"),
	})
	for _, tc := range []struct {
		q     string
		group bool
		want  []string
	}{
		{"chelsea -mourinho", true, []string{"two.txt"}},
		{"chelsea -mourinho", false, []string{"one.txt", "three.txt", "two.txt"}},
		{`chelsea -"praised the defence"`, true, []string{"three.txt", "two.txt"}},
		{"chelsea (-mourinho OR striker)", true, []string{"one.txt", "three.txt", "two.txt"}},
		{"chelsea -zzyzxq", true, []string{"one.txt", "three.txt", "two.txt"}},
	} {
		res, err := r.Search(context.Background(), Request{Query: mustParse(t, tc.q), Size: 10, Group: tc.group})
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Seed)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || (tc.group && res.Total != len(tc.want)) {
			t.Errorf("%s (group %v): %v total %d, want %v", tc.q, tc.group, got, res.Total, tc.want)
		}
	}
}
