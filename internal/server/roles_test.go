package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// The roles of the scenario tables: "none" is the public.
var scenarioRoles = []string{"none", "officer", "supervisor", "complaints", "panel", "analyst", "admin"}

// Secrets a record holds that the public must never see: the grounds
// (marked so a match cannot be chance), the vehicle registration, the
// contact a receipt was sent to, and the officer's name.
const (
	secretGrounds  = "Grounds marker QX7Z: seen passing a small bag to another man near the station"
	secretReg      = "QX71ZZZ"
	secretContact  = "jo.bloggs.qx7z@example.org"
	officerName    = "pc-qx7z-1234"
	supervisorName = "insp-qx7z-42"
)

// rolesEnv is a server on London's real boundaries and a month of real
// searches, with one signed-in client per role, a record, its receipt and
// an s60 authorisation.
type rolesEnv struct {
	t       *testing.T
	h       http.Handler
	st      *store.Store
	srv     *Server
	cookies map[string]*http.Cookie
	tokens  map[string]string
	users   map[string]*charter.User
	id      int64 // the officer's record
	receipt string
	authID  int64
}

func newRolesEnv(t *testing.T) *rolesEnv {
	t.Helper()
	ctx := context.Background()
	e := &rolesEnv{t: t, st: recordtest.London(t), cookies: map[string]*http.Cookie{}, tokens: map[string]string{}, users: map[string]*charter.User{}}
	cfg := DefaultConfig()
	cfg.Quiet, cfg.Watch, cfg.Logger = true, 0, slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.RateLimit, cfg.PageRateLimit, cfg.PublishDelay = 0, 0, -1
	cfg.Records.BaseURL = "https://charter.test"
	var err error
	if e.srv, err = New(ctx, e.st, cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Close)
	e.h = e.srv.Handler()
	ranks := map[string]charter.Rank{"officer": charter.RankConstable, "supervisor": charter.RankInspector}
	names := map[string]string{"officer": officerName, "supervisor": supervisorName}
	for _, role := range scenarioRoles[1:] {
		name := names[role]
		if name == "" {
			name = role + "-1"
		}
		u := recordtest.User(t, e.st, name, charter.Role(role), ranks[role])
		e.users[role] = u
		e.tokens[role] = recordtest.Token(t, e.st, u)
		e.cookies[role] = e.signIn(name)
	}
	e.users["other officer"] = recordtest.User(t, e.st, "pc-other", charter.RoleOfficer, charter.RankConstable)
	e.tokens["other officer"] = recordtest.Token(t, e.st, e.users["other officer"])

	now := time.Now()
	a, err := e.srv.Records.Authorise(ctx, e.users["supervisor"], charter.Authorisation{Power: "s60", Wards: []string{recordtest.BrixtonWard},
		Start: now.Add(-10 * time.Minute), End: now.Add(12 * time.Hour), Grounds: "Retaliation expected after two stabbings by the station last night"})
	if err != nil {
		t.Fatal(err)
	}
	e.authID = a.ID
	r := recordtest.Routine(now)
	r.Type, r.VehicleRegistration, r.Grounds = "Person and Vehicle search", secretReg, secretGrounds
	sub, err := e.srv.Records.Submit(ctx, e.users["officer"], "", r)
	if err != nil {
		t.Fatal(err)
	}
	e.id, e.receipt = sub.ID, sub.ReceiptToken
	if err := e.srv.Records.SendReceipt(ctx, e.users["officer"], sub.ID, secretContact); err != nil {
		t.Fatal(err)
	}
	return e
}

// signIn posts the sign-in form and returns the session cookie.
func (e *rolesEnv) signIn(name string) *http.Cookie {
	form := url.Values{"name": {name}, "password": {recordtest.Password}}
	r := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == auth.CookieName && c.Value != "" {
			return c
		}
	}
	e.t.Fatalf("signing in as %s: %d %s", name, w.Code, w.Body.String())
	return nil
}

