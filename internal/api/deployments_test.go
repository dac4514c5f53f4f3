package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// The deployment operations answer what the document says, for a plan to
// come and an ended one, and never a draft or an unmoderated comment.
func TestDeploymentsMatchDocument(t *testing.T) {
	e := newEncounter(t)
	ctx := context.Background()
	snap, err := readmodel.Read(ctx, e.st)
	if err != nil {
		t.Fatal(err)
	}
	fig := public.New(e.st, snap, "metropolitan")
	clock := func() time.Time { return time.Unix(e.now.Load(), 0).UTC() }
	dep := deploy.New(e.st, e.rec, deploy.Options{Now: clock})
	ap := New(fig)
	ap.SetRecords(e.rec)
	ap.SetAccountability(Accountability{Deployments: dep})
	mux := http.NewServeMux()
	ap.Register(mux, noAssets{})
	sup, _ := e.user("insp.plan", charter.RoleSupervisor, charter.RankInspector)
	plan := deploy.Plan{Kind: charter.DeploymentHotspot, Title: "Brixton patrols", Wards: []string{recordtest.BrixtonWard},
		Start: clock().Add(24 * time.Hour), End: clock().Add(72 * time.Hour), Why: "Knife robberies near the station have doubled.", Respond: "Ward panel, Tuesday."}
	d, err := dep.Create(ctx, sup, fig, plan)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := dep.Create(ctx, sup, fig, plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dep.Publish(ctx, sup, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := dep.Comment(ctx, d.ID, "Pending marker QP4W"); err != nil {
		t.Fatal(err)
	}
	past, err := e.st.InsertDeployment(ctx, store.ActorOf(sup), charter.Deployment{Force: "metropolitan", Kind: charter.DeploymentOperation, Title: "September",
		Wards: []string{recordtest.BrixtonWard}, Start: time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 9, 29, 0, 0, 0, 0, time.UTC),
		Why: plan.Why, Respond: plan.Respond, PlannedBy: sup.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PublishDeployment(ctx, store.ActorOf(sup), past.ID, func(*charter.Deployment) error { return nil }); err != nil {
		t.Fatal(err)
	}

	raw := ap.Document()
	docJSON, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	const base = "https://charter.test/openapi.json"
	if err := c.AddResource(base, docJSON); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		path, ref string
		status    int
		want      string
	}{
		{"/api/v1/deployments?area=" + recordtest.BrixtonWard, "#/components/schemas/ApiDeployments", 200, "Brixton patrols"},
		{"/api/v1/deployments?area=E09000022", "#/components/schemas/ApiDeployments", 200, `"status":"ended"`},
		{fmt.Sprintf("/api/v1/deployments/%d", d.ID), "#/components/schemas/ApiDeploymentAnswer", 200, `"status":"planned"`},
		{fmt.Sprintf("/api/v1/deployments/%d", past.ID), "#/components/schemas/ApiDeploymentAnswer", 200, `"searches":40`},
		{fmt.Sprintf("/api/v1/deployments/%d", draft.ID), "", 404, ""},
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", x.path, nil))
		b := w.Body.String()
		if w.Code != x.status || !strings.Contains(b, x.want) {
			t.Errorf("GET %s: %d, want %d with %q: %.400s", x.path, w.Code, x.status, x.want, b)
		}
		if strings.Contains(b, "QP4W") || strings.Contains(b, "insp.plan") || strings.Contains(b, "planned_by") {
			t.Errorf("GET %s shows an unmoderated comment or the planner: %.400s", x.path, b)
		}
		if x.ref == "" {
			continue
		}
		sch, err := c.Compile(base + x.ref)
		if err != nil {
			t.Fatalf("compile %s: %v", x.ref, err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
		if err == nil {
			err = sch.Validate(v)
		}
		if err != nil {
			t.Errorf("GET %s does not match %s: %v\n%.400s", x.path, x.ref, err, b)
		}
	}
}
