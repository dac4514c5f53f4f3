package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/web"
)

// TestEncounter is the encounter as an officer, the person searched and a
// supervisor meet it, on a phone (360×740) against the real server over
// the bundled data: a refused record and its messages, a record kept on
// the phone while offline and sent exactly once when back online, the
// receipt's QR code and page, feedback given once, and an s60
// authorisation that lets a search inside its ward, and only there.
func TestEncounter(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	e := newEncounter(t, s)
	ctx := e.ctx

	inside, outside, ward := e.wardPoints(t)

	// An officer signs in and opens the form.
	e.signIn(t, "pc.e2e", "/officer/record")
	e.pin(t, inside)
	e.fill(t, routine)

	// s1 PACE does not allow a search for drugs: the check as typed says so
	// beside the field, and so does the server when it is sent anyway.
	e.fill(t, map[string]string{"object_of_search": charter.ObjectDrugs, "legislation": charter.LawPACE1})
	e.waitJS(t, `(m => m && !m.hidden && m.textContent.includes("does not allow"))(document.querySelector("[data-error-for=object_of_search]"))`, "the check as typed to refuse drugs under s1 PACE")
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `(p => p && !p.hidden)(document.getElementById("form-problems"))`, "the server to refuse the record")
	if msg := eval[string](t, ctx, `document.querySelector("[data-error-for=object_of_search]").textContent`); !strings.Contains(msg, "does not allow") {
		t.Errorf("the refusal beside the object of search says %q", msg)
	}
	if g := eval[string](t, ctx, `document.querySelector("[name=grounds]").value`); g != routine["grounds"] {
		t.Errorf("the refused form lost the grounds typed: %q", g)
	}
	e.checkPage(t, "refused")

	// Fixed, and sent while the phone is offline: kept on the phone.
	before := e.count(t)
	e.fill(t, map[string]string{"object_of_search": charter.ObjectStolen})
	e.waitJS(t, `document.querySelector("[data-error-for=object_of_search]").hidden`, "the check to accept stolen goods")
	e.offline(t, true)
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `(n => !n.hidden && n.textContent.includes("Saved on this phone, will send when back online"))(document.getElementById("offline-notice"))`, "the saved-offline notice")
	if n := eval[int](t, ctx, `JSON.parse(localStorage.getItem("charter.queue.v1")).length`); n != 1 {
		t.Errorf("%d records queued on the phone, want 1", n)
	}
	if n := e.count(t); n != before {
		t.Errorf("offline, the store went from %d to %d records", before, n)
	}
	e.checkPage(t, "offline")

	// Back online: the queue is sent once, and the notice links to the
	// hand-over.
	e.offline(t, false)
	e.waitJS(t, `!!document.querySelector("[data-sent-link]")`, "the queued record to be sent when back online")
	if n := eval[int](t, ctx, `JSON.parse(localStorage.getItem("charter.queue.v1")).length`); n != 0 {
		t.Errorf("%d records still queued after sending", n)
	}
	// Another page load sends nothing more.
	e.do(t, chromedp.Navigate(s.url+"/officer"))
	time.Sleep(time.Second)
	e.checkPage(t, "records")
	if n := e.count(t); n != before+1 {
		t.Fatalf("the store holds %d new records, want exactly 1", n-before)
	}

	// A queued record the checks refuse stays on the phone, listed, and
	// opens in the form to be fixed.
	bad := url.Values{"idempotency_key": {"e2e-refused-1"}, "latitude": {fmt.Sprint(inside.Lat())}, "longitude": {fmt.Sprint(inside.Lon())},
		"date": {time.Now().In(charter.London).Format("2006-01-02")}, "time": {time.Now().In(charter.London).Format("15:04")}}
	for k, v := range routine {
		bad.Set(k, v)
	}
	bad.Set("object_of_search", charter.ObjectDrugs)
	eval[bool](t, ctx, fmt.Sprintf(`localStorage.setItem("charter.queue.v1", JSON.stringify([{key: "e2e-refused-1", body: %q, summary: "Person search, refused"}])); true`, bad.Encode()))
	e.do(t, chromedp.Navigate(s.url+"/officer"))
	e.waitJS(t, `(l => l && !l.hidden && l.textContent.includes("The checks refused it"))(document.querySelector("[data-queue-list]"))`, "the refused record in the queue's list")
	e.do(t, chromedp.Click(chromedp.CSS(`[data-queue-items] a[href^="/officer/record#restore="]`)))
	e.waitJS(t, `location.pathname === "/officer/record" && document.querySelector("[name=object_of_search]").value === "Controlled drugs" &&
	  !document.querySelector("[data-error-for=object_of_search]").hidden`, "the refused record back in the form with its problem")
	if n := e.count(t); n != before+1 {
		t.Errorf("a refused queued record changed the store: %d new records", n-before)
	}
	eval[bool](t, ctx, `localStorage.removeItem("charter.queue.v1"); true`)

	// The hand-over: a QR code of the receipt's address, and the reference.
	e.do(t, chromedp.Navigate(s.url+"/officer"), chromedp.WaitVisible(chromedp.CSS("ul.records a")), chromedp.Click(chromedp.CSS("ul.records a")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("a.button[href$='/receipt']")), chromedp.Click(chromedp.CSS("a.button[href$='/receipt']")))
	e.do(t, chromedp.WaitVisible(chromedp.CSS("figure.qr-code svg")))
	receiptURL := eval[string](t, ctx, `document.querySelector("figure.qr-code").dataset.receiptUrl`)
	ref := eval[string](t, ctx, `document.querySelector("[data-reference]").textContent.trim()`)
	want, err := web.QRSVG(receiptURL)
	if err != nil {
		t.Fatal(err)
	}
	drawn := eval[string](t, ctx, `document.querySelector("figure.qr-code svg path").getAttribute("d")`)
	if m := regexp.MustCompile(`<path[^>]* d="([^"]+)"`).FindStringSubmatch(string(want)); m == nil || m[1] != drawn || !strings.Contains(receiptURL, "/r/") || ref == "" {
		t.Errorf("the QR code on the page does not encode the receipt's address %q (reference %q)", receiptURL, ref)
	}
	e.checkPage(t, "handover")

	// The person opens it: their receipt, never cached.
	e.do(t, chromedp.Navigate(receiptURL), chromedp.WaitVisible(chromedp.CSS("[data-reference]")))
	if got := eval[string](t, ctx, `document.querySelector("[data-reference]").textContent.trim()`); got != ref {
		t.Errorf("the receipt shows reference %q, the hand-over %q", got, ref)
	}
	if res, err := http.Get(receiptURL); err != nil || res.Header.Get("Cache-Control") != "no-store" || res.StatusCode != 200 {
		t.Errorf("GET the receipt: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	e.checkPage(t, "receipt")

	// Feedback once, then a second time refused.
	e.do(t, chromedp.Click(chromedp.CSS(`main a[href$="/feedback"]`)))
	e.waitJS(t, `!!document.querySelector("form.survey")`, "the survey")
	e.checkPage(t, "survey")
	eval[bool](t, ctx, `["listened", "explained", "respect", "debriefed", "trust"].forEach(n => document.querySelector("input[name=" + n + "][value='4']").checked = true); true`)
	e.do(t, chromedp.Click(chromedp.CSS("form.survey button")))
	e.waitJS(t, `document.body.textContent.includes("Thank you for your feedback")`, "the thanks for the feedback")
	if status := eval[int](t, ctx, `fetch(location.pathname + "/feedback", {method: "POST", body: new URLSearchParams({trust: "1"})}).then(r => r.status)`, chromedp.EvalAwaitPromise); status != http.StatusConflict {
		t.Errorf("feedback given a second time: %d, want 409", status)
	}

	// A supervisor registers an s60 authorisation over the ward.
	e.signIn(t, "insp.e2e", "/officer/authorisations/new")
	e.checkPage(t, "authorisation-form")
	eval[bool](t, ctx, fmt.Sprintf(`document.querySelector("#f-wards option[value='%s']").selected = true;
	  document.querySelector("input[name=power][value=s60]").checked = true;
	  document.querySelector("#f-grounds").value = "Two stabbings near the estate last night and intelligence of a planned revenge attack";
	  document.querySelector("input[name=violence_will_occur]").checked = true; true`, ward))
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `location.pathname === "/officer/authorisations" && document.body.textContent.includes("The authorisation is registered")`, "the authorisation to be registered")
	e.do(t, chromedp.Navigate(s.url+"/authorisations"))
	e.checkPage(t, "register")
	if text := eval[string](t, ctx, `document.querySelector("main").textContent`); !strings.Contains(text, "in force now") || strings.Contains(text, "insp.e2e") {
		t.Errorf("the public register does not show the authorisation in force, or names its officer:\n%.600s", text)
	}

	// The officer's s60 search inside the ward, within the time, is accepted.
	e.signIn(t, "pc.e2e", "/officer/record")
	e.pin(t, inside)
	e.fill(t, routine)
	e.fill(t, map[string]string{"legislation": charter.LawS60, "object_of_search": charter.ObjectWeapons,
		"grounds": "Told the person about the section 60 authorisation in force here"})
	authID := eval[string](t, ctx, `(o => o ? o.value : "")(document.querySelector("#f-authorisation_id option:not([value=''])"))`)
	if authID == "" {
		t.Fatal("the form offers no authorisation in force")
	}
	e.fill(t, map[string]string{"authorisation_id": authID})
	e.do(t, chromedp.Click(chromedp.CSS("button.submit")))
	e.waitJS(t, `/^\/officer\/records\/\d+\/receipt$/.test(location.pathname)`, "the s60 search to be accepted")

	// Outside the ward, or without the authorisation, it is refused.
	rec := e.s60(t, outside, authID)
	if _, err := s.srv.Records.Submit(context.Background(), e.officer, "", rec); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("an s60 search outside the authorisation's wards: %v, want refused", err)
	}
	rec = e.s60(t, inside, "")
	if _, err := s.srv.Records.Submit(context.Background(), e.officer, "", rec); charter.ErrorCode(err) != charter.EFIELDS {
		t.Errorf("an s60 search without an authorisation: %v, want refused", err)
	}
	for _, c := range e.console() {
		if !strings.Contains(c, "ERR_INTERNET_DISCONNECTED") && !strings.Contains(c, "status of 4") {
			t.Errorf("console: %s", c)
		}
	}
}

