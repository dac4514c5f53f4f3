package web

import (
	"net/http"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
)

// The public feedback figures (PRODUCT E3): the survey's mean scores with
// their 95% intervals for the force by month and for its boroughs in one
// month, never per person; an area-month with too few answers is not
// published.

// feedbackFiguresPage is what /feedback shows.
type feedbackFiguresPage struct {
	Force     string
	Month     string        // the month of the borough table
	Months    []string      // the months offered
	ByMonth   feedbackTable // the force, month by month
	ByBorough feedbackTable // its boroughs in Month
	Min       int
}

// feedbackTable is a table of area-months, each row named in its first
// column.
type feedbackTable struct {
	Label     string // what the table shows, for screen readers
	First     string // the heading of the first column
	Questions []string
	Rows      []feedbackRow
}

// feedbackRow is one area-month, named by its area or its month.
type feedbackRow struct {
	Name       string
	Responses  int
	Suppressed bool
	Scores     []feedbackScore // one per question, in the order of Questions
}

// feedbackScore is a mean with its interval, in words.
type feedbackScore struct{ Mean, Interval string }

// feedbackMonths is how many months the force table covers.
const feedbackMonths = 12

func (s *Site) feedbackFigures(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	to := charter.MonthOf(now().In(charter.London))
	from := to.Add(-(feedbackMonths - 1))
	month := to
	if m, err := charter.ParseMonth(r.URL.Query().Get("month")); err == nil && m >= from && m <= to {
		month = m
	}
	force := s.fig.Force
	d := feedbackFiguresPage{Force: charter.ForceName(force), Month: month.String(), Min: s.enc.Records.MinFeedback()}
	// The published names of the questions, as the API gives them.
	questions := record.Questions
	d.ByMonth = feedbackTable{Label: "Feedback month by month", First: "Month", Questions: questions}
	d.ByBorough = feedbackTable{Label: "Feedback by borough", First: "Borough", Questions: questions}
	for m := to; m >= from; m-- {
		d.Months = append(d.Months, m.String())
	}
	aggs, err := s.enc.Records.FeedbackAggregates(ctx, force, from, to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range aggs {
		d.ByMonth.Rows = append(d.ByMonth.Rows, feedbackRowOf(a.Month.String(), a))
	}
	// The boroughs are the dashboard's own list of the force's areas.
	fl, err := s.fig.Resolve(ctx, public.Filter{})
	if err == nil {
		if p, err := s.fig.Profile(ctx, force, fl); err == nil {
			for _, b := range p.SubAreas {
				aggs, err := s.enc.Records.FeedbackAggregates(ctx, b.Code, month, month)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				row := feedbackRow{Name: b.Name, Suppressed: true}
				if len(aggs) > 0 {
					row = feedbackRowOf(b.Name, aggs[0])
				}
				d.ByBorough.Rows = append(d.ByBorough.Rows, row)
			}
		}
	}
	s.render(w, r, "feedback", &page{Title: "What people searched told us", Data: d})
}

// feedbackRowOf is an area-month in words: each question's mean and
// interval, or nothing when too few answered to publish.
func feedbackRowOf(name string, a record.FeedbackAggregate) feedbackRow {
	row := feedbackRow{Name: name, Responses: a.Responses, Suppressed: a.Suppressed}
	if a.Suppressed {
		return row
	}
	byQ := map[string]record.QuestionScore{}
	for _, q := range a.Questions {
		byQ[q.Question] = q
	}
	for _, name := range record.Questions {
		sc, ok := byQ[name]
		switch {
		case !ok || sc.N == 0:
			row.Scores = append(row.Scores, feedbackScore{Mean: charter.NoValue})
		default:
			row.Scores = append(row.Scores, feedbackScore{Mean: sc.Mean.String(), Interval: sc.Mean.Interval()})
		}
	}
	return row
}
