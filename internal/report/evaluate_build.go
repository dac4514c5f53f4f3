package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// evalBuild is NewEvaluation under way: the query with its defaults, the
// report being filled in, and what each step hands the next, so that each
// step can be read on its own.
type evalBuild struct {
	snap       *readmodel.Snapshot
	q          EvalQuery
	m          measure
	r          *Evaluation
	startMonth charter.Month

	// Set by areas: the pilot's areas, their level, and the candidates for
	// comparison (chosen automatically when auto).
	treated    []charter.Area
	level      charter.Level
	auto       bool
	candidates []charter.Area

	// Set by counts: the panel of counts, and why an area may have none.
	p      *panel
	noData string

	// Set by choosePeriods and compare.
	pre, post []charter.Month
	comp      []charter.Area
}

// newEvalBuild fills in the query's defaults and checks what can be checked
// before any reading, so that a wrong flag is named at once.
func newEvalBuild(snap *readmodel.Snapshot, q EvalQuery) (*evalBuild, error) {
	if q.Level == 0 {
		q.Level = 0.95
	}
	if q.ComparisonCount == 0 {
		q.ComparisonCount = DefaultComparisonCount
	}
	if q.ComparisonCount < 2 {
		return nil, charter.Errorf(charter.EINVALID, "--comparison-count %d: want at least 2 (the placebo check needs two)", q.ComparisonCount)
	}
	m, err := measureOf(q)
	if err != nil {
		return nil, err
	}
	start, err := time.Parse("2006-01-02", q.Start)
	if err != nil {
		return nil, charter.Errorf(charter.EINVALID, "--start %q: want a date YYYY-MM-DD", q.Start)
	}
	r := &Evaluation{Measure: m.name, Unit: m.unit, Start: q.Start, Confidence: q.Level,
		Excluded: []EvalArea{}, Flags: []MonthFlags{}, Notes: []string{}, CannotTell: []string{}}
	startMonth := charter.MonthOf(start)
	r.StartMonth = startMonth.String()
	r.Notes = append(r.Notes, fmt.Sprintf("the pilot started on %s, so %s is partly before and partly after: it is left out of both periods", q.Start, startMonth))
	return &evalBuild{snap: snap, q: q, m: m, r: r, startMonth: startMonth}, nil
}

// areas resolves the pilot's areas and the comparison candidates: the
// given list, or (auto) every area of the same level in the pool, never a
// treated one.
func (b *evalBuild) areas() error {
	q := b.q
	treated, level, err := resolveAreas(b.snap, "--treated", q.Treated, 0)
	if err != nil {
		return err
	}
	if len(treated) == 0 {
		return charter.Errorf(charter.EINVALID, "--treated: give the area codes of the pilot")
	}
	b.treated, b.level = treated, level
	b.r.AreaLevel = level.String()
	b.auto = len(q.Comparison) == 0 || len(q.Comparison) == 1 && q.Comparison[0] == "auto"
	isTreated := map[string]bool{}
	for _, a := range treated {
		isTreated[a.Code] = true
	}
	if b.auto {
		b.candidates = poolOf(b.snap.CurrentAreas(false), level, isTreated, q.Pool)
		return nil
	}
	if len(q.Pool) > 0 {
		return charter.Errorf(charter.EINVALID, "--pool restricts automatic selection; it cannot be used with a list of --comparison areas")
	}
	if b.candidates, _, err = resolveAreas(b.snap, "--comparison", q.Comparison, level); err != nil {
		return err
	}
	for _, a := range b.candidates {
		if isTreated[a.Code] {
			return charter.Errorf(charter.EINVALID, "--comparison: %s %s is also treated", a.Code, a.Name)
		}
	}
	return nil
}

// counts builds the panel of the measure's counts by area and month, from
// the crime counts or the stops, and says what it measures; a treated area
// without data is an error, as the estimate would silently leave it out.
func (b *evalBuild) counts() error {
	m, r := b.m, b.r
	if m.name == MeasureWeaponCrime {
		if b.snap.Crimes == nil {
			return charter.Errorf(charter.EINTERNAL, "weapon-crime needs the crime index")
		}
		w := charter.DefaultWeaponCrime
		if b.q.WeaponCrime != nil {
			w = charter.WeaponCrime{Counts: b.q.WeaponCrime}
		}
		r.Definition, _ = w.Describe()
		r.Definition = "MPS " + b.level.String() + "-level recorded offences: " + r.Definition
		b.p = crimePanel(b.snap.Crimes, b.level, w.MatchCount)
		b.noData = "no crime counts for it (the counts are by 2022 ward; an older ward has none)"
	} else {
		if b.snap.Stops == nil {
			return charter.Errorf(charter.EINTERNAL, "%s needs the stop index", m.name)
		}
		p, forces, err := stopPanel(b.snap, m, b.level, b.treated, b.candidates)
		if err != nil {
			return err
		}
		b.p = p
		r.Definition = describeStops(m) + "; searches by " + strings.Join(forces, ", ") + " (the force searching in the treated areas)"
		b.noData = "no stops are placed in it (its boundary is not loaded, or a newer boundary covers it)"
	}
	for _, a := range b.treated {
		if !b.p.has[a.Code] {
			return charter.Errorf(charter.EINVALID, "--treated: %s %s has %s", a.Code, a.Name, b.noData)
		}
		r.Treated = append(r.Treated, EvalArea{Code: a.Code, Name: a.Name})
	}
	return nil
}

