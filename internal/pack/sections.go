package pack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/report"
)

// Sources are what the standard sections read: the published figures (the
// store and its indexes, as the site uses them) and the record service
// (feedback, authorisations). A nil Rec leaves its sections saying the
// figures are not available.
type Sources struct {
	Fig *public.Figures
	Rec *record.Service
	// Deployments lists the deployments of an area overlapping a month;
	// nil leaves the section out (see DeploymentsSection).
	Deployments Section
	// FlagText writes a data-quality flag in words (the site's wording);
	// nil writes the flag as it is.
	FlagText func(string) string
	// Extra sections come after the standard ones: complaints and
	// community triggers, panel findings.
	Extra []Section
}

// Standard is the list of sections every pack holds, in order; the command
// line and the site both build packs from it.
func Standard(src Sources) []Section {
	s := []Section{src.searches, src.outcomes, src.areaMap, src.precision, src.feedback, src.authorisations}
	if src.Deployments != nil {
		s = append(s, src.Deployments)
	}
	return append(s, src.Extra...)
}

// Area looks up the area of a pack: a force id, a borough or a ward code.
func Area(ctx context.Context, fig *public.Figures, code string) (report.AreaRef, error) {
	a, err := fig.Snapshot().AreaByCode(code)
	if err != nil {
		return report.AreaRef{}, err
	}
	switch a.Level {
	case charter.LevelForce, charter.LevelBorough, charter.LevelWard:
	default:
		return report.AreaRef{}, charter.Errorf(charter.EINVALID, "%s (%s) is a %s: packs are made for a force area, a borough or a ward", a.Name, a.Code, a.Level)
	}
	return report.AreaRef{Code: a.Code, Name: a.Name, Level: a.Level.String()}, nil
}

// The figures are written as the site's pages and the CLI's tables write
// them (charter.Figure), so a reader can check the pack against either.

func pct(p *float64) string { return charter.FormatShare(p) }

// orNone fills a table cell that has no interval.
func orNone(interval string) string {
	if interval == "" {
		return charter.NoValue
	}
	return interval
}

func intp(p *int) string {
	if p == nil {
		return "–"
	}
	return charter.Thousands(*p)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return charter.Thousands(n) + " " + many
}

// monthFilter is the site's filter for one month.
func monthFilter(m charter.Month) public.Filter { return public.Filter{From: m, To: m} }

