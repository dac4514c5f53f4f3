package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/stats"
)

// Evidence is the precision report's line for each ward, over the period
// the site's pages show (the latest twelve sound months): the weapon-crime
// figures a plan carries as its reason in numbers.
func Evidence(ctx context.Context, fig *public.Figures, wards []string) (charter.DeploymentEvidence, error) {
	var ev charter.DeploymentEvidence
	fl, err := fig.Resolve(ctx, public.Filter{})
	if err != nil {
		return ev, err
	}
	ev.From, ev.To = fl.From.String(), fl.To.String()
	ev.Period = periodWords(fl.From, fl.To)
	p, err := fig.Precision(ctx, fl)
	if code := charter.ErrorCode(err); code == charter.ENOTFOUND || code == charter.EINVALID {
		ev.Note = "No weapon-enabled crime counts are held for the period, so no figures could be attached."
		p, err = &report.Precision{}, nil
	} else if err != nil {
		return ev, err
	}
	ev.Definition = p.Definition.Crime
	for _, w := range wards {
		e := charter.WardEvidence{Code: w, Units: p.Units}
		for _, u := range p.Ranked {
			if u.Code == w {
				e.Name, e.Ranked, e.Rank, e.Hotspot, e.WeaponCrimes = u.Name, true, u.Rank, u.Hotspot, u.WeaponCrimes
				e.PerMonth, e.Searches, e.WeaponSearches = u.PerMonth, u.Searches, u.WeaponSearches
				break
			}
		}
		if e.Name == "" {
			if a, err := fig.Snapshot().AreaByCode(w); err == nil {
				e.Name = a.Name
			}
		}
		ev.Wards = append(ev.Wards, e)
	}
	return ev, nil
}

// periodWords writes a span of months for people.
func periodWords(from, to charter.Month) string {
	name := func(m charter.Month) string { return fmt.Sprintf("%s %d", m.Mon(), m.Year()) }
	if from == to {
		return name(from)
	}
	return name(from) + " to " + name(to)
}

// Outcome is a plan beside what happened in its wards over the months its
// period touches (the published figures are monthly): searches, what they
// found, weapon-enabled crime, feedback and complaints.
type Outcome struct {
	Period string `json:"period"`
	Months int    `json:"months"`
	// StopMonths are the months of the period with published searches; 0
	// means the figures are not out yet, which is not the same as none.
	StopMonths int `json:"stop_months"`
	Searches   int `json:"searches"`
	// PerMonth is searches per month with an exact Poisson interval (unknown
	// until searches of the period are published), and BeforePerMonth the
	// same wards' rate over the evidence period.
	PerMonth       charter.Figure     `json:"searches_per_month"`
	BeforePerMonth charter.Figure     `json:"searches_per_month_before"`
	Arrest         report.Proportion  `json:"arrest"`
	Find           *report.Proportion `json:"find"`
	// WeaponCrimes is nil when the crime counts do not cover the period.
	WeaponCrimes *int `json:"weapon_crimes"`
	CrimeMonths  int  `json:"crime_months"`
	// Complaints is nil when no complaints are counted here.
	Complaints *int `json:"complaints"`
	// Feedback is how many searched people answered the survey.
	Feedback int           `json:"feedback_responses"`
	Wards    []WardOutcome `json:"wards"`
	Notes    []string      `json:"notes"`
}

// WardOutcome is one ward's line of an outcome.
type WardOutcome struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Searches     int    `json:"searches"`
	Arrests      int    `json:"arrests"`
	WeaponCrimes *int   `json:"weapon_crimes"`
}

// Outcome computes what happened in the plan's wards over its months.
func (s *Service) Outcome(ctx context.Context, fig *public.Figures, d charter.Deployment) (*Outcome, error) {
	from, to := charter.MonthOf(d.Start.In(charter.London)), charter.MonthOf(d.End.Add(-time.Second).In(charter.London))
	o := &Outcome{Period: periodWords(from, to), Months: int(to-from) + 1, Notes: []string{}}
	fl := public.Filter{From: from, To: to}
	arrests, finds, findOf := 0, 0, 0
	crime, crimeKnown := 0, false
	for _, w := range d.Wards {
		p, err := fig.Profile(ctx, w, fl)
		if err != nil {
			return nil, err
		}
		wo := WardOutcome{Code: w, Name: p.Area.Name, Searches: p.Searches, Arrests: p.Arrest.Count}
		o.Searches += p.Searches
		o.StopMonths = max(o.StopMonths, p.StopMonths)
		arrests += p.Arrest.Count
		if p.Find != nil {
			finds, findOf = finds+p.Find.Count, findOf+p.Find.Of
		}
		if wc := p.WeaponCrime; wc != nil && wc.Months > 0 {
			n := wc.Total
			wo.WeaponCrimes = &n
			crime, crimeKnown = crime+n, true
			o.CrimeMonths = max(o.CrimeMonths, wc.Months)
		}
		o.Wards = append(o.Wards, wo)
		if s.rec != nil {
			aggs, err := s.rec.FeedbackAggregates(ctx, w, from, to)
			if err != nil {
				return nil, err
			}
			for _, a := range aggs {
				o.Feedback += a.Responses
			}
		}
	}
	o.Arrest = report.NewProportion(arrests, o.Searches, 0.95)
	if findOf > 0 {
		f := report.NewProportion(finds, findOf, 0.95)
		o.Find = &f
	}
	if crimeKnown {
		o.WeaponCrimes = &crime
	}
	if o.StopMonths > 0 {
		o.PerMonth = perMonth(o.Searches, o.StopMonths)
	} else {
		o.Notes = append(o.Notes, "The searches of these months are not published yet: the figures appear when they are.")
	}
	if bf, err := charter.ParseMonth(d.Evidence.From); err == nil {
		bt, _ := charter.ParseMonth(d.Evidence.To)
		before := 0
		for _, e := range d.Evidence.Wards {
			before += e.Searches
		}
		o.BeforePerMonth = perMonth(before, int(bt-bf)+1)
	}
	if s.opts.Complaints != nil {
		n, err := s.opts.Complaints(ctx, d.Wards, d.Start, d.End)
		if err != nil {
			return nil, err
		}
		o.Complaints = &n
	} else {
		o.Notes = append(o.Notes, "Complaints about searches are not counted here.")
	}
	return o, nil
}

// perMonth is n events over months, per month, with an exact Poisson
// interval; unknown without months.
func perMonth(n, months int) charter.Figure {
	return stats.PoissonRate(n, months, 1, 0.95).Figure(charter.ScaleRate)
}
