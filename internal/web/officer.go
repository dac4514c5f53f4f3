package web

import (
	"net/http"

	"github.com/stopsearch/charter"
)

// officerPage is the officer's start page: their records, newest first.
type officerPage struct {
	User    *charter.User
	Records []recordRow
	// Supervisor may register authorisations.
	Supervisor bool
	// Reviewer has a review queue; Reviews are the supervisors' reviews
	// of the officer's records, shown when supervision is on
	// (supervision.go).
	Reviewer, ReviewsOn bool
	Reviews             []reviewShown
	// Complaints about the officer's searches, once released (complaints.go).
	Complaints []officerComplaint
}

// recordRow is one record in a list, in words.
type recordRow struct {
	ID                   int64
	Reference, When      string
	Type, Power, Outcome string
	Version              int
}

// rowOf is how a list shows a record.
func rowOf(r charter.Record) recordRow {
	return recordRow{ID: r.ID, Reference: r.Reference, When: when(r.Datetime), Type: r.Type,
		Power: powerName(r.Legislation), Outcome: r.Outcome, Version: r.Version}
}

// powerName is how officers name a power ("s1 PACE …"), or the
// legislation as written when it is not one Charter knows.
func powerName(legislation string) string {
	if p, ok := charter.LookupPower(legislation); ok {
		return p.Short
	}
	return legislation
}

func (s *Site) officerHome(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	recs, err := s.enc.Records.Mine(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := officerPage{User: u, Supervisor: u.Can(charter.PermAuthorisationCreate), Reviewer: s.enc.Reviews != nil && u.Can(charter.PermReview)}
	if s.enc.Reviews != nil {
		rs, err := s.enc.Reviews.Feedback(r.Context(), u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.ReviewsOn = true
		for _, rv := range rs {
			d.Reviews = append(d.Reviews, showReview(rv))
		}
	}
	if d.Complaints, err = s.releasedComplaints(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rec := range recs {
		d.Records = append(d.Records, rowOf(rec))
	}
	s.renderStatus(w, r, http.StatusOK, "officer", &page{Title: "Your records", Data: d})
}