// searches is the month's searches by ethnic group: the same report, with
// the same defaults, as `charter report disproportionality --area CODE
// --from M --to M`.
func (src Sources) searches(ctx context.Context, area string, m charter.Month) (*Part, error) {
	r, err := report.NewDisproportionality(src.Fig.Snapshot(), report.DispQuery{Area: area, From: m, To: m,
		NotStated: report.NotStatedExclude, VehicleOnly: report.VehicleOnlyExclude})
	if err != nil {
		return nil, err
	}
	p := &Part{Title: "Searches and who was searched"}
	if r.Searches == 0 {
		p.Nothing = fmt.Sprintf("No searches of people are held for %s in %s.", r.Area.Name, MonthName(m))
		return p, nil
	}
	p.Paragraphs = append(p.Paragraphs,
		fmt.Sprintf("In %s the police searched people %s times in %s. Vehicle-only searches, which search nobody, are left out (%s of them).",
			MonthName(m), charter.Thousands(r.Searches), r.Area.Name, charter.Thousands(r.VehicleOnlyExcluded)),
		fmt.Sprintf("The table gives each ethnic group's searches in the month per 1,000 of its residents, and how that rate compares with White residents' rate (2.00 means twice as often). Ethnicity is as the person described it; %.1f%% of searches had it not stated or not recorded and are in no group, so each rate may be a little low.",
			100*r.NotStatedShare))
	t := Table{Caption: "Searches per 1,000 residents by ethnic group, " + MonthName(m),
		Head:    []string{"Ethnic group", "Searches", "Residents (2021 Census)", "Per 1,000 residents", "95% interval", "Compared with White", "95% interval"},
		Numeric: []bool{false, true, true, true, true, true, true}}
	var notes []string
	for _, row := range r.Rows {
		ratio := row.Ratio.String()
		if row.Reference {
			ratio = "1 (the comparison)"
		}
		t.Rows = append(t.Rows, []string{row.Group, charter.Thousands(row.Searches), intp(row.Population), row.Rate.String(), orNone(row.Rate.Interval()), ratio, orNone(row.Ratio.Interval())})
		if row.Note != "" {
			notes = append(notes, row.Group+": "+row.Note)
		}
	}
	p.Tables = append(p.Tables, t)
	if len(r.Rows) > 0 {
		var higher []string
		for _, row := range r.Rows {
			if row.Ratio.HasInterval() && row.Ratio.Lower > 1 {
				higher = append(higher, fmt.Sprintf("%s residents (%s times)", row.Group, row.Ratio))
			}
		}
		if len(higher) > 0 {
			p.Paragraphs = append(p.Paragraphs, "Searched more often than White residents this month, beyond what chance in one month explains: "+strings.Join(higher, "; ")+".")
		} else {
			p.Paragraphs = append(p.Paragraphs, "No group's rate is above White residents' by more than one month's chance variation can explain.")
		}
	}
	p.Notes = notes
	for _, n := range r.Notes {
		// The pack does not show the geography-adjusted ratio (the report
		// does), so its notes would speak of a figure not there.
		if !strings.Contains(n, "adjusted") {
			p.Notes = append(p.Notes, n)
		}
	}
	for _, f := range r.Flags {
		words := make([]string, len(f.Flags))
		for i, fl := range f.Flags {
			words[i] = fl
			if src.FlagText != nil {
				words[i] = src.FlagText(fl)
			}
		}
		p.Notes = append(p.Notes, "Data quality, "+f.Month+": "+strings.Join(words, "; "))
	}
	return p, nil
}

// outcomes is what the month's searches led to, by ethnic group.
func (src Sources) outcomes(ctx context.Context, area string, m charter.Month) (*Part, error) {
	r, err := report.NewOutcomes(src.Fig.Snapshot(), report.OutcomeQuery{Area: area, From: m, To: m})
	if err != nil {
		return nil, err
	}
	p := &Part{Title: "What the searches found"}
	if len(r.Rows) == 0 {
		p.Nothing = "No searches were held for the month, so there are no outcomes to report."
		return p, nil
	}
	p.Paragraphs = append(p.Paragraphs, "For each group: the share of searches that ended in arrest, and the share in which what was found was what the officer searched for (the find rate, counted only where the force recorded it). A much lower share for one group suggests its members are searched on weaker grounds, though it is not proof.")
	t := Table{Caption: "Outcomes of searches, " + MonthName(m),
		Head:    []string{"Ethnic group", "Searches", "Ended in arrest", "95% interval", "Found what was searched for", "95% interval"},
		Numeric: []bool{false, true, true, true, true, true}}
	for _, row := range r.Rows {
		find, findCI := "not recorded", "–"
		if row.Find != nil {
			find, findCI = row.Find.Rate.String(), orNone(row.Find.Rate.Interval())
		}
		t.Rows = append(t.Rows, []string{row.Group, charter.Thousands(row.Searches), row.Arrest.Rate.String(), orNone(row.Arrest.Rate.Interval()), find, findCI})
	}
	p.Tables = append(p.Tables, t)
	p.Notes = append(p.Notes, r.Limits)
	return p, nil
}

