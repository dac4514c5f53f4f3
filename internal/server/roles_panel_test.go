package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

const lambethCode = "E09000022"

// panelEnv is the roles' server with a Lambeth panel whose member is the
// "panel" role, a Hackney panel with its own member, and a meeting of the
// Lambeth panel whose sample holds the officer's record.
func panelEnv(t *testing.T) (e *rolesEnv, meeting int64) {
	t.Helper()
	ctx := context.Background()
	e = newRolesEnv(t)
	lambeth, err := e.srv.Panels.CreatePanel(ctx, e.users["admin"], charter.Panel{Name: "Lambeth community panel", Force: "metropolitan", Areas: []string{lambethCode}})
	if err != nil {
		t.Fatal(err)
	}
	hackney, err := e.srv.Panels.CreatePanel(ctx, e.users["admin"], charter.Panel{Name: "Hackney community panel", Force: "metropolitan", Areas: []string{"E09000012"}})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(recordtest.Password)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		role, name string
		panel      int64
	}{{"panel", "member-lambeth", lambeth.ID}, {"other panel", "member-hackney", hackney.ID}} {
		u, err := e.st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{Name: m.name, Role: charter.RolePanel, PanelID: m.panel, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		e.users[m.role], e.tokens[m.role], e.cookies[m.role] = u, recordtest.Token(t, e.st, u), e.signIn(m.name)
	}
	month := charter.MonthOf(time.Now().In(charter.London))
	m, err := e.srv.Panels.CreateMeeting(ctx, e.users["admin"], panel.NewMeeting{PanelID: lambeth.ID, Date: time.Now().AddDate(0, 0, 7), From: month.Add(-1), To: month})
	if err != nil {
		t.Fatal(err)
	}
	if m.SampleSize != 1 {
		t.Fatalf("the meeting's sample holds %d records, want the officer's one", m.SampleSize)
	}
	return e, m.ID
}

// TestPanelRoleScenarios: every page and endpoint of scrutiny for each
// role; a member of another panel is refused this panel's meeting.
func TestPanelRoleScenarios(t *testing.T) {
	e, id := panelEnv(t)
	const signIn, ok, seeOther, unauth, forbid = http.StatusSeeOther, http.StatusOK, http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden
	const invalid = http.StatusUnprocessableEntity
	mp := fmt.Sprintf("/panel/meetings/%d", id)
	ap := fmt.Sprintf("/api/v1/panel/meetings/%d", id)
	table := []scenario{
		{"GET", "/panel", "", statuses(forbid, "none", signIn, "panel", ok)},
		{"GET", mp, "", statuses(forbid, "none", signIn, "panel", ok)},
		{"GET", mp + "?n=1", "", statuses(forbid, "none", signIn, "panel", ok)},
		{"POST", mp, "ordinal=1&mark-grounds=met&mark-video=not+met&comment=ok", statuses(forbid, "none", unauth, "panel", seeOther)},
		{"POST", mp, "ordinal=1&mark-grounds=very", statuses(forbid, "none", unauth, "panel", invalid)},
		{"GET", mp + "/findings", "", statuses(forbid, "none", signIn, "panel", ok)},
		{"POST", mp + "/findings", "findings=", statuses(forbid, "none", unauth, "panel", invalid)},
		{"GET", "/panels", "", statuses(forbid, "none", signIn, "supervisor", ok, "admin", ok)},
		{"POST", "/panels", "name=&areas=", statuses(forbid, "none", unauth, "admin", invalid)},
		{"POST", "/panels/meetings", "panel=&date=", statuses(forbid, "none", unauth, "admin", invalid)},
		{"POST", fmt.Sprintf("/panels/meetings/%d/response", id), "response=", statuses(forbid, "none", unauth, "supervisor", invalid, "admin", invalid)},
		{"GET", "/scrutiny", "", statuses(ok)},
		{"GET", "/api/v1/scrutiny/findings", "", statuses(ok)},
		{"GET", "/api/v1/scrutiny/findings?area=" + lambethCode, "", statuses(ok)},
		{"GET", "/api/v1/scrutiny/findings?area=SW9", "", statuses(http.StatusBadRequest)},
		{"GET", "/api/v1/panel/meetings", "", statuses(forbid, "none", unauth, "panel", ok)},
		{"GET", ap + "/sample", "", statuses(forbid, "none", unauth, "panel", ok)},
		{"PUT", ap + "/sample/1/rating", `{"marks":{"grounds":"partly met","respect":"met"},"comment":"fine"}`, statuses(forbid, "none", unauth, "panel", ok)},
		{"PUT", ap + "/sample/2/rating", `{"marks":{"grounds":"met"}}`, statuses(forbid, "none", unauth, "panel", http.StatusNotFound)},
		{"PUT", ap + "/sample/1/rating", `{"marks":{"looks":"met"}}`, statuses(forbid, "none", unauth, "panel", invalid)},
	}
	for _, sc := range table {
		for _, role := range scenarioRoles {
			want, listed := sc.want[role]
			if !listed {
				want = sc.want["*"]
			}
			w := e.do(role, sc.method, sc.path, sc.body)
			if w.Code != want {
				t.Errorf("%s %s as %s: %d, want %d (%.300s)", sc.method, sc.path, role, w.Code, want, w.Body.String())
			}
			if want == signIn && sc.method == "GET" && !strings.HasPrefix(w.Header().Get("Location"), "/signin") {
				t.Errorf("%s %s as the public: sent to %q, want the sign-in page", sc.method, sc.path, w.Header().Get("Location"))
			}
		}
	}
	// A member of another panel sees none of this panel's meeting.
	for _, p := range []struct{ method, path, body string }{{"GET", mp, ""}, {"GET", mp + "/findings", ""}, {"POST", mp, "ordinal=1&mark-grounds=met"},
		{"POST", mp + "/findings", "findings=x"}, {"GET", ap + "/sample", ""}, {"PUT", ap + "/sample/1/rating", `{"marks":{"grounds":"met"}}`}} {
		if w := e.do("other panel", p.method, p.path, p.body); w.Code != forbid {
			t.Errorf("%s %s as a member of another panel: %d, want 403", p.method, p.path, w.Code)
		}
	}
}

