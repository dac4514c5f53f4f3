package e2e

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// TestComplaints is a complaint's life on a phone (360×740) against the
// real server over the bundled data: the person searched complains from
// their receipt and is given a reference; the complaints team triages,
// assigns, investigates and decides it with learning; the officer sees it
// only once it is released, never the complainant's contact; it is closed.
// Two more complaints in the ward fire the community trigger: the area's
// panel requires an explanation, the force gives it, and the public sees
// both on the ward's page and in the API.
func TestComplaints(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	e := newEncounter(t, s)
	ctx := e.ctx
	hash, err := auth.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.CreateUser(context.Background(), store.SystemActor, store.NewUser{Name: "handler.e2e",
		Role: charter.RoleComplaints, Force: "metropolitan", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	sub, err := s.srv.Records.Submit(context.Background(), e.officer, "", recordtest.Routine(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	const contact, words, learning = "person.e2e@example.org", "The officer tipped my bag out on the pavement and laughed",
		"Search belongings with care and explain what is being done; discussed with the officer"
	text := func() string { return eval[string](t, ctx, `document.querySelector("main").innerText`) }

	// The person opens their receipt and complains from it.
	e.do(t, chromedp.Navigate(s.url+"/r/"+sub.ReceiptToken), chromedp.WaitVisible(chromedp.CSS(`a[href$="/complaint"]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/complaint"]`)))
	e.waitJS(t, `!!document.querySelector("#c-text")`, "the complaint form")
	e.checkPage(t, "complaint-form")
	// Sent empty, it is refused with the reason beside the field.
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `!!document.querySelector(".field-error")`, "the empty complaint to be refused")
	if !strings.Contains(text(), "About the search with reference "+sub.Reference+".") {
		t.Errorf("the refused form no longer names the search it is about:\n%s", text())
	}
	e.do(t, chromedp.SendKeys(chromedp.CSS("#c-text"), words), chromedp.SendKeys(chromedp.CSS("#c-contact"), contact))
	// Typed keys reach the page asynchronously; on a loaded machine the
	// click could otherwise send the form before the last of them.
	e.waitJS(t, `document.querySelector("#c-text").value === `+strconv.Quote(words)+` && document.querySelector("#c-contact").value === `+strconv.Quote(contact), "the complaint to be typed")
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `!!document.querySelector("[data-complaint-reference]")`, "the acknowledgement")
	ref := eval[string](t, ctx, `document.querySelector("[data-complaint-reference]").textContent.trim()`)
	if !strings.HasPrefix(ref, "C-") {
		t.Fatalf("the acknowledgement gives reference %q", ref)
	}
	e.checkPage(t, "complaint-lodged")

	officerSees := func() bool {
		e.signIn(t, "pc.e2e", "/officer")
		return eval[bool](t, ctx, `!!document.querySelector("[data-officer-complaint]")`)
	}
	if officerSees() {
		t.Fatal("the officer sees the complaint as soon as it is lodged")
	}

	// The complaints team finds it in the queue and handles it.
	e.signIn(t, "handler.e2e", "/complaints/queue")
	if !strings.Contains(text(), ref) {
		t.Fatalf("the queue does not list %s:\n%.600s", ref, text())
	}
	e.checkPage(t, "complaint-queue")
	e.do(t, chromedp.Click(chromedp.CSS(`ul.records a`)))
	e.waitJS(t, `document.querySelector("[data-status]") && document.querySelector("[data-status]").textContent === "received"`, "the case page")
	if tx := text(); !strings.Contains(tx, contact) || !strings.Contains(tx, words) {
		t.Errorf("the handler does not see the complaint and its contact:\n%.600s", tx)
	}
	step := func(form, status string, fill string) {
		t.Helper()
		if fill != "" {
			eval[bool](t, ctx, fill+"; true")
		}
		e.do(t, chromedp.Click(chromedp.CSS(`form[action$="/`+form+`"] button`)))
		e.waitJS(t, `document.querySelector("[data-status]").textContent === "`+status+`"`, "the complaint to be "+status)
	}
	step("triage", "triaged", `document.querySelector("#t-category").value = "conduct"`)
	step("assign", "assigned to a handler", "")
	step("investigate", "being investigated", `document.querySelector("#i-note").value = "Body-worn video requested"`)
	step("decide", "outcome decided", `document.querySelector("#d-outcome").value = "upheld"; document.querySelector("#d-learning").value = "`+learning+`"`)
	e.checkPage(t, "complaint-case")
	caseURL := eval[string](t, ctx, `location.href`)

	if officerSees() {
		t.Fatal("the officer sees the complaint before it is released")
	}

	// Released: the officer sees it, its outcome and learning, never the
	// contact.
	e.signIn(t, "handler.e2e", "/complaints/queue")
	e.do(t, chromedp.Navigate(caseURL))
	e.do(t, chromedp.WaitVisible(chromedp.CSS(`form[action$="/release"] button`)), chromedp.Click(chromedp.CSS(`form[action$="/release"] button`)))
	e.waitJS(t, `document.body.innerText.includes("can see it since")`, "the release")
	if !officerSees() {
		t.Fatal("the officer does not see the released complaint")
	}
	if tx := text(); !strings.Contains(tx, ref) || !strings.Contains(tx, learning) || strings.Contains(tx, contact) {
		t.Errorf("the officer's page shows the reference %v, the learning %v, the contact %v", strings.Contains(tx, ref),
			strings.Contains(tx, learning), strings.Contains(tx, contact))
	}
	e.checkPage(t, "complaint-officer")

	// Closed once the complainant has been told.
	e.signIn(t, "handler.e2e", "/complaints/queue")
	e.do(t, chromedp.Navigate(caseURL))
	e.waitJS(t, `!!document.querySelector('form[action$="/close"]')`, "the close form")
	step("close", "closed", `document.querySelector("#x-note").value = "Told by email"`)
	e.do(t, chromedp.Navigate(s.url+"/complaints/queue"))
	if strings.Contains(text(), ref) {
		t.Error("the closed complaint is still in the queue")
	}
	// Two more complaints about searches in the ward fire the community
	// trigger; the Lambeth panel requires an explanation, the force gives
	// it, and the ward's page (kept by the server's cache before the
	// trigger fired) shows both.
	panelID := addPanel(t, s, "Lambeth scrutiny panel", "E09000022")
	if _, err := s.st.CreateUser(context.Background(), store.SystemActor, store.NewUser{Name: "panel.e2e",
		Role: charter.RolePanel, PanelID: panelID, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	wardPage := "/wards/" + recordtest.BrixtonWard
	if code, _, b := s.get(t, wardPage); code != http.StatusOK || strings.Contains(string(b), "data-trigger=") {
		t.Fatalf("the ward page before the trigger: %d", code)
	}
	for i := 0; i < 2; i++ {
		if _, err := s.srv.Complaints.Lodge(context.Background(), complaint.Lodging{Ward: recordtest.BrixtonWard, Anonymous: true,
			Text: "Searched twice in a week outside the station"}); err != nil {
			t.Fatal(err)
		}
	}
	e.signIn(t, "panel.e2e", "/panel/triggers")
	e.waitJS(t, `!!document.querySelector("[data-trigger]") && !!document.querySelector('form[action$="/require"]')`, "the trigger on the panel's page")
	e.checkPage(t, "complaint-panel")
	e.do(t, chromedp.Click(chromedp.CSS(`form[action$="/require"] button`)))
	e.waitJS(t, `document.body.innerText.includes("The panel required the police to explain")`, "the requirement")
	if tx := text(); strings.Contains(tx, contact) || strings.Contains(tx, "pc.e2e") || strings.Contains(tx, ref) {
		t.Errorf("the panel's page names the complainant, the officer or a complaint:\n%.600s", tx)
	}
	const answer = "Searches near the station rose after two stabbings; the officers involved have been debriefed"
	e.signIn(t, "handler.e2e", "/complaints/triggers")
	e.do(t, chromedp.Click(chromedp.CSS(`ul.records a`)))
	e.waitJS(t, `!!document.querySelector("#e-explanation")`, "the explanation form")
	eval[bool](t, ctx, `document.querySelector("#e-explanation").value = "`+answer+`"; true`)
	e.do(t, chromedp.Click(chromedp.CSS(`form[action^="/complaints/triggers/"] button`)))
	e.waitJS(t, `document.body.innerText.includes("The police's explanation")`, "the published explanation")
	e.checkPage(t, "complaint-trigger")
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	e.do(t, chromedp.Navigate(s.url+wardPage))
	e.waitJS(t, `(a => a && a.innerText.includes("`+answer+`") && a.innerText.includes("3 complaints"))(document.querySelector("[data-trigger]"))`, "the trigger and its explanation on the ward's page")
	if tx := text(); strings.Contains(tx, contact) || strings.Contains(tx, ref) {
		t.Error("the ward's page names the complainant or a complaint")
	}
	var api struct {
		Triggers []complaint.PublicTrigger `json:"triggers"`
	}
	s.getJSON(t, "/api/v1/community-triggers?area="+recordtest.BrixtonWard, &api)
	if len(api.Triggers) != 1 || api.Triggers[0].Explanation != answer || api.Triggers[0].ExplanationRequired == nil {
		t.Errorf("the API's triggers: %+v", api.Triggers)
	}

	// The public figures count the complaints.
	e.do(t, chromedp.Navigate(s.url+"/complaints"))
	e.checkPage(t, "complaint-figures")
	for _, c := range e.console() {
		if !strings.Contains(c, "status of 4") {
			t.Errorf("console: %s", c)
		}
	}
}

// addPanel adds a scrutiny panel over areas through a connection of its
// own (setting up panels is the panels' workflow, not this test's) and
// returns its id.
func addPanel(t *testing.T, s *site, name, areas string) int64 {
	t.Helper()
	driver, src := "sqlite", "file:"+s.dsn+"?_pragma=busy_timeout(10000)"
	if store.IsPostgres(s.dsn) {
		driver, src = "pgx", s.dsn
	}
	db, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(`INSERT INTO panels (force, name, areas, created_at) VALUES ('metropolitan', $1, $2, 0) RETURNING id`, name, areas).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
