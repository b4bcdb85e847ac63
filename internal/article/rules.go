package article

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// socialNames are the names that make up share and follow bars.
var socialNames = []string{
	"facebook", "twitter", "instagram", "youtube", "google plus", "google+", "linkedin", "whatsapp",
	"weibo", "wechat", "微博", "微信", "telegram", "reddit", "pinterest", "tumblr", "tiktok", "flipboard",
	"rss", "email", "e-mail", "print",
}

// socialCount counts the distinct social-network names in a line.
func socialCount(lower string) int {
	n := 0
	for _, name := range socialNames {
		if strings.Contains(lower, name) {
			n++
		}
	}
	return n
}

// maxBarBytes is the longest line taken for a share bar: a bar is a short
// row of names (the longest in the seeds and corpora is 84 bytes).
const maxBarBytes = 200

// isShareBar reports whether a line is a bar of share or social links
// (possibly with the site's date in it), such as a page header.
func isShareBar(line string) bool {
	if len(line) > maxBarBytes {
		return false // prose that names the networks, not a bar of links
	}
	lower := strings.ToLower(line)
	n := socialCount(lower)
	if endsSentence(line) {
		return n >= 4
	}
	return n >= 3 || (n >= 2 && !moreWords(line, 12))
}

// followRe matches "follow us on ..." and "for the latest news, follow ..." lines.
var followRe = regexp.MustCompile(`(?i)^\(?\s*(for (the )?(latest|more)\b.*\bfollow\b|follow (us|@|\w+ on)\b|like us on|join us on|subscribe to (our|the) (newsletter|channel))`)

// isFollowLine reports whether a line invites the reader to follow the site
// elsewhere: a promotion, not part of the story.
func isFollowLine(line string) bool {
	if !mayFollow(line) || moreWords(line, 30) {
		return false
	}
	if followRe.MatchString(line) {
		return true
	}
	if !strings.HasPrefix(line, "(") {
		return false
	}
	lower := strings.ToLower(line)
	return strings.Contains(lower, "follow") && socialCount(lower) >= 1
}

// widgetRe matches the labels of page widgets: comment boxes, most-read
// lists, recommendations, pagers, share buttons, advertisements.
var widgetRe = regexp.MustCompile(`(?i)^(` +
	`(add|post|leave|write|view|read|show|see) (a |your |all |the )?comments?( \(\d+\))?` +
	`|comments?( \(\d+\))?` +
	`|(most|top) (viewed|read|popular|shared|commented|emailed|watched)( stories| articles| news| today)?` +
	`|(hot|latest|top|related|more|breaking|trending|popular|editor'?s?) (news|stories|articles|topics|links|videos|photos|picks|reads)` +
	`|(we|you may also|you might also|you might) (recommend|like|be interested in)` +
	`|(recommended|related)( for you| articles| stories| content| links)?` +
	`|(prev|previous|«|‹)( ?[|/·-] ?| )?(next|»|›)?|next( page| article| story)?` +
	`|(share|print|email|e-mail|tweet|save|bookmark)( this)?( article| story| page)?` +
	`|(advertisement|advertising|sponsored( content)?|ad)` +
	`|(back to top|read more|see also|more on this story|related coverage|in pictures|watch|listen)` +
	`|(sign up|subscribe)( now| here| for .*| to .*)?` +
	`)[:.]?$`)

// isWidget reports whether a short line is the label of a page widget.
func isWidget(line string) bool {
	return mayBeWidget(line) && !moreWords(line, 8) && widgetRe.MatchString(line)
}

// noticeRe matches the open-ended notices of a page's edges: tag lists,
// copyright lines, "click here" prompts. Unlike a widget label, a body
// sentence can start the same way ("Copyright holders were furious."), so
// a notice is furniture only outside the body block, where it stands.
var noticeRe = regexp.MustCompile(`(?i)^(click here\b.*|tags?:.*|keywords?:.*|(copyright|©|\(c\)) .*|.*all rights reserved\.?)$`)

// isNotice reports whether a short line has the form of a page notice.
func isNotice(line string) bool {
	return !moreWords(line, 8) && mayBeNotice(line) && noticeRe.MatchString(line)
}

// editorRe matches an editors line such as "(Editor:Luxiao Zou,Bianji)".
var editorRe = regexp.MustCompile(`(?i)^\(?\s*(?:editors?|edited by|responsible editors?|editor in charge|web editors?)\s*[:：]?\s*(.+?)\s*\)?$`)

// parseEditors returns the names of an editors line, or ok=false.
func parseEditors(line string) (names string, ok bool) {
	if !mayBeEditors(line) || moreWords(line, 12) {
		return "", false
	}
	m := editorRe.FindStringSubmatch(line)
	if m == nil || strings.ContainsAny(m[1], ".!?") {
		return "", false
	}
	return m[1], true
}