// precision is how closely the month's searching followed weapon-enabled
// crime: for a borough or force, the hotspot wards' share; for a ward, its
// place in the force's ranking.
func (src Sources) precision(ctx context.Context, area string, m charter.Month) (*Part, error) {
	p := &Part{Title: "Searching and weapon crime"}
	a, err := src.Fig.St.AreaByCode(ctx, area)
	if err != nil {
		return nil, err
	}
	q := report.PrecisionQuery{Area: area, From: m, To: m, Unit: "ward", Rank: 5}
	if a.Level == charter.LevelWard {
		q.Area, q.Rank = a.ParentCode, 100000
	}
	r, err := report.NewPrecision(src.Fig.Snapshot(), q)
	if code := charter.ErrorCode(err); code == charter.ENOTFOUND || code == charter.EINVALID {
		p.Nothing = "No weapon-enabled crime counts cover " + a.Name + " for " + MonthName(m) + ", so searching cannot be compared with them."
		return p, nil
	} else if err != nil {
		return nil, err
	}
	if r.CrimeMonths == 0 {
		p.Nothing = "The crime counts do not cover " + MonthName(m) + " yet, so searching cannot be compared with weapon-enabled crime this month."
		return p, nil
	}
	p.Notes = []string{"Weapon-enabled crime: " + r.Definition.Crime + ". Weapon searches: searches for " + strings.Join(r.Definition.Objects, ", ") + "."}
	if a.Level == charter.LevelWard {
		for _, u := range r.Ranked {
			if u.Code != a.Code {
				continue
			}
			where := "is not one of the hotspots"
			if u.Hotspot {
				where = "is one of the hotspots"
			}
			p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("In %s, %s recorded %s and ranks %d of the %s wards of %s by weapon-enabled crime; it %s (the top %g%% of wards). There were %s here, %s of them for weapons.",
				MonthName(m), a.Name, plural(u.WeaponCrimes, "weapon-enabled crime", "weapon-enabled crimes"), u.Rank, charter.Thousands(r.Units), r.Area.Name, where, 100*r.Top,
				plural(u.Searches, "search", "searches"), charter.Thousands(u.WeaponSearches)))
			return p, nil
		}
		p.Nothing = a.Name + " has no weapon-enabled crime counts for " + MonthName(m) + ", so it is not ranked."
		return p, nil
	}
	p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("In %s, %s recorded %s. The %s with the most (the top %g%% of %s wards) held %s of it; %s of the %s weapon searches placed in a ward (95%% interval %s) were made there. Searching follows weapon crime when the second share is at least the first.",
		MonthName(m), r.Area.Name, plural(r.WeaponCrimes, "weapon-enabled crime", "weapon-enabled crimes"), plural(r.Hotspots, "ward", "wards"), 100*r.Top, charter.Thousands(r.Units),
		pct(&r.HotspotCrimeShare), r.Score.Rate, charter.Thousands(r.WeaponSearches), orNone(r.Score.Rate.Interval())))
	t := Table{Caption: "The wards with the most weapon-enabled crime, " + MonthName(m),
		Head:    []string{"Ward", "Weapon-enabled crimes", "Share of the area's", "Searches", "Weapon searches"},
		Numeric: []bool{false, true, true, true, true}}
	for _, u := range r.Ranked {
		t.Rows = append(t.Rows, []string{u.Name, charter.Thousands(u.WeaponCrimes), pct(&u.CrimeShare), charter.Thousands(u.Searches), charter.Thousands(u.WeaponSearches)})
	}
	p.Tables = append(p.Tables, t)
	return p, nil
}

// feedback is what searched people said in the month's survey.
func (src Sources) feedback(ctx context.Context, area string, m charter.Month) (*Part, error) {
	p := &Part{Title: "What people searched told us"}
	if src.Rec == nil {
		p.Nothing = "Feedback figures are not available to this pack."
		return p, nil
	}
	aggs, err := src.Rec.FeedbackAggregates(ctx, area, m, m)
	if err != nil {
		return nil, err
	}
	if len(aggs) == 0 || aggs[0].Responses == 0 {
		p.Nothing = "Nobody searched here in " + MonthName(m) + " answered the feedback survey on their receipt."
		return p, nil
	}
	a := aggs[0]
	if a.Suppressed {
		p.Nothing = fmt.Sprintf("%s answered the feedback survey, fewer than the %d needed before figures are published, so that nobody's answers can be picked out.",
			plural(a.Responses, "person", "people"), src.Rec.MinFeedback())
		return p, nil
	}
	p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("%s searched in %s answered the survey on their receipt. Each question is scored 1 (strongly disagree) to 5 (strongly agree).",
		plural(a.Responses, "person", "people"), MonthName(m)))
	t := Table{Head: []string{"Question", "Answers", "Average score", "95% interval"}, Numeric: []bool{false, true, true, true}}
	for _, q := range a.Questions {
		t.Rows = append(t.Rows, []string{q.Question, charter.Thousands(q.N), q.Mean.String(), orNone(q.Mean.Interval())})
	}
	p.Tables = append(p.Tables, t)
	return p, nil
}

