package charter

import (
	"regexp"
	"strings"
	"unicode"
)

// Redaction of free text for people outside the force (scrutiny panels):
// the grounds an officer wrote name people, places, vehicles and numbers
// that could identify the person searched or the officer. Redact errs on
// the side of taking out too much: a panel can judge grounds with a few
// words missing, but a name let through cannot be taken back.

// The placeholders Redact writes in place of what it removes.
const (
	RedactedName         = "[name]"
	RedactedNumber       = "[number]"
	RedactedPhone        = "[phone]"
	RedactedEmail        = "[email]"
	RedactedPostcode     = "[postcode]"
	RedactedRegistration = "[registration]"
	RedactedLink         = "[link]"
)

var redactions = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`), RedactedLink},
	{regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}`), RedactedEmail},
	// Full UK postcodes (SW9 8AB, sw98ab), before registrations, which
	// they resemble.
	{regexp.MustCompile(`(?i)\b[a-z]{1,2}[0-9][a-z0-9]?\s*[0-9][a-z]{2}\b`), RedactedPostcode},
	// Vehicle registrations: current (AB12 CDE), prefix (A123 BCD) and
	// suffix (ABC 123D) styles.
	{regexp.MustCompile(`(?i)\b[a-z]{2}[0-9]{2}\s?[a-z]{3}\b`), RedactedRegistration},
	{regexp.MustCompile(`(?i)\b[a-z][0-9]{1,3}\s?[a-z]{3}\b`), RedactedRegistration},
	{regexp.MustCompile(`(?i)\b[a-z]{3}\s?[0-9]{1,3}[a-z]\b`), RedactedRegistration},
	// Telephone numbers: seven or more digits with the usual separators.
	{regexp.MustCompile(`\+?\(?[0-9][0-9()\s\-.]{5,}[0-9]`), RedactedPhone},
	// Any other word holding a digit: numbers, times, dates, house
	// numbers, collar numbers, outward postcodes (SW9).
	{regexp.MustCompile(`[\p{L}\p{N}#/:.\-']*\p{N}[\p{L}\p{N}#/:.\-']*`), RedactedNumber},
}

// titles are words after which the next word is a name whatever its case.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "sir": true, "lady": true, "lord": true,
	"master": true, "pc": true, "dc": true, "ps": true, "ds": true, "di": true, "dci": true, "sgt": true, "insp": true,
	"supt": true, "officer": true, "constable": true, "sergeant": true, "inspector": true, "detective": true,
	"pcso": true, "mum": true, "dad": true, "brother": true, "sister": true, "named": true, "called": true, "aka": true,
}

// keptCapitals are capitalised words that name no one and are kept
// wherever they stand.
var keptCapitals = map[string]bool{
	"I": true, "BWV": true, "CCTV": true, "PACE": true, "GOWISELY": true, "PNC": true, "CAD": true, "ANPR": true,
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"January": true, "February": true, "March": true, "April": true, "June": true, "July": true,
	"August": true, "September": true, "October": true, "November": true, "December": true,
	"Police": true, "Act": true, "Code": true, "Section": true, "Misuse": true, "Drugs": true,
}

var wordRE = regexp.MustCompile(`\[[a-z]+\]|[\p{L}][\p{L}'’\-]*`)

// Redact returns text with names and numbers taken out: e-mail addresses,
// links, postcodes, vehicle registrations, telephone numbers and every
// other word holding a digit, the word after a title (Mr, PC, Officer…),
// and every capitalised word that does not begin a sentence (names, but
// also streets and places, which can identify as well). A capitalised word
// that begins a sentence is kept unless a name follows it. Whitespace is
// kept as it is.
func Redact(text string) string {
	for _, r := range redactions {
		text = r.re.ReplaceAllString(text, r.with)
	}
	locs := wordRE.FindAllStringIndex(text, -1)
	redact := make([]bool, len(locs))
	for i, l := range locs {
		w := text[l[0]:l[1]]
		if w[0] == '[' || titles[strings.ToLower(w)] {
			continue
		}
		if i > 0 {
			prev := strings.ToLower(strings.TrimRight(text[locs[i-1][0]:locs[i-1][1]], "'’"))
			if titles[prev] && onlySpaceOrDot(text[locs[i-1][1]:l[0]]) {
				redact[i] = true
				continue
			}
		}
		if !capitalised(w) || keptCapitals[w] {
			continue
		}
		if !sentenceStart(text[:l[0]]) {
			redact[i] = true
		}
	}
	// A capitalised word beginning a sentence is a name when a name
	// follows it ("John Smith ran off").
	for i := len(locs) - 2; i >= 0; i-- {
		w := text[locs[i][0]:locs[i][1]]
		if !redact[i] && redact[i+1] && capitalised(w) && !keptCapitals[w] && !titles[strings.ToLower(w)] && onlySpaceOrDot(text[locs[i][1]:locs[i+1][0]]) {
			if next := text[locs[i+1][0]:locs[i+1][1]]; capitalised(next) {
				redact[i] = true
			}
		}
	}
	var b strings.Builder
	last := 0
	for i, l := range locs {
		if !redact[i] {
			continue
		}
		b.WriteString(text[last:l[0]])
		b.WriteString(RedactedName)
		last = l[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func capitalised(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}

func onlySpaceOrDot(s string) bool {
	return strings.TrimLeft(s, " .\t") == ""
}

// sentenceStart reports whether a word after before begins a sentence:
// nothing but spaces and opening quotes since the start of the text, a
// full stop, a question or exclamation mark, or a new line.
func sentenceStart(before string) bool {
	t := strings.TrimRight(before, " \t\"'“‘(")
	if t == "" {
		return true
	}
	if strings.HasSuffix(before[len(t):], "\n") || strings.HasSuffix(t, "\n") {
		return true
	}
	switch t[len(t)-1] {
	case '.', '!', '?', '\n':
		return true
	}
	return false
}
