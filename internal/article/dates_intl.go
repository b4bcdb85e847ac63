package article

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// intlMonths are month names of the languages news pages are often in,
// beyond English (dates.go): German, French, Spanish, Italian,
// Portuguese, Dutch and Polish (nominative and genitive), lower case.
var intlMonths = map[string]time.Month{
	"januar": 1, "jänner": 1, "janvier": 1, "enero": 1, "gennaio": 1, "janeiro": 1, "januari": 1, "stycznia": 1, "styczeń": 1,
	"februar": 2, "feber": 2, "février": 2, "fevrier": 2, "febrero": 2, "febbraio": 2, "fevereiro": 2, "februari": 2, "lutego": 2, "luty": 2,
	"märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "março": 3, "maart": 3, "marca": 3, "marzec": 3,
	"avril": 4, "abril": 4, "aprile": 4, "kwietnia": 4, "kwiecień": 4,
	"mai": 5, "mayo": 5, "maggio": 5, "maio": 5, "mei": 5, "maja": 5, "maj": 5,
	"juni": 6, "juin": 6, "junio": 6, "giugno": 6, "junho": 6, "czerwca": 6, "czerwiec": 6,
	"juli": 7, "juillet": 7, "julio": 7, "luglio": 7, "julho": 7, "lipca": 7, "lipiec": 7,
	"august": 8, "août": 8, "aout": 8, "agosto": 8, "augustus": 8, "sierpnia": 8, "sierpień": 8,
	"september": 9, "septembre": 9, "septiembre": 9, "settembre": 9, "setembro": 9, "września": 9, "wrzesień": 9,
	"oktober": 10, "octobre": 10, "octubre": 10, "ottobre": 10, "outubro": 10, "października": 10, "październik": 10,
	"november": 11, "novembre": 11, "noviembre": 11, "novembro": 11, "listopada": 11, "listopad": 11,
	"dezember": 12, "décembre": 12, "decembre": 12, "diciembre": 12, "dicembre": 12, "dezembro": 12, "december": 12, "grudnia": 12, "grudzień": 12,
	// Abbreviations beyond the English ones ("01. Dez. 2022", "3 janv. 2020").
	"jän": 1, "janv": 1, "ene": 1, "gen": 1, "févr": 2, "fevr": 2, "mär": 3, "mrz": 3, "avr": 4, "abr": 4,
	"juil": 7, "ago": 8, "set": 9, "okt": 10, "ott": 10, "out": 10, "déc": 12, "dez": 12, "dic": 12,
}

var (
	// "9. September 2017", "18 octobre 2019", "5 de marzo de 2020".
	intlDMYRe = regexp.MustCompile(`(?i)(?:^|[^\p{L}\d])(\d{1,2})\.?\s+(?:de\s+)?(\p{L}+)\.?,?\s+(?:de\s+)?(\d{4})\b`)
	// "18.10.2019", "9.9.2017".
	dottedRe = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})\b`)
	// "23.09.22": a two-digit year, this century's.
	shortDottedRe = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:[^\d.]|\.?$)`)
	// "15/01/2016": day first unless the second number cannot be a month
	// ("12/30/2019").
	slashedRe = regexp.MustCompile(`(?:^|[^\d/])(\d{1,2})/(\d{1,2})/(\d{4})\b`)
)

// findIntlDate looks for a day-month-year date written in one of the
// languages of intlMonths or with dots or slashes ("18.10.2019",
// "23.09.22", "15/01/2016"), as European pages write them. It returns the date and the line without it.
func findIntlDate(s string) (dateParts, bool) {
	var d dateParts
	long := hasDigits(s, 4) // every form but shortDottedRe's has a four-digit year
	if !long && !hasDigits(s, 2) {
		return d, false
	}
	var loc, m []int
	if long {
		m = intlDMYRe.FindStringSubmatchIndex(s)
	}
	if m != nil {
		mo, ok := intlMonths[strings.ToLower(s[m[4]:m[5]])]
		if !ok {
			mo, ok = months[strings.ToLower(s[m[4]:m[5]])]
		}
		if ok {
			d.day, _ = strconv.Atoi(s[m[2]:m[3]])
			d.month = mo
			d.year, _ = strconv.Atoi(s[m[6]:m[7]])
			loc = []int{m[2], m[1]}
		}
	}
	for _, re := range []*regexp.Regexp{dottedRe, slashedRe, shortDottedRe} {
		if loc != nil {
			break
		}
		if !long && re != shortDottedRe {
			continue
		}
		sep := byte('.')
		if re == slashedRe {
			sep = '/'
		}
		m := matchIf(strings.IndexByte(s, sep) >= 0, re, s)
		if m == nil {
			continue
		}
		d.day, _ = strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d.year, _ = strconv.Atoi(s[m[6]:m[7]])
		if re == slashedRe && mo > 12 && d.day <= 12 {
			d.day, mo = mo, d.day
		}
		if re == shortDottedRe {
			d.year += 2000
		}
		d.month = time.Month(mo)
		loc = []int{m[2], m[7]}
	}
	if loc == nil {
		return d, false
	}
	if d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.year < 1800 || d.year > 2200 {
		return d, false
	}
	rest := s[:loc[0]] + " " + s[loc[1]:]
	if m := clockRe.FindStringSubmatch(rest); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		if h < 24 && mi < 60 {
			d.hour, d.min, d.hasClock = h, mi, true
		}
	}
	d.rest = strings.Trim(normaliseSpace(rest), " ,|-–—")
	return d, true
}

// looseDate finds a date on a short line of a page's head, in any of the
// forms findDate and findIntlDate read, whatever labels stand around it
// ("Veröffentlicht am 18.10.2019 um 12:30 Uhr").
func looseDate(line string) (dateParts, bool) {
	var f dateFinder
	return f.looseDate(line)
}

// looseDate is the package's looseDate, remembering what it finds.
func (f *dateFinder) looseDate(line string) (dateParts, bool) {
	if moreWords(line, 12) || !hasDigits(line, 2) {
		// Too long, or without the two digits that every form has: not
		// worth remembering.
		return dateParts{}, false
	}
	if r, ok := f.loose[line]; ok {
		return r.d, r.ok
	}
	d, ok := f.looseFound(line)
	f.remember(&f.loose, line, d, ok)
	return d, ok
}

// looseFound is looseDate of a line short enough to be read.
func (f *dateFinder) looseFound(line string) (dateParts, bool) {
	if d, ok := f.findDate(line); ok {
		return d, true
	}
	return findIntlDate(line)
}
