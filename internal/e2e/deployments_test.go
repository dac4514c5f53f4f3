package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDeployments is ward engagement on a phone, end to end: a supervisor
// plans focused searching in Brixton Windrush and publishes it; a resident
// finds it on the ward page and asks a question without giving a name; the
// question stays unpublished until the supervisor, as moderator, approves
// it and answers; then the resident sees both. The borough page offers the
// month's community pack, which opens.
func TestDeployments(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	e := newEncounter(t, s)
	ctx := e.ctx
	const ward = "E05014098"
	const question = "Will officers search children walking home from school?"
	const answer = "No: the patrols run from 9pm to 2am."
	public := func(path string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		e.do(t, chromedp.Navigate(s.url+path))
		e.waitJS(t, `document.readyState === "complete"`, path+" to load")
	}

	// check finds no serious or critical WCAG violation on the page (axe-core)
	// and nothing wider than the phone's screen.
	check := func(what string) {
		t.Helper()
		eval[bool](t, ctx, axeSource+";true")
		for _, v := range eval[[]violation](t, ctx, axeRun, chromedp.EvalAwaitPromise) {
			t.Errorf("%s: axe %s (%s): %s at %s", what, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
		}
		if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > innerWidth + 1`); wide {
			t.Errorf("%s is wider than the phone's screen", what)
		}
	}

	// The supervisor plans; the form opens with a start a week ahead.
	e.signIn(t, "insp.e2e", "/officer/deployments/new")
	check("the plan form")
	e.do(t, chromedp.SendKeys(chromedp.CSS("#f-title"), "Brixton evening patrols"),
		chromedp.SendKeys(chromedp.CSS("#f-why"), "Knife robberies near the station have doubled since the summer."),
		chromedp.SendKeys(chromedp.CSS("#f-respond"), "Come to the ward panel on Tuesday at 7pm."))
	eval[bool](t, ctx, fmt.Sprintf(`(o => (o.selected = true))(document.querySelector('#f-wards option[value=%q]'))`, ward))
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `/^\/officer\/deployments\/\d+$/.test(location.pathname) && document.readyState === "complete"`, "the saved draft")
	id := eval[string](t, ctx, `location.pathname.split("/").pop()`)
	if body := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(body, "Brixton Windrush") || !strings.Contains(body, "weapon-crime figures") {
		t.Errorf("the draft lacks its ward or its evidence:\n%.1500s", body)
	}
	check("the draft")
	e.do(t, chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)))
	e.waitJS(t, `document.body.innerText.includes("Published: ")`, "the plan to be published")

	// A resident finds it on the ward page and asks.
	public("/wards/" + ward)
	e.waitJS(t, fmt.Sprintf(`!!document.querySelector('#deployments a[href="/deployments/%s"]')`, id), "the plan on the ward page")
	e.do(t, chromedp.Click(chromedp.CSS(`#deployments a[href="/deployments/`+id+`"]`)))
	e.waitJS(t, `location.pathname === "/deployments/`+id+`" && !!document.querySelector("#f-comment")`, "the plan's page")
	if body := eval[string](t, ctx, `document.body.innerText`); strings.Contains(body, "insp.e2e") {
		t.Errorf("the plan's page names its planner")
	}
	check("the plan's public page")
	e.do(t, chromedp.SendKeys(chromedp.CSS("#f-comment"), question), chromedp.Click(chromedp.CSS(`form[action$="/comments"] button`)))
	e.waitJS(t, `document.body.innerText.includes("once a moderator has read it")`, "the thanks")
	if body := eval[string](t, ctx, `document.body.innerText`); strings.Contains(body, question) {
		t.Errorf("the question is public before a moderator read it")
	}

	// The supervisor moderates and answers.
	e.signIn(t, "insp.e2e", "/officer/deployments/"+id)
	e.waitJS(t, `document.body.innerText.includes(`+fmt.Sprintf("%q", question)+`) && document.body.innerText.includes("Waiting for a moderator")`, "the pending question")
	e.do(t, chromedp.Click(chromedp.CSS(`form[action$="/moderate"] input[value=approve] ~ button`)))
	e.waitJS(t, `!!document.querySelector('form[action$="/answer"] textarea')`, "the answer form")
	e.do(t, chromedp.SendKeys(chromedp.CSS(`form[action$="/answer"] textarea`), answer), chromedp.Click(chromedp.CSS(`form[action$="/answer"] button`)))
	e.waitJS(t, `document.body.innerText.includes("The police answered")`, "the answer")
	check("the moderator's page")

	// The resident sees the question and the answer beside it.
	public("/deployments/" + id)
	body := eval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(body, question) || !strings.Contains(body, answer) {
		t.Errorf("the public page lacks the approved question or its answer:\n%.2000s", body)
	}

	// The borough page offers the community packs; one opens.
	public("/boroughs/E09000022")
	href := eval[string](t, ctx, `(a => a ? a.getAttribute("href") : "")(document.querySelector('.packs a:not([download])'))`)
	if !strings.HasPrefix(href, "/packs/E09000022/") {
		t.Fatalf("no pack on the borough page: %q", href)
	}
	public(href)
	if title := eval[string](t, ctx, `document.title`); !strings.HasPrefix(title, "Stop and search in Lambeth: ") {
		t.Errorf("the pack's title: %q", title)
	}
	check("the pack")
	shot(t, ctx, "deployments-pack")
}
