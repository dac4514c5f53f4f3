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

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/storetest"
)

// With the record service set, the document is still valid OpenAPI 3.1 and
// describes every operation of the encounter: its method, body, answer,
// the problem documents of its refusals and, where a permission is needed,
// the bearer and session schemes. A record's fields name the
// data.police.uk fields they become, and the server's fields are read-only.
func TestEncounterDocument(t *testing.T) {
	a := New(nil)
	a.SetRecords(record.New(storetest.Open(t), record.Options{}))
	doc, err := openapi3.NewLoader().LoadFromData(a.Document())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	if doc.Components.SecuritySchemes["bearer"] == nil || doc.Components.SecuritySchemes["bearer"].Value.Scheme != "bearer" {
		t.Error("no bearer security scheme")
	}
	for _, o := range a.enc {
		item := doc.Paths.Find(o.path)
		if item == nil || item.GetOperation(o.method) == nil {
			t.Fatalf("%s %s not documented", o.method, o.path)
		}
		op := item.GetOperation(o.method)
		if op.OperationID != o.id {
			t.Errorf("%s %s: operationId %q, want %q", o.method, o.path, op.OperationID, o.id)
		}
		ok := op.Responses.Value(strconv.Itoa(o.status))
		if ok == nil || ok.Value.Content.Get("application/json").Schema.Value == nil {
			t.Errorf("%s %s: answer %d not documented", o.method, o.path, o.status)
		}
		want := []int{429}
		if len(o.perms) > 0 {
			want = append(want, 401, 403)
			if op.Security == nil || len(*op.Security) != 2 {
				t.Errorf("%s %s: needs a permission but names no security scheme", o.method, o.path)
			}
		} else if op.Security != nil {
			t.Errorf("%s %s: public but names a security scheme", o.method, o.path)
		}
		if o.body != nil {
			want = append(want, 400, 422)
			if op.RequestBody == nil || op.RequestBody.Value.Content.Get("application/json") == nil {
				t.Errorf("%s %s: no JSON request body", o.method, o.path)
			}
		}
		for code := range o.errs {
			want = append(want, code)
		}
		for _, code := range want {
			r := op.Responses.Value(strconv.Itoa(code))
			if r == nil || (code != 429 && r.Value.Content.Get("application/problem+json") == nil) {
				t.Errorf("%s %s: %d not documented as a problem document", o.method, o.path, code)
			}
		}
		for _, p := range o.params {
			if op.Parameters.GetByInAndName(p.in, p.name) == nil {
				t.Errorf("%s %s: parameter %s missing", o.method, o.path, p.name)
			}
		}
	}
	rec := doc.Components.Schemas["CharterRecord"]
	if rec == nil {
		t.Fatal("no Record schema")
	}
	for name, want := range map[string]string{"self_defined_ethnicity": "data.police.uk self_defined_ethnicity", "gender": "Male",
		"removal_of_more_than_outer_clothing": "Removal of more than just outer clothing", "outcome": "bu-arrest"} {
		if d := rec.Value.Properties[name].Value.Description; !strings.Contains(d, want) {
			t.Errorf("Record.%s: description %q does not say %q", name, d, want)
		}
	}
	if !rec.Value.Properties["id"].Value.ReadOnly || rec.Value.Properties["gender"].Value.ReadOnly {
		t.Error("Record: id should be read-only, gender not")
	}
	if dt := rec.Value.Properties["datetime"].Value; dt.Format != "date-time" {
		t.Errorf("Record.datetime: format %q, want date-time", dt.Format)
	}
}

// Without the record service the encounter is neither routed nor
// documented.
func TestEncounterOff(t *testing.T) {
	a := New(nil)
	mux := http.NewServeMux()
	a.Register(mux, noAssets{})
	for _, p := range []string{"/api/v1/records", "/api/v1/authorisations", "/api/v1/feedback"} {
		if strings.Contains(string(a.Document()), `"`+p+`"`) {
			t.Errorf("%s documented without the record service", p)
		}
		r, _ := http.NewRequest("GET", p, nil)
		if _, pattern := mux.Handler(r); pattern != "GET /api/v1/" {
			t.Errorf("%s routed to %q without the record service", p, pattern)
		}
	}
}

// Every answer of the encounter, success or problem, matches the schema
// the document gives for its operation and status (JSON Schema 2020-12),
// so that a client generated from the document reads what is sent.
func TestEncounterAnswersMatchDocument(t *testing.T) {
	e := newEncounter(t)
	_, officer := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	_, supt := e.user("supt.okafor", charter.RoleSupervisor, charter.RankSuperintendent)
	ap := New(nil)
	ap.SetRecords(e.rec)
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
	c.DefaultDraft(jsonschema.Draft2020)
	const base = "https://charter.test/openapi.json"
	if err := c.AddResource(base, docJSON); err != nil {
		t.Fatal(err)
	}
	check := func(method, pattern string, w *httptest.ResponseRecorder) {
		t.Helper()
		ct := "application/json"
		if w.Code >= 400 {
			ct = "application/problem+json"
		}
		answers, _ := doc["paths"].(map[string]any)[pattern].(map[string]any)[strings.ToLower(method)].(map[string]any)["responses"].(map[string]any)
		answer, _ := answers[strconv.Itoa(w.Code)].(map[string]any)
		content, _ := answer["content"].(map[string]any)[ct].(map[string]any)
		ref, _ := content["schema"].(map[string]any)["$ref"].(string)
		if ref == "" {
			t.Fatalf("%s %s: status %d (%s) is not documented: %s", method, pattern, w.Code, ct, w.Body)
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
	w := e.do("POST", "/api/v1/records", officer, body(validRecord()))
	check("POST", "/api/v1/records", w)
	s := decode[record.Submitted](t, w, http.StatusCreated)
	id := "/api/v1/records/" + strconv.FormatInt(s.ID, 10)
	check("POST", "/api/v1/records", e.do("POST", "/api/v1/records", officer, body(validRecord(), "gender", "x")))
	check("POST", "/api/v1/records", e.do("POST", "/api/v1/records", "", body(validRecord())))
	check("POST", "/api/v1/records/check", e.do("POST", "/api/v1/records/check", officer, body(validRecord(), "gender", nil)))
	check("GET", "/api/v1/records", e.do("GET", "/api/v1/records", officer, ""))
	check("GET", "/api/v1/records/{id}", e.do("GET", id, officer, ""))
	check("PUT", "/api/v1/records/{id}", e.do("PUT", id, officer, body(validRecord(), "age_range", "25-34")))
	check("GET", "/api/v1/records/{id}/versions", e.do("GET", id+"/versions", officer, ""))
	check("POST", "/api/v1/records/{id}/receipt", e.do("POST", id+"/receipt", officer, `{"to":"person@example.org"}`))
	w = e.do("POST", "/api/v1/authorisations", supt, authorisationBody())
	check("POST", "/api/v1/authorisations", w)
	a := decode[charter.Authorisation](t, w, http.StatusCreated)
	aid := "/api/v1/authorisations/" + strconv.FormatInt(a.ID, 10)
	check("POST", "/api/v1/authorisations/{id}/extensions", e.do("POST", aid+"/extensions", supt, `{"until":"`+a.End.Add(time.Hour).Format(time.RFC3339)+`"}`))
	check("GET", "/api/v1/authorisations", e.do("GET", "/api/v1/authorisations?force=metropolitan", "", ""))
	check("GET", "/api/v1/authorisations/{id}", e.do("GET", aid, "", ""))
	check("GET", "/api/v1/feedback", e.do("GET", "/api/v1/feedback?area=metropolitan&from=2026-05&to=2026-06", "", ""))
}
