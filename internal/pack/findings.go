package pack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/panel"
)

// FindingsSection is the pack's part on independent scrutiny: the findings
// the panels covering the area published by the end of the month (the
// latest three), each with the force's response once given and the
// panel's ratings of its sample, share met by question with its interval.
func FindingsSection(ps *panel.Service) Section {
	return func(ctx context.Context, area string, m charter.Month) (*Part, error) {
		p := &Part{Title: "Independent scrutiny: panel findings"}
		fs, err := ps.Published(ctx, area)
		if err != nil {
			return nil, err
		}
		end := monthStart(m + 1)
		shown := 0
		for _, f := range fs {
			if !f.FindingsAt.Before(end) || shown == 3 {
				continue
			}
			shown++
			p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("%s met on %s and looked at a random sample of %s of the searches of %s to %s. Its findings: %s",
				f.Panel, dateWords(f.Date), plural(f.SampleSize, "record", "records"), monthWords(f.From), monthWords(f.To), strings.TrimSpace(f.Findings)))
			if f.Response != "" && f.ResponseAt != nil && f.ResponseAt.Before(end) {
				p.Paragraphs = append(p.Paragraphs, "The force's response: "+strings.TrimSpace(f.Response))
			} else {
				p.Paragraphs = append(p.Paragraphs, "The force had not yet responded by the end of "+MonthName(m)+".")
			}
			t := Table{Caption: f.Panel + ": how the panel rated its sample", Head: []string{"Question", "Met", "Assessed", "Share met", "95% interval"},
				Numeric: []bool{false, true, true, true, true}}
			for _, s := range f.Shares {
				t.Rows = append(t.Rows, []string{s.Question, charter.Thousands(s.Met), charter.Thousands(s.Assessed), s.Share.String(), orNone(s.Share.Interval())})
			}
			if len(t.Rows) > 0 {
				p.Tables = append(p.Tables, t)
			}
		}
		if shown == 0 {
			p.Nothing = "No scrutiny panel covering this area had published findings by the end of " + MonthName(m) + "."
		}
		return p, nil
	}
}

// dateWords writes a YYYY-MM-DD date for people: "3 October 2024".
func dateWords(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return t.Format("2 January 2006")
}

// monthWords writes a YYYY-MM month for people: "September 2024".
func monthWords(s string) string {
	m, err := charter.ParseMonth(s)
	if err != nil {
		return s
	}
	return MonthName(m)
}
