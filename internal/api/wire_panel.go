package api

import (
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/panel"
)

// wirePanelFinding is panel.Finding on the wire (listScrutinyFindings).
type wirePanelFinding struct {
	MeetingID  int64            `json:"meeting_id"`
	Panel      string           `json:"panel"`
	Force      string           `json:"force"`
	Areas      []string         `json:"areas"`
	Date       string           `json:"date"`
	From       string           `json:"from"`
	To         string           `json:"to"`
	SampleSize int              `json:"sample_size"`
	Ratings    int              `json:"ratings"`
	Findings   string           `json:"findings"`
	FindingsAt time.Time        `json:"findings_at"`
	Response   string           `json:"response"`
	ResponseAt *time.Time       `json:"response_at"`
	Shares     []wirePanelShare `json:"shares"`
}

// wirePanelShare is panel.Share on the wire: the share and its interval's
// limits side by side, null when nothing was assessed.
type wirePanelShare struct {
	Criterion charter.Criterion `json:"criterion"`
	Question  string            `json:"question"`
	Met       int               `json:"met"`
	Assessed  int               `json:"assessed"`
	Share     *float64          `json:"share"`
	Lower     *float64          `json:"lower"`
	Upper     *float64          `json:"upper"`
}

func findingWire(f panel.Finding) wirePanelFinding {
	return wirePanelFinding{MeetingID: f.MeetingID, Panel: f.Panel, Force: f.Force, Areas: f.Areas, Date: f.Date, From: f.From, To: f.To,
		SampleSize: f.SampleSize, Ratings: f.Ratings, Findings: f.Findings, FindingsAt: f.FindingsAt, Response: f.Response,
		ResponseAt: f.ResponseAt, Shares: each(f.Shares, func(s panel.Share) wirePanelShare {
			w := wirePanelShare{Criterion: s.Criterion, Question: s.Question, Met: s.Met, Assessed: s.Assessed, Share: s.Share.Ptr()}
			if s.Share.HasInterval() {
				w.Lower, w.Upper = &s.Share.Lower, &s.Share.Upper
			}
			return w
		})}
}
