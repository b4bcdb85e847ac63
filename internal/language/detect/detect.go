// Package detect tells the language of a text (see package language).
package detect

import (
	"iter"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"

	"github.com/newsroom/newsearch/internal/language"
)

// detected lists the languages a Detector tells apart: those the index
// has an analyzer for, and a few others common in news, so that their
// articles are not taken for one of them (they get the neutral analyzer).
var detected = []lingua.Language{
	lingua.English, lingua.German, lingua.French, lingua.Spanish, lingua.Italian,
	lingua.Portuguese, lingua.Dutch, lingua.Swedish, lingua.Danish, lingua.Bokmal,
	lingua.Finnish, lingua.Russian, lingua.Chinese, lingua.Japanese, lingua.Korean,
	lingua.Arabic, lingua.Polish, lingua.Turkish,
}

// Detector tells the language of a text with lingua's statistical models,
// restricted to the languages above, in its low-accuracy mode (trigrams
// only: a few MiB of models per language instead of hundreds, loaded on
// first use). It is safe for concurrent use; make one per process.
type Detector struct {
	d lingua.LanguageDetector
}

// New returns a Detector.
func New() *Detector {
	return &Detector{d: lingua.NewLanguageDetectorBuilder().
		FromLanguages(detected...).
		WithLowAccuracyMode().
		WithMinimumRelativeDistance(0.25).
		Build()}
}

// sample is how much of a text the detector reads: the start of an
// article tells its language as well as all of it does, at a fraction of
// the cost.
const sample = 300

// minConfidence is the least confidence (0 to 1, over the detected
// languages) lingua must have in its language for the detector to take
// it.
const minConfidence = 0.6

// minLetters is the fewest letters a text needs to be told at all.
const minLetters = 20

// Detect returns the language of text, Undetermined when it is too short
// or its language is none of those the detector knows.
func (d *Detector) Detect(text string) string {
	if plainEnglish(text[:min(len(text), 2000)]) {
		return "en"
	}
	if len(text) > sample*utf8.UTFMax {
		text = text[:sample*utf8.UTFMax]
		for len(text) > 0 && !utf8.ValidString(text) {
			text = text[:len(text)-1]
		}
	}
	if utf8.RuneCountInString(text) > sample {
		text = string([]rune(text)[:sample])
	}
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters < minLetters {
		return language.Undetermined
	}
	// Plain ASCII without two common words of the other Latin-script
	// languages would come out English below whatever lingua said (a
	// table, a list): spare its 4 ms.
	if _, _, foreign, nonASCII := countWords(text); nonASCII == 0 && foreign < 2 {
		return "en"
	}
	// Telegraphic text (an earnings table: "Shr 92 cts vs 83 cts") has
	// no language; lingua still names one, with little confidence.
	values := d.d.ComputeLanguageConfidenceValues(text)
	if len(values) == 0 || values[0].Value() < minConfidence {
		return undetermined(text)
	}
	l := code(values[0].Language())
	if own, ok := commonWords[l]; ok && !writtenIn(text, own) {
		// It names German or French for wire-service tables too, and
		// confidently, and French for English prose naming French
		// institutions ("Banque Regionale des Alpes"): prose of a
		// language has more of its own common words than of English.
		return undetermined(text)
	}
	return l
}

// writtenIn reports whether text reads as prose of the language whose
// common words are own: two of them at least, and more of them than of
// englishWords. Case does not count (wire-service headlines are upper
// case).
func writtenIn(text string, own map[string]bool) bool {
	mine, english := 0, 0
	for w := range wordsOf(text) {
		lw := strings.ToLower(w)
		switch {
		case own[lw]:
			mine++
		case englishWords[lw]:
			english++
		}
	}
	return mine >= 2 && mine > english
}

// undetermined is the language of a text the detector cannot tell: a
// text of plain ASCII words (names, abbreviations, figures: an earnings
// table, a list of results) is English, the service's default language,
// whose analysis finds its words as well as any (and spares every query
// of an English index the neutral analysis beside the English one);
// anything else is language.Undetermined, analysed neutrally.
func undetermined(text string) string {
	if words, _, _, nonASCII := countWords(text); words > 0 && nonASCII == 0 {
		return "en"
	}
	return language.Undetermined
}

// code is the ISO 639-1 code of l; Norwegian Bokmål is "no", as bleve
// names its analyzer.
func code(l lingua.Language) string {
	if l == lingua.Bokmal {
		return "no"
	}
	return strings.ToLower(l.IsoCode639_1().String())
}

// englishWords are the commonest words of English news text, none of
// them a common word of the other languages detected; commonWords are the
// commonest of each of those languages written in Latin script, none of
// them English; otherWords are all of these.
var (
	englishWords = wordSet("the of and to is was that for with said he his it by at be are has have from will " +
		"not but this they were which an been had its who would their")
	commonWords = map[string]map[string]bool{
		"de": wordSet("der die das und ist nicht mit sich des dem den ein eine zu auf"),
		"fr": wordSet("le la les et est des une du dans pour qui au sur pas"),
		"es": wordSet("el los las y es del una por con para como"),
		"it": wordSet("il di che è per non sono della gli"),
		"pt": wordSet("os do da em um uma não com são"),
		"nl": wordSet("het een van en niet zijn voor met op dat ook"),
		"sv": wordSet("och att det som är på för inte av"),
		"da": wordSet("og er til ikke det som"),
		"no": wordSet("og er til ikke det som av"),
		"fi": wordSet("ja ei että"),
	}
	otherWords = union(commonWords)
)

func union(sets map[string]map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, set := range sets {
		maps.Copy(m, set)
	}
	return m
}

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// plainEnglish reports whether text is English beyond doubt: mostly
// ASCII words, a tenth or more of them among englishWords (about 40 % of
// English prose, 20 % of a telegraphic wire story) and four times as many
// as among otherWords (German, French or Dutch text has a few % of the
// first and far more of the second). It spares lingua's 4 ms an article
// on the indexer's most common case; anything else goes to lingua.
func plainEnglish(text string) bool {
	words, common, foreign, nonASCII := countWords(text)
	return words >= 12 && nonASCII*20 <= words && common*10 >= words && common >= 4*foreign
}

// wordsOf yields the words of text: runs of letters and apostrophes.
func wordsOf(text string) iter.Seq[string] {
	return strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })
}

// countWords counts the words of text, those among englishWords, those
// among otherWords and those not in ASCII.
func countWords(text string) (words, common, foreign, nonASCII int) {
	for w := range wordsOf(text) {
		words++
		ascii := true
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if !ascii {
			nonASCII++
		}
		lw := strings.ToLower(w)
		switch {
		case englishWords[lw]:
			common++
		case otherWords[lw]:
			foreign++
		}
	}
	return words, common, foreign, nonASCII
}