// do sends a request as role: a page with the role's session cookie, an
// API call with its device token.
func (e *rolesEnv) do(role, method, path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	api := strings.HasPrefix(path, "/api/")
	switch {
	case api:
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Accept", "application/json")
	case method == "POST":
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Accept", "text/html")
	default:
		r.Header.Set("Accept", "text/html")
	}
	if role != "none" {
		if api {
			r.Header.Set("Authorization", "Bearer "+e.tokens[role])
		} else {
			r.AddCookie(e.cookies[role])
		}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// scenario is one page or endpoint and the status each role gets.
type scenario struct {
	method, path, body string
	want               map[string]int // by role; "*" for every role not listed
}

func statuses(other int, pairs ...any) map[string]int {
	m := map[string]int{"*": other}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i].(string)] = pairs[i+1].(int)
	}
	return m
}

// TestRoleScenarios is the table of what each role may see and do on every
// page and endpoint of the encounter: the public is sent to sign in (pages)
// or refused 401 (APIs); a signed-in user without the right is refused 403
// on every surface.
func TestRoleScenarios(t *testing.T) {
	e := newRolesEnv(t)
	rec := recordtest.Routine(time.Now())
	body, _ := json.Marshal(rec)
	authBody := fmt.Sprintf(`{"power":"s60","wards":[%q],"start":%q,"end":%q,"grounds":"Intelligence of a planned fight between two groups tonight"}`,
		recordtest.BrixtonWard, time.Now().Format(time.RFC3339), time.Now().Add(6*time.Hour).Format(time.RFC3339))
	const signIn, ok, created, unauth, forbid = http.StatusSeeOther, http.StatusOK, http.StatusCreated, http.StatusUnauthorized, http.StatusForbidden
	const invalid = http.StatusUnprocessableEntity
	officers := []any{"none", signIn, "officer", ok, "supervisor", ok}
	rp := fmt.Sprintf("/officer/records/%d", e.id)
	ap := fmt.Sprintf("/api/v1/records/%d", e.id)
	table := []scenario{
		// The officer's pages.
		{"GET", "/officer", "", statuses(forbid, officers...)},
		{"GET", "/officer/record", "", statuses(forbid, officers...)},
		{"GET", rp, "", statuses(forbid, "none", signIn, "officer", ok, "supervisor", ok, "complaints", ok)},
		{"GET", rp + "/receipt", "", statuses(forbid, "none", signIn, "officer", ok)},
		{"GET", "/officer/authorisations/new", "", statuses(forbid, "none", signIn, "supervisor", ok)},
		{"GET", "/officer/authorisations", "", statuses(forbid, "none", signIn, "supervisor", ok)},
		{"GET", "/officer/figures", "", statuses(forbid, "none", signIn, "supervisor", ok, "analyst", ok, "admin", ok)},
		{"POST", "/officer/check", "type=Vehicle+search", statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok)},
		{"POST", "/officer/record", "type=Boat", statuses(forbid, "none", unauth, "officer", invalid, "supervisor", invalid)},
		{"POST", rp, "type=Boat", statuses(forbid, "none", unauth, "officer", invalid)},
		{"POST", rp + "/send", "to=nobody", statuses(forbid, "none", unauth, "officer", invalid)},
		{"POST", fmt.Sprintf("/officer/authorisations/%d/extend", e.authID), "until=", statuses(forbid, "none", unauth, "supervisor", invalid)},
		// The public's pages.
		{"GET", "/r/" + e.receipt, "", statuses(ok)},
		{"GET", "/r/" + e.receipt + "x", "", statuses(http.StatusNotFound)},
		{"GET", "/r/" + e.receipt + "/feedback", "", statuses(ok)},
		{"POST", "/r/" + e.receipt + "/feedback", "comment=", statuses(invalid)},
		{"GET", "/authorisations", "", statuses(ok)},
		{"GET", "/feedback", "", statuses(ok)},
		{"GET", "/audit", "", statuses(ok)},
		{"GET", "/signin", "", statuses(ok)},
		// The device API.
		{"POST", "/api/v1/records", string(body), statuses(forbid, "none", unauth, "officer", created, "supervisor", created)},
		{"POST", "/api/v1/records/check", string(body), statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok)},
		{"GET", "/api/v1/records", "", statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok)},
		{"GET", ap, "", statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok, "complaints", ok)},
		{"GET", ap + "/versions", "", statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok, "complaints", ok)},
		{"PUT", ap, `{"type":"Boat"}`, statuses(forbid, "none", unauth, "officer", invalid)},
		{"POST", ap + "/receipt", `{"to":"nobody"}`, statuses(forbid, "none", unauth, "officer", invalid)},
		{"POST", fmt.Sprintf("/api/v1/authorisations/%d/extensions", e.authID), `{"until":"2000-01-01T00:00:00Z"}`, statuses(forbid, "none", unauth, "supervisor", invalid)},
		{"POST", "/api/v1/authorisations", authBody, statuses(forbid, "none", unauth, "supervisor", created)},
		{"GET", "/api/v1/authorisations?force=metropolitan", "", statuses(ok)},
		{"GET", fmt.Sprintf("/api/v1/authorisations/%d", e.authID), "", statuses(ok)},
		{"GET", "/api/v1/feedback?area=metropolitan", "", statuses(ok)},
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
	// Another officer may not see the record, on any surface.
	if w := e.do("other officer", "GET", ap, ""); w.Code != forbid {
		t.Errorf("another officer reads the record through the API: %d", w.Code)
	}
}

