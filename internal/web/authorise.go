package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// The supervisor's side of the s60/s60AA/s47A register (PRODUCT E4): the
// form to register an authorisation, and the force's authorisations with
// a form to extend each while it is in force. The rules (rank, length,
// extensions) are the service's; its refusals are shown beside the field.

// dateTimeLayout is how an <input type="datetime-local"> writes a time.
const dateTimeLayout = "2006-01-02T15:04"

// authorisationForm is the form to register an authorisation.
type authorisationForm struct {
	Values  url.Values
	Errors  map[string]string
	Others  []string
	Powers  []string
	Groups  []wardGroup
	RuleSet string
}

// Val is what a field holds; Err the message beside it.
func (f *authorisationForm) Val(name string) string { return f.Values.Get(name) }
func (f *authorisationForm) Err(name string) string { return f.Errors[name] }

// HasWard says whether ward code was chosen.
func (f *authorisationForm) HasWard(code string) bool {
	for _, c := range f.Values["wards"] {
		if c == code {
			return true
		}
	}
	return false
}

// authorisationFields are the fields of the form; a problem of another
// (the rank) is shown at the top.
var authorisationFields = map[string]bool{"power": true, "wards": true, "start": true, "end": true, "grounds": true, "violence_will_occur": true}

func (s *Site) newAuthorisation(w http.ResponseWriter, r *http.Request) {
	start := now().In(charter.London).Truncate(time.Minute)
	v := url.Values{"power": {"s60"}, "start": {start.Format(dateTimeLayout)}, "end": {start.Add(15 * time.Hour).Format(dateTimeLayout)}}
	s.renderAuthorisationForm(w, r, http.StatusOK, v, nil)
}

func (s *Site) renderAuthorisationForm(w http.ResponseWriter, r *http.Request, status int, v url.Values, fe charter.FieldErrors) {
	f := &authorisationForm{Values: v, Errors: map[string]string{}, Powers: charter.AuthorisationPowers,
		Groups: s.wards(r.Context()).groups, RuleSet: ruleSetWords(s.enc.Records.RuleSet())}
	for _, e := range fe {
		switch {
		case !authorisationFields[e.Field]:
			f.Others = append(f.Others, e.Reason)
		case f.Errors[e.Field] == "":
			f.Errors[e.Field] = e.Reason
		}
	}
	s.renderStatus(w, r, status, "authorisationform", &page{Title: "Register an authorisation", Data: f})
}

// ruleSetWords names the rule set authorisations are checked against.
func ruleSetWords(rs string) string {
	if rs == charter.RulesBUSSS {
		return "the Best Use of Stop and Search scheme's rules"
	}
	return "the law as it stands"
}

// parseLocal reads a datetime-local input as London time; the zero time
// (which the checks refuse with their own words) when it is empty or not a
// time.
func parseLocal(s string) time.Time {
	t, err := time.ParseInLocation(dateTimeLayout, strings.TrimSpace(s), charter.London)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (s *Site) authorise(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	a := charter.Authorisation{Power: v.Get("power"), Wards: v["wards"], Start: parseLocal(v.Get("start")),
		End: parseLocal(v.Get("end")), Grounds: strings.TrimSpace(v.Get("grounds")), ViolenceWillOccur: v.Get("violence_will_occur") == "yes"}
	_, err := s.enc.Records.Authorise(r.Context(), user(r), a)
	if fe, ok := fieldErrors(err); ok {
		s.renderAuthorisationForm(w, r, http.StatusUnprocessableEntity, v, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/officer/authorisations?made=1", http.StatusSeeOther)
}

// officerAuthorisations is the force's authorisations for a supervisor,
// each in force with a form to extend it.
func (s *Site) officerAuthorisations(w http.ResponseWriter, r *http.Request) {
	s.renderOfficerAuthorisations(w, r, http.StatusOK, registerPage{Made: r.URL.Query().Get("made") != ""})
}

func (s *Site) renderOfficerAuthorisations(w http.ResponseWriter, r *http.Request, status int, d registerPage) {
	as, err := s.enc.Records.Authorisations(r.Context(), user(r).Force)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Officer = true
	s.renderRegister(w, r, status, "Your force's authorisations", as, d)
}

func (s *Site) extendAuthorisation(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	_, err := s.enc.Records.Extend(r.Context(), user(r), id, charter.AuthorisationExtension{Until: parseLocal(v.Get("until"))})
	if fe, ok := fieldErrors(err); ok {
		msgs := make([]string, len(fe))
		for i, e := range fe {
			msgs[i] = e.Reason
		}
		s.renderOfficerAuthorisations(w, r, http.StatusUnprocessableEntity, registerPage{FailedID: id, Message: strings.Join(msgs, "; ")})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/officer/authorisations", http.StatusSeeOther)
}
