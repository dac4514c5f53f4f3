package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/reviewtest"
)

// Every answer of the supervision operations matches the document, and
// each refuses whom it must: another team's supervisor, another officer,
// the public.
func TestReviewsAnswersMatchDocument(t *testing.T) {
	e := newEncounter(t)
	clock := func() time.Time { return time.Unix(e.now.Load(), 0).UTC() }
	ap := New(nil)
	ap.SetRecords(e.rec)
	ap.SetAccountability(Accountability{Reviews: review.New(e.st, e.rec, review.Options{Now: clock, SampleRate: 1})})
	mux := http.NewServeMux()
	ap.Register(mux, noAssets{})
	a, err := auth.New(context.Background(), e.st, auth.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.h = a.Middleware(mux)
	tok := func(name string, role charter.Role, team string) string {
		return recordtest.Token(t, e.st, reviewtest.User(t, e.st, name, role, team))
	}
	pc, pc2, sup, supB, analyst := tok("pc-a", charter.RoleOfficer, "A"), tok("pc-a2", charter.RoleOfficer, "A"),
		tok("ps-a", charter.RoleSupervisor, "A"), tok("ps-b", charter.RoleSupervisor, "B"), tok("analyst", charter.RoleAnalyst, "")

	raw := ap.Document()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	docJSON, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const base = "https://charter.test/openapi.json"
	if err := c.AddResource(base, docJSON); err != nil {
		t.Fatal(err)
	}
	check := func(method, pattern string, w *httptest.ResponseRecorder, want int) {
		t.Helper()
		if w.Code != want {
			t.Errorf("%s %s: status %d, want %d: %s", method, pattern, w.Code, want, w.Body)
			return
		}
		ct := "application/json"
		if w.Code >= 400 {
			ct = "application/problem+json"
		}
		op, _ := doc["paths"].(map[string]any)[pattern].(map[string]any)[strings.ToLower(method)].(map[string]any)
		answer, _ := op["responses"].(map[string]any)[strconv.Itoa(w.Code)].(map[string]any)
		content, _ := answer["content"].(map[string]any)[ct].(map[string]any)
		ref, _ := content["schema"].(map[string]any)["$ref"].(string)
		if ref == "" {
			t.Fatalf("%s %s: status %d is not documented: %s", method, pattern, w.Code, w.Body)
		}
		sch, err := c.Compile(base + ref)
		if err != nil {
			t.Fatalf("compile %s: %v", ref, err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes()))
		if err == nil {
			err = sch.Validate(v)
		}
		if err != nil {
			t.Errorf("%s %s %d does not match %s: %v\n%s", method, pattern, w.Code, ref, err, w.Body)
		}
	}

	w := e.do("POST", "/api/v1/records", pc, body(validRecord()))
	s := decode[record.Submitted](t, w, http.StatusCreated)
	path := "/api/v1/records/" + strconv.FormatInt(s.ID, 10) + "/reviews"
	const pat = "/api/v1/records/{id}/reviews"

	w = e.do("GET", "/api/v1/reviews/queue", sup, "")
	check("GET", "/api/v1/reviews/queue", w, http.StatusOK)
	if q := decode[Queue](t, w, http.StatusOK); len(q.Records) != 1 || q.Records[0].Reference != s.Reference || !q.Records[0].Sampled {
		t.Errorf("the queue: %+v", q)
	}
	check("GET", "/api/v1/reviews/queue", e.do("GET", "/api/v1/reviews/queue", pc, ""), http.StatusForbidden)
	check("GET", "/api/v1/reviews/queue", e.do("GET", "/api/v1/reviews/queue", "", ""), http.StatusUnauthorized)

	good := `{"marks":{"grounds":"met","gowisely":"partly met","video":"not assessed","respect":"met"},"comment":"Clear grounds."}`
	check("POST", pat, e.do("POST", path, supB, good), http.StatusForbidden)
	check("POST", pat, e.do("POST", path, supB, `{"marks":{"grounds":"excellent"}}`), http.StatusForbidden)
	w = e.do("POST", path, sup, `{"marks":{"grounds":"excellent","bravery":"met"}}`)
	check("POST", pat, w, http.StatusUnprocessableEntity)
	if f := fieldsOf(decode[httpx.Problem](t, w, http.StatusUnprocessableEntity)); f["marks.grounds"] == "" || f["marks.bravery"] == "" {
		t.Errorf("the bad marks are not named: %v", f)
	}
	check("POST", pat, e.do("POST", path, sup, `{"marks":{}}`), http.StatusUnprocessableEntity)
	w = e.do("POST", path, sup, good)
	check("POST", pat, w, http.StatusCreated)
	if v := decode[ReviewAnswer](t, w, http.StatusCreated); v.Marks["gowisely"] != "partly met" || v.Score == nil || *v.Score != 2.5/3 {
		t.Errorf("the review: %+v", v)
	}
	check("POST", pat, e.do("POST", path, sup, good), http.StatusConflict)
	check("GET", pat, e.do("GET", path, pc2, ""), http.StatusForbidden)
	w = e.do("GET", path, pc, "")
	check("GET", pat, w, http.StatusOK)
	if rs := decode[Reviews](t, w, http.StatusOK); len(rs.Reviews) != 1 || rs.Reviews[0].Comment != "Clear grounds." || rs.Reviews[0].SeenByOfficer == nil {
		t.Errorf("the officer's reviews: %+v", rs)
	}
	check("GET", pat, e.do("GET", path, sup, ""), http.StatusOK)
	check("GET", pat, e.do("GET", "/api/v1/records/999999/reviews", sup, ""), http.StatusNotFound)

	const out = "/api/v1/teams/outliers"
	w = e.do("GET", out, sup, "")
	check("GET", out, w, http.StatusOK)
	if o := decode[Outliers](t, w, http.StatusOK); o.Team == nil || *o.Team != "A" || len(o.Units) != 2 || o.All.Searches != 1 {
		t.Errorf("the supervisor's outliers: %+v", o)
	}
	check("GET", out, e.do("GET", out, analyst, ""), http.StatusOK)
	check("GET", out, e.do("GET", out+"?team=A", analyst, ""), http.StatusOK)
	check("GET", out, e.do("GET", out, pc, ""), http.StatusForbidden)
	check("GET", out, e.do("GET", out, "", ""), http.StatusUnauthorized)
}
