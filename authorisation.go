package charter

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Authorisation is an s60, s60AA or s47A authorisation: the written
// permission, for a locality and a time, to search without suspicion. The
// register is public: who authorised is shown by rank, never by name.
type Authorisation struct {
	ID    int64  `json:"id"`
	Force string `json:"force"`
	Power string `json:"power"` // "s60", "s60AA" or "s47A"
	// AuthorisedBy is the authorising officer's user id; never public.
	AuthorisedBy int64  `json:"-"`
	Rank         Rank   `json:"-"`
	RankName     string `json:"rank"`
	// Wards are the 2022 ward codes of the locality.
	Wards []string  `json:"wards"`
	Start time.Time `json:"start"`
	// End is when the authorisation ends, after every extension.
	End        time.Time                `json:"end"`
	Extensions []AuthorisationExtension `json:"extensions"`
	// Grounds are why the authorising officer believes the power is needed.
	// Published: the register exists so communities can see them.
	Grounds string `json:"grounds"`
	// ViolenceWillOccur records the belief that serious violence will (not
	// only may) take place, which the Best Use of Stop and Search rules need.
	ViolenceWillOccur bool   `json:"violence_will_occur"`
	RuleSet           string `json:"rule_set"`
	// Searches is the number of searches recorded under it.
	Searches int       `json:"searches"`
	Created  time.Time `json:"created"`
}

// AuthorisationExtension lengthens an authorisation.
type AuthorisationExtension struct {
	By       int64     `json:"-"`
	Rank     Rank      `json:"-"`
	RankName string    `json:"rank"`
	Until    time.Time `json:"until"`
	At       time.Time `json:"at"`
}

// InForce reports whether the authorisation covers the time t.
func (a *Authorisation) InForce(t time.Time) bool { return !t.Before(a.Start) && t.Before(a.End) }

// Covers reports whether a ward is in the authorisation's locality.
func (a *Authorisation) Covers(ward string) bool { return slices.Contains(a.Wards, ward) }

// The rule sets an authorisation is checked against.
const (
	RulesStatutory = "statutory" // the statutes as they stand (s60 since 2022)
	RulesBUSSS     = "busss"     // the stricter Best Use of Stop and Search s60 rules a force may choose
)

// AuthorisationRules are the limits of one power under one rule set.
type AuthorisationRules struct {
	MinRank Rank // to authorise
	// First is the longest initial period.
	First time.Duration
	// ExtendRank is the lowest rank that may extend; Extensions are the
	// longest successive extensions (none: it cannot be extended).
	ExtendRank Rank
	Extensions []time.Duration
	// WillOccur is true when the authorising officer must believe serious
	// violence will take place, not only that it may.
	WillOccur bool
}

// RulesFor returns the limits of power under a rule set. BUSSS changed only
// s60 (and so s60AA); s47A follows its statute under both.
func RulesFor(power, ruleSet string) (AuthorisationRules, bool) {
	switch power {
	case "s60", "s60AA":
		if ruleSet == RulesBUSSS {
			return AuthorisationRules{MinRank: RankAssistantChiefConstable, First: 15 * time.Hour,
				ExtendRank: RankAssistantChiefConstable, Extensions: []time.Duration{9 * time.Hour, 15 * time.Hour}, WillOccur: true}, true
		}
		return AuthorisationRules{MinRank: RankInspector, First: 24 * time.Hour,
			ExtendRank: RankSuperintendent, Extensions: []time.Duration{24 * time.Hour}}, true
	case "s47A":
		return AuthorisationRules{MinRank: RankAssistantChiefConstable, First: 14 * 24 * time.Hour}, true
	}
	return AuthorisationRules{}, false
}

// AuthorisationPowers are the powers that need an authorisation.
var AuthorisationPowers = []string{"s60", "s60AA", "s47A"}

// CheckAuthorisation checks a new authorisation given by an officer of rank
// against the rule set, at time now. Ward codes are checked by the store.
func CheckAuthorisation(a Authorisation, rank Rank, ruleSet string, now time.Time) FieldErrors {
	var fe FieldErrors
	add := func(field, reason string) { fe = append(fe, FieldError{Field: field, Reason: reason}) }
	rules, ok := RulesFor(a.Power, ruleSet)
	if !ok {
		add("power", "choose s60, s60AA or s47A")
	}
	if ok && rank < rules.MinRank {
		add("rank", fmt.Sprintf("an authorisation under %s needs a rank of %s or above; yours is %s", a.Power, rules.MinRank, rankOrNone(rank)))
	}
	if len(a.Wards) == 0 {
		add("wards", "choose the wards the authorisation covers")
	}
	switch {
	case a.Start.IsZero():
		add("start", "give the time the authorisation starts")
	case a.Start.Before(now.Add(-time.Hour)):
		add("start", "an authorisation cannot start more than an hour before it is registered")
	}
	switch {
	case a.End.IsZero():
		add("end", "give the time the authorisation ends")
	case !a.Start.IsZero() && !a.End.After(a.Start):
		add("end", "the end must be after the start")
	case ok && !a.Start.IsZero() && a.End.Sub(a.Start) > rules.First:
		add("end", fmt.Sprintf("an authorisation under %s lasts at most %s; extend it later if needed", a.Power, HoursWords(rules.First)))
	}
	if ok && rules.WillOccur && !a.ViolenceWillOccur {
		add("violence_will_occur", "the force's rules need the belief that serious violence will take place, not only that it may")
	}
	if utf8.RuneCountInString(strings.TrimSpace(a.Grounds)) < MinGroundsLength {
		add("grounds", "state the grounds for the authorisation (at least 20 characters)")
	}
	return fe
}

// CheckExtension checks an extension of a by an officer of rank until the
// time until, at time now.
func CheckExtension(a *Authorisation, rank Rank, until, now time.Time) FieldErrors {
	var fe FieldErrors
	add := func(field, reason string) { fe = append(fe, FieldError{Field: field, Reason: reason}) }
	rules, _ := RulesFor(a.Power, a.RuleSet)
	n := len(a.Extensions)
	switch {
	case len(rules.Extensions) == 0:
		add("until", "an authorisation under "+a.Power+" cannot be extended; give a new one")
	case n >= len(rules.Extensions):
		add("until", "this authorisation has had every extension the rules allow")
	case !now.Before(a.End):
		add("until", "this authorisation has ended and can no longer be extended")
	case !until.After(a.End):
		add("until", "an extension must end after the authorisation's current end")
	case until.Sub(a.End) > rules.Extensions[n]:
		add("until", fmt.Sprintf("this extension may add at most %s", HoursWords(rules.Extensions[n])))
	}
	if len(rules.Extensions) > 0 && rank < rules.ExtendRank {
		add("rank", fmt.Sprintf("an extension needs a rank of %s or above; yours is %s", rules.ExtendRank, rankOrNone(rank)))
	}
	return fe
}

func rankOrNone(r Rank) string {
	if r == RankNone {
		return "not recorded"
	}
	return r.String()
}

// HoursWords says a period in whole hours, or in days when it is two days
// or more and whole days: "24 hours", "14 days".
func HoursWords(d time.Duration) string {
	h := int(d.Hours())
	if h%24 == 0 && h >= 48 {
		return fmt.Sprintf("%d days", h/24)
	}
	return fmt.Sprintf("%d hours", h)
}
