package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Who may call what: the public is asked to sign in (401 with
// WWW-Authenticate), and so is a caller with a bogus or revoked token; a
// signed-in user whose role lacks the permission is refused (403). The
// gate stands before the service, so none of this touches a record.
func TestEncounterGate(t *testing.T) {
	e := newEncounter(t)
	_, officer := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	_, panel := e.user("panel.jones", charter.RolePanel, charter.RankNone)
	revokedUser, revoked := e.user("pc.gone", charter.RoleOfficer, charter.RankConstable)
	if _, err := e.st.RevokeUserTokens(context.Background(), store.SystemActor, revokedUser.ID); err != nil {
		t.Fatal(err)
	}
	rec := body(validRecord())
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no token", "POST", "/api/v1/records", "", rec, 401},
		{"bogus token", "POST", "/api/v1/records", "chd_bogus", rec, 401},
		{"revoked token", "POST", "/api/v1/records", revoked, rec, 401},
		{"no token, own list", "GET", "/api/v1/records", "", "", 401},
		{"no token, check", "POST", "/api/v1/records/check", "", rec, 401},
		{"panel submits", "POST", "/api/v1/records", panel, rec, 403},
		{"panel checks", "POST", "/api/v1/records/check", panel, rec, 403},
		{"panel lists", "GET", "/api/v1/records", panel, "", 403},
		{"panel reads", "GET", "/api/v1/records/1", panel, "", 403},
		{"panel corrects", "PUT", "/api/v1/records/1", panel, rec, 403},
		{"panel versions", "GET", "/api/v1/records/1/versions", panel, "", 403},
		{"panel receipt", "POST", "/api/v1/records/1/receipt", panel, `{"to":"a@example.org"}`, 403},
		{"officer authorises", "POST", "/api/v1/authorisations", officer, `{"power":"s60"}`, 403},
		{"officer extends", "POST", "/api/v1/authorisations/1/extensions", officer, `{"until":"2026-06-11T00:00:00Z"}`, 403},
		{"no token authorises", "POST", "/api/v1/authorisations", "", `{"power":"s60"}`, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(tc.method, tc.path, tc.token, tc.body)
			problem(t, w, tc.want)
			if tc.want == 401 && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer (%q)", w.Header().Get("WWW-Authenticate"))
			}
		})
	}
	// An answer to a signed-in caller is theirs alone.
	w := e.do("GET", "/api/v1/records", officer, "")
	if cc := w.Header().Get("Cache-Control"); w.Code != http.StatusOK || !strings.Contains(cc, "private") || !strings.Contains(cc, "no-store") {
		t.Errorf("GET /api/v1/records with a token: %d, Cache-Control %q; want 200, private, no-store", w.Code, cc)
	}
	// A browser signed in on the site calls the API with its session.
	u, _ := e.st.UserByName(context.Background(), "pc.smith")
	if err := e.st.CreateSession(context.Background(), auth.HashToken("session-token"), u.ID, testNow.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if w := e.do("GET", "/api/v1/records", "", "", "Cookie", auth.CookieName+"=session-token"); w.Code != http.StatusOK {
		t.Errorf("GET /api/v1/records with a session: %d %s", w.Code, w.Body)
	}
}

// A body that is not a JSON object is a 400 that says so; members that are
// not fields of a record, or of the wrong type, are each named in a 422;
// a malformed Idempotency-Key is a 400 naming the header.
func TestRecordBody(t *testing.T) {
	e := newEncounter(t)
	_, tok := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	for _, tc := range []struct{ name, body, ctype, want string }{
		{"not JSON", `type=Person search`, "", "not JSON"},
		{"empty", ` `, "", "not JSON"},
		{"a list", `[{"type":"Person search"}]`, "", "not a JSON object"},
		{"null", `null`, "", "not a JSON object"},
		{"a form", `{}`, "application/x-www-form-urlencoded", "Content-Type: application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := []string{}
			if tc.ctype != "" {
				hdr = []string{"Content-Type", tc.ctype}
			}
			p := problem(t, e.do("POST", "/api/v1/records", tok, tc.body, hdr...), http.StatusBadRequest)
			if !strings.Contains(p.Detail, tc.want) {
				t.Errorf("detail %q does not say %q", p.Detail, tc.want)
			}
		})
	}
	t.Run("members", func(t *testing.T) {
		w := e.do("POST", "/api/v1/records", tok, body(validRecord(), "colour", "red", "latitude", "north", "use_of_force", "yes"))
		p := problem(t, w, http.StatusUnprocessableEntity)
		got := fieldsOf(p)
		for f, reason := range map[string]string{"colour": "not a field of a record", "latitude": "want a number", "use_of_force": "want true or false, or null"} {
			if !strings.Contains(got[f], reason) {
				t.Errorf("%s: reason %q, want %q (all: %v)", f, got[f], reason, got)
			}
		}
		if len(got) != 3 {
			t.Errorf("named %v, want the 3 bad members only", got)
		}
	})
	for _, key := range []string{strings.Repeat("k", 201), "caf\u00e9", "a\tb"} {
		p := problem(t, e.do("POST", "/api/v1/records", tok, body(validRecord()), IdempotencyKeyHeader, key), http.StatusBadRequest)
		if !strings.Contains(p.Detail, IdempotencyKeyHeader) {
			t.Errorf("key %q: detail %q does not name the header", key, p.Detail)
		}
	}
}