// bylineRe matches "By Name Surname (Outlet) date", "By Name, Outlet | date"
// and "By Name" lines, with the word for "by" of the languages news pages
// are often in ("Von", "Par", "Por", "Door", "Av", "Przez", "Autor:"). The name is one to five capitalised words.
var bylineRe = regexp.MustCompile(`^(?i:by|written by|reporting by|posted by|from|von|geschrieben von|eingestellt von|par|por|door|av|przez|autor|autorin|author)(?:\s*:)?\s+((?:\p{Lu}[\p{L}'’.-]*\s*){1,5}(?:(?:and|&)\s+(?:\p{Lu}[\p{L}'’.-]*\s*){1,4})?)` +
	`(?:\(([^()]{2,60})\)|[,|–—-]\s*([^,|0-9][^,|]{1,60}?)\s*(?:[,|–—-]|$)|\s|$)\s*(.*)$`)

// byline is what a byline line says.
type byline struct {
	author, source, rest string
}

// parseByline returns the parts of a byline, or ok=false.
func parseByline(line string) (b byline, ok bool) {
	var f dateFinder
	return f.parseByline(line)
}

// parseByline is the package's parseByline, with f to find the dates.
func (f *dateFinder) parseByline(line string) (b byline, ok bool) {
	if !mayBeByline(line) || moreWords(line, 25) {
		return b, false
	}
	m := bylineRe.FindStringSubmatch(line)
	if m == nil {
		return b, false
	}
	b.author = strings.TrimSpace(strings.TrimRight(m[1], " ,"))
	b.source = strings.TrimSpace(m[2])
	if b.source == "" {
		b.source = strings.TrimSpace(m[3])
	}
	b.rest = strings.TrimSpace(m[4])
	// What follows the name must be a date or nothing: "By contrast, the
	// market ..." is a sentence, not a byline.
	if b.rest != "" {
		if _, ok := f.findDate(b.rest); !ok {
			return b, false
		}
	}
	if b.source != "" {
		if _, ok := f.findDate(b.source); ok {
			b.rest, b.source = strings.TrimSpace(b.source+" "+b.rest), ""
		}
	}
	return b, true
}

// sourceRe matches a line naming the outlet: "Source: Xinhua", "(Xinhua)".
var sourceRe = regexp.MustCompile(`(?i)^(?:source|from|via)\s*[:：]\s*(.{2,60})$`)

// isSourceLine reports whether t names the outlet: "Source: Xinhua". The
// name is a name, not a clause: it does not start in lower case or end a
// sentence ("Source: the ministry." is a sentence of the story).
func isSourceLine(t string) bool {
	if !hasColon(t) {
		return false
	}
	m := sourceRe.FindStringSubmatch(t)
	if m == nil {
		return false
	}
	name := strings.TrimSpace(m[1])
	r, _ := utf8.DecodeRuneInString(name)
	return !unicode.IsLower(r) && !endsSentence(name)
}

// tailRe matches the labels that open what follows a story on its page,
// in the languages of the development set: related reading, the comment
// section and its form, the author's box, the newsletter. A story does not
// go on past one: what follows it is the page's.
var tailRe = regexp.MustCompile(`(?i)^(` +
	`(mehr|weitere|ähnliche|verwandte|passende|neueste|aktuelle|beliebte|meistgelesene)( \pL+)? (zum thema|artikel|beiträge|beitraege|nachrichten|news|themen|meldungen|stories|videos)( zu.*| aus.*| von.*| zum thema.*)?` +
	`|das (könnte|koennte) (sie|dich) (auch )?interessieren|auch interessant|lesen sie (auch|mehr|dazu)|zum weiterlesen|weiterlesen|auch lesen` +
	`|(\d+ )?kommentare?( \(\d+\))?|kommentar (schreiben|verfassen|abgeben)|(schreibe|hinterlasse|schreib) (einen|einen kommentar|eine antwort|einen kommentar)( .*)?|antwort hinterlassen|diskussion` +
	`|über (den|die) (autor|autorin|verfasser)(in)?|zur person|about the author` +
	`|leave a (reply|comment)|(\d+ )?(comments|responses|replies)( to .*)?|related (posts|articles|stories)|more from .*|you (may|might) also like|read next` +
	`|zobacz (też|także|również)|czytaj (też|także|również)|komentarze|articles? (similaires|liés)|à lire aussi|lire aussi|commentaires?` +
	`|newsletter( abonnieren| bestellen| anmelden)?` +
	`)[:.!?]?$`)

// isTail reports whether a short line opens what follows a story.
func isTail(line string) bool {
	return !moreWords(line, 8) && tailRe.MatchString(line)
}

// consentRe matches what a cookie or privacy consent notice says about
// the site: cookies together with the site, the browser, consent or
// settings, in the languages of the development set.
var consentRe = regexp.MustCompile(`(?i)cookie`)

// consentContextRe is the other half of a consent notice's sentence.
var consentContextRe = regexp.MustCompile(`(?i)(web ?seite|website|site|browser|datenschutz|privacy|einstellung|setting|zustimm|einwillig|akzept|accept|consent|verwende|nutz|use[sd]? |utilis|stron|zgod|aktivier|deaktivier|enable|disable|speicher|store)`)

// isConsent reports whether a line is part of a cookie or privacy consent
// notice: a page's notice about itself, never the story.
func isConsent(line string) bool {
	return mayHaveCookie(line) && consentRe.MatchString(line) && consentContextRe.MatchString(line)
}