// choosePeriods picks the pre and post months, and refuses a find rate in
// any month whose force does not report the find, which would invent it.
func (b *evalBuild) choosePeriods() error {
	var err error
	if b.pre, b.post, err = b.r.periods(b.p, b.q, b.startMonth); err != nil {
		return err
	}
	if b.m.name != MeasureFindRate {
		return nil
	}
	for _, mo := range b.months() {
		for _, f := range b.p.flags[mo] {
			for _, fl := range f.Flags {
				if fl == charter.FlagNotReportedPrefix+charter.FieldOutcomeLinked {
					return charter.Errorf(charter.EINVALID, "--measure find-rate: force %s does not report whether the outcome was linked to the object of the search (%s is flagged %s), so a find rate would be invented; evaluate arrest-rate instead",
						f.Force, f.Month, fl)
				}
			}
		}
	}
	return nil
}

// months are the pre months, then the post months, in a new list.
func (b *evalBuild) months() []charter.Month {
	return append(append([]charter.Month{}, b.pre...), b.post...)
}

// compare picks the comparison areas: the given ones with data (the rest
// listed as excluded, with why), or the nearest by pre-period level.
func (b *evalBuild) compare() error {
	r := b.r
	var comp []charter.Area
	for _, a := range b.candidates {
		if !b.p.has[a.Code] {
			if !b.auto {
				r.Excluded = append(r.Excluded, EvalArea{Code: a.Code, Name: a.Name, Reason: b.noData})
			}
			continue
		}
		comp = append(comp, a)
	}
	if b.auto {
		tPre := b.p.sum(b.m, codesOf(b.treated), b.pre)
		var err error
		if comp, err = r.nearest(b.p, b.m, comp, b.pre, tPre, b.q); err != nil {
			return err
		}
	} else {
		r.Selection = fmt.Sprintf("given: %d areas", len(comp))
		for _, a := range comp {
			r.Comparison = append(r.Comparison, EvalArea{Code: a.Code, Name: a.Name})
		}
	}
	if len(comp) == 0 {
		return charter.Errorf(charter.EINVALID, "--comparison: no comparison area has %s data", b.m.name)
	}
	b.comp = comp
	return nil
}

// estimate is the difference in differences over the four cells, then the
// checks that say how far to trust it (trends, parallel pre-trends, the
// placebo), the flags and notes of its months, and the verdict.
func (b *evalBuild) estimate() {
	m, r, p, pre, post := b.m, b.r, b.p, b.pre, b.post
	treatedCodes, compCodes := codesOf(b.treated), codesOf(b.comp)
	cells := [4]stats.CountRatio{p.sum(m, treatedCodes, pre), p.sum(m, treatedCodes, post), p.sum(m, compCodes, pre), p.sum(m, compCodes, post)}
	for i, c := range cells {
		group, period, areas, months := "treated", "pre", len(b.treated), len(pre)
		if i >= 2 {
			group, areas = "comparison", len(b.comp)
		}
		if i%2 == 1 {
			period, months = "post", len(post)
		}
		r.Cells = append(r.Cells, EvalCell{Group: group, Period: period, Areas: areas, Months: months, Events: c.Num, Exposure: c.Den, Rate: rateOf(c)})
	}
	did := m.did(cells, b.q.Level)
	r.Ratio, r.Difference = estimateOf(did.Ratio), estimateOf(did.Difference)
	r.TreatedChange, r.ComparisonChange = estimateOf(did.TreatedRatio), estimateOf(did.ControlRatio)
	r.Estimate, r.Interval = r.Ratio.Ptr(), r.Ratio.Pair()

	r.trends(p, m, treatedCodes, compCodes, b.startMonth)
	r.preTrend(p, m, treatedCodes, compCodes, pre, b.q.Level)
	r.placebo(p, m, treatedCodes, b.comp, pre, post)
	for _, mo := range b.months() {
		r.Flags = append(r.Flags, p.flags[mo]...)
	}
	if m.name == MeasureWeaponCrime {
		r.Notes = append(r.Notes, "the MPS revises recent months in later downloads (late-recorded offences are added), so the last months of the post period may rise")
	}
	if m.name == MeasureArrestRate || m.name == MeasureFindRate {
		r.Notes = append(r.Notes, "the interval treats arrests (finds) as Poisson counts over a fixed number of searches, which is slightly wider than the binomial interval")
	}
	r.verdict(m, did, p, pre, post)
}