// routine is a routine search, every field filled.
var routine = map[string]string{
	"type": "Person search", "legislation": charter.LawPACE1, "object_of_search": charter.ObjectStolen,
	"grounds":                "Matched the description of a man seen taking a phone from a table at the cafe",
	"self_defined_ethnicity": charter.SelfDefinedEthnicities[12].Label, "officer_defined_ethnicity": "White",
	"gender": "Male", "age_range": "25-34", "outcome": "A no further action disposal",
	"outcome_linked_to_object_of_search": "no", "removal_of_more_than_outer_clothing": "no", "use_of_force": "no",
	"body_worn_video": "yes", "gowisely": "yes", "grounds_explained": "yes", "listened": "yes", "debriefed": "yes",
}

// encounter is the browser and the accounts of the scenario.
type encounter struct {
	s       *site
	ctx     context.Context
	console func() []string
	officer *charter.User
}

func newEncounter(t *testing.T, s *site) *encounter {
	ctx, console := browser(t)
	e := &encounter{s: s, ctx: ctx, console: console}
	hash, err := auth.HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.NewUser{
		{Name: "pc.e2e", Role: charter.RoleOfficer, Force: "metropolitan", Rank: charter.RankConstable, PasswordHash: hash},
		{Name: "insp.e2e", Role: charter.RoleSupervisor, Force: "metropolitan", Rank: charter.RankInspector, PasswordHash: hash},
	} {
		made, err := s.st.CreateUser(context.Background(), store.SystemActor, u)
		if err != nil {
			t.Fatal(err)
		}
		if u.Role == charter.RoleOfficer {
			e.officer = made
		}
	}
	e.do(t, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: s.url,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil { // the test's own browser context (see browser)
		t.Fatal(err)
	}
	return e
}

// do runs browser steps with a time limit.
func (e *encounter) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// waitJS waits until a script in the page is true, across navigations
// (a page being replaced answers nothing for a moment). It asks every 25 ms:
// a scenario waits some forty times, and at 100 ms the polls alone added
// about two seconds to the package's run.
func (e *encounter) waitJS(t *testing.T, cond, what string) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(25 * time.Millisecond) {
		c, cancel := context.WithTimeout(e.ctx, 5*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](`(() => { try { return !!(`+cond+`); } catch (e) { return false; } })()`))
		cancel()
		if err == nil && ok {
			return
		}
	}
	failShot(t, e.ctx, "encounter-failed")
	t.Fatalf("waited 15 s for %s; the page at %s says:\n%.1500s", what, eval[string](t, e.ctx, `location.href`), eval[string](t, e.ctx, `document.body.innerText`))
}

