package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// newRecord shows an empty record form, its time now in London.
func (s *Site) newRecord(w http.ResponseWriter, r *http.Request) {
	t := now().In(charter.London)
	v := url.Values{"date": {t.Format(dateLayout)}, "time": {t.Format(clockLayout)}}
	s.renderRecordForm(w, r, http.StatusOK, newRecordForm("/officer/record", v, nil))
}

// renderRecordForm shows the form on a page of its own.
func (s *Site) renderRecordForm(w http.ResponseWriter, r *http.Request, status int, f *recordForm) {
	s.fillAuthorisations(r, f)
	s.renderStatus(w, r, status, "record", &page{Title: "Record a search", Data: recordPage{New: true, Form: f}})
}

// fillAuthorisations offers the authorisations in force now for the
// officer's force.
func (s *Site) fillAuthorisations(r *http.Request, f *recordForm) {
	as, err := s.enc.Records.InForce(r.Context(), user(r), now())
	if err != nil {
		f.NoAuthorisations = "The authorisations in force could not be listed just now: " + charter.ErrorMessage(err)
	}
	// A correction keeps the authorisation its record was made under,
	// even once it has ended.
	if id, err := strconv.ParseInt(f.Val("authorisation_id"), 10, 64); err == nil && id > 0 &&
		!slices.ContainsFunc(as, func(a charter.Authorisation) bool { return a.ID == id }) {
		if a, err := s.enc.Records.Authorisation(r.Context(), id); err == nil {
			as = append(as, a)
		}
	}
	names := s.wardNames(r.Context())
	for _, a := range as {
		f.Authorisations = append(f.Authorisations, authorisationOption{ID: a.ID, Label: authorisationLabel(a, names)})
	}
}

// authorisationLabel names an authorisation in words an officer can pick
// from: power, wards and when it ends.
func authorisationLabel(a charter.Authorisation, names map[string]string) string {
	return a.Power + " in " + wardList(a.Wards, names, 3) + ", until " + when(a.End)
}

// submitRecord stores the record and sends the officer to the hand-over
// of the receipt; a refusal shows the form again, as typed, with a message
// beside each field.
func (s *Site) submitRecord(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	ctx, u := r.Context(), user(r)
	rec, fe := parseRecord(v)
	if len(fe) > 0 {
		// Say everything at once: what could not be read, and what the
		// checks find in the rest.
		fe = append(fe, s.enc.Records.Check(ctx, u, rec)...)
		s.renderRecordForm(w, r, http.StatusUnprocessableEntity, newRecordForm("/officer/record", v, fe))
		return
	}
	sub, err := s.enc.Records.Submit(ctx, u, v.Get("idempotency_key"), rec)
	if fe, ok := fieldErrors(err); ok {
		s.renderRecordForm(w, r, http.StatusUnprocessableEntity, newRecordForm("/officer/record", v, fe))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/officer/records/"+strconv.FormatInt(sub.ID, 10)+"/receipt", http.StatusSeeOther)
}

// checkAnswer is the JSON of check-as-typed.
type checkAnswer struct {
	Errors []checkError `json:"errors"`
}

type checkError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// checkRecord runs every check on the form as it stands, storing nothing:
// the form's script shows the answers beside the fields as the officer
// types. Field names are the form's own.
func (s *Site) checkRecord(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	rec, fe := parseRecord(v)
	fe = append(fe, s.enc.Records.Check(r.Context(), user(r), rec)...)
	f := newRecordForm("", v, fe)
	ans := checkAnswer{Errors: []checkError{}}
	for name, reason := range f.Errors {
		ans.Errors = append(ans.Errors, checkError{Field: name, Reason: reason})
	}
	for _, reason := range f.Others {
		ans.Errors = append(ans.Errors, checkError{Reason: reason})
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(ans)
}

// wardList names up to n wards, then how many more.
func wardList(codes []string, names map[string]string, n int) string {
	var out []string
	for i, c := range codes {
		if i == n {
			out = append(out, strconv.Itoa(len(codes)-n)+" more")
			break
		}
		out = append(out, wardName(c, names))
	}
	if len(out) == 0 {
		return "no ward"
	}
	return strings.Join(out, ", ")
}
