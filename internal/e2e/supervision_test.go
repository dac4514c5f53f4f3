package e2e

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/reviewtest"
)

// TestSupervision is supervision as its two people meet it on a phone
// (360×740): a supervisor opens the review queue, reviews a record drawn
// in the random sample with the rubric, sees the team's figures; the
// officer signs in and finds the review, marked new, and reads its marks
// and comment on the record's page.
func TestSupervision(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole demo dataset; run without -short")
	}
	s := newSite(t)
	e := newEncounter(t, s)
	ctx := context.Background()
	rv := s.srv.Reviews
	sup, err := s.st.UserByName(ctx, "insp.e2e")
	if err != nil {
		t.Fatal(err)
	}
	// The queue makes the sample's key on first use; the test reads it to
	// know which of the officer's records the draw takes.
	if _, err := rv.Queue(ctx, sup); err != nil {
		t.Fatal(err)
	}
	k, err := s.st.Setting(ctx, "review_sample_key", "")
	if err != nil || k == "" {
		t.Fatalf("the sample's key: %q, %v", k, err)
	}
	key, _ := hex.DecodeString(k)
	var id int64
	var ref string
	for i := 0; i < 200 && id == 0; i++ {
		sub, err := s.srv.Records.Submit(ctx, e.officer, "", reviewtest.Record(i, time.Now().Add(-time.Duration(i+1)*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if charter.Sampled(key, sub.Reference, rv.SampleRate()) {
			id, ref = sub.ID, sub.Reference
		}
	}
	if id == 0 {
		t.Fatal("none of 200 records was drawn in the sample")
	}

	// The supervisor's queue lists the sampled record, and says why.
	e.signIn(t, "insp.e2e", "/supervision")
	link := fmt.Sprintf(`a[href="/supervision/records/%d"]`, id)
	e.waitJS(t, fmt.Sprintf(`(a => a && a.closest("li").textContent.includes("Drawn in the random sample"))(document.querySelector(%q))`, link), "the sampled record in the queue")
	e.checkPage(t, "supervision-queue")
	e.do(t, chromedp.Click(chromedp.CSS(link)))
	e.waitJS(t, `!!document.querySelector("form.rubric")`, "the rubric")
	if why := eval[string](t, e.ctx, `document.getElementById("why-h").parentElement.textContent`); !strings.Contains(why, "random sample") {
		t.Errorf("the record's page says why: %q", why)
	}
	e.checkPage(t, "supervision-rubric")
	for name, mark := range map[string]string{"grounds": "met", "gowisely": "partly met", "video": "not assessed", "respect": "met"} {
		e.do(t, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%q][value=%q]`, name, mark))))
	}
	e.do(t, chromedp.SendKeys(chromedp.CSS("#rv-comment"), "Clear grounds. Tell the person your station as well as your name."),
		chromedp.Click(chromedp.CSS("form.rubric button[type=submit]")))
	e.waitJS(t, `location.pathname === "/supervision" && document.querySelector("[role=status]").textContent.includes(`+fmt.Sprintf("%q", ref)+`)`, "the queue to say the review was saved")
	if n := eval[int](t, e.ctx, fmt.Sprintf(`document.querySelectorAll(%q).length`, link)); n != 0 {
		t.Errorf("the reviewed record is still in the queue")
	}
	e.do(t, chromedp.Navigate(s.url+"/supervision/team"))
	e.waitJS(t, `document.querySelector("h1").textContent.includes("without a team") && document.body.textContent.includes("pc.e2e")`, "the team's figures")
	e.checkPage(t, "supervision-team")

	// The officer finds the review, new, and reads it.
	e.signIn(t, "pc.e2e", "/officer")
	item := fmt.Sprintf(`#reviews a[href="/officer/records/%d#review"]`, id)
	e.waitJS(t, fmt.Sprintf(`(a => a && a.closest("li").textContent.includes("New"))(document.querySelector(%q))`, item), "the new review on the officer's page")
	e.checkPage(t, "supervision-officer-home")
	e.do(t, chromedp.Click(chromedp.CSS(item)))
	e.waitJS(t, `(r => r && r.textContent.includes("Tell the person your station") && r.textContent.includes("partly met"))(document.querySelector(".review"))`, "the review on the record's page")
	e.checkPage(t, "supervision-officer-record")
	e.do(t, chromedp.Navigate(s.url+"/officer"))
	e.waitJS(t, fmt.Sprintf(`(a => a && !a.closest("li").textContent.includes("New"))(document.querySelector(%q))`, item), "the review no longer new")
}
