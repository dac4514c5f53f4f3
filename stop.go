package charter

import (
	"strconv"
	"strings"
	"time"
)

// Tristate is a fact that may be true, false or not known. data.police.uk
// leaves "Outcome linked to object of search" empty or null where a force does
// not record it; collapsing that into false would invent a zero find rate.
type Tristate uint8

// The three states. The zero value is Unknown.
const (
	Unknown Tristate = iota
	True
	False
)

// TristateOf returns True or False for b.
func TristateOf(b bool) Tristate {
	if b {
		return True
	}
	return False
}

// ParseTristate reads the spellings seen in police data: True/False in any
// case, 1/0, and empty or "null" for unknown.
func ParseTristate(s string) (Tristate, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "null", "na":
		return Unknown, true
	case "true", "1", "yes":
		return True, true
	case "false", "0", "no":
		return False, true
	}
	return Unknown, false
}

// CSV is the data.police.uk archive spelling: "True", "False" or empty.
func (t Tristate) CSV() string {
	switch t {
	case True:
		return "True"
	case False:
		return "False"
	}
	return ""
}

// Location is where a stop or crime was recorded. For published data it is the
// anonymised map point data.police.uk substitutes for the real place.
type Location struct {
	Latitude   float64
	Longitude  float64
	StreetID   int64  // data.police.uk street (map point) id, 0 when not known
	StreetName string // e.g. "On or near Waterside"
}

// Level is a tier of geography that records are assigned to.
type Level uint8

// The levels, coarse to fine. Force is taken from the record itself; the others
// come from boundaries by point in polygon.
const (
	LevelForce Level = iota
	LevelBorough
	LevelWard
	LevelMSOA
	LevelLSOA
	NumLevels
)

var levelNames = [...]string{"force", "borough", "ward", "msoa", "lsoa"}

// String is the level's name as used in flags and JSON.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "level?"
}

// ParseLevel reads a level name; "lad", "la" and "local-authority" mean borough.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "force", "pfa":
		return LevelForce, nil
	case "borough", "lad", "la", "ltla", "local-authority":
		return LevelBorough, nil
	case "ward":
		return LevelWard, nil
	case "msoa":
		return LevelMSOA, nil
	case "lsoa":
		return LevelLSOA, nil
	}
	return 0, Errorf(EINVALID, "unknown area level %q (want force, borough, ward, msoa or lsoa)", s)
}

// AreaIDs holds the id of the area a record falls in at each level; 0 means
// none (not located, or no boundary of that level covers the point).
type AreaIDs [NumLevels]int64

// Stop is one stop-and-search record: every field data.police.uk publishes,
// and room for the first-hand fields Charter's own e-record adds.
type Stop struct {
	ID    int64
	Force string // data.police.uk force id, e.g. "metropolitan"
	// Month is the month the record was published under. It normally equals the
	// London month of Datetime, but archive files include searches late on the
	// last evening of the previous month (UTC), and they belong to the file.
	Month Month

	Type          string // "Person search", "Vehicle search", "Person and Vehicle search"
	Datetime      time.Time
	Operation     Tristate
	OperationName string
	Location      *Location // nil when the record has no location

	Gender                  string
	AgeRange                string
	SelfDefinedEthnicity    string // the data.police.uk spelling
	OfficerDefinedEthnicity string
	Legislation             string
	ObjectOfSearch          string
	Outcome                 string
	OutcomeID               string // data.police.uk outcome_object.id, e.g. "bu-arrest"
	OutcomeLinked           Tristate
	Removal                 Tristate // removal of more than just outer clothing
	InvolvedPerson          Tristate // derived from Type (see InvolvedPerson)

	// First-hand fields (the officer e-record); empty for imported open data.
	Grounds         string
	OfficerID       int64
	ReceiptRef      string
	AuthorisationID int64

	Areas     AreaIDs
	ImportID  int64 // the import the record came from
	SourceRow int   // its line (CSV) or position (JSON) in that source
}

// SelfGroup is the five-group roll-up of the self-defined ethnicity.
func (s *Stop) SelfGroup() EthnicGroup {
	e, _ := LookupSelfDefined(s.SelfDefinedEthnicity)
	return e.Group
}

// OfficerGroup is the group of the officer-defined ethnicity.
func (s *Stop) OfficerGroup() EthnicGroup {
	g, _ := LookupOfficerDefined(s.OfficerDefinedEthnicity)
	return g
}

// The values data.police.uk publishes for the coded fields.
var (
	StopTypes = []string{"Person search", "Person and Vehicle search", "Vehicle search"}
	Genders   = []string{"Male", "Female", "Other"}
	AgeRanges = []string{"under 10", "10-17", "18-24", "25-34", "over 34"}
)

// Outcome is a data.police.uk outcome: its id and its label.
type Outcome struct {
	ID    string
	Label string
	// Arrest marks outcomes counted as arrests in arrest rates.
	Arrest bool
	// NoAction marks the no-further-action outcomes.
	NoAction bool
}

// Outcomes are the current data.police.uk outcomes (the "bu-" ids of the Best
// Use of Stop and Search scheme) with the labels the API and archive use.
var Outcomes = []Outcome{
	{ID: "bu-no-further-action", Label: "A no further action disposal", NoAction: true},
	{ID: "bu-arrest", Label: "Arrest", Arrest: true},
	{ID: "bu-community-resolution", Label: "Community resolution"},
	{ID: "bu-penalty-notice", Label: "Penalty Notice for Disorder"},
	{ID: "bu-summons", Label: "Summons / charged by post"},
	{ID: "bu-caution", Label: "Caution (simple or conditional)"},
	{ID: "bu-khat-or-cannabis-warning", Label: "Khat or Cannabis warning"},
}

