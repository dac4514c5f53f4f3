package charter

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"time"
	"unicode"
)

// Risk is a reason a record goes to its officer's supervisor for review
// whether or not it was sampled (PRODUCT.md S1): the kinds of search
// HMICFRS and the IOPC found most often went wrong, or that weigh most on
// the person searched.
type Risk string

// The risks, in the order a queue lists them.
const (
	RiskShortGrounds  Risk = "short_grounds"  // grounds for suspicion in a few words
	RiskCopiedGrounds Risk = "copied_grounds" // the same, or nearly the same, grounds as another record of the force
	RiskStripSearch   Risk = "strip_search"   // more than outer clothing removed
	RiskNoSuspicion   Risk = "no_suspicion"   // a search without suspicion (s60, s47A)
	RiskForce         Risk = "use_of_force"   // force used
	RiskRepeated      Risk = "repeated"       // a person of the same description searched repeatedly in a short time
	RiskComplaint     Risk = "complaint"      // a complaint was made about the search
)

// Risks lists every risk in order.
var Risks = []Risk{RiskShortGrounds, RiskCopiedGrounds, RiskStripSearch, RiskNoSuspicion, RiskForce, RiskRepeated, RiskComplaint}

// The thresholds of the risks. They are constants, not settings, so that
// every force's queues mean the same thing and a queue cannot be emptied by
// turning a dial; each carries its reason.
const (
	// ReviewMinGroundsWords: grounds for suspicion of fewer words than
	// this are flagged. Code A (para 3.8(d)) asks for the grounds "in
	// brief", but HMICFRS has repeatedly found weak grounds that were no
	// more than a phrase ("smell of cannabis", "acting suspiciously");
	// twelve words is about one sentence of what was seen, heard or told.
	// The record's own check (MinGroundsLength) only refuses the emptiest.
	ReviewMinGroundsWords = 12
	// ReviewRepeatSearches and ReviewRepeatWindow: a person of the same
	// self-defined ethnicity, gender and age range searched in the same ward
	// this many times within the window (the record itself included) is
	// flagged. Records hold no names, so a description in one ward is the
	// closest the records come to "the same person"; three in a week is
	// the fewest that is a pattern rather than a coincidence, and rarely
	// happens by chance to one description in one ward.
	ReviewRepeatSearches = 3
	ReviewRepeatWindow   = 7 * 24 * time.Hour
	// ReviewCopiedSimilarity: grounds whose word-triples overlap this much
	// (Jaccard similarity) with another record's are "nearly the same".
	// Two officers describing different events in their own words rarely
	// share more than a third of their three-word phrases; 0.8 catches
	// grounds pasted and lightly edited (a name, a street changed).
	ReviewCopiedSimilarity = 0.8
	// ReviewCopiedMinWords: grounds shorter than this are not compared for
	// copying (two three-word grounds are alike by chance); they are
	// flagged as short instead.
	ReviewCopiedMinWords = 6
	// DefaultSampleRate is the share of a team's records sampled for review
	// beside those with risks: one in ten, enough for a supervisor to see
	// each officer's routine work every few weeks without a queue they
	// cannot keep up with.
	DefaultSampleRate = 0.1
)

var riskWords = map[Risk]string{
	RiskShortGrounds:  "Grounds too short: the grounds for suspicion are only a few words",
	RiskCopiedGrounds: "Grounds copied: the same or nearly the same words as another record of the force",
	RiskStripSearch:   "Strip search: more than outer clothing was removed",
	RiskNoSuspicion:   "Search without suspicion, under a section 60 or section 47A authorisation",
	RiskForce:         "Force was used",
	RiskRepeated:      "Repeated: a person of the same description was searched in the same ward 3 or more times in 7 days",
	RiskComplaint:     "A complaint was made about this search",
}

// Description says what the risk is, in plain language.
func (r Risk) Description() string { return riskWords[r] }

// Short is the risk as a list shows it, a few words.
func (r Risk) Short() string {
	d := riskWords[r]
	if i := strings.IndexByte(d, ':'); i > 0 {
		return d[:i]
	}
	return d
}

// RecordRisks returns the risks a record carries by itself (short grounds,
// strip search, no suspicion, force). Copied grounds, repeats and
// complaints need other records and are found by the review service.
func RecordRisks(r Record) []Risk {
	var out []Risk
	power, known := LookupPower(r.Legislation)
	if known && power.Suspicion && len(strings.Fields(r.Grounds)) < ReviewMinGroundsWords {
		out = append(out, RiskShortGrounds)
	}
	if r.RemovalOfMoreThanOuterClothing != nil && *r.RemovalOfMoreThanOuterClothing {
		out = append(out, RiskStripSearch)
	}
	if known && power.Authorised != "" {
		out = append(out, RiskNoSuspicion)
	}
	if r.UseOfForce != nil && *r.UseOfForce {
		out = append(out, RiskForce)
	}
	return out
}

// SortRisks puts risks in the order of Risks, without repeats.
func SortRisks(rs []Risk) []Risk {
	var out []Risk
	for _, k := range Risks {
		for _, r := range rs {
			if r == k {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// Sampled reports whether the record with this reference falls in the
// review sample at rate (0 to 1). The draw is a keyed hash (HMAC-SHA-256)
// of the reference: it is the same every time it is asked, so a queue is
// reproducible and an audit can check it, and without the key no one can
// tell which references will be drawn, so the sample cannot be gamed.
func Sampled(key []byte, reference string, rate float64) bool {
	if rate <= 0 {
		return false
	}
	if rate >= 1 {
		return true
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(reference))
	u := binary.BigEndian.Uint64(m.Sum(nil))
	return float64(u>>11)/(1<<53) < rate
}

// GroundsWords is grounds text as copying is judged: lower case words of
// letters and digits, punctuation and spacing dropped.
func GroundsWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
}

// Shingles is the set of three-word phrases of words (one phrase of all the
// words when there are fewer than three).
func Shingles(words []string) map[string]bool {
	out := map[string]bool{}
	if len(words) < 3 {
		out[strings.Join(words, " ")] = true
		return out
	}
	for i := 0; i+3 <= len(words); i++ {
		out[words[i]+" "+words[i+1]+" "+words[i+2]] = true
	}
	return out
}

// Review is a supervisor's review of one record: the rubric's marks and
// comment, who gave it and when, and when the officer first saw it.
type Review struct {
	ID         int64
	RecordID   int64
	Reference  string // the record's reference
	OfficerID  int64  // the record's officer
	ReviewerID int64
	Reviewer   string // the reviewer's sign-in name
	Rubric     Rubric
	Created    time.Time
	Seen       time.Time // zero until the officer has seen it
}
