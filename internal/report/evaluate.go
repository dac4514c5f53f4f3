package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// The measures a pilot can be evaluated on (PRODUCT.md A4,
// docs/methodology.md §9).
const (
	MeasureWeaponCrime        = "weapon-crime"
	MeasureSearches           = "searches"
	MeasureWeaponSearches     = "weapon-searches"
	MeasureArrestRate         = "arrest-rate"
	MeasureFindRate           = "find-rate"
	MeasureDisproportionality = "disproportionality"
)

// Measures lists the measures in the order help text shows them.
var Measures = []string{MeasureWeaponCrime, MeasureSearches, MeasureWeaponSearches, MeasureArrestRate, MeasureFindRate, MeasureDisproportionality}

// DefaultComparisonCount is how many comparison areas automatic selection
// picks: with 10, the placebo-in-space p-value can reach 1/11 ≈ 0.09.
const DefaultComparisonCount = 10

// placeboAlpha is the placebo p-value above which the comparison areas move
// as much on their own as the treated areas did.
const placeboAlpha = 0.10

// EvalQuery defines a pilot and how to evaluate it. Dates are strings so
// that every parse error names the flag it came from.
type EvalQuery struct {
	Treated []string // area codes of the pilot, all of one level (ward or borough)
	// Comparison are the comparison areas; empty (or "auto") picks the
	// ComparisonCount areas nearest the treated ones in pre-period level.
	Comparison      []string
	ComparisonCount int      // 0 means DefaultComparisonCount
	Pool            []string // automatic selection: only areas in these boroughs
	Start           string   // YYYY-MM-DD, the day the pilot began
	End             string   // YYYY-MM or YYYY-MM-DD; empty: the last month with data
	PreFrom         string   // YYYY-MM; empty: as long as the post period, capped by the data
	Measure         string
	// WeaponCrime selects the crime-count categories of weapon-crime; nil
	// means charter.DefaultWeaponCrime.
	WeaponCrime []charter.CrimeMatch
	Group       string  // disproportionality: the group set against White; empty means Black
	Level       float64 // confidence level; 0 means 0.95
}

