package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReviewRoleScenarios is supervision's table: every page and endpoint
// of the review queue, the rubric, the reviews and the team and officer
// views, for each of the seven roles. Only supervisors have a queue and
// review; the record's officer and supervisors read its reviews; the
// figures about named officers are for supervisors and analysts; a panel
// member, the complaints role and administrators see none of it, and the
// public is sent to sign in (pages) or refused 401 (APIs).
func TestReviewRoleScenarios(t *testing.T) {
	e := newRolesEnv(t)
	const signIn, ok, unauth, forbid, invalid = http.StatusSeeOther, http.StatusOK, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity
	sp := fmt.Sprintf("/supervision/records/%d", e.id)
	ap := fmt.Sprintf("/api/v1/records/%d/reviews", e.id)
	op := fmt.Sprintf("/supervision/officers/%d", e.users["officer"].ID)
	table := []scenario{
		{"GET", "/supervision", "", statuses(forbid, "none", signIn, "supervisor", ok)},
		{"GET", sp, "", statuses(forbid, "none", signIn, "supervisor", ok)},
		{"POST", sp, "grounds=excellent", statuses(forbid, "none", unauth, "supervisor", invalid)},
		{"GET", "/supervision/team", "", statuses(forbid, "none", signIn, "supervisor", ok, "analyst", ok)},
		{"GET", "/supervision/team?team=", "", statuses(forbid, "none", signIn, "supervisor", ok, "analyst", ok)},
		{"GET", op, "", statuses(forbid, "none", signIn, "supervisor", ok, "analyst", ok)},
		{"GET", "/api/v1/reviews/queue", "", statuses(forbid, "none", unauth, "supervisor", ok)},
		{"POST", ap, `{"marks":{"grounds":"excellent"}}`, statuses(forbid, "none", unauth, "supervisor", invalid)},
		{"GET", ap, "", statuses(forbid, "none", unauth, "officer", ok, "supervisor", ok)},
		{"GET", "/api/v1/teams/outliers", "", statuses(forbid, "none", unauth, "supervisor", ok, "analyst", ok)},
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
			// The officer's name is on the supervisor's and analyst's pages
			// only.
			if w.Code != ok && w.Code != invalid && strings.Contains(w.Body.String(), officerName) {
				t.Errorf("%s %s as %s: refused, yet shows the officer's name", sc.method, sc.path, role)
			}
		}
	}
	if w := e.do("other officer", "GET", ap, ""); w.Code != forbid {
		t.Errorf("another officer reads the record's reviews: %d", w.Code)
	}

	// The supervisor reviews the record; the officer sees it, new, on
	// their start page, then on the record's page, after which it is no
	// longer new.
	form := url.Values{"grounds": {"met"}, "gowisely": {"partly met"}, "video": {"not assessed"}, "respect": {"met"},
		"comment": {"Comment marker RV9: say your station too"}}
	w := e.do("supervisor", "POST", sp, form.Encode())
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/supervision?saved=") {
		t.Fatalf("the review: %d to %q: %.300s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	if w := e.do("supervisor", "POST", sp, form.Encode()); w.Code != http.StatusConflict {
		t.Errorf("a second review: %d, want 409", w.Code)
	}
	home := e.do("officer", "GET", "/officer", "").Body.String()
	if !strings.Contains(home, "Reviews of your records") || !strings.Contains(home, ">New<") {
		t.Errorf("the officer's start page does not list the new review")
	}
	page := e.do("officer", "GET", fmt.Sprintf("/officer/records/%d", e.id), "").Body.String()
	if !strings.Contains(page, "Comment marker RV9") || !strings.Contains(page, "partly met") {
		t.Errorf("the officer's record page does not show the review")
	}
	if home := e.do("officer", "GET", "/officer", "").Body.String(); strings.Contains(home, ">New<") {
		t.Errorf("the review is still new after the officer read it")
	}
	for _, role := range []string{"none", "panel", "complaints", "admin"} {
		for _, p := range []string{"/supervision", sp, "/supervision/team", op, ap, "/api/v1/teams/outliers", "/api/v1/reviews/queue"} {
			if b := e.do(role, "GET", p, "").Body.String(); strings.Contains(b, "RV9") || strings.Contains(b, officerName) {
				t.Errorf("GET %s as %s shows the review or the officer", p, role)
			}
		}
	}
}
