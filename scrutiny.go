package charter

import (
	"fmt"
	"strings"
	"time"
)

// Independent scrutiny (PRODUCT.md S3): lay panels look at an anonymised
// random sample of their areas' searches, rate each with the review rubric
// (rubric.go), and publish findings that the force answers.

// Panel is a scrutiny panel: its force, its name and the borough and ward
// codes whose searches it scrutinises.
type Panel struct {
	ID      int64     `json:"id"`
	Force   string    `json:"force"`
	Name    string    `json:"name"`
	Areas   []string  `json:"areas"`
	Created time.Time `json:"created"`
}

// Covers reports whether the panel scrutinises searches placed in the
// borough or ward given.
func (p *Panel) Covers(borough, ward string) bool {
	for _, a := range p.Areas {
		if a != "" && (a == borough || a == ward) {
			return true
		}
	}
	return false
}

// CheckPanel refuses a panel without a name, a force or areas, and areas
// that are not borough or ward codes; problems name their field.
func CheckPanel(p *Panel) error {
	var fe FieldErrors
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len(p.Name) > 100 {
		fe = append(fe, FieldError{Field: "name", Reason: "give the panel a name of at most 100 characters"})
	}
	if !ValidForceID(p.Force) {
		fe = append(fe, FieldError{Field: "force", Reason: "give the force the panel scrutinises, as a force id (for example metropolitan)"})
	}
	var areas []string
	for _, a := range p.Areas {
		a = strings.ToUpper(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if lv, _ := LevelOfCode(a); lv != LevelBorough && lv != LevelWard {
			fe = append(fe, FieldError{Field: "areas", Reason: fmt.Sprintf("%q is not a borough (E09…) or ward (E05…) code", a)})
			continue
		}
		areas = append(areas, a)
	}
	if len(areas) == 0 && len(fe) == 0 {
		fe = append(fe, FieldError{Field: "areas", Reason: "give at least one borough or ward the panel scrutinises"})
	}
	p.Areas = areas
	return Invalid(fe)
}

// Meeting is one meeting of a panel: the day it meets, the months whose
// searches it looks at, its sample, and what it found and the force said.
type Meeting struct {
	ID      int64     `json:"id"`
	PanelID int64     `json:"panel_id"`
	Date    time.Time `json:"date"` // the day, midnight UTC
	From    Month     `json:"-"`
	To      Month     `json:"-"`
	// SampleSize is how many records were drawn (fewer than asked when the
	// period had fewer).
	SampleSize int `json:"sample_size"`
	// Findings are the panel's, published once written; Response is the
	// force's answer to them.
	Findings   string    `json:"findings,omitempty"`
	FindingsAt time.Time `json:"findings_at,omitzero"`
	Response   string    `json:"response,omitempty"`
	ResponseAt time.Time `json:"response_at,omitzero"`
	Created    time.Time `json:"created"`
}

// MaxSample bounds the sample of one meeting.
const MaxSample = 200

// CheckMeeting refuses a meeting without a day, a period whose end is
// before its start or runs over two years, and a sample size out of 1 to
// MaxSample.
func CheckMeeting(m *Meeting, want int) error {
	var fe FieldErrors
	if m.Date.IsZero() {
		fe = append(fe, FieldError{Field: "date", Reason: "give the day of the meeting"})
	}
	switch {
	case m.From == 0:
		fe = append(fe, FieldError{Field: "from", Reason: "give the first month whose searches the panel looks at"})
	case m.To == 0:
		fe = append(fe, FieldError{Field: "to", Reason: "give the last month whose searches the panel looks at"})
	case m.To < m.From:
		fe = append(fe, FieldError{Field: "to", Reason: "the last month is before the first"})
	case m.To-m.From >= 24:
		fe = append(fe, FieldError{Field: "to", Reason: "a meeting looks at two years of searches at most"})
	}
	if want < 1 || want > MaxSample {
		fe = append(fe, FieldError{Field: "sample", Reason: fmt.Sprintf("the sample is 1 to %d records", MaxSample)})
	}
	return Invalid(fe)
}

// SampleRecord is a record as a panel sees it: nothing that identifies the
// person searched or the officer. It carries no reference or id, only its
// place in the sample (Ordinal, from 1), the day (not the time), the ward,
// and the grounds with names and numbers redacted.
type SampleRecord struct {
	Ordinal              int    `json:"ordinal"`
	Date                 string `json:"date"` // YYYY-MM-DD, London
	Ward                 string `json:"ward"` // ward code
	Type                 string `json:"type"`
	Legislation          string `json:"legislation"`
	ObjectOfSearch       string `json:"object_of_search"`
	Grounds              string `json:"grounds"` // redacted
	Outcome              string `json:"outcome"`
	OutcomeLinked        string `json:"outcome_linked_to_object_of_search"` // yes, no or not recorded
	AgeRange             string `json:"age_range"`
	Gender               string `json:"gender"`
	SelfDefinedEthnicity string `json:"self_defined_ethnicity"`
	// BodyWornVideo says whether body-worn video was used: the record holds
	// no footage reference, which the panel asks the force for by ordinal.
	BodyWornVideo string `json:"body_worn_video"` // used, not used or not recorded
	// MoreThanOuterClothing and UseOfForce are yes, no or not recorded.
	MoreThanOuterClothing string `json:"removal_of_more_than_outer_clothing"`
	UseOfForce            string `json:"use_of_force"`
	Gowisely              bool   `json:"gowisely"`
	GroundsExplained      bool   `json:"grounds_explained"`
	Listened              bool   `json:"listened"`
	Debriefed             bool   `json:"debriefed"`
}

// Anonymise is record r as the ordinal'th of a panel's sample, placed in
// ward.
func Anonymise(r *Record, ward string, ordinal int) SampleRecord {
	yn := func(b *bool, yes, no string) string {
		switch {
		case b == nil:
			return "not recorded"
		case *b:
			return yes
		}
		return no
	}
	return SampleRecord{Ordinal: ordinal, Date: r.Datetime.In(London).Format("2006-01-02"), Ward: ward, Type: r.Type,
		Legislation: r.Legislation, ObjectOfSearch: r.ObjectOfSearch, Grounds: Redact(r.Grounds), Outcome: r.Outcome,
		OutcomeLinked: yn(r.OutcomeLinkedToObjectOfSearch, "yes", "no"), AgeRange: r.AgeRange, Gender: r.Gender,
		SelfDefinedEthnicity: r.SelfDefinedEthnicity, BodyWornVideo: yn(r.BodyWornVideo, "used", "not used"),
		MoreThanOuterClothing: yn(r.RemovalOfMoreThanOuterClothing, "yes", "no"), UseOfForce: yn(r.UseOfForce, "yes", "no"),
		Gowisely: r.Gowisely, GroundsExplained: r.GroundsExplained, Listened: r.Listened, Debriefed: r.Debriefed}
}

// Period is the meeting's months in words: "December 2026", or "October
// to December 2026", or "November 2025 to January 2026".
func (m Meeting) Period() string { return PeriodWords(m.From, m.To) }

// PeriodWords writes the months from to to as people read them.
func PeriodWords(from, to Month) string {
	name := func(m Month) string { return m.Mon().String() }
	switch {
	case from == to:
		return fmt.Sprintf("%s %d", name(from), from.Year())
	case from.Year() == to.Year():
		return fmt.Sprintf("%s to %s %d", name(from), name(to), to.Year())
	}
	return fmt.Sprintf("%s %d to %s %d", name(from), from.Year(), name(to), to.Year())
}