// authorisations are the s60, s60AA and s47A authorisations in force in the
// area at any time in the month.
func (src Sources) authorisations(ctx context.Context, area string, m charter.Month) (*Part, error) {
	p := &Part{Title: "Authorisations to search without suspicion"}
	if src.Rec == nil {
		p.Nothing = "The register of authorisations is not available to this pack."
		return p, nil
	}
	a, err := src.Fig.St.AreaByCode(ctx, area)
	if err != nil {
		return nil, err
	}
	force := a.Code
	switch a.Level {
	case charter.LevelBorough:
		force, _ = charter.BoroughForce(a.Code)
	case charter.LevelWard:
		force, _ = charter.BoroughForce(a.ParentCode)
	}
	list, err := src.Rec.Authorisations(ctx, force)
	if err != nil {
		return nil, err
	}
	start, end := monthStart(m), monthStart(m+1)
	t := Table{Head: []string{"Power", "Wards", "From", "Until", "Searches under it", "Why"}, Numeric: []bool{false, false, false, false, true, false}}
	for _, au := range list {
		if !au.Start.Before(end) || !au.End.After(start) {
			continue
		}
		var names []string
		inArea := a.Level == charter.LevelForce
		for _, w := range au.Wards {
			wa, err := src.Fig.St.AreaByCode(ctx, w)
			if err != nil {
				continue
			}
			names = append(names, wa.Name)
			if w == a.Code || wa.ParentCode == a.Code {
				inArea = true
			}
		}
		if !inArea {
			continue
		}
		t.Rows = append(t.Rows, []string{powerWords(au.Power), strings.Join(names, ", "), au.Start.In(charter.London).Format("2 Jan 15:04"),
			au.End.In(charter.London).Format("2 Jan 15:04"), charter.Thousands(au.Searches), au.Grounds})
	}
	if len(t.Rows) == 0 {
		p.Nothing = "No authorisation to search without suspicion was in force in " + a.Name + " in " + MonthName(m) + "."
		return p, nil
	}
	p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("%s allowed officers to search people in %s without suspecting them of anything, for a set time and place.",
		plural(len(t.Rows), "authorisation", "authorisations"), a.Name))
	p.Tables = append(p.Tables, t)
	return p, nil
}

// powerWords names a power for people.
func powerWords(p string) string {
	switch p {
	case "s60":
		return "Section 60 (serious violence)"
	case "s60AA":
		return "Section 60AA (face coverings)"
	case "s47A":
		return "Section 47A (terrorism)"
	}
	return p
}

// monthStart is the first instant of m in London, where months of police
// data are counted.
func monthStart(m charter.Month) time.Time {
	return time.Date(m.Year(), m.Mon(), 1, 0, 0, 0, 0, charter.London)
}

// With adds the sections of the accountability workflows that are on (a
// nil service is left out): deployments, then complaints and the
// community trigger, then panel findings. The command line and the site
// both call it, so their packs hold the same parts.
func (src Sources) With(dep *deploy.Service, c *complaint.Service, ps *panel.Service) Sources {
	if dep != nil {
		src.Deployments = DeploymentsSection(dep, src.Fig)
	}
	if c != nil {
		src.Extra = append(src.Extra, ComplaintsSection(c, src.Fig))
	}
	if ps != nil {
		src.Extra = append(src.Extra, FindingsSection(ps))
	}
	return src
}
