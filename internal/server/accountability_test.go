package server

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/review"
)

// TestWorkflowsTogether follows one search through the workflows the
// server wires to each other: a complaint from its receipt puts it in the
// supervisor's review queue; its review and its complaint count in the
// training comparison's measures of its officer; two more complaints in
// its ward fire the community trigger, which the ward's monthly pack
// reports beside the month's complaints.
func TestWorkflowsTogether(t *testing.T) {
	e := newRolesEnv(t)
	ctx := context.Background()
	officer, supervisor := e.users["officer"], e.users["supervisor"]

	if _, err := e.srv.Complaints.LodgeFromReceipt(ctx, e.receipt, complaint.Lodging{Text: "The officer would not say why I was searched."}); err != nil {
		t.Fatal(err)
	}
	q, err := e.srv.Reviews.Queue(ctx, supervisor)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(q, func(en review.Entry) bool { return en.Record.ID == e.id })
	if i < 0 || !slices.Contains(q[i].Risks, charter.RiskComplaint) {
		t.Fatalf("the complained-of search in the supervisor's queue: at %d of %d, risks %v", i, len(q), risksAt(q, i))
	}
	rb := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{charter.CriterionGrounds: charter.MarkMet, charter.CriterionVideo: charter.MarkNotMet}}
	if _, err := e.srv.Reviews.Review(ctx, supervisor, e.id, rb); err != nil {
		t.Fatal(err)
	}
	n, err := e.st.ComplaintsOfOfficers(ctx, []int64{officer.ID}, time.Time{}, time.Time{})
	if err != nil || n[officer.ID] != 1 {
		t.Errorf("the officer's complaints for training: %v, %v; want 1", n, err)
	}
	scores, err := e.st.ReviewScoresOfOfficers(ctx, []int64{officer.ID}, time.Time{}, time.Time{})
	if err != nil || !slices.Equal(scores[officer.ID], []float64{0.5}) {
		t.Errorf("the officer's review scores for training: %v, %v; want [0.5]", scores, err)
	}

	// Two more complaints about searches in the ward fire its trigger.
	for range 2 {
		if _, err := e.srv.Complaints.Lodge(ctx, complaint.Lodging{Ward: recordtest.BrixtonWard, Anonymous: true, Text: "Searched again for nothing by the station.", Via: "site"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.st.ComplaintsInWards(ctx, []string{recordtest.BrixtonWard}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); err != nil || n != 3 {
		t.Errorf("complaints in the ward for its deployments: %d, %v; want 3", n, err)
	}
	ts, err := e.srv.Complaints.Triggers(ctx, recordtest.BrixtonWard)
	if err != nil || len(ts) != 1 {
		t.Fatalf("the ward's triggers: %+v, %v", ts, err)
	}
	m := charter.MonthOf(time.Now().In(charter.London))
	p, err := pack.Make(ctx, pack.Sources{Fig: e.srv.Figures, Rec: e.srv.Records}.With(e.srv.Deployments, e.srv.Complaints, e.srv.Panels),
		recordtest.BrixtonWard, m, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	html, err := pack.HTML(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Complaints and the community trigger", "Community triggers fired this month", "Independent scrutiny: panel findings"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("the ward's pack has no %q", want)
		}
	}
	for _, secret := range []string{"QX7Z", officerName, supervisorName, secretContact, "would not say why"} {
		if strings.Contains(string(html), secret) {
			t.Errorf("the ward's pack shows %q", secret)
		}
	}
}

func risksAt(q []review.Entry, i int) []charter.Risk {
	if i < 0 {
		return nil
	}
	return q[i].Risks
}