// TestPanelSeesNoIdentity: a panel member's pages and answers, and the
// public's pages of scrutiny (the findings, the area pages), show no
// grounds unredacted, no registration, no record reference, no officer's
// or member's name, before and after the findings and the response are
// published.
func TestPanelSeesNoIdentity(t *testing.T) {
	e, id := panelEnv(t)
	ctx := context.Background()
	recs, err := e.st.RecordsOfOfficer(ctx, e.users["officer"].ID, 1)
	if err != nil || len(recs) != 1 {
		t.Fatal(recs, err)
	}
	secrets := []string{"QX7Z", "qx7z", secretReg, secretContact, officerName, supervisorName, recs[0].Reference, "member-lambeth", "member-hackney"}
	mp := fmt.Sprintf("/panel/meetings/%d", id)
	ap := fmt.Sprintf("/api/v1/panel/meetings/%d", id)
	check := func(when string) {
		for _, c := range []struct{ role, path string }{
			{"panel", "/panel"}, {"panel", mp}, {"panel", mp + "?n=1"}, {"panel", mp + "/findings"}, {"panel", "/api/v1/panel/meetings"},
			{"panel", ap + "/sample"}, {"panel", "/scrutiny"}, {"none", "/scrutiny"}, {"none", "/api/v1/scrutiny/findings"},
			{"none", "/boroughs/" + lambethCode}, {"none", "/wards/" + recordtest.BrixtonWard}, {"none", "/api/openapi.json"},
		} {
			w := e.do(c.role, "GET", c.path, "")
			if w.Code != http.StatusOK {
				t.Errorf("%s: GET %s as %s: %d", when, c.path, c.role, w.Code)
			}
			b := w.Body.String()
			for _, s := range secrets {
				if strings.Contains(b, s) {
					t.Errorf("%s: GET %s as %s shows %q", when, c.path, c.role, s)
				}
			}
		}
	}
	check("before the findings")
	// The sample does show what the panel needs: the redacted grounds.
	if b := e.do("panel", "GET", mp+"?n=1", "").Body.String(); !strings.Contains(b, "seen passing a small bag") || !strings.Contains(b, "[number]") {
		t.Errorf("the sampled record's redacted grounds are not on the member's page")
	}
	if w := e.do("panel", "POST", mp, "ordinal=1&mark-grounds=met&mark-gowisely=met&mark-video=not+met&mark-respect=partly+met&comment=Thin+grounds"); w.Code != http.StatusSeeOther {
		t.Fatalf("rating: %d %s", w.Code, w.Body.String())
	}
	if w := e.do("panel", "POST", mp+"/findings", "findings=Grounds+were+thin.+We+ask+about+"+officerName+"+and+Officer+Jones."); w.Code != http.StatusSeeOther {
		t.Fatalf("findings: %d %s", w.Code, w.Body.String())
	}
	if w := e.do("supervisor", "POST", fmt.Sprintf("/panels/meetings/%d/response", id), "response=The+force+will+brief+its+teams+on+grounds."); w.Code != http.StatusSeeOther {
		t.Fatalf("response: %d %s", w.Code, w.Body.String())
	}
	check("after the findings")
	for _, p := range []string{"/scrutiny", "/boroughs/" + lambethCode, "/wards/" + recordtest.BrixtonWard, "/api/v1/scrutiny/findings?area=" + recordtest.BrixtonWard} {
		b := e.do("none", "GET", p, "").Body.String()
		if !strings.Contains(b, "Grounds were thin") || !strings.Contains(b, "The force will brief its teams") || strings.Contains(b, "Jones") {
			t.Errorf("GET %s: the findings and the response are not published as they should be: %s", p, b[max(0, strings.Index(b, "scrutiny")-100):])
		}
	}
	if b := e.do("none", "GET", "/boroughs/E09000012", "").Body.String(); strings.Contains(b, "Grounds were thin") {
		t.Errorf("Hackney's page shows Lambeth's panel's findings")
	}
}

