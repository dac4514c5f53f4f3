package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// TestScrutinyAndTraining: a panel member signs in on a phone and rates a
// search of their panel's anonymised sample, then publishes findings that
// the public reads; a supervisor records a training completion and the
// training report counts the officer's search after it.
func TestScrutinyAndTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	e := newEncounter(t, s)
	ctx := context.Background()
	hash, err := auth.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := s.st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "admin.e2e", Role: charter.RoleAdmin, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	// The officer's search in Brixton, its grounds naming someone.
	rec := recordtest.Routine(time.Now())
	rec.Grounds = "Seen with Mr Dwayne Okafor passing a small bag at 22:15 on Acre Lane"
	sub, err := s.srv.Records.Submit(ctx, e.officer, "", rec)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.srv.Panels.CreatePanel(ctx, admin, charter.Panel{Name: "Lambeth community panel", Force: "metropolitan", Areas: []string{"E09000022"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.CreateUser(ctx, store.SystemActor, store.NewUser{Name: "member.e2e", Role: charter.RolePanel, PanelID: p.ID, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	month := charter.MonthOf(time.Now().In(charter.London))
	m, err := s.srv.Panels.CreateMeeting(ctx, admin, panel.NewMeeting{PanelID: p.ID, Date: time.Now(), From: month, To: month})
	if err != nil || m.SampleSize != 1 {
		t.Fatalf("meeting: %+v %v", m, err)
	}

	// The member, on a 360 px phone: their panel, the meeting, the search.
	e.signIn(t, "member.e2e", "/panel")
	e.checkPage(t, "panel-home")
	e.do(t, chromedp.Click(chromedp.CSS(`ul.records a[href^="/panel/meetings/"]`)))
	e.waitJS(t, `document.querySelector("form.rubric") !== null`, "the sampled search and the rubric")
	text := eval[string](t, e.ctx, `document.body.innerText`)
	for _, leak := range []string{"Okafor", "Dwayne", "Acre", "22:15", sub.Reference, "pc.e2e"} {
		if strings.Contains(text, leak) {
			t.Errorf("the member's page shows %q", leak)
		}
	}
	if !strings.Contains(text, "Seen with Mr [name] [name] passing a small bag") {
		t.Errorf("the redacted grounds are not shown:\n%s", text)
	}
	e.checkPage(t, "panel-sample")
	e.do(t, chromedp.Click(chromedp.CSS(`input[name="mark-grounds"][value="partly met"]`)),
		chromedp.Click(chromedp.CSS(`input[name="mark-gowisely"][value="met"]`)),
		chromedp.Click(chromedp.CSS(`input[name="mark-video"][value="not met"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-comment"), "The grounds rest on one sighting."),
		chromedp.Click(chromedp.CSS("form.rubric button[type=submit]")))
	e.waitJS(t, `document.body.innerText.includes("Your rating was saved") && document.body.innerText.includes("You have rated 1")`, "the rating to be saved")
	rs, err := s.st.Ratings(ctx, m.ID, 0)
	if err != nil || len(rs) != 1 || rs[0].Marks[charter.CriterionGrounds] != charter.MarkPartly || rs[0].Marks[charter.CriterionVideo] != charter.MarkNotMet ||
		rs[0].Comment != "The grounds rest on one sighting." {
		t.Errorf("stored ratings: %+v %v", rs, err)
	}
	// The findings, published for everyone.
	e.do(t, chromedp.Click(chromedp.CSS(`a[href$="/findings"]`)))
	e.waitJS(t, `document.querySelector("#f-findings") !== null`, "the findings form")
	e.checkPage(t, "panel-findings")
	e.do(t, chromedp.SendKeys(chromedp.CSS("#f-findings"), "One search of one looked at: the grounds were thin."),
		chromedp.Click(chromedp.CSS("form.record button[type=submit]")))
	e.waitJS(t, `location.pathname === "/scrutiny" && document.body.innerText.includes("the grounds were thin")`, "the published findings")
	if text := eval[string](t, e.ctx, `document.body.innerText`); !strings.Contains(text, "0 of 1") || !strings.Contains(text, "The force has not responded yet") {
		t.Errorf("the public findings lack the ratings or the response's place:\n%s", text)
	}
	e.checkPage(t, "scrutiny")

	// Training: the supervisor adds the course and records the officer's
	// completion yesterday; the report counts their search after it.
	e.signIn(t, "insp.e2e", "/training")
	e.do(t, chromedp.SendKeys(chromedp.CSS("#f-name"), "Procedural justice"),
		chromedp.Click(chromedp.CSS(`form[action="/training/courses"] button[type=submit]`)))
	e.waitJS(t, `document.body.innerText.includes("The course was added")`, "the course")
	yesterday := time.Now().In(charter.London).AddDate(0, 0, -1)
	e.do(t, chromedp.SendKeys(chromedp.CSS("#f-officer"), "pc.e2e"),
		chromedp.SetValue(chromedp.CSS("#f-date"), yesterday.Format(time.DateOnly)),
		chromedp.Click(chromedp.CSS(`form[action="/training"] button[type=submit]`)))
	e.waitJS(t, `document.body.innerText.includes("The completion was recorded")`, "the completion")
	e.checkPage(t, "training")
	e.do(t, chromedp.Navigate(s.url+"/training/report?course=Procedural+justice"))
	e.waitJS(t, `document.querySelector("#trained") !== null`, "the training report")
	text = eval[string](t, e.ctx, `document.body.innerText`)
	if !strings.Contains(text, "1 officer has completed this course") || !strings.Contains(text, "trained officers after training: 1 search by 1 officer") {
		t.Errorf("the training report does not count the completion:\n%s", text)
	}
	e.checkPage(t, "training-report")
}
