// Package detect tells the language of a text (see package language).
package detect

import (
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
	if latinFunctionWords[l] {
		// It names German or French for wire-service tables too, and
		// confidently: prose of those languages has their common words.
		if _, _, foreign, _ := countWords(text); foreign < 2 {
			return undetermined(text)
		}
	}
	return l
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
// them a common word of the other languages detected; otherWords are the
// commonest of those languages (Latin script), none of them English.
var (
	englishWords = wordSet("the of and to is was that for with said he his it by at be are has have from will " +
		"not but this they were which an been had its who would their")
	otherWords = wordSet("der die das und ist nicht mit sich des dem den ein eine zu auf " + // de
		"le la les et est des une du dans pour qui au sur pas " + // fr
		"el los las y es del una por con para como " + // es
		"il di che è per non sono della gli " + // it
		"os do da em um uma não com são " + // pt
		"het een van en niet zijn voor met op dat ook " + // nl
		"och att det som är på för inte av og er til ikke ja ei että") // sv, da, no, fi
)

// latinFunctionWords are the languages whose common words are among
// otherWords.
var latinFunctionWords = wordSet("de fr es it pt nl sv da no fi")

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

// countWords counts the words of text, those among englishWords, those
// among otherWords and those not in ASCII.
func countWords(text string) (words, common, foreign, nonASCII int) {
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
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