// A record is stored once: 201 with its id, reference and receipt link and
// its Location; the same Idempotency-Key again answers the same, marked
// replayed, and stores nothing more.
func TestCreateRecord(t *testing.T) {
	e := newEncounter(t)
	_, tok := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	key := "5f0c6c1e-8f7a-4a39-9d4e-0a4f2b9d1c11"
	w := e.do("POST", "/api/v1/records", tok, body(validRecord()), IdempotencyKeyHeader, key)
	first := decode[map[string]any](t, w, http.StatusCreated)
	id, _ := first["id"].(float64)
	if id <= 0 || first["reference"] == "" || !strings.HasPrefix(fmt.Sprint(first["receipt_url"]), "https://charter.test/r/") {
		t.Fatalf("answer %v: want id, reference and receipt_url", first)
	}
	if len(first) != 3 {
		t.Errorf("answer %v: want only id, reference and receipt_url", first)
	}
	if loc := w.Header().Get("Location"); loc != fmt.Sprintf("/api/v1/records/%d", int64(id)) {
		t.Errorf("Location %q", loc)
	}
	if w.Header().Get(ReplayedHeader) != "" {
		t.Errorf("first answer marked %s", ReplayedHeader)
	}
	w2 := e.do("POST", "/api/v1/records", tok, body(validRecord()), IdempotencyKeyHeader, key)
	if w2.Code != http.StatusCreated || w2.Body.String() != w.Body.String() || w2.Header().Get(ReplayedHeader) != "true" {
		t.Errorf("replay: %d %s %s=%q; want 201, the first body, true", w2.Code, w2.Body, ReplayedHeader, w2.Header().Get(ReplayedHeader))
	}
	mine := decode[Records](t, e.do("GET", "/api/v1/records", tok, ""), http.StatusOK)
	if len(mine.Records) != 1 || mine.Records[0].ID != int64(id) {
		t.Fatalf("after a replay the officer has %d records, want 1", len(mine.Records))
	}
	got := decode[charter.Record](t, e.do("GET", fmt.Sprintf("/api/v1/records/%d", int64(id)), tok, ""), http.StatusOK)
	if got.Reference != first["reference"] || got.Gender != "Male" || got.Version != 1 || got.UseOfForce == nil || *got.UseOfForce {
		t.Errorf("read back %+v", got)
	}
}

// A record with three bad fields is refused naming all three, by their
// JSON names, and nothing is stored; the check answers the same problems
// with 200 and stores nothing either.
func TestRecordInvalidAndCheck(t *testing.T) {
	e := newEncounter(t)
	_, tok := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	bad := body(validRecord(), "type", "Bicycle search", "gender", nil, "age_range", "old")
	p := problem(t, e.do("POST", "/api/v1/records", tok, bad), http.StatusUnprocessableEntity)
	got := fieldsOf(p)
	for _, f := range []string{"type", "gender", "age_range"} {
		if got[f] == "" {
			t.Errorf("%s not named; named %v", f, got)
		}
	}
	if p.Code != charter.EFIELDS {
		t.Errorf("code %q, want %q", p.Code, charter.EFIELDS)
	}
	checked := decode[Checked](t, e.do("POST", "/api/v1/records/check", tok, bad), http.StatusOK)
	if len(checked.Errors) != len(p.Errors) {
		t.Errorf("check names %v, submission %v", checked.Errors, p.Errors)
	}
	ok := decode[map[string]any](t, e.do("POST", "/api/v1/records/check", tok, body(validRecord())), http.StatusOK)
	if errs, isList := ok["errors"].([]any); !isList || len(errs) != 0 {
		t.Errorf("check of a good record: %v, want errors: []", ok)
	}
	if mine := decode[Records](t, e.do("GET", "/api/v1/records", tok, ""), http.StatusOK); len(mine.Records) != 0 {
		t.Errorf("%d records stored by refusals and checks", len(mine.Records))
	}
}