// TestNothingPersonalInPublic: nothing the public can reach shows a
// record's grounds, its vehicle registration, the contact its receipt was
// sent to, or an officer's name, before and after the record's month is
// published; and a panel member, whose role sees nothing else, sees none of
// it either.
func TestNothingPersonalInPublic(t *testing.T) {
	e := newRolesEnv(t)
	ctx := context.Background()
	pages := []string{"/", "/authorisations", "/feedback", "/audit", "/rights", "/forces/metropolitan",
		"/boroughs/E09000022", "/wards/" + recordtest.BrixtonWard, "/downloads",
		"/api/v1/authorisations?force=metropolitan", fmt.Sprintf("/api/v1/authorisations/%d", e.authID),
		"/api/v1/feedback?area=metropolitan", "/api/v1/feedback?area=" + recordtest.BrixtonWard, "/api/openapi.json",
		fmt.Sprintf("/api/stops-street?lat=%v&lng=%v", recordtest.BrixtonLat, recordtest.BrixtonLon),
		"/api/stops-force?force=metropolitan",
		"/downloads/stops.csv",
	}
	check := func(when string) {
		for _, role := range []string{"none", "panel"} {
			for _, p := range pages {
				w := e.do(role, "GET", p, "")
				if w.Code >= 500 {
					t.Errorf("%s: GET %s as %s: %d", when, p, role, w.Code)
				}
				b := w.Body.String()
				for _, secret := range []string{"QX7Z", secretReg, secretContact, officerName, supervisorName, "qx7z"} {
					if strings.Contains(b, secret) {
						t.Errorf("%s: GET %s as %s shows %q", when, p, role, secret)
					}
				}
			}
			// The person's own receipt shows their record (grounds
			// included) and the officer as GOWISELY names them, never the
			// contact it was sent to.
			w := e.do(role, "GET", "/r/"+e.receipt, "")
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Grounds marker QX7Z") || strings.Contains(w.Body.String(), secretContact) {
				t.Errorf("%s: the receipt as %s: %d, shows the grounds %v, the contact %v", when, role, w.Code,
					strings.Contains(w.Body.String(), "QX7Z"), strings.Contains(w.Body.String(), secretContact))
			}
		}
	}
	check("before publication")
	pub, err := (&importer.Importer{Store: e.st}).PublishDue(ctx, time.Now().AddDate(0, 3, 0), 0)
	if err != nil || len(pub) != 1 || pub[0].Records != 1 {
		t.Fatalf("publication: %+v, %v", pub, err)
	}
	check("after publication")
}