// signIn signs in afresh as name and goes to next.
func (e *encounter) signIn(t *testing.T, name, next string) {
	t.Helper()
	if _, err := chromedp.Call(e.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	e.do(t, chromedp.Navigate(e.s.url+"/signin?next="+next),
		chromedp.SendKeys(chromedp.CSS("#signin-name"), name),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), "a long enough password"),
		chromedp.Click(chromedp.CSS("form.signin button[type=submit]")))
	e.waitJS(t, `location.pathname === `+fmt.Sprintf("%q", next)+` && document.readyState === "complete"`, "the sign-in to land on "+next)
}

// pin puts the phone at p and taps "Use where I am now".
func (e *encounter) pin(t *testing.T, p orb.Point) {
	t.Helper()
	lat, lon, acc := p.Lat(), p.Lon(), 10.0
	if _, err := chromedp.Call(e.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc}); err != nil {
		t.Fatal(err)
	}
	e.do(t, chromedp.WaitVisible(chromedp.CSS("[data-geolocate]")), chromedp.Click(chromedp.CSS("[data-geolocate]")))
	e.waitJS(t, `document.querySelector("[name=latitude]").value !== ""`, "the phone's position")
}

// fill sets fields of the record form as a tap or typing would, with
// their change events.
func (e *encounter) fill(t *testing.T, fields map[string]string) {
	t.Helper()
	// The power first: the objects it allows follow it.
	order := []string{"legislation"}
	for k := range fields {
		if k != "legislation" {
			order = append(order, k)
		}
	}
	for _, k := range order {
		v, ok := fields[k]
		if !ok {
			continue
		}
		eval[bool](t, e.ctx, fmt.Sprintf(`((name, value) => {
		  const c = document.getElementById("record-form").elements[name];
		  const fire = el => { el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true})); };
		  if (c instanceof RadioNodeList) { for (const r of c) if (r.value === value) { r.checked = true; fire(r); } }
		  else if (c.type === "checkbox") { c.checked = value === "yes"; fire(c); }
		  else { c.value = value; fire(c); }
		  return true; })(%q, %q)`, k, v))
	}
}

