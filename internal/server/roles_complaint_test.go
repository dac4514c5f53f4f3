package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/recordtest"
)

// Secrets of a complaint that only the complaints team may see: the
// complainant's contact and words.
const (
	complaintContact = "complainant.zq8w@example.org"
	complaintText    = "Complaint marker ZQ8W: he emptied my bag on the pavement"
)

// complaintEnv is the roles' server with three complaints about searches
// in Brixton (the first about the officer's record, from its receipt), so
// the community trigger has fired.
func complaintEnv(t *testing.T) (*rolesEnv, int64, int64) {
	t.Helper()
	e := newRolesEnv(t)
	ctx := context.Background()
	svc := e.srv.Complaints
	if _, err := svc.LodgeFromReceipt(ctx, e.receipt, complaint.Lodging{Contact: complaintContact, Text: complaintText}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := svc.Lodge(ctx, complaint.Lodging{Ward: recordtest.BrixtonWard, Anonymous: true, Text: complaintText}); err != nil {
			t.Fatal(err)
		}
	}
	q, err := svc.Queue(ctx, e.users["complaints"])
	if err != nil || len(q) != 3 {
		t.Fatalf("queue %+v, %v", q, err)
	}
	ts, err := svc.Triggers(ctx, recordtest.BrixtonWard)
	if err != nil || len(ts) != 1 {
		t.Fatalf("triggers %+v, %v", ts, err)
	}
	return e, q[0].ID, ts[0].ID
}

// TestComplaintRoleScenarios is the table of what each role may see and do
// on every page and endpoint of complaints: the public lodges and reads
// figures and triggers; only the complaints team handles complaints; the
// complaints team and supervisors answer triggers; panel members see
// their panel's triggers.
func TestComplaintRoleScenarios(t *testing.T) {
	e, id, tid := complaintEnv(t)
	const signIn, ok, unauth, forbid, invalid = http.StatusSeeOther, http.StatusOK, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity
	cp := fmt.Sprintf("/complaints/%d", id)
	tp := fmt.Sprintf("/complaints/triggers/%d", tid)
	explainers := []any{"none", signIn, "supervisor", ok, "complaints", ok}
	table := []scenario{
		// The public's pages.
		{"GET", "/r/" + e.receipt + "/complaint", "", statuses(ok)},
		{"GET", "/r/" + e.receipt + "x/complaint", "", statuses(http.StatusNotFound)},
		{"POST", "/r/" + e.receipt + "/complaint", "text=", statuses(invalid)},
		{"GET", "/complaints/new", "", statuses(ok)},
		{"POST", "/complaints/new", "text=&ward=", statuses(invalid)},
		{"GET", "/complaints/lodged?ref=C-ABCDEFGH", "", statuses(ok)},
		{"GET", "/complaints", "", statuses(ok)},
		// The complaints team's pages.
		{"GET", "/complaints/queue", "", statuses(forbid, "none", signIn, "complaints", ok)},
		{"GET", cp, "", statuses(forbid, "none", signIn, "complaints", ok)},
		{"POST", cp + "/triage", "category=", statuses(forbid, "none", unauth, "complaints", invalid)},
		{"POST", cp + "/fly", "", statuses(forbid, "none", unauth, "complaints", http.StatusNotFound)},
		{"GET", "/complaints/triggers", "", statuses(forbid, explainers...)},
		{"GET", tp, "", statuses(forbid, explainers...)},
		{"POST", tp, "explanation=", statuses(forbid, "none", unauth, "supervisor", invalid, "complaints", invalid)},
		// The panel's page; the test's panel member sits on no panel yet,
		// so may see the page but require nothing.
		{"GET", "/panel/triggers", "", statuses(forbid, "none", signIn, "panel", ok)},
		{"POST", fmt.Sprintf("/panel/triggers/%d/require", tid), "", statuses(forbid, "none", unauth)},
		// The API.
		{"POST", "/api/v1/complaints", `{"text":""}`, statuses(invalid)},
		{"GET", "/api/v1/community-triggers", "", statuses(ok)},
		{"GET", "/api/v1/complaints/figures?area=metropolitan", "", statuses(ok)},
		{"GET", "/api/v1/complaints", "", statuses(forbid, "none", unauth, "complaints", ok)},
		{"POST", fmt.Sprintf("/api/v1/complaints/%d/steps", id), `{"action":"fly"}`, statuses(forbid, "none", unauth, "complaints", invalid)},
	}
	for _, sc := range table {
		for _, role := range scenarioRoles {
			want, listed := sc.want[role]
			if !listed {
				want = sc.want["*"]
			}
			w := e.do(role, sc.method, sc.path, sc.body)
			if w.Code != want {
				t.Errorf("%s %s as %s: %d, want %d (%.200s)", sc.method, sc.path, role, w.Code, want, w.Body.String())
			}
			if want == signIn && !strings.HasPrefix(w.Header().Get("Location"), "/signin") {
				t.Errorf("%s %s as the public: sent to %q, want the sign-in page", sc.method, sc.path, w.Header().Get("Location"))
			}
		}
	}
}

