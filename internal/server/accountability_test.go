package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	if n, err := e.st.ComplaintsInWards(ctx, []string{recordtest.BrixtonWard}, time.Now().Add(-3*time.Hour), time.Now().Add(time.Hour)); err != nil || n != 3 {
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

// TestStaffHome: signing in lands each role on its own work, and the
// staff home lists exactly the workflows the role may use.
func TestStaffHome(t *testing.T) {
	e := newRolesEnv(t)
	want := map[string][]string{
		"officer":    {"/officer"},
		"supervisor": {"/officer", "/supervision", "/supervision/team", "/officer/authorisations", "/officer/deployments", "/complaints/triggers", "/panels", "/training", "/officer/figures"},
		"complaints": {"/complaints/queue", "/complaints/triggers"},
		"panel":      {"/panel", "/panel/triggers"},
		"analyst":    {"/supervision/team", "/officer/figures"},
		"admin":      {"/panels", "/training", "/officer/figures"},
	}
	every := map[string]bool{}
	for _, links := range want {
		for _, l := range links {
			every[l] = true
		}
	}
	if w := e.do("none", "GET", "/staff", ""); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/signin") {
		t.Errorf("the staff home as the public: %d to %q", w.Code, w.Header().Get("Location"))
	}
	for role, links := range want {
		w := e.do(role, "GET", "/staff", "")
		if w.Code != http.StatusOK {
			t.Errorf("the staff home as %s: %d", role, w.Code)
			continue
		}
		for l := range every {
			shown := strings.Contains(w.Body.String(), `href="`+l+`"`)
			if shown != slices.Contains(links, l) {
				t.Errorf("the staff home as %s links %s: %v", role, l, shown)
			}
			if shown {
				// Every link listed opens for the role; a panel member not
				// yet on a panel is told so.
				got := e.do(role, "GET", l, "")
				if role == "panel" && l == "/panel" {
					if got.Code != http.StatusForbidden || !strings.Contains(got.Body.String(), "does not sit on a panel yet") {
						t.Errorf("a panel member on no panel opens /panel: %d", got.Code)
					}
				} else if got.Code != http.StatusOK {
					t.Errorf("as %s, %s (listed on the staff home): %d", role, l, got.Code)
				}
			}
		}
	}
	// Signing in with nowhere to return to lands on the staff home.
	form := url.Values{"name": {"panel-1"}, "password": {recordtest.Password}, "next": {"/"}}
	r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/staff" {
		t.Errorf("signing in with nowhere to return to: %d to %q", w.Code, w.Header().Get("Location"))
	}
}