// EvalArea is an area of the evaluation; Level is the pre-period level of
// the measure and Distance its log-scale distance from the treated areas'
// (automatic selection only).
type EvalArea struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	PreLevel *float64 `json:"pre_level,omitempty"`
	Distance *float64 `json:"log_distance,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

// EvalPeriod is the pre or post period.
type EvalPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Months is the number of months in the period; WithData those that
	// count (months without data are left out of the exposure).
	Months      int          `json:"months"`
	WithData    int          `json:"months_with_data"`
	WithoutData []string     `json:"months_without_data"`
	Flagged     []MonthFlags `json:"flagged_months"`
}

// EvalCell is one group's figures in one period.
type EvalCell struct {
	Group    string   `json:"group"`  // treated or comparison
	Period   string   `json:"period"` // pre or post
	Areas    int      `json:"areas"`
	Months   int      `json:"months"`
	Events   int      `json:"events"`
	Exposure int      `json:"exposure"`
	Rate     *float64 `json:"rate"`
}

// EvalTrend is one month of the trends side by side.
type EvalTrend struct {
	Month  string `json:"month"`
	Period string `json:"period"` // pre, start (left out) or post
	// Flags are the month's flags that matter for the measure.
	// Treated is the treated areas' total (count measures) or rate;
	// Comparison the comparison areas' mean per area or pooled rate. Nil in
	// months without data.
	Treated            *float64 `json:"treated"`
	Comparison         *float64 `json:"comparison"`
	TreatedEvents      int      `json:"treated_events"`
	TreatedExposure    int      `json:"treated_exposure"`
	ComparisonEvents   int      `json:"comparison_events"`
	ComparisonExposure int      `json:"comparison_exposure"`
	Flags              []string `json:"flags"`
}

// EvalPreTrend is the placebo in time: the second half of the pre period
// against the first, as if the pilot had started half way.
type EvalPreTrend struct {
	FirstHalf  string         `json:"first_half"`
	SecondHalf string         `json:"second_half"`
	Ratio      charter.Figure `json:"ratio"`
	// Parallel is false when the interval excludes 1, nil when the check
	// could not be made.
	Parallel *bool  `json:"parallel"`
	Note     string `json:"note"`
}

// EvalPlacebo is the placebo in space: each comparison area in turn
// treated as the pilot.
type EvalPlacebo struct {
	PValue           *float64      `json:"p_value"`
	Rank             int           `json:"rank"`
	Used             int           `json:"used"`
	AtLeastAsExtreme int           `json:"at_least_as_extreme"`
	SmallestP        *float64      `json:"smallest_possible_p"`
	Placebos         []EvalPlaceOf `json:"placebos"`
}

// EvalPlaceOf is one comparison area's placebo estimate (ratio scale).
type EvalPlaceOf struct {
	Code     string   `json:"code"`
	Estimate *float64 `json:"estimate"`
}

// Evaluation is the pilot evaluation: a difference-in-differences of the
// measure between treated and comparison areas before and after the start,
// with the checks that say whether to believe it (docs/methodology.md §9).
type Evaluation struct {
	Measure    string     `json:"measure"`
	Definition string     `json:"definition"`
	Unit       string     `json:"unit"`
	AreaLevel  string     `json:"area_level"`
	Start      string     `json:"start"`
	StartMonth string     `json:"start_month_left_out"`
	Confidence float64    `json:"confidence"`
	Treated    []EvalArea `json:"treated"`
	Comparison []EvalArea `json:"comparison"`
	Selection  string     `json:"comparison_selection"`
	Excluded   []EvalArea `json:"excluded_areas"`
	Pre        EvalPeriod `json:"pre"`
	Post       EvalPeriod `json:"post"`
	Cells      []EvalCell `json:"cells"`
	// Ratio is the difference-in-differences on the ratio scale: the
	// treated areas' before/after factor divided by the comparison areas'.
	// Estimate and Interval repeat it as plain numbers at the top of the
	// JSON, where the README documents them for the tools that read them.
	Estimate   *float64       `json:"estimate"`
	Interval   []float64      `json:"interval"`
	Ratio      charter.Figure `json:"ratio"`
	Difference charter.Figure `json:"difference"`
	// TreatedChange and ComparisonChange are each group's post/pre factor.
	TreatedChange    charter.Figure `json:"treated_change"`
	ComparisonChange charter.Figure `json:"comparison_change"`
	Trends           []EvalTrend    `json:"trends"`
	PreTrend         EvalPreTrend   `json:"pre_trend"`
	Placebo          EvalPlacebo    `json:"placebo"`
	Verdict          string         `json:"verdict"`
	// CannotTell lists why the verdict is "the data cannot tell" (empty when
	// it reports a change).
	CannotTell []string     `json:"cannot_tell"`
	Flags      []MonthFlags `json:"flags"`
	Notes      []string     `json:"notes"`
}

// measure is how one measure is counted. Count measures are events per
// area-month; the others a ratio of two counts of the same searches.
type measure struct {
	name  string
	what  string // in words, for the verdict
	unit  string
	count bool
	// split is the stop dimension whose value decides numerator and
	// denominator (unused for weapon-crime).
	split index.Dim
	// side says whether a search with this split value is in the
	// numerator and in the denominator (ratio measures only).
	side func(v string) (num, den bool)
	// flags are the data-quality flags that make a month untrustworthy
	// for the measure.
	flags []string
}

// incomplete are the flags of a month whose searches are not all there.
var incomplete = []string{charter.FlagMissing, charter.FlagLowVolume, charter.FlagLocatedOnly}

func measureOf(q EvalQuery) (measure, error) {
	in := func(list []string) func(string) bool {
		return func(v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		}
	}
	switch q.Measure {
	case MeasureWeaponCrime:
		return measure{name: q.Measure, what: "weapon-enabled crime", unit: "offences per area-month", count: true}, nil
	case MeasureSearches:
		return measure{name: q.Measure, what: "searches", unit: "searches per area-month", count: true, split: index.DimObject,
			side: func(string) (bool, bool) { return true, false }, flags: incomplete}, nil
	case MeasureWeaponSearches:
		weapon := in(charter.DefaultWeaponObjects)
		return measure{name: q.Measure, what: "weapon searches", unit: "searches per area-month", count: true, split: index.DimObject,
			side: func(v string) (bool, bool) { return weapon(v), false }, flags: incomplete}, nil
	case MeasureArrestRate:
		return measure{name: q.Measure, what: "the arrest rate", unit: "arrests per search", split: index.DimOutcome,
			side: func(v string) (bool, bool) {
				o, _ := charter.LookupOutcome(v)
				return o.Arrest, true
			}, flags: incomplete}, nil
	case MeasureFindRate:
		return measure{name: q.Measure, what: "the find rate", unit: "finds per search with the link recorded", split: index.DimLink,
			side: func(v string) (bool, bool) { return v == "True", v == "True" || v == "False" }, flags: incomplete}, nil
	case MeasureDisproportionality:
		g, ok := charter.ParseEthnicGroup(q.Group)
		if q.Group == "" {
			g, ok = charter.GroupBlack, true
		}
		if !ok || g == charter.GroupWhite || g == charter.GroupUnknown {
			return measure{}, charter.Errorf(charter.EINVALID, "--group %q: want Asian, Black, Mixed or Other (set against White)", q.Group)
		}
		name, white := g.String(), charter.GroupWhite.String()
		return measure{name: q.Measure, what: "the " + name + "/White ratio of searches", unit: name + " searches per White search",
			split: index.DimSelfGroup, side: func(v string) (bool, bool) { return v == name, v == white },
			flags: append([]string{charter.FlagNotStatedDrop}, incomplete...)}, nil
	}
	return measure{}, charter.Errorf(charter.EINVALID, "--measure %q: want one of %s", q.Measure, strings.Join(Measures, ", "))
}

// panel is a measure's monthly numerators and denominators per area, and
// which months hold data at all.
type panel struct {
	num, den map[string]map[charter.Month]int // area code → month → count
	has      map[string]bool                  // areas with any data for the measure
	months   []charter.Month                  // months with data, in order
	flags    map[charter.Month][]MonthFlags   // every flagged month
}

func newPanel() *panel {
	return &panel{num: map[string]map[charter.Month]int{}, den: map[string]map[charter.Month]int{}, has: map[string]bool{}, flags: map[charter.Month][]MonthFlags{}}
}

func (p *panel) add(to map[string]map[charter.Month]int, area string, m charter.Month, n int) {
	if to[area] == nil {
		to[area] = map[charter.Month]int{}
	}
	to[area][m] += n
}

// cell sums an area's numerator and denominator over months; a count
// measure's denominator is the number of months (area-months).
func (p *panel) cell(m measure, area string, months []charter.Month) stats.CountRatio {
	var c stats.CountRatio
	for _, mo := range months {
		c.Num += p.num[area][mo]
		if m.count {
			c.Den++
		} else {
			c.Den += p.den[area][mo]
		}
	}
	return c
}

// sum adds up the cells of several areas.
func (p *panel) sum(m measure, areas []string, months []charter.Month) stats.CountRatio {
	var c stats.CountRatio
	for _, a := range areas {
		x := p.cell(m, a, months)
		c.Num += x.Num
		c.Den += x.Den
	}
	return c
}

// bad says whether a month is untrustworthy for the measure, and why.
func (p *panel) bad(m measure, mo charter.Month) []string {
	var why []string
	for _, f := range p.flags[mo] {
		for _, fl := range f.Flags {
			for _, want := range m.flags {
				if fl == want {
					why = append(why, fl)
				}
			}
		}
	}
	return why
}

// crimePanel reads weapon-enabled crime counts; an area that appears in no
// count row of any category has no data (a ward of another boundary
// vintage, say), while an area with rows has zero weapon crime in a
// covered month without a matching row.
func crimePanel(c *index.Crimes, level charter.Level, match func(major, minor string) bool) *panel {
	p := newPanel()
	for _, a := range c.Counts(index.CountQuery{Level: level}) {
		p.has[a.Area] = true
	}
	for _, a := range c.Counts(index.CountQuery{Level: level, Match: match, ByMonth: true}) {
		p.add(p.num, a.Area, a.Month, a.Count)
	}
	p.months = c.CountMonths(level)
	return p
}

// stopPanel counts searches of the areas by month, by the forces that
// searched in the treated areas only: another force's months differ (the
// City of London's begin later), and its few searches near a boundary would
// make a comparison area's months depend on two forces. An area holding no
// stop of those forces has no data: stops are placed only in areas whose
// boundaries are loaded, and the newest boundary wins, so such an area is
// not a zero. Months where one of the forces has no data are left out.
func stopPanel(snap *readmodel.Snapshot, m measure, level charter.Level, treated, others []charter.Area) (*panel, []string, error) {
	p := newPanel()
	idsOf := func(as []charter.Area) []string {
		ids := make([]string, len(as))
		for i, a := range as {
			ids[i] = indexValue(a)
		}
		return ids
	}
	forces, err := snap.Stops.Count(index.Query{Where: []index.Cond{{Dim: levelDim[level], Values: idsOf(treated)}}, GroupBy: []index.Dim{index.DimForce}})
	if err != nil {
		return nil, nil, err
	}
	present := map[string]bool{}
	var names []string
	for _, f := range forces {
		present[f.Values[0]] = true
		names = append(names, f.Values[0])
	}
	all := append(append([]charter.Area{}, treated...), others...)
	code := map[string]string{}
	for _, a := range all {
		code[indexValue(a)] = a.Code
	}
	where := []index.Cond{{Dim: levelDim[level], Values: idsOf(all)}, {Dim: index.DimForce, Values: names}}
	rows, err := snap.Stops.Count(index.Query{Where: where, GroupBy: []index.Dim{levelDim[level], index.DimMonth, m.split}})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		a := code[r.Values[0]]
		mo, err := charter.ParseMonth(r.Values[1])
		if err != nil {
			return nil, nil, err
		}
		p.has[a] = true
		num, den := m.side(r.Values[2])
		if num {
			p.add(p.num, a, mo, r.Count)
		}
		if den {
			p.add(p.den, a, mo, r.Count)
		}
	}
	// A month has data when every force counted has records for it.
	held := map[charter.Month]int{}
	for _, q := range snap.Quality() {
		if !present[q.Force] {
			continue
		}
		mo, _ := charter.ParseMonth(q.Month)
		if len(q.Flags) > 0 {
			p.flags[mo] = append(p.flags[mo], MonthFlags{Force: q.Force, Month: q.Month, Flags: q.Flags})
		}
		if q.Count > 0 {
			held[mo]++
		}
	}
	for mo, n := range held {
		if n == len(present) {
			p.months = append(p.months, mo)
		}
	}
	sort.Slice(p.months, func(i, j int) bool { return p.months[i] < p.months[j] })
	return p, names, nil
}

// NewEvaluation evaluates a pilot. ix is needed for the search measures and
// crimes for weapon-crime; the other may be nil. It runs the steps of
// evalBuild in order: the query, the areas, the panel of counts, the
// periods, the comparison areas, and the estimate with its checks.
func NewEvaluation(snap *readmodel.Snapshot, q EvalQuery) (*Evaluation, error) {
	b, err := newEvalBuild(snap, q)
	if err != nil {
		return nil, err
	}
	for _, step := range []func() error{b.areas, b.counts, b.choosePeriods, b.compare} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.estimate()
	return b.r, nil
}

// describeStops is the measure's definition in words.
func describeStops(m measure) string {
	switch m.name {
	case MeasureWeaponSearches:
		return "searches for " + strings.ToLower(strings.Join(charter.DefaultWeaponObjects, ", ")) + " (object of search), by the area of the published location"
	case MeasureArrestRate:
		return "searches ending in arrest ÷ searches, by the area of the published location"
	case MeasureFindRate:
		return "searches whose outcome was linked to the object ÷ searches with the link recorded"
	case MeasureDisproportionality:
		return m.unit + " (self-defined ethnicity); census populations are fixed and cancel in the difference-in-differences, so the change in this ratio of counts is the change in the ratio of search rates"
	}
	return "all counted searches, by the area of the published location (unlocated searches are in no area)"
}

// did is the difference-in-differences of the measure's four cells.
func (m measure) did(c [4]stats.CountRatio, level float64) stats.DiD {
	if m.name == MeasureDisproportionality {
		return stats.DisparityDiD(c[0], c[1], c[2], c[3], level)
	}
	return stats.DiffInDiff(rateInput(c[0]), rateInput(c[1]), rateInput(c[2]), rateInput(c[3]), level)
}

// rateInput is a cell as the rate statistics take it: the denominator is
// the exposure. For disproportionality that makes the White count the
// exposure, which gives [stats.Placebo] the right point estimates.
func rateInput(c stats.CountRatio) stats.RateInput {
	return stats.RateInput{Events: c.Num, Exposure: float64(c.Den)}
}

// resolveAreas finds the areas of a flag's codes, which must all be of one
// level (want, when not zero) and be wards or boroughs.
func resolveAreas(snap *readmodel.Snapshot, flag string, codes []string, want charter.Level) ([]charter.Area, charter.Level, error) {
	var out []charter.Area
	seen := map[string]bool{}
	level := want
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		a, err := snap.AreaByCode(c)
		if err != nil {
			if charter.ErrorCode(err) == charter.ENOTFOUND {
				return nil, 0, charter.Errorf(charter.ENOTFOUND, "%s: %s", flag, charter.ErrorMessage(err))
			}
			return nil, 0, err
		}
		if a.Level != charter.LevelWard && a.Level != charter.LevelBorough {
			return nil, 0, charter.Errorf(charter.EINVALID, "%s: %s is a %s; a pilot is evaluated over wards or boroughs", flag, c, a.Level)
		}
		if level == 0 {
			level = a.Level
		}
		if a.Level != level {
			return nil, 0, charter.Errorf(charter.EINVALID, "%s: %s is a %s but the treated areas are %ss; treated and comparison areas must be of one level", flag, c, a.Level, level)
		}
		out = append(out, a)
	}
	return out, level, nil
}

// poolOf is the areas automatic selection may choose from. A ward of an
// older boundary vintage in a borough whose newer wards are loaded is left
// out: the newest boundary takes the stops, so the old ward holds only the
// few placed in slivers where the vintages' outlines differ (14 of the 2018
// wards of Barking and Dagenham and Lambeth hold 197 stops between them).
func poolOf(all []charter.Area, level charter.Level, treated map[string]bool, pool []string) []charter.Area {
	in := map[string]bool{}
	for _, b := range pool {
		in[strings.TrimSpace(b)] = true
	}
	newest := map[string]int{}
	for _, a := range all {
		if a.Level == level && a.BoundaryYear > newest[a.ParentCode] {
			newest[a.ParentCode] = a.BoundaryYear
		}
	}
	var out []charter.Area
	for _, a := range all {
		if a.Level != level || treated[a.Code] || a.BoundaryYear > 0 && a.ParentCode != "" && a.BoundaryYear < newest[a.ParentCode] {
			continue
		}
		borough := a.ParentCode
		if level == charter.LevelBorough {
			borough = a.Code
		}
		if len(in) > 0 && !in[borough] {
			continue
		}
		out = append(out, a)
	}
	return out
}

func codesOf(as []charter.Area) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Code
	}
	return out
}

// periods works out the pre and post months with data and records them.
func (r *Evaluation) periods(p *panel, q EvalQuery, startMonth charter.Month) (pre, post []charter.Month, err error) {
	if len(p.months) == 0 {
		return nil, nil, charter.Errorf(charter.EINVALID, "--measure %s: no months with data are loaded", q.Measure)
	}
	first, last := p.months[0], p.months[len(p.months)-1]
	end := last
	if q.End != "" {
		if end, err = endMonth(q.End); err != nil {
			return nil, nil, err
		}
		if end > last {
			r.Notes = append(r.Notes, fmt.Sprintf("--end %s is after the last month with data (%s)", q.End, last))
		}
	}
	if end <= startMonth {
		if q.End == "" {
			return nil, nil, charter.Errorf(charter.EINVALID, "--start %s: no %s data after the start (the last month with data is %s)", q.Start, q.Measure, last)
		}
		return nil, nil, charter.Errorf(charter.EINVALID, "--start %s is not before --end %s: the post period begins with the first whole month after the start", q.Start, q.End)
	}
	postFrom := startMonth + 1
	preTo := startMonth - 1
	preFrom := preTo - (end - postFrom)
	if q.PreFrom != "" {
		if preFrom, err = charter.ParseMonth(q.PreFrom); err != nil {
			return nil, nil, charter.Errorf(charter.EINVALID, "--pre-from: %s", charter.ErrorMessage(err))
		}
		if preFrom > preTo {
			return nil, nil, charter.Errorf(charter.EINVALID, "--pre-from %s is not before the start month %s", preFrom, startMonth)
		}
	} else if preFrom < first {
		r.Notes = append(r.Notes, fmt.Sprintf("the pre period would begin in %s to match the post period's %d months; the data begin in %s, so it begins there", preFrom, end-postFrom+1, first))
		preFrom = first
	}
	if preFrom > preTo {
		return nil, nil, charter.Errorf(charter.EINVALID, "--start %s: no %s data before the start (the data begin in %s)", q.Start, q.Measure, first)
	}
	has := map[charter.Month]bool{}
	for _, mo := range p.months {
		has[mo] = true
	}
	fill := func(period *EvalPeriod, from, to charter.Month) []charter.Month {
		*period = EvalPeriod{From: from.String(), To: to.String(), Months: int(to - from + 1), WithoutData: []string{}, Flagged: []MonthFlags{}}
		var ms []charter.Month
		for mo := from; mo <= to; mo++ {
			if !has[mo] {
				period.WithoutData = append(period.WithoutData, mo.String())
				continue
			}
			ms = append(ms, mo)
			period.Flagged = append(period.Flagged, p.flags[mo]...)
		}
		period.WithData = len(ms)
		return ms
	}
	pre = fill(&r.Pre, preFrom, preTo)
	post = fill(&r.Post, postFrom, end)
	if len(pre) == 0 {
		return nil, nil, charter.Errorf(charter.EINVALID, "--start %s: no %s data in the pre period %s to %s (--pre-from moves it)", q.Start, q.Measure, r.Pre.From, r.Pre.To)
	}
	if len(post) == 0 {
		return nil, nil, charter.Errorf(charter.EINVALID, "--end %s: no %s data in the post period %s to %s", end, q.Measure, r.Post.From, r.Post.To)
	}
	return pre, post, nil
}

// endMonth reads --end: a month is included whole; a day includes its
// month only when it is the month's last day, since a month cut short is
// partial like the start month.
func endMonth(s string) (charter.Month, error) {
	if m, err := charter.ParseMonth(s); err == nil {
		return m, nil
	}
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, charter.Errorf(charter.EINVALID, "--end %q: want YYYY-MM or YYYY-MM-DD", s)
	}
	m := charter.MonthOf(d)
	if d.AddDate(0, 0, 1).Month() == d.Month() {
		m--
	}
	return m, nil
}

// nearest picks the comparison areas whose pre-period level is nearest the
// treated areas' on the log scale, so that a ward with twice the treated
// level is as far as one with half.
func (r *Evaluation) nearest(p *panel, m measure, pool []charter.Area, pre []charter.Month, tPre stats.CountRatio, q EvalQuery) ([]charter.Area, error) {
	target := math.Log(float64(tPre.Num) / float64(tPre.Den))
	if tPre.Num == 0 || tPre.Den == 0 {
		return nil, charter.Errorf(charter.EINVALID, "--comparison auto: the treated areas have no %s in the pre period, so there is no level to match", m.name)
	}
	type cand struct {
		a     charter.Area
		level float64
		dist  float64
	}
	var cs []cand
	zero := 0
	for _, a := range pool {
		c := p.cell(m, a.Code, pre)
		if c.Num == 0 || c.Den == 0 {
			zero++ // no finite log level: it cannot be matched
			continue
		}
		l := float64(c.Num) / float64(c.Den)
		cs = append(cs, cand{a, l, math.Abs(math.Log(l) - target)})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].a.Code < cs[j].a.Code
	})
	n := q.ComparisonCount
	if n > len(cs) {
		n = len(cs)
	}
	pool0 := r.AreaLevel + "s with data"
	if len(q.Pool) > 0 {
		pool0 += " in " + strings.Join(q.Pool, ", ")
	}
	r.Selection = fmt.Sprintf("auto: the %d of %d %s (not treated) whose pre-period %s is nearest on the log scale to the treated areas' %.4g",
		n, len(cs), pool0, m.unit, math.Exp(target))
	if zero > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d candidate %ss had no %s in the pre period and could not be matched", zero, r.AreaLevel, m.name))
	}
	if n < q.ComparisonCount {
		r.Notes = append(r.Notes, fmt.Sprintf("only %d candidate %ss, fewer than the %d asked for", n, r.AreaLevel, q.ComparisonCount))
	}
	var out []charter.Area
	for _, c := range cs[:n] {
		out = append(out, c.a)
		r.Comparison = append(r.Comparison, EvalArea{Code: c.a.Code, Name: c.a.Name, PreLevel: ptr(c.level), Distance: ptr(c.dist)})
	}
	return out, nil
}

// rateOf is num/den, nil when there is no denominator.
func rateOf(c stats.CountRatio) *float64 {
	if c.Den <= 0 {
		return nil
	}
	return ptr(float64(c.Num) / float64(c.Den))
}

// estimateOf publishes an estimate of the evaluation, whose measures have
// no size known in advance (charter.ScaleSignificant). An infinite factor
// (nothing counted before) is no estimate.
func estimateOf(e stats.Estimate) charter.Figure {
	if math.IsInf(e.Value, 0) {
		return charter.Figure{Scale: charter.ScaleSignificant}
	}
	return e.Figure(charter.ScaleSignificant)
}

// trends lists each month from the pre period's start to the post
// period's end, treated and comparison side by side.
func (r *Evaluation) trends(p *panel, m measure, treated, comp []string, startMonth charter.Month) {
	has := map[charter.Month]bool{}
	for _, mo := range p.months {
		has[mo] = true
	}
	from, _ := charter.ParseMonth(r.Pre.From)
	to, _ := charter.ParseMonth(r.Post.To)
	for mo := from; mo <= to; mo++ {
		t := EvalTrend{Month: mo.String(), Period: "pre", Flags: []string{}}
		switch {
		case mo == startMonth:
			t.Period = "start (left out)"
		case mo > startMonth:
			t.Period = "post"
		}
		// Only the flags that matter for the measure: every Met month is
		// flagged not-reported for fields most measures never read.
		t.Flags = append(t.Flags, p.bad(m, mo)...)
		if !has[mo] && len(t.Flags) == 0 {
			t.Flags = append(t.Flags, "no data")
		}
		if has[mo] {
			tc, cc := p.sum(m, treated, []charter.Month{mo}), p.sum(m, comp, []charter.Month{mo})
			t.TreatedEvents, t.TreatedExposure, t.ComparisonEvents, t.ComparisonExposure = tc.Num, tc.Den, cc.Num, cc.Den
			if m.count {
				t.Treated, t.Comparison = ptr(float64(tc.Num)), ptr(float64(cc.Num)/float64(len(comp)))
			} else {
				t.Treated, t.Comparison = rateOf(tc), rateOf(cc)
			}
		}
		r.Trends = append(r.Trends, t)
	}
}

// preTrend is the placebo in time: if the treated and comparison areas
// already diverged between the two halves of the pre period, the
// comparison areas do not show what would have happened without the pilot.
func (r *Evaluation) preTrend(p *panel, m measure, treated, comp []string, pre []charter.Month, level float64) {
	k := len(pre)
	if k < 4 {
		r.PreTrend.Note = fmt.Sprintf("only %d pre-period months with data: too few to compare two halves", k)
		return
	}
	h := k / 2
	first, second := pre[:h], pre[k-h:]
	r.PreTrend.FirstHalf = first[0].String() + " to " + first[h-1].String()
	r.PreTrend.SecondHalf = second[0].String() + " to " + second[h-1].String()
	if k%2 == 1 {
		r.PreTrend.Note = "the middle month " + pre[h].String() + " is in neither half; "
	}
	d := m.did([4]stats.CountRatio{p.sum(m, treated, first), p.sum(m, treated, second), p.sum(m, comp, first), p.sum(m, comp, second)}, level)
	r.PreTrend.Ratio = estimateOf(d.Ratio)
	if !d.Ratio.HasInterval() {
		r.PreTrend.Note += "no interval (a zero count in one half)"
		return
	}
	parallel := d.Ratio.Lower <= 1 && d.Ratio.Upper >= 1
	r.PreTrend.Parallel = &parallel
	if parallel {
		r.PreTrend.Note += "the interval includes 1: no evidence that the trends differed before the pilot"
	} else {
		r.PreTrend.Note += "the interval excludes 1: the treated and comparison areas were already diverging before the pilot"
	}
}

// placebo is the placebo in space over the comparison areas.
func (r *Evaluation) placebo(p *panel, m measure, treated []string, comp []charter.Area, pre, post []charter.Month) {
	t := stats.Area{Pre: rateInput(p.sum(m, treated, pre)), Post: rateInput(p.sum(m, treated, post))}
	cs := make([]stats.Area, len(comp))
	for i, a := range comp {
		cs[i] = stats.Area{Pre: rateInput(p.cell(m, a.Code, pre)), Post: rateInput(p.cell(m, a.Code, post))}
	}
	res := stats.Placebo(t, cs, stats.RatioScale)
	r.Placebo = EvalPlacebo{Rank: res.Rank, Used: res.Used, AtLeastAsExtreme: res.AtLeastAsExtreme, Placebos: []EvalPlaceOf{}}
	if res.OK {
		r.Placebo.PValue = ptr(res.PValue)
		r.Placebo.SmallestP = ptr(1 / float64(1+res.Used))
	}
	for i, a := range comp {
		e := EvalPlaceOf{Code: a.Code}
		if v := res.Placebos[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			e.Estimate = ptr(v)
		}
		r.Placebo.Placebos = append(r.Placebo.Placebos, e)
	}
}

// CannotTellOf says why an estimate cannot tell whether anything changed
// (no estimate, no interval, or an interval at level that holds none, the
// value of no change: 1 for a ratio, 0 for a difference), written with
// pct; "" when it can. The evaluation and the training report give their
// verdicts in these words.
func CannotTellOf(e stats.Estimate, none, level float64, pct func(float64) string) string {
	switch {
	case !e.HasValue():
		return "there is no estimate (no events in the cells)"
	case !e.HasInterval():
		return "there is no interval (a zero count in one of the cells)"
	case e.Lower <= none && e.Upper >= none:
		return fmt.Sprintf("the %.0f%% interval (%s to %s) includes no change", 100*level, pct(e.Lower), pct(e.Upper))
	}
	return ""
}

// verdict says in plain words what the evaluation shows, and says the data
// cannot tell whenever any check fails.
func (r *Evaluation) verdict(m measure, d stats.DiD, p *panel, pre, post []charter.Month) {
	areas := r.AreaLevel + "s"
	pct := func(x float64) string { return fmt.Sprintf("%+.1f%%", 100*(x-1)) }
	e := d.Ratio
	if why := CannotTellOf(e, 1, r.Confidence, pct); why != "" {
		r.CannotTell = append(r.CannotTell, why)
	}
	switch pl := r.Placebo; {
	case pl.PValue == nil:
		r.CannotTell = append(r.CannotTell, "no placebo check was possible (it needs at least two comparison areas with data)")
	case *pl.SmallestP > placeboAlpha:
		r.CannotTell = append(r.CannotTell, fmt.Sprintf("with %d comparison %s the placebo check cannot reach p ≤ %.2f (the smallest possible p is %.2f)", pl.Used, areas, placeboAlpha, *pl.SmallestP))
	case *pl.PValue > placeboAlpha:
		r.CannotTell = append(r.CannotTell, fmt.Sprintf("the placebo-in-space p-value is %.2f: %d of %d comparison %s, each treated as if it were the pilot, moved at least as much", *pl.PValue, pl.AtLeastAsExtreme, pl.Used, areas))
	}
	switch pt := r.PreTrend; {
	case pt.Parallel == nil:
		r.CannotTell = append(r.CannotTell, "the pre-period trends could not be checked ("+pt.Note+")")
	case !*pt.Parallel:
		r.CannotTell = append(r.CannotTell, fmt.Sprintf("the pre-period trends were not parallel (second half against first: %.2f, interval %.2f to %.2f)", pt.Ratio.Value, pt.Ratio.Lower, pt.Ratio.Upper))
	}
	var caveats []string
	for _, per := range []struct {
		name   string
		period EvalPeriod
		months []charter.Month
	}{{"pre", r.Pre, pre}, {"post", r.Post, post}} {
		bad := map[string]bool{}
		n := len(per.period.WithoutData)
		for _, mo := range per.months {
			if why := p.bad(m, mo); len(why) > 0 {
				n++
				for _, w := range why {
					bad[w] = true
				}
			}
		}
		if n == 0 {
			continue
		}
		why := []string{}
		if len(per.period.WithoutData) > 0 {
			why = append(why, fmt.Sprintf("%d without data", len(per.period.WithoutData)))
		}
		if len(bad) > 0 {
			fl := make([]string, 0, len(bad))
			for f := range bad {
				fl = append(fl, f)
			}
			sort.Strings(fl)
			why = append(why, "flagged "+strings.Join(fl, ", "))
		}
		s := fmt.Sprintf("%d of the %d %s-period months are missing or untrustworthy for %s (%s)", n, per.period.Months, per.name, m.name, strings.Join(why, "; "))
		if 2*n > per.period.Months {
			r.CannotTell = append(r.CannotTell, s)
		} else {
			caveats = append(caveats, s)
		}
	}
	what := strings.ToUpper(m.what[:1]) + m.what[1:]
	if len(r.CannotTell) > 0 {
		r.Verdict = fmt.Sprintf("The data cannot tell whether %s in the treated %s changed relative to the comparison %s: %s.", m.what, areas, areas, strings.Join(r.CannotTell, "; "))
		switch {
		case e.HasInterval() && e.Lower <= 1 && e.Upper >= 1:
			r.Verdict += fmt.Sprintf(" (The point estimate is %s.)", pct(e.Value))
		case e.HasInterval():
			r.Verdict += fmt.Sprintf(" (The point estimate is %s, %.0f%% interval %s to %s.)", pct(e.Value), 100*r.Confidence, pct(e.Lower), pct(e.Upper))
		}
	} else {
		r.Verdict = fmt.Sprintf("%s in the treated %s changed by %s (%.0f%% interval %s to %s) relative to the comparison %s.", what, areas, pct(e.Value), 100*r.Confidence, pct(e.Lower), pct(e.Upper), areas)
	}
	if len(caveats) > 0 {
		r.Verdict += " Caveat: " + strings.Join(caveats, "; ") + "."
	}
}
