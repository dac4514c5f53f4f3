package record

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// Feedback is the person's answer to the procedural-justice survey: each
// score 1–5, 0 when not answered; Comment is never published.
type Feedback struct {
	Listened, Explained, Respect, Debriefed, Trust int
	Comment                                        string
}

// Questions are the survey's questions, in the order of Feedback's fields,
// as the public figures name them.
var Questions = []string{
	"I was listened to",
	"The reasons for the search were explained",
	"I was treated with respect",
	"I was told what happens next (de-briefed)",
	"I trust the police",
}

// MaxComment is the longest free-text comment kept.
const MaxComment = 2000

// GiveFeedback stores the survey for a receipt, once: a second time is
// ECONFLICT.
func (s *Service) GiveFeedback(ctx context.Context, token string, f Feedback) error {
	sr, err := s.openReceipt(ctx, token)
	if err != nil {
		return err
	}
	var fe charter.FieldErrors
	names := []string{"listened", "explained", "respect", "debriefed", "trust"}
	answered := 0
	for i, v := range []int{f.Listened, f.Explained, f.Respect, f.Debriefed, f.Trust} {
		if v < 0 || v > 5 {
			fe = append(fe, charter.FieldError{Field: names[i], Reason: "choose from 1 (not at all) to 5 (completely)"})
		}
		if v != 0 {
			answered++
		}
	}
	f.Comment = strings.TrimSpace(f.Comment)
	if utf8.RuneCountInString(f.Comment) > MaxComment {
		fe = append(fe, charter.FieldError{Field: "comment", Reason: "the comment is limited to 2,000 characters"})
	}
	if answered == 0 && f.Comment == "" {
		fe = append(fe, charter.FieldError{Field: "listened", Reason: "answer at least one question"})
	}
	if err := charter.Invalid(fe); err != nil {
		return err
	}
	return s.st.InsertFeedback(ctx, sr.ID, store.Scores{Listened: f.Listened, Explained: f.Explained, Respect: f.Respect,
		Debriefed: f.Debriefed, Trust: f.Trust}, f.Comment)
}

// FeedbackAggregate is one area-month of public feedback figures.
type FeedbackAggregate struct {
	Area      string        `json:"area"` // GSS code or force id
	Month     charter.Month `json:"-"`
	MonthName string        `json:"month"` // YYYY-MM
	Responses int           `json:"responses"`
	// Suppressed is true when fewer than the minimum responses were given:
	// then no means are published.
	Suppressed bool            `json:"suppressed"`
	Questions  []QuestionScore `json:"questions"`
}

// QuestionScore is one survey question's mean score with its 95% interval,
// over the N who answered it: unknown when nobody did, without an interval
// when one did.
type QuestionScore struct {
	Question string         `json:"question"`
	Mean     charter.Figure `json:"mean"`
	N        int            `json:"answers"`
}

// FeedbackAggregates are the public figures for an area (force id, borough
// or ward code) and months: every month from from to to, in order, with a
// row even where nobody answered, so a reader sees the months exist.
func (s *Service) FeedbackAggregates(ctx context.Context, area string, from, to charter.Month) ([]FeedbackAggregate, error) {
	if to < from {
		return nil, charter.Errorf(charter.EINVALID, "the months run backwards (%s to %s)", from, to)
	}
	if to-from > 120 {
		return nil, charter.Errorf(charter.ETOOLARGE, "ask for at most ten years of months")
	}
	rows, err := s.st.FeedbackOf(ctx, area, from, to)
	if err != nil {
		return nil, err
	}
	byMonth := map[charter.Month][]store.Scores{}
	for _, r := range rows {
		byMonth[r.Month] = append(byMonth[r.Month], r.Scores)
	}
	var out []FeedbackAggregate
	for m := from; m <= to; m++ {
		ans := byMonth[m]
		agg := FeedbackAggregate{Area: area, Month: m, MonthName: m.String(), Responses: len(ans), Suppressed: len(ans) < s.opts.MinFeedback}
		if !agg.Suppressed {
			for q, name := range Questions {
				var xs []float64
				for _, a := range ans {
					if v := []int{a.Listened, a.Explained, a.Respect, a.Debriefed, a.Trust}[q]; v > 0 {
						xs = append(xs, float64(v))
					}
				}
				mean := stats.MeanScore(xs, 1, 5, 0.95).Figure(charter.ScaleScore)
				agg.Questions = append(agg.Questions, QuestionScore{Question: name, Mean: mean, N: len(xs)})
			}
		}
		out = append(out, agg)
	}
	return out, nil
}
