package article

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // outlet time zones must resolve on machines without a zoneinfo database
)

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

const monthRe = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	// "September 21, 2015" and "Sep 21 2015"
	mdyRe = regexp.MustCompile(`(?i)\b` + monthRe + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	// "21 September 2015" and "21 Sep, 2015"
	dmyRe = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+` + monthRe + `,?\s+(\d{4})\b`)
	// "2015-09-21" and "2015/09/21"
	isoRe = regexp.MustCompile(`\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b`)
	// "22:51", "10:30:05", "9:05 pm"
	clockRe = regexp.MustCompile(`(?i)\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?(?:\W|$)`)
	// An explicit offset or zone: "+08:00", "GMT+8", "UTC", "BJT".
	zoneRe = regexp.MustCompile(`(?i)(?:\b(?:GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?\b|([+-]\d{2}):?(\d{2})\b|\b(GMT|UTC|BST|BJT|CST|EST|EDT|PST|PDT)\b)`)
)

// dateParts is a date found in a line, before a zone is chosen.
type dateParts struct {
	year             int
	month            time.Month
	day              int
	hour, min, sec   int
	hasClock         bool
	zone             *time.Location
	rest             string // the line without the date and time
	matchedSomething bool
}

// findDate looks for a calendar date (and a clock time and zone, if any) in s.
func findDate(s string) (dateParts, bool) {
	var d dateParts
	var loc []int
	if !hasDigits(s, 4) { // every form has a four-digit year
		return d, false
	}
	// The expressions run only on the lines that have what they need:
	// a month's name, a dash or a slash, a colon, a zone's sign or name.
	month := mayHaveMonth(s)
	if m := matchMonthFirst(s); m != nil {
		d.month = months[strings.ToLower(s[m[2]:m[3]])]
		d.day, _ = strconv.Atoi(s[m[4]:m[5]])
		d.year, _ = strconv.Atoi(s[m[6]:m[7]])
		loc = m[:2]
	} else if m := matchIf(month, dmyRe, s); m != nil {
		d.day, _ = strconv.Atoi(s[m[2]:m[3]])
		d.month = months[strings.ToLower(s[m[4]:m[5]])]
		d.year, _ = strconv.Atoi(s[m[6]:m[7]])
		loc = m[:2]
	} else if m := matchIf(strings.ContainsAny(s, "-/"), isoRe, s); m != nil {
		d.year, _ = strconv.Atoi(s[m[2]:m[3]])
		mo, _ := strconv.Atoi(s[m[4]:m[5]])
		d.month = time.Month(mo)
		d.day, _ = strconv.Atoi(s[m[6]:m[7]])
		loc = m[:2]
	} else {
		return d, false
	}
	if d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 || d.year < 1800 || d.year > 2200 {
		return d, false
	}
	rest := s[:loc[0]] + " " + s[loc[1]:]
	if m := matchIf(strings.IndexByte(rest, ':') >= 0, clockRe, rest); m != nil {
		h, _ := strconv.Atoi(rest[m[2]:m[3]])
		mi, _ := strconv.Atoi(rest[m[4]:m[5]])
		sec := 0
		if m[6] >= 0 {
			sec, _ = strconv.Atoi(rest[m[6]:m[7]])
		}
		if m[8] >= 0 {
			pm := strings.HasPrefix(strings.ToLower(rest[m[8]:m[9]]), "p")
			if h == 12 {
				h = 0
			}
			if pm {
				h += 12
			}
		}
		if h < 24 && mi < 60 && sec < 60 {
			d.hour, d.min, d.sec, d.hasClock = h, mi, sec, true
			rest = rest[:m[0]] + " " + rest[m[1]:]
		}
	}
	if mayHaveZone(rest) {
		if m := zoneRe.FindStringSubmatch(rest); m != nil {
			d.zone = parseZone(m)
		}
	}
	d.rest = strings.Trim(normaliseSpace(rest), " ,|-–—")
	return d, true
}

// parseZone turns a zoneRe match into a location.
func parseZone(m []string) *time.Location {
	offset := func(hs, ms string) *time.Location {
		h, err := strconv.Atoi(hs)
		if err != nil || h < -14 || h > 14 {
			return nil
		}
		mi, _ := strconv.Atoi(ms)
		sec := h * 3600
		if h < 0 || strings.HasPrefix(hs, "-") {
			sec -= mi * 60
		} else {
			sec += mi * 60
		}
		return time.FixedZone("", sec)
	}
	switch {
	case m[1] != "":
		return offset(m[1], m[2])
	case m[3] != "":
		return offset(m[3], m[4])
	}
	switch strings.ToUpper(m[5]) {
	case "GMT", "UTC":
		return time.UTC
	case "BST":
		return time.FixedZone("BST", 3600)
	case "BJT", "CST": // in Chinese outlets' datelines CST is China Standard Time
		return time.FixedZone("CST", 8*3600)
	case "EST":
		return time.FixedZone("EST", -5*3600)
	case "EDT":
		return time.FixedZone("EDT", -4*3600)
	case "PST":
		return time.FixedZone("PST", -8*3600)
	case "PDT":
		return time.FixedZone("PDT", -7*3600)
	}
	return nil
}

// outletZones maps words in an outlet's name to the IANA zone its datelines use.
var outletZones = []struct{ word, zone string }{
	{"people's daily", "Asia/Shanghai"}, {"xinhua", "Asia/Shanghai"}, {"china daily", "Asia/Shanghai"},
	{"global times", "Asia/Shanghai"}, {"cgtn", "Asia/Shanghai"}, {"china.org.cn", "Asia/Shanghai"},
	{"ecns", "Asia/Shanghai"}, {"chinanews", "Asia/Shanghai"}, {"sohu", "Asia/Shanghai"},
	{"south china morning post", "Asia/Hong_Kong"}, {"japan times", "Asia/Tokyo"}, {"kyodo", "Asia/Tokyo"},
	{"yonhap", "Asia/Seoul"}, {"bbc", "Europe/London"}, {"guardian", "Europe/London"},
	{"telegraph", "Europe/London"}, {"new york times", "America/New_York"},
	{"washington post", "America/New_York"}, {"associated press", "America/New_York"},
	{"afp", "Europe/Paris"}, {"le monde", "Europe/Paris"}, {"dpa", "Europe/Berlin"},
	{"times of india", "Asia/Kolkata"}, {"straits times", "Asia/Singapore"},
}

// zoneOf returns the time zone an outlet dates its articles in, if known.
func zoneOf(source string) (*time.Location, bool) {
	lower := strings.ToLower(source)
	for _, oz := range outletZones {
		if strings.Contains(lower, oz.word) {
			if loc, err := time.LoadLocation(oz.zone); err == nil {
				return loc, true
			}
		}
	}
	return nil, false
}

// at resolves the date in a zone: the zone written in the line wins, then
// the outlet's, then UTC (reported as a guess by the caller).
func (d dateParts) at(source string) (t time.Time, zoneKnown bool) {
	loc, known := d.zone, d.zone != nil
	if !known {
		loc, known = zoneOf(source)
	}
	if !known {
		loc = time.UTC
	}
	return time.Date(d.year, d.month, d.day, d.hour, d.min, d.sec, 0, loc), known
}

// hasDigits reports whether s has a run of at least n ASCII digits.
func hasDigits(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// isDateline reports whether a line is only a date (with a clock time,
// weekday or an "Updated"/"Published" label), and returns it.
func isDateline(line string) (dateParts, bool) {
	var f dateFinder
	return f.isDateline(line)
}

// isDateline is the package's isDateline, remembering what it finds.
func (f *dateFinder) isDateline(line string) (dateParts, bool) {
	if moreWords(line, 10) || !hasDigits(line, 4) {
		// Too long, or without the year that findDate needs: not worth
		// remembering.
		return dateParts{}, false
	}
	if r, ok := f.datelines[line]; ok {
		return r.d, r.ok
	}
	d, ok := f.isDatelineFound(line)
	f.remember(&f.datelines, line, d, ok)
	return d, ok
}

// isDatelineFound is isDateline of a line short enough to be one.
func (f *dateFinder) isDatelineFound(line string) (dateParts, bool) {
	d, ok := f.findDate(line)
	if !ok {
		return d, false
	}
	rest := strings.ToLower(d.rest)
	for _, w := range []string{"updated", "published", "posted", "last", "modified", "on", "at", "date", ":", "|",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "(", ")", "gmt", "utc", "bjt", "beijing", "time"} {
		rest = strings.ReplaceAll(rest, w, " ")
	}
	if mayHaveZone(rest) && zoneRe.MatchString(rest) {
		rest = zoneRe.ReplaceAllString(rest, " ")
	}
	return d, strings.TrimSpace(strings.Trim(rest, " ,.-–—+0123456789")) == ""
}
