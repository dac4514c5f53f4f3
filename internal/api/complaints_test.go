package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/recordtest"
)

// withComplaints is the encounter's harness with the complaints workflow
// switched on, as the server puts it together.
func withComplaints(t *testing.T) (*encounter, *API) {
	t.Helper()
	e := newEncounter(t)
	clock := func() time.Time { return time.Unix(e.now.Load(), 0).UTC() }
	ap := New(nil)
	ap.SetRecords(e.rec)
	ap.SetAccountability(Accountability{Complaints: complaint.New(e.st, e.rec, complaint.Options{Now: clock,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})})
	mux := http.NewServeMux()
	ap.Register(mux, noAssets{})
	a, err := auth.New(context.Background(), e.st, auth.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.h = a.Middleware(mux)
	return e, ap
}

// The complaints' operations are documented, valid OpenAPI, and every
// answer, success or problem, matches the schema the document gives; the
// community trigger fires through the API on the third complaint and its
// public entry names no one.
func TestComplaintsAPI(t *testing.T) {
	e, ap := withComplaints(t)
	raw := ap.Document()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	for _, p := range []string{"/api/v1/complaints", "/api/v1/community-triggers", "/api/v1/complaints/figures", "/api/v1/complaints/{id}/steps"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("%s not documented", p)
		}
	}
	var paths map[string]any
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	paths = m["paths"].(map[string]any)
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
	check := func(method, pattern string, w *httptest.ResponseRecorder, want int) []byte {
		t.Helper()
		if w.Code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, pattern, w.Code, want, w.Body)
		}
		ct := "application/json"
		if w.Code >= 400 {
			ct = "application/problem+json"
		}
		answers, _ := paths[pattern].(map[string]any)[strings.ToLower(method)].(map[string]any)["responses"].(map[string]any)
		answer, _ := answers[strconv.Itoa(w.Code)].(map[string]any)
		content, _ := answer["content"].(map[string]any)[ct].(map[string]any)
		ref, _ := content["schema"].(map[string]any)["$ref"].(string)
		if ref == "" {
			t.Fatalf("%s %s: status %d is not documented: %s", method, pattern, w.Code, w.Body)
		}
		sch, err := c.Compile(base + ref)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
		if err == nil {
			err = sch.Validate(v)
		}
		if err != nil {
			t.Errorf("%s %s %d does not match %s: %v\n%s", method, pattern, w.Code, ref, err, w.Body)
		}
		return w.Body.Bytes()
	}
	officer, otok := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	_, htok := e.user("handler.jones", charter.RoleComplaints, charter.RankNone)
	const contact = "secret.contact@example.org"
	lodge := func() {
		t.Helper()
		sub, err := e.rec.Submit(context.Background(), officer, "", recordtest.Routine(time.Unix(e.now.Load(), 0)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(ComplaintRequest{ReceiptToken: sub.ReceiptToken, Contact: contact, Text: "Searched for nothing"})
		check("POST", "/api/v1/complaints", e.do("POST", "/api/v1/complaints", "", string(b)), http.StatusCreated)
		e.advance(24 * time.Hour)
	}
	check("POST", "/api/v1/complaints", e.do("POST", "/api/v1/complaints", "", `{"text":""}`), http.StatusUnprocessableEntity)
	check("POST", "/api/v1/complaints", e.do("POST", "/api/v1/complaints", "", `{"receipt_token":"nope","text":"x"}`), http.StatusNotFound)
	check("GET", "/api/v1/community-triggers", e.do("GET", "/api/v1/community-triggers?area=E0", "", ""), http.StatusBadRequest)
	for i := 0; i < 2; i++ {
		lodge()
	}
	var ts CommunityTriggers
	json.Unmarshal(check("GET", "/api/v1/community-triggers", e.do("GET", "/api/v1/community-triggers?area="+recordtest.BrixtonWard, "", ""), http.StatusOK), &ts)
	if len(ts.Triggers) != 0 || ts.Threshold != 3 {
		t.Fatalf("a trigger after two complaints: %+v", ts)
	}
	lodge()
	b := check("GET", "/api/v1/community-triggers", e.do("GET", "/api/v1/community-triggers", "", ""), http.StatusOK)
	json.Unmarshal(b, &ts)
	if len(ts.Triggers) != 1 || ts.Triggers[0].Complaints != 3 || ts.Triggers[0].Ward != recordtest.BrixtonWard {
		t.Fatalf("triggers after three complaints: %s", b)
	}
	if bytes.Contains(b, []byte(contact)) || bytes.Contains(b, []byte("pc.smith")) || bytes.Contains(b, []byte("C-")) {
		t.Errorf("the public triggers name someone or a complaint: %s", b)
	}
	b = check("GET", "/api/v1/complaints/figures", e.do("GET", "/api/v1/complaints/figures?area=E09000022&from=2026-06&to=2026-06", "", ""), http.StatusOK)
	var f complaint.Figures
	json.Unmarshal(b, &f)
	if len(f.Months) != 1 || f.Months[0].Lodged.Count != 3 || f.Months[0].Linked.Count != 3 {
		t.Errorf("figures %s", b)
	}
	check("GET", "/api/v1/complaints/figures", e.do("GET", "/api/v1/complaints/figures?area=nowhere", "", ""), http.StatusBadRequest)
	// The complaints team's queue and steps.
	check("GET", "/api/v1/complaints", e.do("GET", "/api/v1/complaints", otok, ""), http.StatusForbidden)
	check("GET", "/api/v1/complaints", e.do("GET", "/api/v1/complaints", "", ""), http.StatusUnauthorized)
	var q ComplaintQueue
	json.Unmarshal(check("GET", "/api/v1/complaints", e.do("GET", "/api/v1/complaints", htok, ""), http.StatusOK), &q)
	if len(q.Complaints) != 3 || strings.Contains(e.do("GET", "/api/v1/complaints", htok, "").Body.String(), contact) {
		t.Fatalf("queue %+v", q)
	}
	step := "/api/v1/complaints/" + strconv.FormatInt(q.Complaints[0].ID, 10) + "/steps"
	check("POST", "/api/v1/complaints/{id}/steps", e.do("POST", step, htok, `{"action":"close"}`), http.StatusConflict)
	check("POST", "/api/v1/complaints/{id}/steps", e.do("POST", step, htok, `{"action":"fly"}`), http.StatusUnprocessableEntity)
	check("POST", "/api/v1/complaints/{id}/steps", e.do("POST", "/api/v1/complaints/99999/steps", htok, `{"action":"investigate"}`), http.StatusNotFound)
	var st ComplaintState
	json.Unmarshal(check("POST", "/api/v1/complaints/{id}/steps", e.do("POST", step, htok, `{"action":"triage","category":"grounds"}`), http.StatusOK), &st)
	if st.Status != "triaged" {
		t.Errorf("after triage: %+v", st)
	}
}
