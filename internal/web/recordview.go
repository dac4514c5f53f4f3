package web

import (
	"net/http"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
)

// recordPage is one of the officer's records, its earlier versions and,
// while it may still be corrected, the form to correct it.
type recordPage struct {
	Record   charter.Record
	Row      recordRow
	Versions []recordRow
	Form     *recordForm // nil when the time to correct has passed
	// Mine is the caller's own record: they hand over its receipt.
	Mine    bool
	Message string // why a correction was refused
	// New is the empty form of a new record (no record to show);
	// Corrected says a correction was just saved.
	New, Corrected bool
	// Reviews are the supervisor's reviews of the officer's own record
	// (supervision.go); reading them marks them seen.
	Reviews []reviewShown
}

func (s *Site) viewRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderRecord(w, r, id, http.StatusOK, nil, "")
}

// renderRecord shows record id; f, when not nil, is a refused correction
// to show as it was typed.
func (s *Site) renderRecord(w http.ResponseWriter, r *http.Request, id int64, status int, f *recordForm, msg string) {
	ctx, u := r.Context(), user(r)
	rec, err := s.enc.Records.Get(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.enc.Records.Versions(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := recordPage{Record: rec, Row: rowOf(rec), Message: msg, Mine: rec.OfficerID == u.ID, Corrected: r.URL.Query().Get("corrected") != "" && f == nil && msg == ""}
	for _, v := range vs {
		d.Versions = append(d.Versions, rowOf(v))
	}
	if d.Mine && s.enc.Reviews != nil {
		rs, err := s.enc.Reviews.ReviewsOf(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, rv := range rs {
			d.Reviews = append(d.Reviews, showReview(rv))
		}
	}
	action := "/officer/records/" + strconv.FormatInt(id, 10)
	switch {
	case f != nil:
		d.Form = f
	case msg != "":
		// A refused correction: the form is not offered again.
	case s.enc.Records.CanCorrect(u, &rec):
		d.Form = newRecordForm(action, recordValues(rec), nil)
	}
	if d.Form != nil {
		d.Form.Correct = true
		s.fillAuthorisations(r, d.Form)
	}
	s.renderStatus(w, r, status, "record", &page{Title: "Record " + rec.Reference, Data: d})
}

// correctRecord stores a correction as the record's next version.
func (s *Site) correctRecord(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	action := "/officer/records/" + strconv.FormatInt(id, 10)
	rec, fe := parseRecord(v)
	if len(fe) > 0 {
		fe = append(fe, s.enc.Records.Check(r.Context(), user(r), rec)...)
		s.renderRecord(w, r, id, http.StatusUnprocessableEntity, newRecordForm(action, v, fe), "")
		return
	}
	_, err := s.enc.Records.Correct(r.Context(), user(r), id, rec)
	if fe, ok := fieldErrors(err); ok {
		s.renderRecord(w, r, id, http.StatusUnprocessableEntity, newRecordForm(action, v, fe), "")
		return
	}
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, action+"?corrected=1", http.StatusSeeOther)
	case charter.EFORBIDDEN, charter.ECONFLICT:
		// Most often: the time to correct has passed. The record is shown
		// with the reason, without the form.
		s.renderRecord(w, r, id, httpx.StatusOf(err), nil, charter.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}
