package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"rsc.io/qr"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// A record shown in the correction form and sent back is the same record.
func TestEncounterRecordFormRoundTrip(t *testing.T) {
	yes, no := true, false
	r := charter.Record{
		Type: "Person and Vehicle search", Datetime: time.Date(2026, 7, 1, 22, 30, 0, 0, charter.London),
		Latitude: 51.5133, Longitude: -0.089, Address: "Bank Station", Legislation: charter.LawS60,
		ObjectOfSearch: charter.ObjectWeapons, Grounds: "told the person about the authorisation in force",
		AuthorisationID: 7, SelfDefinedEthnicity: charter.SelfDefinedEthnicities[0].Label, OfficerDefinedEthnicity: "Asian",
		Gender: "Male", AgeRange: "18-24", VehicleRegistration: "AB12CDE", Outcome: "Arrest",
		OutcomeLinkedToObjectOfSearch: &yes, RemovalOfMoreThanOuterClothing: &no, UseOfForce: &no, BodyWornVideo: &yes,
		Gowisely: true, Listened: true,
	}
	got, fe := parseRecord(recordValues(r))
	if len(fe) > 0 {
		t.Fatalf("parse: %v", fe)
	}
	if !got.Datetime.Equal(r.Datetime) {
		t.Errorf("time %v, want %v", got.Datetime, r.Datetime)
	}
	got.Datetime = r.Datetime
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}
	// Unanswered yes/no questions stay unknown, never "no".
	empty, _ := parseRecord(url.Values{})
	if empty.UseOfForce != nil || empty.OutcomeLinkedToObjectOfSearch != nil {
		t.Error("an unanswered yes/no question was read as an answer")
	}
	if _, fe := parseRecord(url.Values{"date": {"yesterday"}, "time": {"25:00"}, "latitude": {"north"}}); len(fe) != 2 {
		t.Errorf("unreadable date and place: %v", fe)
	}
}

// The QR code's SVG draws exactly the code's black modules, inside the
// quiet zone.
func TestEncounterQRSVG(t *testing.T) {
	const u = "https://charter.example/r/abcdefghijklmnopqrstuvwxyz012345"
	svg, err := QRSVG(u)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := qr.Encode(u, qr.M)
	black := 0
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				black++
			}
		}
	}
	// Each run is "M x y h n v1 h-n z": the n of "h-n" add up to the black modules.
	drawn := 0
	for _, part := range strings.Split(string(svg), "h-")[1:] {
		var n int
		for _, ch := range part {
			if ch < '0' || ch > '9' {
				break
			}
			n = n*10 + int(ch-'0')
		}
		drawn += n
	}
	if drawn != black || !strings.HasPrefix(string(svg), "<svg") {
		t.Errorf("drew %d modules, the code has %d", drawn, black)
	}
	if again, _ := QRSVG(u); again != svg {
		t.Error("the same address drew another code")
	}
}

// encounterSite is the site with the encounter's pages over a test store.
type encounterSite struct {
	st  *store.Store
	rs  *record.Service
	url string
}

func newEncounterSite(t *testing.T, st *store.Store) *encounterSite {
	t.Helper()
	ctx := context.Background()
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	site, err := New(public.New(st, snap, "metropolitan"), log)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(ctx, st, auth.Options{Logger: log, ErrorPage: site.Fail})
	if err != nil {
		t.Fatal(err)
	}
	rs := record.New(st, record.Options{})
	site.SetEncounter(Encounter{Auth: a, Records: rs})
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(a.Middleware(mux))
	t.Cleanup(srv.Close)
	return &encounterSite{st: st, rs: rs, url: srv.URL}
}

// signIn creates a user and returns a client signed in as them that does
// not follow redirects.
func (s *encounterSite) signIn(t *testing.T, name string, role charter.Role, rank charter.Rank) *http.Client {
	t.Helper()
	hash, _ := auth.HashPassword("a long enough password")
	if _, err := s.st.CreateUser(context.Background(), store.SystemActor, store.NewUser{Name: name, Role: role, Force: "metropolitan", Rank: rank, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(s.url+"/signin", url.Values{"name": {name}, "password": {"a long enough password"}, "next": {"/officer"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", name, res.StatusCode)
	}
	return c
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = c.PostForm(u, form)
	} else {
		req, _ := http.NewRequest(method, u, nil)
		req.Header.Set("Accept", "text/html")
		res, err = c.Do(req)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// The officer's pages need a signed-in officer; the form holds every field
// of a record and a fresh key; a form the server cannot read comes back as
// typed, with the message beside the field.
func TestEncounterRecordForm(t *testing.T) {
	s := newEncounterSite(t, storetest.Open(t))
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, _ := fetch(t, anon, "GET", s.url+"/officer/record", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Errorf("the public asking for the form: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	c := s.signIn(t, "pc.form", charter.RoleOfficer, charter.RankConstable)
	res, body := fetch(t, c, "GET", s.url+"/officer/record", nil)
	if res.StatusCode != 200 {
		t.Fatalf("GET /officer/record: %d\n%s", res.StatusCode, body)
	}
	for _, name := range []string{"idempotency_key", "type", "date", "time", "latitude", "longitude", "address", "legislation",
		"object_of_search", "grounds", "authorisation_id", "self_defined_ethnicity", "officer_defined_ethnicity", "gender",
		"age_range", "vehicle_registration", "outcome", "outcome_linked_to_object_of_search", "removal_of_more_than_outer_clothing",
		"use_of_force", "body_worn_video", "gowisely", "grounds_explained", "listened", "debriefed"} {
		if !strings.Contains(body, `name="`+name+`"`) {
			t.Errorf("the form has no field %s", name)
		}
	}
	if strings.Contains(body, "Police and Criminal Evidence Act 1984 (section 1)</option>") || !strings.Contains(body, ">s1 PACE") {
		t.Error("the powers are not offered by their short names")
	}
	res, body = fetch(t, c, "POST", s.url+"/officer/record", url.Values{"date": {"someday"}, "time": {"12:00"}, "grounds": {"saw him hide a knife"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "give the date and the time") ||
		!strings.Contains(body, "saw him hide a knife</textarea>") || !strings.Contains(body, `id="e-date" data-error-for="date">`) {
		t.Errorf("an unreadable date: %d\n%s", res.StatusCode, body)
	}
	// Staff without the right are refused, not sent to sign in.
	panel := s.signIn(t, "panel.member", charter.RolePanel, charter.RankNone)
	if res, _ := fetch(t, panel, "GET", s.url+"/officer/record", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a panel member asking for the form: %d", res.StatusCode)
	}
	if res, _ := fetch(t, c, "GET", s.url+"/officer/authorisations/new", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a constable asking for the authorisation form: %d", res.StatusCode)
	}
}
