package pack

import (
	"context"
	"fmt"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/public"
)

// ComplaintsSection is the pack's part on complaints about searches and
// the community trigger: the month's public complaint figures for the area
// (small counts suppressed as on the site) and every trigger fired in the
// month, with the force's explanation once given.
func ComplaintsSection(c *complaint.Service, fig *public.Figures) Section {
	return func(ctx context.Context, area string, m charter.Month) (*Part, error) {
		p := &Part{Title: "Complaints and the community trigger"}
		f, err := c.Figures(ctx, area, m, m)
		if err != nil {
			return nil, err
		}
		count := func(n complaint.Count) string {
			if n.Suppressed {
				return "fewer than " + strconv.Itoa(f.MinCount)
			}
			return charter.Thousands(n.Count)
		}
		var month complaint.Figure
		for _, x := range f.Months {
			if x.Month == m.String() {
				month = x
			}
		}
		if month.Lodged.Count == 0 && !month.Lodged.Suppressed {
			p.Paragraphs = append(p.Paragraphs, "No complaint about a search was lodged in "+MonthName(m)+".")
		} else {
			p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("Complaints lodged in %s about searches in %s: %s, of which %s from a receipt (about a recorded search). Decided that month: %s, of which %s upheld.",
				MonthName(m), areaName(ctx, fig, area), count(month.Lodged), count(month.Linked), count(month.Decided), count(month.Upheld)))
			if s := month.UpheldShare; s.HasInterval() {
				p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("Upheld share of decided complaints: %s (95%% interval %s).", s, s.Interval()))
			}
		}
		ts, err := c.Triggers(ctx, area)
		if err != nil {
			return nil, err
		}
		from, to := monthStart(m), monthStart(m+1)
		t := Table{Caption: "Community triggers fired this month", Head: []string{"Ward", "Fired", "Complaints", "Scrutiny panel told", "The force's explanation"},
			Numeric: []bool{false, false, true, false, false}}
		for _, tr := range ts {
			if tr.Fired.Before(from) || !tr.Fired.Before(to) {
				continue
			}
			told, why := "no panel covers the ward", "not yet given"
			if tr.PanelNotified {
				told = "yes"
			}
			if tr.Explanation != "" {
				why = tr.Explanation
			}
			t.Rows = append(t.Rows, []string{areaName(ctx, fig, tr.Ward), tr.Fired.In(charter.London).Format("2 Jan 2006"),
				charter.Thousands(tr.Complaints), told, why})
		}
		rule := c.Rule()
		if len(t.Rows) == 0 {
			p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("No community trigger fired in %s. A trigger fires when %s about searches in one ward are lodged within %s; the area's scrutiny panel is then told and may require the force to explain.",
				MonthName(m), plural(rule.Threshold, "complaint", "complaints"), plural(rule.WindowMonths, "month", "months")))
		} else {
			p.Tables = append(p.Tables, t)
			p.Notes = append(p.Notes, fmt.Sprintf("A trigger fires when %s about searches in one ward are lodged within %s.",
				plural(rule.Threshold, "complaint", "complaints"), plural(rule.WindowMonths, "month", "months")))
		}
		return p, nil
	}
}
