package language

import "testing"

func TestTag(t *testing.T) {
	for in, want := range map[string]string{
		"en-GB": "en", "EN": "en", "zh_Hans": "zh", "zh-Hant-TW": "zh", "pt-BR": "pt", "nb": "no",
		"": "", "x-default": "", "und": "", "mul": "", "e": "", "en1": "", " de ": "de", "deu": "de",
	} {
		if got := Tag(in); got != want {
			t.Errorf("Tag(%q) = %q, want %q", in, got, want)
		}
	}
}
