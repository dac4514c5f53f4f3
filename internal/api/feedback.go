package api

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// Feedback is what the people searched in an area said of the encounter
// (the procedural-justice survey of their receipt), month by month.
type Feedback struct {
	Area string `json:"area"`
	From string `json:"from"`
	To   string `json:"to"`
	// MinResponses is the fewest responses a month needs for its scores to
	// be published: below it a few people's answers could be told apart.
	MinResponses int `json:"min_responses"`
	// Months are every month from From to To, in order, with a row even
	// where nobody answered; a suppressed month's questions are [].
	Months []wireRecordFeedbackAggregate `json:"months"`
}

// maxFeedbackMonths bounds the months of one request.
const maxFeedbackMonths = 120

func (a *API) feedbackOps() []encOp {
	return []encOp{
		{method: "GET", path: "/api/v1/feedback", id: "getFeedback", summary: "What people searched said",
			desc: "The answers of the people searched to the survey on their receipt (were they listened to, was the search explained, were they treated with respect, were they de-briefed, do they trust the police), as the mean score of each question with its 95% confidence interval, by month. A month with fewer responses than min_responses is suppressed: its count is given, its scores are not. Comments are never published.",
			params: []param{
				{name: "area", in: "query", required: true, desc: "a force id (metropolitan), a borough (E09…) or ward (E05…) GSS code"},
				{name: "from", in: "query", desc: "first month, YYYY-MM (with to; both empty: the latest 12 months)"},
				{name: "to", in: "query", desc: "last month, YYYY-MM"},
			},
			status: http.StatusOK, answer: reflect.TypeFor[Feedback](),
			errs: map[int]string{400: "a parameter is wrong; detail names it"},
			run:  a.feedback},
	}
}

func (a *API) feedback(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	q := r.URL.Query()
	area, err := areaParam(q.Get("area"))
	if err != nil {
		return nil, err
	}
	from, to, err := monthsParam(q.Get("from"), q.Get("to"), charter.MonthOf(time.Now().In(charter.London)))
	if err != nil {
		return nil, err
	}
	aggs, err := a.rec.FeedbackAggregates(r.Context(), area, from, to)
	if err != nil {
		return nil, err
	}
	return Feedback{Area: area, From: from.String(), To: to.String(), MinResponses: a.rec.MinFeedback(), Months: nonNil(each(aggs, feedbackWire))}, nil
}

// areaParam reads an area: a force by id or name, or a GSS code.
func areaParam(s string) (string, error) {
	s = strings.TrimSpace(s)
	if f, ok := charter.LookupForce(s); ok && s != "" {
		return f.ID, nil
	}
	if lv, _ := charter.LevelOfCode(strings.ToUpper(s)); lv == charter.LevelBorough || lv == charter.LevelWard {
		return strings.ToUpper(s), nil
	}
	if s == "" {
		return "", charter.Errorf(charter.EINVALID, "area is missing: give a force id (metropolitan), a borough (E09…) or ward (E05…) code")
	}
	return "", charter.Errorf(charter.EINVALID, "area %q is not a force id (metropolitan) nor a borough (E09…) or ward (E05…) code", s)
}

// monthsParam reads from and to (both or neither; neither: the 12 months
// to the month of now).
func monthsParam(fromS, toS string, now charter.Month) (from, to charter.Month, err error) {
	switch {
	case fromS == "" && toS == "":
		return now.Add(-11), now, nil
	case fromS == "":
		return 0, 0, charter.Errorf(charter.EINVALID, "from is missing: give from and to, YYYY-MM, or neither")
	case toS == "":
		return 0, 0, charter.Errorf(charter.EINVALID, "to is missing: give from and to, YYYY-MM, or neither")
	}
	if from, err = charter.ParseMonth(fromS); err != nil {
		return 0, 0, charter.Errorf(charter.EINVALID, "from %q is not YYYY-MM", fromS)
	}
	if to, err = charter.ParseMonth(toS); err != nil {
		return 0, 0, charter.Errorf(charter.EINVALID, "to %q is not YYYY-MM", toS)
	}
	switch {
	case from > to:
		return 0, 0, charter.Errorf(charter.EINVALID, "from %s is after to %s", from, to)
	case int(to-from) >= maxFeedbackMonths:
		return 0, 0, charter.Errorf(charter.EINVALID, "from %s to %s is more than %d months: ask for fewer", from, to, maxFeedbackMonths)
	}
	return from, to, nil
}
