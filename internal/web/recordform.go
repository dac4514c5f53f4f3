package web

import (
	"html"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// The officer's record form as the browser sends it. Field names are the
// record's JSON names, so that the service's field errors land beside the
// right control; the time comes as a London date and time, the yes/no
// facts as "yes", "no" or nothing (not recorded), the confirmations as
// checkboxes.

// yesNoFields are the record's three-state facts, asked as yes/no radios.
var yesNoFields = []struct{ Name, Label string }{
	{"outcome_linked_to_object_of_search", "Was the outcome linked to what you searched for?"},
	{"removal_of_more_than_outer_clothing", "Was more than outer clothing removed?"},
	{"use_of_force", "Was force used?"},
	{"body_worn_video", "Was body-worn video recording?"},
}

// confirmFields are what the officer confirms they did, as checkboxes.
var confirmFields = []struct{ Name, Label string }{
	{"gowisely", "I gave the GOWISELY information before the search"},
	{"grounds_explained", "I explained my grounds to the person"},
	{"listened", "I listened to what the person had to say"},
	{"debriefed", "I told the person the outcome and what happens next"},
}

// formLayout is how dates and times are written in the form's inputs.
const (
	dateLayout  = "2006-01-02"
	clockLayout = "15:04"
)

// parseRecord reads the form into a record. What cannot be read (a date
// that is not a date) is a field error of its own; what can be read is
// left for the service to judge.
func parseRecord(v url.Values) (charter.Record, charter.FieldErrors) {
	var fe charter.FieldErrors
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	r := charter.Record{
		Type:                    get("type"),
		Address:                 get("address"),
		Legislation:             get("legislation"),
		ObjectOfSearch:          get("object_of_search"),
		Grounds:                 get("grounds"),
		SelfDefinedEthnicity:    get("self_defined_ethnicity"),
		OfficerDefinedEthnicity: get("officer_defined_ethnicity"),
		Gender:                  get("gender"),
		AgeRange:                get("age_range"),
		VehicleRegistration:     get("vehicle_registration"),
		Outcome:                 get("outcome"),
	}
	if d, c := get("date"), get("time"); d != "" || c != "" {
		t, err := time.ParseInLocation(dateLayout+" "+clockLayout, d+" "+c, charter.London)
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "datetime", Reason: "give the date and the time (hours and minutes) the search began"})
		}
		r.Datetime = t
	}
	lat, lon := get("latitude"), get("longitude")
	if lat != "" || lon != "" {
		var e1, e2 error
		r.Latitude, e1 = strconv.ParseFloat(lat, 64)
		r.Longitude, e2 = strconv.ParseFloat(lon, 64)
		if e1 != nil || e2 != nil {
			r.Latitude, r.Longitude = 0, 0
			fe = append(fe, charter.FieldError{Field: "latitude", Reason: "the place from the phone could not be read: try again or type the address"})
		}
	}
	if a := get("authorisation_id"); a != "" {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "authorisation_id", Reason: "choose an authorisation from the list"})
		}
		r.AuthorisationID = id
	}
	facts := []**bool{&r.OutcomeLinkedToObjectOfSearch, &r.RemovalOfMoreThanOuterClothing, &r.UseOfForce, &r.BodyWornVideo}
	for i, f := range yesNoFields {
		switch get(f.Name) {
		case "yes":
			*facts[i] = ptrBool(true)
		case "no":
			*facts[i] = ptrBool(false)
		}
	}
	confirms := []*bool{&r.Gowisely, &r.GroundsExplained, &r.Listened, &r.Debriefed}
	for i, f := range confirmFields {
		*confirms[i] = get(f.Name) == "yes"
	}
	return r, fe
}

// recordValues is the inverse of parseRecord: a stored record as the form
// shows it, for a correction.
func recordValues(r charter.Record) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("type", r.Type)
	if !r.Datetime.IsZero() {
		t := r.Datetime.In(charter.London)
		set("date", t.Format(dateLayout))
		set("time", t.Format(clockLayout))
	}
	if r.Latitude != 0 || r.Longitude != 0 {
		set("latitude", strconv.FormatFloat(r.Latitude, 'f', -1, 64))
		set("longitude", strconv.FormatFloat(r.Longitude, 'f', -1, 64))
	}
	set("address", r.Address)
	set("legislation", r.Legislation)
	set("object_of_search", r.ObjectOfSearch)
	set("grounds", r.Grounds)
	if r.AuthorisationID != 0 {
		set("authorisation_id", strconv.FormatInt(r.AuthorisationID, 10))
	}
	set("self_defined_ethnicity", r.SelfDefinedEthnicity)
	set("officer_defined_ethnicity", r.OfficerDefinedEthnicity)
	set("gender", r.Gender)
	set("age_range", r.AgeRange)
	set("vehicle_registration", r.VehicleRegistration)
	set("outcome", r.Outcome)
	for i, b := range []*bool{r.OutcomeLinkedToObjectOfSearch, r.RemovalOfMoreThanOuterClothing, r.UseOfForce, r.BodyWornVideo} {
		if b != nil {
			set(yesNoFields[i].Name, yesNo(*b))
		}
	}
	for i, b := range []bool{r.Gowisely, r.GroundsExplained, r.Listened, r.Debriefed} {
		if b {
			set(confirmFields[i].Name, "yes")
		}
	}
	return v
}

