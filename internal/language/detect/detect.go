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
		WithMinimumRelativeDistance(0.05).
		Build()}
}

// sample is how much of a text the detector reads: the start of an
// article tells its language as well as all of it does, at a fraction of
// the cost.
const sample = 300

// minLetters is the fewest letters a text needs to be told at all.
const minLetters = 20

// Detect returns the language of text, Undetermined when it is too short
// or its language is none of those the detector knows.
func (d *Detector) Detect(text string) string {
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
	l, ok := d.d.DetectLanguageOf(text)
	if !ok {
		return language.Undetermined
	}
	return code(l)
}

// code is the ISO 639-1 code of l; Norwegian Bokmål is "no", as bleve
// names its analyzer.
func code(l lingua.Language) string {
	if l == lingua.Bokmal {
		return "no"
	}
	return strings.ToLower(l.IsoCode639_1().String())
}
