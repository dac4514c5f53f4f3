package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/recordtest"
)

func authorisationBody(changes ...any) string {
	return body(map[string]any{
		"power":               "s60",
		"wards":               []string{recordtest.BrixtonWard},
		"start":               testNow.Format(time.RFC3339),
		"end":                 testNow.Add(12 * time.Hour).Format(time.RFC3339),
		"grounds":             "Two stabbings near the market this week and intelligence of a planned retaliation tonight.",
		"violence_will_occur": true,
	}, changes...)
}

// A superintendent registers an s60 authorisation (201, Location) and
// extends it; the public register, by force and by id, shows who gave it
// by rank and never by name.
func TestAuthorisations(t *testing.T) {
	e := newEncounter(t)
	_, supt := e.user("supt.okafor", charter.RoleSupervisor, charter.RankSuperintendent)
	w := e.do("POST", "/api/v1/authorisations", supt, authorisationBody())
	a := decode[charter.Authorisation](t, w, http.StatusCreated)
	if a.ID <= 0 || a.RankName != "superintendent" || a.Power != "s60" || len(a.Wards) != 1 || a.Force != "metropolitan" {
		t.Fatalf("registered %+v", a)
	}
	if !strings.Contains(w.Body.String(), `"extensions":[]`) {
		t.Errorf("a new authorisation's extensions are not []: %s", w.Body)
	}
	path := fmt.Sprintf("/api/v1/authorisations/%d", a.ID)
	if loc := w.Header().Get("Location"); loc != path {
		t.Errorf("Location %q, want %q", loc, path)
	}
	ext := decode[charter.Authorisation](t, e.do("POST", path+"/extensions", supt,
		fmt.Sprintf(`{"until":%q}`, a.End.Add(12*time.Hour).Format(time.RFC3339))), http.StatusOK)
	if len(ext.Extensions) != 1 || !ext.End.Equal(a.End.Add(12*time.Hour)) {
		t.Errorf("extended %+v", ext)
	}
	for _, p := range []string{"/api/v1/authorisations?force=metropolitan", "/api/v1/authorisations", path} {
		w := e.do("GET", p, "", "")
		if w.Code != http.StatusOK {
			t.Fatalf("public GET %s: %d %s", p, w.Code, w.Body)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("public GET %s: Cache-Control %q, want no-cache", p, cc)
		}
		if b := w.Body.String(); strings.Contains(b, "okafor") || !strings.Contains(b, `"rank":"superintendent"`) {
			t.Errorf("public GET %s: want the rank and not the name: %s", p, b)
		}
	}
	if reg := decode[Authorisations](t, e.do("GET", "/api/v1/authorisations?force=metropolitan", "", ""), http.StatusOK); len(reg.Authorisations) != 1 {
		t.Errorf("the Met's register has %d, want 1", len(reg.Authorisations))
	}
	if reg := decode[Authorisations](t, e.do("GET", "/api/v1/authorisations?force=kent", "", ""), http.StatusOK); len(reg.Authorisations) != 0 {
		t.Errorf("Kent's register has %d, want none", len(reg.Authorisations))
	}
	if p := problem(t, e.do("GET", "/api/v1/authorisations?force=atlantis", "", ""), http.StatusBadRequest); !strings.Contains(p.Detail, "force") {
		t.Errorf("unknown force: %q does not name the parameter", p.Detail)
	}
	problem(t, e.do("GET", "/api/v1/authorisations/999", "", ""), http.StatusNotFound)
}

// An authorisation with three bad fields names all three; an extension
// without a time names until.
func TestAuthorisationInvalid(t *testing.T) {
	e := newEncounter(t)
	_, supt := e.user("supt.okafor", charter.RoleSupervisor, charter.RankSuperintendent)
	p := problem(t, e.do("POST", "/api/v1/authorisations", supt, authorisationBody("power", "s99", "wards", []string{}, "grounds", "trouble")), http.StatusUnprocessableEntity)
	got := fieldsOf(p)
	for _, f := range []string{"power", "wards", "grounds"} {
		if got[f] == "" {
			t.Errorf("%s not named: %v", f, got)
		}
	}
	p = problem(t, e.do("POST", "/api/v1/authorisations", supt, authorisationBody("start", "tonight", "officer", "me")), http.StatusUnprocessableEntity)
	if got := fieldsOf(p); got["start"] == "" || got["officer"] == "" {
		t.Errorf("a bad time and an unknown member: named %v", got)
	}
	a := decode[charter.Authorisation](t, e.do("POST", "/api/v1/authorisations", supt, authorisationBody()), http.StatusCreated)
	p = problem(t, e.do("POST", fmt.Sprintf("/api/v1/authorisations/%d/extensions", a.ID), supt, `{}`), http.StatusUnprocessableEntity)
	if fieldsOf(p)["until"] == "" {
		t.Errorf("an extension without until: named %v", p.Errors)
	}
}
