package charter

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MinGroundsLength is the fewest characters grounds for suspicion may have:
// HMICFRS found a large share of records whose grounds were a word or two
// ("smell of cannabis"), too short to show reasonable suspicion.
const MinGroundsLength = 20

// ClockSkew is how far ahead of the server's clock a record's time may be,
// for handsets whose clocks run a little fast.
const ClockSkew = 5 * time.Minute

// CheckRecord runs the checks of a record that need nothing but the record
// and the time: every field present where Code A needs it, every coded value
// one data.police.uk uses, the power fitting the object, grounds where the
// power needs suspicion, and no impossible combination. Where a search needs
// an authorisation, only that one is named is checked here; the store checks
// it covers the place and time. Each problem names the record's JSON field.
func CheckRecord(r Record, now time.Time) FieldErrors {
	var fe FieldErrors
	add := func(field, value, reason string) {
		fe = append(fe, FieldError{Field: field, Value: value, Reason: reason})
	}
	if r.Type == "" {
		add("type", "", "say what was searched: a person, a person and a vehicle, or a vehicle")
	} else if e := oneOf("type", r.Type, StopTypes); e != nil {
		add("type", r.Type, e.Reason)
	}
	person := r.Type != "Vehicle search"
	vehicle := strings.Contains(r.Type, "Vehicle")

	switch {
	case r.Datetime.IsZero():
		add("datetime", "", "give the date and time the search began")
	case r.Datetime.After(now.Add(ClockSkew)):
		add("datetime", r.Datetime.Format(time.RFC3339), "the time is in the future")
	case r.Datetime.Before(now.AddDate(-1, 0, 0)):
		add("datetime", r.Datetime.Format(time.RFC3339), "the time is more than a year ago")
	}
	if r.Latitude == 0 && r.Longitude == 0 {
		add("latitude", "", "give the place: the position where it happened (latitude and longitude) or an address")
	} else if r.Latitude < minLat || r.Latitude > maxLat || r.Longitude < minLng || r.Longitude > maxLng {
		add("latitude", "", "the place is not in the United Kingdom")
	}

	power, known := LookupPower(r.Legislation)
	switch {
	case r.Legislation == "":
		add("legislation", "", "choose the power used")
	case !known:
		add("legislation", r.Legislation, "not a power this record can cite")
	}
	switch {
	case r.ObjectOfSearch == "":
		add("object_of_search", "", "say what was searched for")
	case known && !power.Allows(r.ObjectOfSearch):
		add("object_of_search", r.ObjectOfSearch, "this power does not allow a search for "+lower(r.ObjectOfSearch)+" (it allows: "+strings.Join(power.Objects, ", ")+")")
	case !known && !slices.Contains(ObjectsOfSearch(), r.ObjectOfSearch):
		add("object_of_search", r.ObjectOfSearch, "not an object of search any power allows")
	}
	grounds := strings.TrimSpace(r.Grounds)
	if known && power.Suspicion && utf8.RuneCountInString(grounds) < MinGroundsLength {
		add("grounds", "", "this power needs reasonable grounds for suspicion: say what you saw, heard or were told that made you suspect it (at least 20 characters)")
	}
	if known && power.Authorised != "" && r.AuthorisationID == 0 {
		add("authorisation_id", "", "a search under "+power.Authorised+" needs the authorisation in force where and when it happened")
	}
	if known && power.Authorised == "" && r.AuthorisationID != 0 {
		add("authorisation_id", "", "this power does not use an authorisation")
	}

	if person {
		if r.SelfDefinedEthnicity == "" {
			add("self_defined_ethnicity", "", "ask the person; choose \"Not stated\" if they would rather not say")
		} else if _, ok := LookupSelfDefined(r.SelfDefinedEthnicity); !ok {
			add("self_defined_ethnicity", r.SelfDefinedEthnicity, "not one of the self-defined ethnicities")
		}
		if r.Gender == "" {
			add("gender", "", "give the person's gender")
		} else if e := oneOf("gender", r.Gender, Genders); e != nil {
			add("gender", r.Gender, e.Reason)
		}
		if r.AgeRange == "" {
			add("age_range", "", "give the person's age range")
		} else if e := oneOf("age_range", r.AgeRange, AgeRanges); e != nil {
			add("age_range", r.AgeRange, e.Reason)
		}
		if r.RemovalOfMoreThanOuterClothing == nil {
			add("removal_of_more_than_outer_clothing", "", "say whether more than outer clothing was removed")
		}
	} else {
		if r.SelfDefinedEthnicity != "" || r.Gender != "" || r.AgeRange != "" {
			add("type", r.Type, "a search of a vehicle alone records no person; choose a person and vehicle search")
		}
		if r.RemovalOfMoreThanOuterClothing != nil && *r.RemovalOfMoreThanOuterClothing {
			add("removal_of_more_than_outer_clothing", "true", "no clothing is removed in a search of a vehicle alone")
		}
	}
	if e := oneOf("officer_defined_ethnicity", r.OfficerDefinedEthnicity, OfficerDefinedEthnicities); e != nil {
		add("officer_defined_ethnicity", r.OfficerDefinedEthnicity, e.Reason)
	}
	reg := strings.TrimSpace(r.VehicleRegistration)
	switch {
	case vehicle && reg == "":
		add("vehicle_registration", "", "give the registration of the vehicle searched")
	case !vehicle && reg != "":
		add("vehicle_registration", reg, "a search of a person alone has no vehicle")
	case reg != "" && !validRegistration(reg):
		add("vehicle_registration", reg, "not a vehicle registration (letters and digits, up to 8)")
	}

	out, okOut := LookupOutcome(r.Outcome)
	switch {
	case r.Outcome == "":
		add("outcome", "", "give the outcome")
	case !okOut:
		add("outcome", r.Outcome, "not an outcome of a search")
	}
	switch {
	case r.OutcomeLinkedToObjectOfSearch == nil && (!okOut || !out.NoAction):
		add("outcome_linked_to_object_of_search", "", "say whether the outcome was linked to what was searched for")
	case r.OutcomeLinkedToObjectOfSearch != nil && *r.OutcomeLinkedToObjectOfSearch && okOut && out.NoAction:
		add("outcome_linked_to_object_of_search", "true", "no further action cannot be linked to what was searched for")
	}
	if r.UseOfForce == nil {
		add("use_of_force", "", "say whether force was used")
	}
	if r.BodyWornVideo == nil {
		add("body_worn_video", "", "say whether body-worn video was recording")
	}
	if utf8.RuneCountInString(r.Grounds) > 4000 {
		add("grounds", "", "grounds are limited to 4,000 characters")
	}
	if utf8.RuneCountInString(r.Address) > 300 {
		add("address", "", "the address is limited to 300 characters")
	}
	return fe
}

// NormaliseRecord tidies what an officer or a handset sends before it is
// checked: spaces trimmed, the outcome by its label when sent by id, the
// registration in capitals without spaces, the time in UTC.
func NormaliseRecord(r *Record) {
	for _, s := range []*string{&r.Type, &r.Legislation, &r.ObjectOfSearch, &r.SelfDefinedEthnicity,
		&r.OfficerDefinedEthnicity, &r.Gender, &r.AgeRange, &r.Outcome, &r.Address} {
		*s = strings.TrimSpace(*s)
	}
	r.Grounds = strings.TrimSpace(r.Grounds)
	r.VehicleRegistration = strings.ToUpper(strings.Join(strings.Fields(r.VehicleRegistration), ""))
	if o, ok := LookupOutcome(r.Outcome); ok {
		r.Outcome = o.Label
	}
	if !r.Datetime.IsZero() {
		r.Datetime = r.Datetime.UTC().Truncate(time.Second)
	}
}

func validRegistration(s string) bool {
	if len(s) < 2 || len(s) > 8 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func lower(s string) string { return strings.ToLower(s) }
