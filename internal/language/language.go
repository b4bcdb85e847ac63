// Package language names the language of an article: from the page's own
// declaration when it has one (Tag), else from its text (package detect,
// which only the indexer links: its models are large). The index analyses
// each article with its language's analyzer (stemming, word segmentation)
// and offers the language as a facet and a filter.
//
// Languages are ISO 639-1 codes ("en", "de", "zh"); Undetermined is the
// BCP 47 code of a text whose language could not be told.
package language

import "strings"

// Undetermined is the code of a text whose language is not known.
const Undetermined = "und"

// Tag returns the language of a declared BCP 47 tag or of an HTML lang
// attribute ("en-GB", "zh_Hans", "pt-BR", "nb"): its primary subtag in
// lower case, "no" for Norwegian Bokmål and Nynorsk. It returns "" for a
// tag that declares nothing usable ("", "x-default", "mul", "und", a
// subtag that is not two or three letters).
func Tag(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(tag)
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, c := range tag {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	switch tag {
	case "nb", "nn", "nor", "nob", "nno":
		return "no"
	case "und", "mul", "zxx", "mis":
		return ""
	case "zho", "chi", "cmn", "yue":
		return "zh"
	case "eng":
		return "en"
	case "deu", "ger":
		return "de"
	case "fra", "fre":
		return "fr"
	case "jpn":
		return "ja"
	}
	return tag
}