// LookupOutcome finds an outcome by label or id.
func LookupOutcome(s string) (Outcome, bool) {
	for _, o := range Outcomes {
		if o.Label == s || o.ID == s {
			return o, true
		}
	}
	return Outcome{}, false
}

// FieldError says why one field of one record is not valid. Importers add the
// file, line and column.
type FieldError struct {
	Field  string // the data.police.uk CSV column name
	Value  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func oneOf(field, v string, allowed []string) *FieldError {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return &FieldError{Field: field, Value: v, Reason: "unknown value " + quote(v) + " (want one of " + strings.Join(allowed, ", ") + ")"}
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + s + `"`
}

// UK bounds every data.police.uk location falls within (England, Wales,
// Northern Ireland, with a margin). A point outside is a typo, not a place.
const (
	minLat, maxLat = 49.0, 61.5
	minLng, maxLng = -9.0, 2.5
)

// Validate checks a stop against the recording rules that hold for open data:
// a known force, a type, a date, a plausible location, and the coded fields in
// their published vocabularies. Free-text fields (legislation, object,
// outcome) are not checked against a list: the law and the lists change.
func (s *Stop) Validate() *FieldError {
	if !ValidForceID(s.Force) {
		return &FieldError{Field: "Force", Value: s.Force, Reason: "force id must be lower-case letters and hyphens, as data.police.uk spells it"}
	}
	if s.Type == "" {
		return &FieldError{Field: "Type", Reason: "required"}
	}
	if e := oneOf("Type", s.Type, StopTypes); e != nil {
		return e
	}
	if s.Datetime.IsZero() {
		return &FieldError{Field: "Date", Reason: "required"}
	}
	if y := s.Datetime.Year(); y < 2000 || y > 2100 {
		return &FieldError{Field: "Date", Value: s.Datetime.Format(time.RFC3339), Reason: "year out of range"}
	}
	if l := s.Location; l != nil {
		if !(l.Latitude >= minLat && l.Latitude <= maxLat) {
			return &FieldError{Field: "Latitude", Value: strconv.FormatFloat(l.Latitude, 'f', -1, 64), Reason: "latitude out of range (the United Kingdom lies between 49 and 61.5)"}
		}
		if !(l.Longitude >= minLng && l.Longitude <= maxLng) {
			return &FieldError{Field: "Longitude", Value: strconv.FormatFloat(l.Longitude, 'f', -1, 64), Reason: "longitude out of range (the United Kingdom lies between -9 and 2.5)"}
		}
	}
	if e := oneOf("Gender", s.Gender, Genders); e != nil {
		return e
	}
	if e := oneOf("Age range", s.AgeRange, AgeRanges); e != nil {
		return e
	}
	if v := s.SelfDefinedEthnicity; v != "" {
		if _, ok := LookupSelfDefined(v); !ok {
			return &FieldError{Field: "Self-defined ethnicity", Value: v, Reason: "unknown value " + quote(v) + " (want one of the 18+1 self-defined categories)"}
		}
	}
	if e := oneOf("Officer-defined ethnicity", s.OfficerDefinedEthnicity, OfficerDefinedEthnicities); e != nil {
		return e
	}
	for _, f := range [...]struct{ name, v string }{
		{"Policing operation", s.OperationName}, {"Legislation", s.Legislation},
		{"Object of search", s.ObjectOfSearch}, {"Outcome", s.Outcome},
	} {
		if len(f.v) > 200 {
			return &FieldError{Field: f.name, Reason: "longer than 200 characters"}
		}
	}
	return nil
}

// ValidForceID reports whether id looks like a data.police.uk force id.
func ValidForceID(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// StopFilter selects stops. Zero fields do not filter.
type StopFilter struct {
	Force string
	From  Month // first month, inclusive
	To    Month // last month, inclusive
	// AnyOrder lets the store return stops in storage order rather than by
	// force, month and source row: loading the analytic index needs no sort.
	AnyOrder bool
}

// PoliceCSVColumns are the columns of a data.police.uk stop-and-search
// archive CSV, in the published order.
var PoliceCSVColumns = []string{"Type", "Date", "Part of a policing operation", "Policing operation",
	"Latitude", "Longitude", "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity",
	"Legislation", "Object of search", "Outcome", "Outcome linked to object of search",
	"Removal of more than just outer clothing"}

// InvolvedPerson is the data.police.uk involved_person flag of a search type:
// only a vehicle-only search involves no person.
func InvolvedPerson(typ string) Tristate {
	switch typ {
	case "Vehicle search":
		return False
	case "":
		return Unknown
	}
	return True
}

// Box is a latitude and longitude rectangle: the cheap first cut of a search
// by radius or polygon, which the store can answer from an index.
type Box struct {
	MinLat, MinLng, MaxLat, MaxLng float64
}

// Contains says whether a point is inside the box (edges included).
func (b Box) Contains(lat, lng float64) bool {
	return lat >= b.MinLat && lat <= b.MaxLat && lng >= b.MinLng && lng <= b.MaxLng
}
