package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
)

// The feedback figures are public; a month with fewer responses than the
// minimum shows its count and no scores, one with enough shows each
// question's mean within its 95% interval; the minimum is in the answer.
func TestFeedback(t *testing.T) {
	e := newEncounter(t)
	officer, _ := e.user("pc.smith", charter.RoleOfficer, charter.RankConstable)
	ctx := context.Background()
	give := func(n int) {
		for i := 0; i < n; i++ {
			var r charter.Record
			if err := json.Unmarshal([]byte(body(validRecord())), &r); err != nil {
				t.Fatal(err)
			}
			s, err := e.rec.Submit(ctx, officer, "", r)
			if err != nil {
				t.Fatal(err)
			}
			f := record.Feedback{Listened: 4 + i%2, Explained: 3, Respect: 5, Debriefed: 2 + i%3, Trust: 3}
			if err := e.rec.GiveFeedback(ctx, s.ReceiptToken, f); err != nil {
				t.Fatal(err)
			}
		}
	}
	get := func() wireRecordFeedbackAggregate {
		t.Helper()
		fb := decode[Feedback](t, e.do("GET", "/api/v1/feedback?area=metropolitan&from=2026-06&to=2026-06", "", ""), http.StatusOK)
		if fb.MinResponses != testMinFeedback || fb.Area != "metropolitan" || fb.From != "2026-06" || fb.To != "2026-06" {
			t.Fatalf("answer %+v", fb)
		}
		for _, m := range fb.Months {
			if m.MonthName == "2026-06" {
				return m
			}
		}
		t.Fatalf("no 2026-06 in %+v", fb.Months)
		return wireRecordFeedbackAggregate{}
	}
	give(testMinFeedback - 1)
	if m := get(); !m.Suppressed || len(m.Questions) != 0 || m.Responses != testMinFeedback-1 {
		t.Errorf("below the minimum: %+v, want suppressed with no scores", m)
	}
	give(1)
	m := get()
	if m.Suppressed || m.Responses != testMinFeedback || len(m.Questions) == 0 {
		t.Fatalf("at the minimum: %+v, want published", m)
	}
	for _, q := range m.Questions {
		if q.Question == "" || q.N == 0 || q.Mean < 1 || q.Mean > 5 || q.Low > q.Mean || q.High < q.Mean {
			t.Errorf("score %+v", q)
		}
	}
}

// Bad parameters are a 400 naming the parameter.
func TestFeedbackParams(t *testing.T) {
	e := newEncounter(t)
	for q, want := range map[string]string{
		"":                                       "area",
		"area=atlantis":                          "area",
		"area=metropolitan&from=2026":            "from",
		"area=metropolitan&to=2026-06":           "from",
		"area=metropolitan&from=2026-06&to=June": "to",
		"area=metropolitan&from=2026-06&to=2026-01": "from",
		"area=metropolitan&from=2000-01&to=2026-01": "months",
	} {
		p := problem(t, e.do("GET", "/api/v1/feedback?"+q, "", ""), http.StatusBadRequest)
		if !strings.Contains(p.Detail, want) {
			t.Errorf("?%s: detail %q does not name %s", q, p.Detail, want)
		}
	}
}

// The parameters as the handler reads them.
func TestMonthsParam(t *testing.T) {
	now := charter.NewMonth(2026, 6)
	if from, to, err := monthsParam("", "", now); err != nil || from != charter.NewMonth(2025, 7) || to != now {
		t.Errorf("default period %s to %s, %v", from, to, err)
	}
	if a, err := areaParam(" e05014100 "); err != nil || a != "E05014100" {
		t.Errorf("ward code: %q %v", a, err)
	}
	if a, err := areaParam("Metropolitan Police"); err != nil || a != "metropolitan" {
		t.Errorf("force name: %q %v", a, err)
	}
}
