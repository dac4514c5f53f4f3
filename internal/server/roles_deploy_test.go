package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// Markers of residents' comments a moderator has not published: they must
// never reach a page or an answer anyone but the force's moderators see.
const (
	pendingMarker = "Pending marker QP4W: officer Jones at number 12"
	hiddenMarker  = "Hidden marker QH5V: names a person"
	shownMarker   = "Shown marker QS6T: will you search children?"
)

// TestDeploymentScenarios is the table of the deployment pages and
// endpoints for every role, the community packs beside them, and the proof
// that unmoderated comments, drafts and the planner's name are never public.
func TestDeploymentScenarios(t *testing.T) {
	e := newRolesEnv(t)
	ctx := context.Background()
	dep, fig, sup := e.srv.Deployments, e.srv.Figures, e.users["supervisor"]
	plan := deploy.Plan{Kind: charter.DeploymentHotspot, Title: "Brixton town centre patrols", Wards: []string{recordtest.BrixtonWard},
		Start: time.Now().Add(48 * time.Hour), End: time.Now().Add(10 * 24 * time.Hour),
		Why: "Robberies with knives around the station have doubled since the summer.", Respond: "Ward panel, Tuesday 7pm."}
	pub, err := dep.Create(ctx, sup, fig, plan)
	if err != nil {
		t.Fatal(err)
	}
	if pub, err = dep.Publish(ctx, sup, pub.ID); err != nil {
		t.Fatal(err)
	}
	plan.Title = "Draft marker QD7X"
	draft, err := dep.Create(ctx, sup, fig, plan)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range []string{shownMarker, pendingMarker, hiddenMarker} {
		cm, err := dep.Comment(ctx, pub.ID, c)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cm.ID)
	}
	if _, err := dep.Moderate(ctx, sup, ids[0], true); err != nil {
		t.Fatal(err)
	}
	if _, err := dep.Moderate(ctx, sup, ids[2], false); err != nil {
		t.Fatal(err)
	}
	// A plan of September 2024, ended: the outcome is computed from the
	// month of searches the store holds (stored directly, as a plan for
	// the past cannot be made).
	past, err := e.st.InsertDeployment(ctx, store.ActorOf(sup), charter.Deployment{Force: "metropolitan", Kind: charter.DeploymentOperation,
		Title: "Operation September", Wards: []string{recordtest.BrixtonWard}, Start: time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC),
		End: time.Date(2024, 9, 29, 0, 0, 0, 0, time.UTC), Why: plan.Why, Respond: plan.Respond, PlannedBy: sup.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PublishDeployment(ctx, store.ActorOf(sup), past.ID, func(*charter.Deployment) error { return nil }); err != nil {
		t.Fatal(err)
	}
	e.srv.Figures.Published()

	const signIn, ok, unauth, forbid, notFound, invalid, seeOther = http.StatusSeeOther, http.StatusOK, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusSeeOther
	pp, dp := fmt.Sprintf("/deployments/%d", pub.ID), fmt.Sprintf("/deployments/%d", draft.ID)
	staff := []any{"none", signIn, "supervisor", ok}
	table := []scenario{
		{"GET", pp, "", statuses(ok)},
		{"GET", fmt.Sprintf("/deployments/%d", past.ID), "", statuses(ok)},
		{"GET", dp, "", statuses(notFound, "supervisor", ok)},
		{"GET", "/deployments/999999", "", statuses(notFound)},
		{"POST", pp + "/comments", "comment=", statuses(invalid)},
		{"POST", dp + "/comments", "comment=Why+here%3F", statuses(notFound)},
		{"POST", fmt.Sprintf("/deployments/%d/comments", past.ID), "comment=Too+late%3F", statuses(http.StatusConflict)},
		{"GET", "/officer/deployments", "", statuses(forbid, staff...)},
		{"GET", "/officer/deployments/new", "", statuses(forbid, staff...)},
		{"GET", fmt.Sprintf("/officer/deployments/%d", draft.ID), "", statuses(forbid, staff...)},
		{"POST", "/officer/deployments/new", "kind=raid", statuses(forbid, "none", unauth, "supervisor", invalid)},
		{"POST", fmt.Sprintf("/officer/deployments/%d/publish", pub.ID), "", statuses(forbid, "none", unauth, "supervisor", invalid)},
		{"POST", fmt.Sprintf("/officer/deployments/comments/%d/moderate", ids[0]), "decision=approve", statuses(forbid, "none", unauth, "supervisor", seeOther)},
		{"POST", fmt.Sprintf("/officer/deployments/comments/%d/answer", ids[0]), "answer=Evenings+only.", statuses(forbid, "none", unauth, "supervisor", seeOther)},
		{"GET", "/api/v1/deployments?area=" + recordtest.BrixtonWard, "", statuses(ok)},
		{"GET", "/api/v1/deployments?area=E09000022", "", statuses(ok)},
		{"GET", "/api/v1/deployments?area=E01000001x", "", statuses(notFound)},
		{"GET", "/api/v1/deployments/" + fmt.Sprint(pub.ID), "", statuses(ok)},
		{"GET", "/api/v1/deployments/" + fmt.Sprint(past.ID), "", statuses(ok)},
		{"GET", "/api/v1/deployments/" + fmt.Sprint(draft.ID), "", statuses(notFound)},
		{"GET", "/packs/E09000022/2024-09", "", statuses(ok)},
		{"GET", "/packs/" + recordtest.BrixtonWard + "/2024-09", "", statuses(ok)},
		{"GET", "/packs/E09000022/September", "", statuses(notFound)},
		{"GET", "/packs/E99999999/2024-09", "", statuses(notFound)},
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

	// What the public and every role but the force's moderators see:
	// the approved comment and its answer, never the others, the draft or
	// the planner's name.
	public := []string{pp, fmt.Sprintf("/deployments/%d", past.ID), "/wards/" + recordtest.BrixtonWard, "/boroughs/E09000022",
		"/api/v1/deployments?area=" + recordtest.BrixtonWard, "/api/v1/deployments", "/api/v1/deployments/" + fmt.Sprint(pub.ID),
		"/packs/E09000022/2024-09", "/packs/" + recordtest.BrixtonWard + "/2024-09"}
	for _, role := range scenarioRoles {
		for _, p := range public {
			w := e.do(role, "GET", p, "")
			if w.Code != ok {
				t.Errorf("GET %s as %s: %d", p, role, w.Code)
				continue
			}
			b := w.Body.String()
			for _, secret := range []string{"QP4W", "QH5V", "QD7X", supervisorName, officerName, "planned_by"} {
				if strings.Contains(b, secret) {
					t.Errorf("GET %s as %s shows %q", p, role, secret)
				}
			}
		}
	}
	for _, want := range []struct{ path, text string }{
		{pp, shownMarker}, {pp, "Evenings only."}, {pp, "Ask a question or comment"},
		{"/api/v1/deployments/" + fmt.Sprint(pub.ID), "QS6T"},
		{"/wards/" + recordtest.BrixtonWard, pp}, {"/boroughs/E09000022", pp},
		{"/wards/" + recordtest.BrixtonWard, "/packs/" + recordtest.BrixtonWard + "/2024-09.pdf"},
		{"/boroughs/E09000022", "/packs/E09000022/2024-09"},
		{fmt.Sprintf("/deployments/%d", past.ID), "What happened"},
		{"/packs/" + recordtest.BrixtonWard + "/2024-09", "Operation September"},
	} {
		if b := e.do("none", "GET", want.path, "").Body.String(); !strings.Contains(b, want.text) {
			t.Errorf("GET %s does not show %q", want.path, want.text)
		}
	}
	// The force's moderators see every comment, to decide on it.
	b := e.do("supervisor", "GET", fmt.Sprintf("/officer/deployments/%d", pub.ID), "").Body.String()
	for _, m := range []string{"QP4W", "QH5V", "QS6T"} {
		if !strings.Contains(b, m) {
			t.Errorf("the moderator's page lacks comment %s", m)
		}
	}

	// A supervisor plans through the form; a start in the past is refused
	// beside its field.
	form := url.Values{"kind": {"hotspot"}, "title": {"Form plan"}, "wards": {recordtest.BrixtonWard},
		"start": {time.Now().In(charter.London).Add(-time.Hour).Format("2006-01-02T15:04")},
		"end":   {time.Now().In(charter.London).Add(72 * time.Hour).Format("2006-01-02T15:04")},
		"why":   {plan.Why}, "respond": {plan.Respond}}
	w := e.do("supervisor", "POST", "/officer/deployments/new", form.Encode())
	if w.Code != invalid || !strings.Contains(w.Body.String(), "published before it starts") {
		t.Errorf("a plan starting in the past: %d %.300s", w.Code, w.Body.String())
	}
	form.Set("start", time.Now().In(charter.London).Add(24*time.Hour).Format("2006-01-02T15:04"))
	if w = e.do("supervisor", "POST", "/officer/deployments/new", form.Encode()); w.Code != seeOther || !strings.HasPrefix(w.Header().Get("Location"), "/officer/deployments/") {
		t.Errorf("a plan through the form: %d %s", w.Code, w.Header().Get("Location"))
	}

	// The PDF pack from the site, as the command line prints it.
	if w := e.do("none", "GET", "/packs/E09000022/2024-09.pdf", ""); w.Code != ok || w.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(w.Body.String(), "%PDF-") {
		t.Errorf("the PDF pack: %d %s %.20q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
}