// An officer reads, corrects and lists the versions of their own record
// within the correction window, not after it; another officer cannot read
// it, a supervisor (who may read every record) can.
func TestRecordOwnership(t *testing.T) {
	e := newEncounter(t)
	_, smith := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	_, brown := e.user("pc.brown", charter.RoleOfficer, charter.RankConstable)
	_, sergeant := e.user("ps.patel", charter.RoleSupervisor, charter.RankSergeant)
	s := decode[record.Submitted](t, e.do("POST", "/api/v1/records", smith, body(validRecord())), http.StatusCreated)
	path := fmt.Sprintf("/api/v1/records/%d", s.ID)

	for _, p := range []string{path, path + "/versions"} {
		w := e.do("GET", p, brown, "")
		if w.Code != http.StatusNotFound && w.Code != http.StatusForbidden {
			t.Errorf("another officer's GET %s: %d %s, want 404 or 403", p, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "cannabis") {
			t.Errorf("another officer's GET %s shows the grounds", p)
		}
	}
	if w := e.do("PUT", path, brown, body(validRecord())); w.Code != http.StatusNotFound && w.Code != http.StatusForbidden {
		t.Errorf("another officer's correction: %d, want 404 or 403", w.Code)
	}
	if mine := decode[Records](t, e.do("GET", "/api/v1/records", brown, ""), http.StatusOK); len(mine.Records) != 0 {
		t.Errorf("another officer lists %d records, want none", len(mine.Records))
	}
	if r := decode[charter.Record](t, e.do("GET", path, sergeant, ""), http.StatusOK); r.ID != s.ID {
		t.Errorf("supervisor read record %d, want %d", r.ID, s.ID)
	}

	corrected := decode[charter.Record](t, e.do("PUT", path, smith, body(validRecord(), "age_range", "25-34")), http.StatusOK)
	if corrected.Version != 2 || corrected.AgeRange != "25-34" || corrected.ID != s.ID {
		t.Errorf("correction answered %+v, want version 2 with age 25-34", corrected)
	}
	vs := decode[Versions](t, e.do("GET", path+"/versions", smith, ""), http.StatusOK)
	if len(vs.Versions) != 2 || vs.Versions[0].AgeRange != "18-24" || vs.Versions[1].AgeRange != "25-34" {
		t.Errorf("versions %+v, want 18-24 then 25-34", vs.Versions)
	}
	p := problem(t, e.do("PUT", path, smith, body(validRecord(), "age_range", "over 34", "gender", nil)), http.StatusUnprocessableEntity)
	if fieldsOf(p)["gender"] == "" {
		t.Errorf("a bad correction does not name gender: %v", p.Errors)
	}

	e.advance(25 * time.Hour)
	w := e.do("PUT", path, smith, body(validRecord(), "age_range", "over 34"))
	if w.Code != http.StatusConflict && w.Code != http.StatusForbidden {
		t.Fatalf("correction after the window: %d %s, want 409 or 403", w.Code, w.Body)
	}
	if p := problem(t, w, w.Code); !strings.Contains(p.Detail, "correct") {
		t.Errorf("refusal after the window does not say why: %q", p.Detail)
	}
}

// A receipt link is sent to an address (202), and a request without one
// is refused naming "to".
func TestSendReceipt(t *testing.T) {
	e := newEncounter(t)
	_, tok := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	s := decode[record.Submitted](t, e.do("POST", "/api/v1/records", tok, body(validRecord())), http.StatusCreated)
	path := fmt.Sprintf("/api/v1/records/%d/receipt", s.ID)
	if got := decode[ReceiptSent](t, e.do("POST", path, tok, `{"to":"person@example.org"}`), http.StatusAccepted); got.Status == "" {
		t.Error("202 without a status")
	}
	if p := problem(t, e.do("POST", path, tok, `{"to":"  "}`), http.StatusUnprocessableEntity); fieldsOf(p)["to"] == "" {
		t.Errorf("an empty address is not named: %v", p.Errors)
	}
	problem(t, e.do("POST", "/api/v1/records/x/receipt", tok, `{"to":"person@example.org"}`), http.StatusBadRequest)
}
