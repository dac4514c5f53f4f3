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
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// Scrutiny's answers, success and problems, match the document; the
// sample names no one.
func TestScrutinyAnswersMatchDocument(t *testing.T) {
	e := newEncounter(t)
	ctx := context.Background()
	clock := func() time.Time { return time.Unix(e.now.Load(), 0).UTC() }
	ps := panel.New(e.st, e.rec, panel.Options{Now: clock})
	ap := New(nil)
	ap.SetRecords(e.rec)
	ap.SetAccountability(Accountability{Panels: ps})
	mux := http.NewServeMux()
	ap.Register(mux, noAssets{})
	a, err := auth.New(ctx, e.st, auth.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.h = a.Middleware(mux)

	officer, _ := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	admin, _ := e.user("admin.jones", charter.RoleAdmin, charter.RankNone)
	rec := recordtest.Routine(testNow)
	rec.Grounds = "Mr Okafor was seen at 22:15 with AB12 CDE"
	sub, err := e.rec.Submit(ctx, officer, "", rec)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ps.CreatePanel(ctx, admin, charter.Panel{Name: "Lambeth", Force: "metropolitan", Areas: []string{"E09000022"}})
	if err != nil {
		t.Fatal(err)
	}
	member, err := e.st.CreateUser(ctx, store.Actor{Name: "test"}, store.NewUser{Name: "member.one", Role: charter.RolePanel, PanelID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	tok := recordtest.Token(t, e.st, member)
	m, err := ps.CreateMeeting(ctx, admin, panel.NewMeeting{PanelID: p.ID, Date: testNow, From: charter.MonthOf(testNow), To: charter.MonthOf(testNow)})
	if err != nil || m.SampleSize != 1 {
		t.Fatalf("%+v %v", m, err)
	}

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
	check := func(method, pattern string, w *httptest.ResponseRecorder, want int) string {
		t.Helper()
		if w.Code != want {
			t.Errorf("%s %s: %d, want %d: %s", method, pattern, w.Code, want, w.Body)
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
			t.Fatalf("%s %s: status %d is not documented", method, pattern, w.Code)
		}
		sch, err := c.Compile(base + ref)
		if err == nil {
			var v any
			if v, err = jsonschema.UnmarshalJSON(bytes.NewReader(w.Body.Bytes())); err == nil {
				err = sch.Validate(v)
			}
		}
		if err != nil {
			t.Errorf("%s %s %d does not match %s: %v\n%s", method, pattern, w.Code, ref, err, w.Body)
		}
		return w.Body.String()
	}
	mp := "/api/v1/panel/meetings/" + strconv.FormatInt(m.ID, 10)
	rating := "/api/v1/panel/meetings/{id}/sample/{ordinal}/rating"
	check("GET", "/api/v1/panel/meetings", e.do("GET", "/api/v1/panel/meetings", tok, ""), 200)
	check("GET", "/api/v1/panel/meetings", e.do("GET", "/api/v1/panel/meetings", "", ""), 401)
	sample := check("GET", "/api/v1/panel/meetings/{id}/sample", e.do("GET", mp+"/sample", tok, ""), 200)
	for _, leak := range []string{"Okafor", "22:15", "AB12", sub.Reference, "pc.smith"} {
		if strings.Contains(sample, leak) {
			t.Errorf("the sample shows %q: %s", leak, sample)
		}
	}
	var ps1 struct{ Sample []map[string]any }
	if err := json.Unmarshal([]byte(sample), &ps1); err != nil || len(ps1.Sample) != 1 {
		t.Fatal(err, sample)
	}
	for _, k := range []string{"id", "reference", "officer", "latitude", "vehicle_registration", "datetime"} {
		if _, ok := ps1.Sample[0][k]; ok {
			t.Errorf("a sampled search has %q", k)
		}
	}
	check("GET", "/api/v1/panel/meetings/{id}/sample", e.do("GET", "/api/v1/panel/meetings/999/sample", tok, ""), 404)
	check("PUT", rating, e.do("PUT", mp+"/sample/1/rating", tok, `{"marks":{"grounds":"met","video":"not met"},"comment":"ok"}`), 200)
	check("PUT", rating, e.do("PUT", mp+"/sample/1/rating", tok, `{"marks":{"grounds":"sort of"},"extra":1}`), 422)
	check("PUT", rating, e.do("PUT", mp+"/sample/x/rating", tok, `{"marks":{"grounds":"met"}}`), 400)
	if err := ps.WriteFindings(ctx, member, m.ID, "Thin grounds."); err != nil {
		t.Fatal(err)
	}
	check("PUT", rating, e.do("PUT", mp+"/sample/1/rating", tok, `{"marks":{"grounds":"met"}}`), 409)
	f := check("GET", "/api/v1/scrutiny/findings", e.do("GET", "/api/v1/scrutiny/findings", "", ""), 200)
	if !strings.Contains(f, "Thin grounds.") || !strings.Contains(f, `"met":1`) || strings.Contains(f, "member.one") {
		t.Errorf("findings: %s", f)
	}
	check("GET", "/api/v1/scrutiny/findings", e.do("GET", "/api/v1/scrutiny/findings?area=nowhere", "", ""), 400)
}
