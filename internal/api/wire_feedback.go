package api

import "github.com/stopsearch/charter/internal/record"

// wireRecordFeedbackAggregate is record.FeedbackAggregate on the wire
// (getFeedback).
type wireRecordFeedbackAggregate struct {
	Area       string                    `json:"area"`
	MonthName  string                    `json:"month"`
	Responses  int                       `json:"responses"`
	Suppressed bool                      `json:"suppressed"`
	Questions  []wireRecordQuestionScore `json:"questions"`
}

// wireRecordQuestionScore is record.QuestionScore on the wire: the mean and
// its interval's limits side by side (0 where there is none), and whether
// there is an interval.
type wireRecordQuestionScore struct {
	Question string  `json:"question"`
	Mean     float64 `json:"mean"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	N        int     `json:"answers"`
	Interval bool    `json:"has_interval"`
}

func feedbackWire(a record.FeedbackAggregate) wireRecordFeedbackAggregate {
	return wireRecordFeedbackAggregate{Area: a.Area, MonthName: a.MonthName, Responses: a.Responses, Suppressed: a.Suppressed,
		Questions: nonNil(each(a.Questions, func(q record.QuestionScore) wireRecordQuestionScore {
			w := wireRecordQuestionScore{Question: q.Question, N: q.N, Interval: q.Mean.HasInterval()}
			if q.Mean.HasValue() {
				w.Mean = q.Mean.Value
			}
			if q.Mean.HasInterval() {
				w.Low, w.High = q.Mean.Lower, q.Mean.Upper
			}
			return w
		}))}
}