// TestOfficerSeesOnlyReleasedComplaints: the officer's page shows a
// complaint about their search only once the complaints team releases it,
// and never the complainant's contact; the public and a panel member never
// see the complainant's contact or words, nor the officer's name, on any
// page or answer of complaints, while the trigger appears on the ward
// page, the borough page and in the API.
func TestOfficerSeesOnlyReleasedComplaints(t *testing.T) {
	e, id, _ := complaintEnv(t)
	ctx := context.Background()
	officerPage := func() string {
		w := e.do("officer", "GET", "/officer", "")
		if w.Code != http.StatusOK {
			t.Fatalf("/officer: %d", w.Code)
		}
		return w.Body.String()
	}
	// The officer reads the complainant's words with names and numbers
	// redacted: the marker (it holds a digit) never reaches them.
	const words = "emptied my bag on the pavement"
	if strings.Contains(officerPage(), words) {
		t.Fatal("the officer sees the complaint before it is released")
	}
	handler := e.users["complaints"]
	if err := e.srv.Complaints.Triage(ctx, handler, id, "conduct", ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(officerPage(), words) {
		t.Fatal("the officer sees the complaint once triaged, before it is released")
	}
	if w := e.do("complaints", "POST", fmt.Sprintf("/complaints/%d/release", id), ""); w.Code != http.StatusSeeOther {
		t.Fatalf("release: %d %s", w.Code, w.Body)
	}
	b := officerPage()
	if !strings.Contains(b, words) || strings.Contains(b, "ZQ8W") || strings.Contains(b, complaintContact) {
		t.Errorf("after release the officer sees the complaint %v, its number unredacted %v, the contact %v",
			strings.Contains(b, words), strings.Contains(b, "ZQ8W"), strings.Contains(b, complaintContact))
	}
	if w := e.do("supervisor", "GET", "/officer", ""); strings.Contains(w.Body.String(), "ZQ8W") {
		t.Error("another officer's page shows the complaint")
	}
	// The complaints team sees the contact on the case.
	if w := e.do("complaints", "GET", fmt.Sprintf("/complaints/%d", id), ""); !strings.Contains(w.Body.String(), complaintContact) {
		t.Error("the handler does not see the contact")
	}
	if err := e.srv.Complaints.Explain(ctx, handler, 1, "Searches followed two stabbings near the station; the officers have been debriefed."); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{
		"/complaints": "", "/complaints/new": "", "/complaints/lodged?ref=C-ABCDEFGH": "",
		"/wards/" + recordtest.BrixtonWard: "Community trigger", "/boroughs/E09000022": "Community trigger",
		"/api/v1/community-triggers": `"complaints":3`, "/api/v1/community-triggers?area=" + recordtest.BrixtonWard: "debriefed",
		"/api/v1/complaints/figures?area=E09000022": `"lodged"`, "/panel/triggers": "",
		"/r/" + e.receipt + "/complaint": "",
	}
	for _, role := range []string{"none", "panel"} {
		for p, want := range pages {
			w := e.do(role, "GET", p, "")
			b := w.Body.String()
			if w.Code >= 500 || role == "none" && p == "/panel/triggers" && w.Code != http.StatusSeeOther {
				t.Errorf("GET %s as %s: %d", p, role, w.Code)
			}
			if want != "" && !strings.Contains(b, want) {
				t.Errorf("GET %s as %s: no %q", p, role, want)
			}
			for _, secret := range []string{complaintContact, "ZQ8W", officerName, secretContact} {
				if strings.Contains(b, secret) {
					t.Errorf("GET %s as %s shows %q", p, role, secret)
				}
			}
		}
	}
}

// TestTriggerOnKeptWardPage: a ward's page kept by the server's cache
// shows the community trigger as soon as it fires, and the explanation as
// soon as it is given.
func TestTriggerOnKeptWardPage(t *testing.T) {
	e := newRolesEnv(t)
	ctx := context.Background()
	svc := e.srv.Complaints
	lodge := func() {
		if _, err := svc.Lodge(ctx, complaint.Lodging{Ward: recordtest.BrixtonWard, Anonymous: true, Text: complaintText}); err != nil {
			t.Fatal(err)
		}
	}
	page := "/wards/" + recordtest.BrixtonWard
	lodge()
	lodge()
	for i := 0; i < 2; i++ {
		if w := e.do("none", "GET", page, ""); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "data-trigger=") {
			t.Fatalf("the ward page before the trigger: %d, shows a trigger %v", w.Code, strings.Contains(w.Body.String(), "data-trigger="))
		}
	}
	if w := e.do("none", "GET", page, ""); w.Header().Get("X-Cache") != "hit" {
		t.Fatalf("the ward page is not kept (X-Cache %q): the test proves nothing", w.Header().Get("X-Cache"))
	}
	lodge()
	if w := e.do("none", "GET", page, ""); !strings.Contains(w.Body.String(), "data-trigger=") {
		t.Error("the kept ward page does not show the trigger that fired")
	}
	ts, _ := svc.Triggers(ctx, recordtest.BrixtonWard)
	if len(ts) != 1 {
		t.Fatalf("triggers %+v", ts)
	}
	if err := svc.Explain(ctx, e.users["supervisor"], ts[0].ID, "Explanation marker QW3: searches followed two stabbings"); err != nil {
		t.Fatal(err)
	}
	if w := e.do("none", "GET", page, ""); !strings.Contains(w.Body.String(), "Explanation marker QW3") {
		t.Error("the kept ward page does not show the explanation")
	}
}