// TestTrainingRoleScenarios: the training pages are for supervisors and
// administrators only; the form records a completion and the report
// counts it.
func TestTrainingRoleScenarios(t *testing.T) {
	e := newRolesEnv(t)
	const signIn, ok, seeOther, unauth, forbid, invalid = http.StatusSeeOther, http.StatusOK, http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity
	managers := func(status int, none int) map[string]int {
		return statuses(forbid, "none", none, "supervisor", status, "admin", status)
	}
	table := []scenario{
		{"GET", "/training", "", managers(ok, signIn)},
		{"POST", "/training/courses", "name=", managers(invalid, unauth)},
		{"POST", "/training", "officer=nobody&course=None&date=2025-01-01", managers(invalid, unauth)},
		{"GET", "/training/report", "", managers(ok, signIn)},
		{"GET", "/training/report?course=None", "", managers(http.StatusNotFound, signIn)},
	}
	for _, sc := range table {
		for _, role := range scenarioRoles {
			want, listed := sc.want[role]
			if !listed {
				want = sc.want["*"]
			}
			if w := e.do(role, sc.method, sc.path, sc.body); w.Code != want {
				t.Errorf("%s %s as %s: %d, want %d (%.300s)", sc.method, sc.path, role, w.Code, want, w.Body.String())
			}
		}
	}
	if w := e.do("admin", "POST", "/training/courses", "name=Procedural+justice&description=The+pilot%27s+course"); w.Code != seeOther {
		t.Fatalf("adding a course: %d %s", w.Code, w.Body.String())
	}
	w := e.do("supervisor", "POST", "/training", "officer=pc-nobody&course=Procedural+justice&date=2025-13-01")
	if b := w.Body.String(); w.Code != invalid || !strings.Contains(b, "no user called") || !strings.Contains(b, "is not a day") {
		t.Errorf("a bad completion: %d", w.Code)
	}
	day := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	if w := e.do("supervisor", "POST", "/training", "officer="+officerName+"&course=Procedural+justice&date="+day); w.Code != seeOther {
		t.Fatalf("recording a completion: %d %s", w.Code, w.Body.String())
	}
	if b := e.do("supervisor", "GET", "/training", "").Body.String(); !strings.Contains(b, officerName) {
		t.Errorf("the completion is not listed")
	}
	b := e.do("admin", "GET", "/training/report?course=Procedural+justice", "").Body.String()
	if !strings.Contains(b, "1 officer has completed") || !strings.Contains(b, "The data cannot tell") || strings.Contains(b, officerName) {
		t.Errorf("the report: %s", b[strings.Index(b, "<main"):])
	}
}
