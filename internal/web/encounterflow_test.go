package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/recordtest"
)

// The encounter without JavaScript, over London's real boundaries: a
// record sent from the form goes to the hand-over, whose QR code is the
// receipt's address; the receipt opens from it, uncached, and takes
// feedback once; a correction is kept as a version; a supervisor's
// authorisation is on the public register by ward name and rank; the
// feedback figures render.
func TestEncounterFlow(t *testing.T) {
	s := newEncounterSite(t, recordtest.London(t))
	pc := s.signIn(t, "pc.flow", charter.RoleOfficer, charter.RankConstable)

	v := recordValues(recordtest.Routine(time.Now()))
	v.Set("idempotency_key", "flow-1")
	res, body := fetch(t, pc, "POST", s.url+"/officer/record", v)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/officer/records/\d+/receipt$`).MatchString(loc) {
		t.Fatalf("POST a routine record: %d to %q\n%.2000s", res.StatusCode, loc, body)
	}
	// The same key again stores nothing new and answers the same.
	if res, _ := fetch(t, pc, "POST", s.url+"/officer/record", v); res.Header.Get("Location") != loc {
		t.Errorf("the same key sent again went to %q, want %q", res.Header.Get("Location"), loc)
	}

	// Check as typed: the form's own field names, and nothing stored.
	bad := recordValues(recordtest.Routine(time.Now()))
	bad.Set("legislation", charter.LawPACE1)
	res, body = fetch(t, pc, "POST", s.url+"/officer/check", bad)
	if res.StatusCode != 200 || !strings.Contains(body, `"field":"object_of_search"`) || !strings.Contains(body, "does not allow") {
		t.Errorf("check as typed: %d %s", res.StatusCode, body)
	}
	res, body = fetch(t, pc, "GET", s.url+loc, nil)
	m := regexp.MustCompile(`data-receipt-url="([^"]+)"`).FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("the hand-over: %d\n%.2000s", res.StatusCode, body)
	}
	receipt := m[1]
	qr, _ := QRSVG(receipt)
	if !strings.Contains(body, string(qr)) || !strings.HasPrefix(receipt, s.url+"/r/") || strings.Contains(loc, "/r/") {
		t.Errorf("the hand-over's QR code is not the receipt's address %q", receipt)
	}
	if res, body := fetch(t, pc, "POST", s.url+strings.TrimSuffix(loc, "/receipt")+"/send", url.Values{"to": {"not a contact"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "give an email address or a phone number") {
		t.Errorf("sending to a bad contact: %d", res.StatusCode)
	}
	if res, _ := fetch(t, pc, "POST", s.url+strings.TrimSuffix(loc, "/receipt")+"/send", url.Values{"to": {"person@example.org"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sending the receipt: %d", res.StatusCode)
	}

	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, body = fetch(t, anon, "GET", receipt, nil)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "Strong smell of cannabis") ||
		!strings.Contains(body, "pc.flow") || !strings.Contains(body, `href="/rights#complain"`) {
		t.Errorf("the receipt: %d %q\n%.2000s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	if res, _ := fetch(t, anon, "GET", s.url+"/r/not-a-token", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown receipt: %d", res.StatusCode)
	}
	if res, body := fetch(t, anon, "GET", receipt+"/feedback", nil); res.StatusCode != 200 || !strings.Contains(body, `name="trust" value="5"`) {
		t.Errorf("the survey: %d\n%.2000s", res.StatusCode, body)
	}
	if res, _ := fetch(t, anon, "POST", receipt+"/feedback", url.Values{"listened": {"4"}, "comment": {"fine"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("feedback: %d", res.StatusCode)
	}
	if res, body := fetch(t, anon, "POST", receipt+"/feedback", url.Values{"listened": {"1"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "already given feedback") {
		t.Errorf("feedback a second time: %d\n%.1000s", res.StatusCode, body)
	}

	// A correction is the next version; the first is kept.
	path := strings.TrimSuffix(loc, "/receipt")
	res, body = fetch(t, pc, "GET", s.url+path, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Correct this record") {
		t.Fatalf("the record: %d\n%.2000s", res.StatusCode, body)
	}
	v.Set("outcome", "Arrest")
	v.Set("outcome_linked_to_object_of_search", "yes")
	if res, body := fetch(t, pc, "POST", s.url+path, v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a correction: %d\n%.2000s", res.StatusCode, body)
	}
	if _, body := fetch(t, pc, "GET", s.url+path+"?corrected=1", nil); !strings.Contains(body, "saved as version 2") || !strings.Contains(body, "Version 1:") {
		t.Errorf("the corrected record does not show its versions:\n%.3000s", body)
	}
	if _, body := fetch(t, pc, "GET", s.url+"/officer", nil); !strings.Contains(body, "(corrected, version 2)") {
		t.Errorf("the officer's list:\n%.2000s", body)
	}

	// A supervisor's s60 authorisation, on the public register.
	sup := s.signIn(t, "insp.flow", charter.RoleSupervisor, charter.RankInspector)
	if res, body := fetch(t, sup, "GET", s.url+"/officer/authorisations/new", nil); res.StatusCode != 200 || !strings.Contains(body, `value="`+recordtest.BrixtonWard+`"`) {
		t.Fatalf("the authorisation form: %d\n%.1000s", res.StatusCode, body)
	}
	start := time.Now().In(charter.London)
	a := url.Values{"power": {"s60"}, "wards": {recordtest.BrixtonWard}, "start": {start.Format(dateTimeLayout)},
		"end": {start.Add(30 * time.Hour).Format(dateTimeLayout)}, "grounds": {"Two stabbings last night and a planned revenge attack"}}
	if res, body := fetch(t, sup, "POST", s.url+"/officer/authorisations/new", a); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lasts at most 24 hours") {
		t.Errorf("a 30-hour s60: %d\n%.2000s", res.StatusCode, body)
	}
	a.Set("end", start.Add(10*time.Hour).Format(dateTimeLayout))
	if res, body := fetch(t, sup, "POST", s.url+"/officer/authorisations/new", a); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an s60: %d\n%.2000s", res.StatusCode, body)
	}
	res, body = fetch(t, anon, "GET", s.url+"/authorisations", nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Brixton Windrush") || !strings.Contains(body, "inspector") ||
		strings.Contains(body, "insp.flow") || !strings.Contains(body, "in force now") {
		t.Errorf("the public register: %d\n%.3000s", res.StatusCode, body)
	}
	if res, body := fetch(t, pc, "GET", s.url+"/officer/record", nil); !strings.Contains(body, "s60 in Brixton Windrush, until") {
		t.Errorf("the form does not offer the authorisation in force: %d", res.StatusCode)
	}
	// Extending needs a superintendent under the statute.
	as, err := s.rs.Authorisations(context.Background(), "metropolitan")
	if err != nil || len(as) != 1 {
		t.Fatalf("authorisations: %v %v", as, err)
	}
	ext := fmt.Sprintf("%s/officer/authorisations/%d/extend", s.url, as[0].ID)
	until := url.Values{"until": {as[0].End.Add(6 * time.Hour).In(charter.London).Format(dateTimeLayout)}}
	if res, body := fetch(t, sup, "POST", ext, until); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Not extended") || !strings.Contains(body, "superintendent") {
		t.Errorf("an inspector extending: %d\n%.2000s", res.StatusCode, body)
	}
	supt := s.signIn(t, "supt.flow", charter.RoleSupervisor, charter.RankSuperintendent)
	if res, body := fetch(t, supt, "POST", ext, until); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a superintendent extending: %d\n%.2000s", res.StatusCode, body)
	}
	if _, body := fetch(t, anon, "GET", s.url+"/authorisations", nil); !strings.Contains(body, "by an officer of the rank of superintendent") {
		t.Errorf("the register does not show the extension:\n%.3000s", body)
	}
	if res, body := fetch(t, anon, "GET", s.url+"/feedback", nil); res.StatusCode != 200 || !strings.Contains(body, "too few answers to publish") {
		t.Errorf("the feedback figures: %d\n%.3000s", res.StatusCode, body)
	}
}
