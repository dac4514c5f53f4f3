package pack

import (
	"context"
	"fmt"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/public"
)

// DeploymentsSection is the pack's part on planned focused searching: the
// published deployments in the area that overlap the month, and for those
// that have ended, what happened beside what was planned.
func DeploymentsSection(dep *deploy.Service, fig *public.Figures) Section {
	return func(ctx context.Context, area string, m charter.Month) (*Part, error) {
		p := &Part{Title: "Planned focused searching (deployments)"}
		list, err := dep.ForArea(ctx, area, monthStart(m), monthStart(m+1))
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			p.Nothing = "No plan of focused searching was published for " + MonthName(m) + "."
			return p, nil
		}
		p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("%s of focused searching touched %s in %s. Each was published before it started, with why and how residents could respond; the site shows the residents' questions and the police's answers.",
			plural(len(list), "plan", "plans"), MonthName(m), areaName(ctx, fig, area)))
		t := Table{Head: []string{"Plan", "Kind", "Wards", "From", "Until", "Searches in its wards", "Arrests"},
			Numeric: []bool{false, false, false, false, false, true, true}}
		now := dep.Now()
		for _, d := range list {
			searches, arrests := "after it ends", "–"
			if d.Ended(now) {
				o, err := dep.Outcome(ctx, fig, d)
				if err != nil {
					return nil, err
				}
				if o.StopMonths > 0 {
					searches = charter.Thousands(o.Searches) + " (" + o.Period + ")"
					arrests = charter.Thousands(o.Arrest.Count) + " (" + o.Arrest.Rate.String() + ")"
				} else {
					searches = "not published yet"
				}
			}
			t.Rows = append(t.Rows, []string{d.Title, d.KindName, strings.Join(dep.WardNames(ctx, d), ", "),
				d.Start.In(charter.London).Format("2 Jan 2006"), d.End.In(charter.London).Format("2 Jan 2006"), searches, arrests})
		}
		p.Tables = append(p.Tables, t)
		p.Notes = append(p.Notes, "Searches are counted by month, as the police publish them: over every month a plan's period touches.")
		return p, nil
	}
}

// areaName names an area for a sentence (its code when unknown).
func areaName(ctx context.Context, fig *public.Figures, code string) string {
	if a, err := fig.Snapshot().AreaByCode(code); err == nil {
		return a.Name
	}
	return code
}