// offline cuts the phone off the network, or puts it back.
func (e *encounter) offline(t *testing.T, off bool) {
	t.Helper()
	if _, err := chromedp.Call(e.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(e.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	if got := eval[bool](t, e.ctx, `navigator.onLine`); got == off {
		t.Fatalf("navigator.onLine is %v after setting the phone offline=%v", got, off)
	}
}

// count is how many records the officer has in the store.
func (e *encounter) count(t *testing.T) int {
	t.Helper()
	rs, err := e.s.srv.Records.Mine(context.Background(), e.officer)
	if err != nil {
		t.Fatal(err)
	}
	return len(rs)
}

// s60 is an s60 search at p under authorisation id ("" for none), now.
func (e *encounter) s60(t *testing.T, p orb.Point, id string) charter.Record {
	yes, no := true, false
	var aid int64
	fmt.Sscan(id, &aid)
	return charter.Record{Type: "Person search", Datetime: time.Now().Add(-time.Minute), Latitude: p.Lat(), Longitude: p.Lon(),
		Legislation: charter.LawS60, ObjectOfSearch: charter.ObjectWeapons, AuthorisationID: aid,
		Grounds: "Told the person about the section 60 authorisation", SelfDefinedEthnicity: charter.SelfDefinedEthnicities[0].Label,
		OfficerDefinedEthnicity: "Asian", Gender: "Male", AgeRange: "18-24", Outcome: "A no further action disposal",
		OutcomeLinkedToObjectOfSearch: &no, RemovalOfMoreThanOuterClothing: &no, UseOfForce: &no, BodyWornVideo: &yes}
}

// wardPoints finds a current ward of the bundled boundaries with a point
// inside it, and a point in a ward of another borough, both policed by
// the Metropolitan Police.
func (e *encounter) wardPoints(t *testing.T) (inside, outside orb.Point, ward string) {
	t.Helper()
	areas, err := e.s.st.CurrentAreas(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	met, _ := charter.ForceBoroughs("metropolitan")
	var borough string
	for _, a := range areas {
		if a.Level != charter.LevelWard || len(a.Boundary) == 0 || a.ParentCode == borough || !slices.Contains(met, a.ParentCode) {
			continue
		}
		mp, err := geo.ParseGeometry(a.Boundary)
		if err != nil {
			continue
		}
		c, _ := planar.CentroidArea(mp)
		if !planar.MultiPolygonContains(mp, c) {
			continue
		}
		if ward == "" {
			inside, ward, borough = c, a.Code, a.ParentCode
			continue
		}
		return inside, c, ward
	}
	t.Fatal("no two wards of different boroughs with a point inside each")
	return
}

// checkPage checks the page as a phone shows it: nothing wider than the
// screen, no serious or critical WCAG violation (axe-core), and keeps a
// screenshot.
func (e *encounter) checkPage(t *testing.T, name string) {
	t.Helper()
	if over := eval[int](t, e.ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
		t.Errorf("%s: the page is %d px wider than the 360 px screen", name, over)
	}
	eval[bool](t, e.ctx, axeSource+";true")
	for _, v := range eval[[]violation](t, e.ctx, axeRun, chromedp.EvalAwaitPromise) {
		t.Errorf("%s: axe %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
	}
	shot(t, e.ctx, "encounter-"+name)
}

// shot keeps a screenshot of the page as a test artefact when
// CHARTER_SCREENSHOTS names a folder (see screenshotDir).
func shot(t *testing.T, ctx context.Context, name string) {
	if dir := screenshotDir(t); dir != "" {
		capture(t, ctx, dir, name)
	}
}

// failShot keeps a screenshot of the page a browser step failed on, in
// CHARTER_SCREENSHOTS or else internal/e2e/artefacts (which git ignores).
func failShot(t *testing.T, ctx context.Context, name string) {
	dir := screenshotDir(t)
	if dir == "" {
		dir = "artefacts"
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Logf("screenshot %s: %v", name, err)
			return
		}
	}
	capture(t, ctx, dir, name)
}

// capture writes a full-page JPEG of the page to dir.
func capture(t *testing.T, ctx context.Context, dir, name string) {
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".jpg"), b, 0o644)
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