func ptrBool(b bool) *bool { return &b }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// recordForm is what the record form shows: the choices, what was typed,
// and a message beside each field the checks refused.
type recordForm struct {
	Action  string // where the form posts
	Key     string // the idempotency key of this rendering
	Correct bool   // a correction of a stored record
	Values  url.Values
	Errors  map[string]string
	// Others are problems of no field on the form, shown at the top.
	Others []string

	Authorisations []authorisationOption
	// NoAuthorisations says why the list is empty when it could not be had.
	NoAuthorisations string
}

// authorisationOption is an authorisation in force, as the form offers it.
type authorisationOption struct {
	ID    int64
	Label string
}

// formFields maps the service's field names to the form's, where they
// differ: the time is two inputs, the place is a pin or an address.
var formFields = map[string]string{"datetime": "date", "longitude": "latitude"}

// newRecordForm returns a form showing v with the problems fe.
func newRecordForm(action string, v url.Values, fe charter.FieldErrors) *recordForm {
	f := &recordForm{Action: action, Key: newKey(), Values: v, Errors: map[string]string{}}
	for _, e := range fe {
		name := e.Field
		if n, ok := formFields[name]; ok {
			name = n
		}
		if !knownField(name) {
			f.Others = append(f.Others, e.Reason)
			continue
		}
		if _, dup := f.Errors[name]; !dup { // the first reason is the one to fix first
			f.Errors[name] = e.Reason
		}
	}
	return f
}

// formOrder is the form's fields in the order they appear.
var formOrder = func() []string {
	out := []string{"type", "date", "latitude", "address", "legislation", "object_of_search", "grounds", "authorisation_id",
		"self_defined_ethnicity", "officer_defined_ethnicity", "gender", "age_range", "vehicle_registration", "outcome"}
	for _, f := range yesNoFields {
		out = append(out, f.Name)
	}
	for _, f := range confirmFields {
		out = append(out, f.Name)
	}
	return out
}()

// knownField says whether the form has a control named name.
func knownField(name string) bool { return slices.Contains(formOrder, name) }

// problemLink is a refused field in the summary at the top of the form,
// linking to it: on a phone the field may be screens away.
type problemLink struct{ Anchor, Reason string }

// Summary lists the refused fields in the order of the form.
func (f *recordForm) Summary() []problemLink {
	var out []problemLink
	for _, name := range formOrder {
		if msg := f.Errors[name]; msg != "" {
			anchor := "f-" + name
			if name == "date" {
				anchor = "i-date"
			}
			out = append(out, problemLink{Anchor: anchor, Reason: msg})
		}
	}
	return out
}

// Val is what the field holds.
func (f *recordForm) Val(name string) string { return f.Values.Get(name) }

// Err is the message beside a field ("" when it is fine).
func (f *recordForm) Err(name string) string { return f.Errors[name] }

// Is says whether the field holds value (a selected option, a checked box).
func (f *recordForm) Is(name, value string) bool { return f.Values.Get(name) == value }

// The choices the form offers, for its template.
func (f *recordForm) Powers() []charter.Power     { return charter.Powers }
func (f *recordForm) Objects() []string           { return charter.ObjectsOfSearch() }
func (f *recordForm) Types() []string             { return charter.StopTypes }
func (f *recordForm) Genders() []string           { return charter.Genders }
func (f *recordForm) AgeRanges() []string         { return charter.AgeRanges }
func (f *recordForm) OfficerDefined() []string    { return charter.OfficerDefinedEthnicities }
func (f *recordForm) Outcomes() []charter.Outcome { return charter.Outcomes }
func (f *recordForm) SelfDefined() []charter.SelfDefinedEthnicity {
	return charter.SelfDefinedEthnicities
}
func (f *recordForm) YesNo() []struct{ Name, Label string }           { return yesNoFields }
func (f *recordForm) Confirms() []struct{ Name, Label string }        { return confirmFields }
func (f *recordForm) ObjectsOf(p charter.Power) string                { return strings.Join(p.Objects, "|") }
func (f *recordForm) Count() int                                      { return len(f.Errors) + len(f.Others) }
func (f *recordForm) SelfLabel(e charter.SelfDefinedEthnicity) string { return selfLabel(e) }

// selfLabel is how the form names a self-defined ethnicity: as the person
// would read it, "Not stated" for the person who would rather not say.
func selfLabel(e charter.SelfDefinedEthnicity) string {
	if e.Code == "NS" {
		return "Not stated (the person would rather not say)"
	}
	return e.Label
}

// Problem is the message slot beside a field: filled when the last
// submission was refused there, and by the form's script as the officer
// types (it finds the slot by data-error-for).
func (f *recordForm) Problem(name string) template.HTML {
	return problemSlot(name, f.Errors[name])
}

// Aria ties a control to its message slot, and marks it invalid when the
// slot holds a message.
func (f *recordForm) Aria(name string) template.HTMLAttr { return ariaFor(name, f.Errors[name]) }

// problemSlot is the message slot of field name holding msg ("" hides it).
func problemSlot(name, msg string) template.HTML {
	hidden := ""
	if msg == "" {
		hidden = " hidden"
	}
	return template.HTML(`<p class="field-error" id="e-` + html.EscapeString(name) + `" data-error-for="` + html.EscapeString(name) + `"` + hidden + `>` + html.EscapeString(msg) + `</p>`)
}

// ariaFor is the attributes that tie a control to its message slot.
func ariaFor(name, msg string) template.HTMLAttr {
	a := `aria-describedby="e-` + html.EscapeString(name) + `"`
	if msg != "" {
		a += ` aria-invalid="true"`
	}
	return template.HTMLAttr(a)
}
