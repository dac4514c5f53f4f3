// Package report computes the figures Charter publishes (disproportionality
// first) from the analytic index, the store's denominators and the pure
// statistics, with the data-quality flags of the months under them. The CLI
// renders them today; the web and API surfaces will render the same values.
package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// How a report places searches whose self-defined ethnicity is not stated
// or not recorded (docs/methodology.md §5). The Home Office rule is not
// confirmed, so the choice is the reader's and the report says which it is.
const (
	// NotStatedExclude leaves them in no group's numerator: every rate is a
	// lower bound by up to the not-stated share.
	NotStatedExclude = "exclude"
	// NotStatedOfficer counts them in the officer-defined group where the
	// officer recorded one; the rest stay in no numerator.
	NotStatedOfficer = "officer"
)

// How a report treats vehicle-only searches ("Vehicle search"): they search
// no person, so they have no place in a rate per resident unless the reader
// asks for them (docs/methodology.md §5).
const (
	VehicleOnlyExclude = "exclude"
	VehicleOnlyInclude = "include"
	// VehicleOnlyByType is reported when a --type filter chose the types:
	// the filter wins over either setting.
	VehicleOnlyByType = "type"
)

// vehicleSearch is the data.police.uk type of a search of a vehicle only.
const vehicleSearch = "Vehicle search"

// DispQuery asks for disproportionality in one area and period.
type DispQuery struct {
	Area     string        // area code: a borough or ward GSS code, or a force id
	From, To charter.Month // inclusive; zero is open
	Officer  bool          // officer-defined ethnicity instead of self-defined
	// NotStated is NotStatedExclude (the default when empty) or NotStatedOfficer.
	NotStated string
	// VehicleOnly is VehicleOnlyExclude (the default when empty) or
	// VehicleOnlyInclude; a type condition in Where overrides it.
	VehicleOnly string
	Where       []index.Cond // further filters: legislation, object, age, gender, type …
	Level       float64      // confidence level; 0 means 0.95
}

// AreaRef names the area of a report.
type AreaRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// GroupRow is one ethnic group's line. Figures that cannot be computed are
// unknown (null in JSON), with the reason in Note (or AdjustedNote), never a
// guessed number.
type GroupRow struct {
	Group      string `json:"group"`
	Searches   int    `json:"searches"`
	Population *int   `json:"population"`
	// Rate is searches per 1,000 residents with an exact Poisson interval,
	// Ratio its ratio to White's with a log-scale interval.
	Rate  charter.Figure `json:"rate_per_1000"`
	Ratio charter.Figure `json:"ratio_to_white"`
	// AdjustedRatio is the Mantel–Haenszel rate ratio to White over the
	// sub-areas of the report's area (domain.md §5.3), which a ratio mixing
	// high- and low-search areas cannot be.
	AdjustedRatio charter.Figure `json:"adjusted_ratio"`
	Note          string         `json:"note,omitempty"`
	AdjustedNote  string         `json:"adjusted_note,omitempty"`
	// Reference marks the group the ratios compare with (White): its
	// ratio is 1 by definition and has no interval.
	Reference bool `json:"reference,omitempty"`
}

// MonthFlags are the data-quality flags of one force-month under a report.
type MonthFlags struct {
	Force string   `json:"force"`
	Month string   `json:"month"`
	Flags []string `json:"flags"`
}

// Disproportionality is the report: searches per 1,000 residents by ethnic
// group with exact Poisson intervals, each group's rate ratio to White with
// its log-scale interval, and the same ratio adjusted for geography
// (docs/methodology.md §5).
type Disproportionality struct {
	Area       AreaRef `json:"area"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Ethnicity  string  `json:"ethnicity"`
	Confidence float64 `json:"confidence"`
	Searches   int     `json:"searches"`
	NotStated  int     `json:"not_stated"`
	// NotStatedShare is the share of searches with ethnicity not stated or
	// not recorded, whatever NotStatedMode: under "exclude" they are in no
	// group's numerator, so every rate is a lower bound by up to this share.
	NotStatedShare float64 `json:"not_stated_share"`
	NotStatedMode  string  `json:"not_stated_mode"`
	// NotStatedFilled is how many of them NotStatedOfficer placed in their
	// officer-defined group.
	NotStatedFilled int `json:"not_stated_filled"`
	// Unplaced are the searches left in no group's numerator, and their share.
	Unplaced      int     `json:"unplaced"`
	UnplacedShare float64 `json:"unplaced_share"`
	// VehicleOnly says how vehicle-only searches were treated; Excluded is
	// how many were left out, Counted how many are in Searches.
	VehicleOnly         string `json:"vehicle_only"`
	VehicleOnlyExcluded int    `json:"vehicle_only_excluded"`
	VehicleOnlyCounted  int    `json:"vehicle_only_counted"`
	Census              int    `json:"census"`
	// StrataLevel is the level of the sub-areas the adjusted ratio is
	// stratified over ("" when there are none), Strata how many hold
	// searches and have census population, and StratifiedShare the share
	// of Searches in them: the part of the area the adjusted ratio covers.
	StrataLevel        string       `json:"strata_level"`
	Strata             int          `json:"strata"`
	StratifiedSearches int          `json:"stratified_searches"`
	StratifiedShare    float64      `json:"stratified_share"`
	Rows               []GroupRow   `json:"rows"`
	Flags              []MonthFlags `json:"flags"`
	Notes              []string     `json:"notes"`
}

// levelDim is the index dimension of an area level.
var levelDim = map[charter.Level]index.Dim{
	charter.LevelForce: index.DimForce, charter.LevelBorough: index.DimBorough, charter.LevelWard: index.DimWard,
	charter.LevelMSOA: index.DimMSOA, charter.LevelLSOA: index.DimLSOA,
}

// NewDisproportionality computes the report.
func NewDisproportionality(snap *readmodel.Snapshot, q DispQuery) (*Disproportionality, error) {
	if err := q.normalise(); err != nil {
		return nil, err
	}
	area, err := snap.AreaByCode(q.Area)
	if err != nil {
		return nil, err
	}
	r := &Disproportionality{
		Area: AreaRef{Code: area.Code, Name: area.Name, Level: area.Level.String()}, Ethnicity: "self-defined",
		Confidence: q.Level, NotStatedMode: q.NotStated, Rows: []GroupRow{}, Flags: []MonthFlags{}, Notes: []string{},
	}
	if q.Officer {
		r.Ethnicity = "officer-defined"
		r.Notes = append(r.Notes, "officer-defined ethnicity is compared with census self-identification; the two classifications differ")
	}
	if q.From != 0 {
		r.From = q.From.String()
	}
	if q.To != 0 {
		r.To = q.To.String()
	}
	where := append(areaWhere(area), q.Where...)
	if where, err = r.vehicleOnly(snap.Stops, q, where); err != nil {
		return nil, err
	}
	sub, err := subAreasOf(snap, area)
	if err != nil {
		return nil, err
	}
	groupBy := []index.Dim{index.DimSelfGroup, index.DimOfficerGroup}
	if sub.level != 0 {
		groupBy = append([]index.Dim{levelDim[sub.level]}, groupBy...)
	}
	counts, err := snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: groupBy})
	if err != nil {
		return nil, err
	}
	searches := map[string]int{}         // by group
	bySub := map[string]map[string]int{} // sub-area code → group → searches
	subTotal := map[string]int{}         // sub-area code → all searches
	for _, c := range counts {
		v := c.Values
		code := ""
		if sub.level != 0 {
			code, v = sub.codes[v[0]], v[1:]
		}
		g, notStated, filled := q.place(v[0], v[1])
		r.Searches += c.Count
		searches[g] += c.Count
		if notStated {
			r.NotStated += c.Count
		}
		if filled {
			r.NotStatedFilled += c.Count
		}
		if code != "" {
			if bySub[code] == nil {
				bySub[code] = map[string]int{}
			}
			bySub[code][g] += c.Count
			subTotal[code] += c.Count
		}
	}
	r.Unplaced = r.NotStated - r.NotStatedFilled
	if r.Searches > 0 {
		r.NotStatedShare = float64(r.NotStated) / float64(r.Searches)
		r.UnplacedShare = float64(r.Unplaced) / float64(r.Searches)
	}
	if q.NotStated == NotStatedOfficer {
		r.Notes = append(r.Notes, fmt.Sprintf("%s searches with self-defined ethnicity not stated or not recorded are counted in the group the officer recorded; %s had none and are in no group's numerator", charter.Thousands(r.NotStatedFilled), charter.Thousands(r.Unplaced)))
	}

	pop, err := r.population(snap, area)
	if err != nil {
		return nil, err
	}
	strata, err := r.strata(snap, area, sub, bySub, subTotal)
	if err != nil {
		return nil, err
	}
	white := charter.GroupWhite.String()
	for _, g := range charter.EthnicGroups {
		name := g.String()
		row := GroupRow{Group: name, Searches: searches[name]}
		row.adjust(strata, g, q.Level)
		p, ok := pop[g]
		if !ok || p == 0 {
			row.Note = "population not known"
			r.Rows = append(r.Rows, row)
			continue
		}
		row.Population = &p
		row.Rate = stats.PoissonRate(row.Searches, p, 1000, q.Level).Figure(charter.ScaleRate)
		switch pw := pop[charter.GroupWhite]; {
		case g == charter.GroupWhite:
			// The reference: its ratio to itself is 1 by definition, with
			// no interval (it is not an estimate).
			row.Reference, row.Note = true, "reference group"
			if row.Rate.HasValue() {
				row.Ratio = charter.NewFigure(charter.ScaleRate, 1)
				if row.AdjustedRatio.HasValue() {
					row.AdjustedRatio, row.AdjustedNote = charter.NewFigure(charter.ScaleRate, 1), ""
				}
			}
		case pw > 0:
			row.Ratio, row.Note = ratioOf(stats.RateRatio(row.Searches, p, searches[white], pw, q.Level))
		}
		r.Rows = append(r.Rows, row)
	}
	r.Rows = append(r.Rows, GroupRow{Group: "Not stated or not recorded", Searches: r.Unplaced, Note: "in no group's numerator"})

	if r.Flags, err = monthFlags(snap, where, q.From, q.To); err != nil {
		return nil, err
	}
	return r, nil
}

// normalise fills the defaults of q and refuses settings it cannot honour.
func (q *DispQuery) normalise() error {
	if q.Level == 0 {
		q.Level = 0.95
	}
	switch q.NotStated {
	case "":
		q.NotStated = NotStatedExclude
	case NotStatedExclude:
	case NotStatedOfficer:
		if q.Officer {
			return charter.Errorf(charter.EINVALID, "--not-stated officer fills self-defined ethnicity from officer-defined; with --officer every search already uses officer-defined")
		}
	default:
		return charter.Errorf(charter.EINVALID, "--not-stated %q: want exclude or officer", q.NotStated)
	}
	switch q.VehicleOnly {
	case "":
		q.VehicleOnly = VehicleOnlyExclude
	case VehicleOnlyExclude, VehicleOnlyInclude:
	default:
		return charter.Errorf(charter.EINVALID, "--vehicle-only %q: want exclude or include", q.VehicleOnly)
	}
	return nil
}

// place returns the group a search with these self- and officer-defined
// groups (as the index holds them) is counted in ("" or "Not stated": none),
// whether its ethnicity is not stated, and whether the officer's group
// filled it in.
func (q *DispQuery) place(self, officer string) (group string, notStated, filled bool) {
	group = self
	if q.Officer {
		group = officer
	}
	if !unstated(group) {
		return group, false, false
	}
	if q.NotStated == NotStatedOfficer && !unstated(officer) {
		return officer, true, true
	}
	return group, true, false
}

// unstated tells whether a group value places a search in no group.
func unstated(g string) bool { return g == "" || g == charter.GroupNotStated.String() }

// indexValue is how the index holds an area: force ids as they are, other
// areas by store id.
func indexValue(a charter.Area) string {
	if a.Level == charter.LevelForce {
		return a.Code
	}
	return strconv.FormatInt(a.ID, 10)
}

// vehicleOnly applies the query's vehicle-only setting to where and records
// it in the report. A type filter of the user's wins: it says which types
// to count, so vehicle-only searches are counted exactly when it names them.
func (r *Disproportionality) vehicleOnly(ix *index.Index, q DispQuery, where []index.Cond) ([]index.Cond, error) {
	types, err := ix.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: []index.Dim{index.DimType}})
	if err != nil {
		return nil, err
	}
	vehicle, others := 0, []string{}
	for _, t := range types {
		if t.Values[0] == vehicleSearch {
			vehicle = t.Count
		} else {
			others = append(others, t.Values[0])
		}
	}
	r.VehicleOnly = q.VehicleOnly
	for _, c := range q.Where {
		if c.Dim == index.DimType {
			r.VehicleOnly = VehicleOnlyByType
		}
	}
	switch r.VehicleOnly {
	case VehicleOnlyExclude:
		r.VehicleOnlyExcluded = vehicle
		r.Notes = append(r.Notes, fmt.Sprintf("%s vehicle-only searches are left out: they search no person", charter.Thousands(vehicle)))
		// The types actually present, empty included, rather than a fixed
		// list: a type spelled otherwise is kept, not silently dropped.
		return append(where, index.Cond{Dim: index.DimType, Values: others}), nil
	case VehicleOnlyByType:
		r.Notes = append(r.Notes, fmt.Sprintf("the type filter decides which searches count: %s vehicle-only searches are counted", charter.Thousands(vehicle)))
	default:
		r.Notes = append(r.Notes, fmt.Sprintf("%s vehicle-only searches are counted, though they search no person", charter.Thousands(vehicle)))
	}
	r.VehicleOnlyCounted = vehicle
	return where, nil
}

// population returns the census population of the report's area by group
// and records the census year and how the figure was made. A force's is
// the sum of its boroughs', and only when every one of them has a table.
func (r *Disproportionality) population(snap *readmodel.Snapshot, area charter.Area) (map[charter.EthnicGroup]int, error) {
	if area.Level != charter.LevelForce {
		pop, census := snap.PopulationByGroup(area.Level, area.Code)
		if len(pop) == 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("no census population is held for %s, so no rate or ratio is given", area.Name))
		}
		r.Census = census
		return pop, nil
	}
	codes, ok := charter.ForceBoroughs(area.Code)
	if !ok {
		r.Notes = append(r.Notes, fmt.Sprintf("the boroughs that the %s polices are not known to Charter yet, so its population is not known and no rate or ratio is given", charter.ForceName(area.Code)))
		return nil, nil
	}
	pop, census, missing := snap.PopulationSum(charter.LevelBorough, codes)
	if len(missing) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("no census population is held for %d of the %d boroughs that the %s polices, so its population is not known and no rate or ratio is given",
			len(missing), len(codes), charter.ForceName(area.Code)))
		return nil, nil
	}
	r.Census = census
	if len(codes) == 1 {
		r.Notes = append(r.Notes, fmt.Sprintf("the population of the %s area is the census population of the one borough it polices", charter.ForceName(area.Code)))
	} else {
		r.Notes = append(r.Notes, fmt.Sprintf("the population of the %s area is the sum of the census populations of the %d boroughs it polices", charter.ForceName(area.Code), len(codes)))
	}
	return pop, nil
}

// subAreas are the areas a report's area is stratified over.
type subAreas struct {
	level charter.Level     // 0: none
	codes map[string]string // index value → code, of the sub-areas only
}

// subAreasOf finds the sub-areas of an area: a force's boroughs, a
// borough's wards (by their parent code). Areas below a borough are not
// divided further.
func subAreasOf(snap *readmodel.Snapshot, area charter.Area) (subAreas, error) {
	var in func(charter.Area) bool
	sub := subAreas{codes: map[string]string{}}
	switch area.Level {
	case charter.LevelForce:
		codes, ok := charter.ForceBoroughs(area.Code)
		if !ok {
			return sub, nil
		}
		set := map[string]bool{}
		for _, c := range codes {
			set[c] = true
		}
		sub.level, in = charter.LevelBorough, func(a charter.Area) bool { return set[a.Code] }
	case charter.LevelBorough:
		sub.level, in = charter.LevelWard, func(a charter.Area) bool { return a.ParentCode == area.Code }
	default:
		return sub, nil
	}
	areas := snap.CurrentAreas(false)
	for _, a := range areas {
		if a.Level == sub.level && in(a) {
			sub.codes[indexValue(a)] = a.Code
		}
	}
	return sub, nil
}

// stratum is one sub-area of the adjusted ratio: searches and population by group.
type stratum struct {
	searches map[string]int
	pop      map[charter.EthnicGroup]int
}

// strata returns the sub-areas that hold searches and have census
// population, and records their number and coverage in the report, with a
// note whenever the adjusted ratio is missing or covers only part of the area.
func (r *Disproportionality) strata(snap *readmodel.Snapshot, area charter.Area, sub subAreas,
	bySub map[string]map[string]int, subTotal map[string]int) ([]stratum, error) {
	if sub.level == 0 {
		reason := fmt.Sprintf("a %s is not divided into smaller areas here", area.Level)
		if area.Level == charter.LevelForce {
			reason = fmt.Sprintf("the boroughs of force %s are not mapped yet", area.Code)
		}
		r.Notes = append(r.Notes, "no geography-adjusted ratio: "+reason)
		return nil, nil
	}
	r.StrataLevel = sub.level.String()
	codes := make([]string, 0, len(bySub))
	for c := range bySub {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	pops, _ := snap.PopulationByArea(sub.level, codes)
	var out []stratum
	for _, c := range codes {
		if len(pops[c]) == 0 {
			continue
		}
		out = append(out, stratum{bySub[c], pops[c]})
		r.StratifiedSearches += subTotal[c]
	}
	r.Strata = len(out)
	if r.Searches > 0 {
		r.StratifiedShare = float64(r.StratifiedSearches) / float64(r.Searches)
	}
	switch {
	case len(out) == 0:
		r.Notes = append(r.Notes, fmt.Sprintf("no geography-adjusted ratio: no %s of %s holding searches has a census population of its own", sub.level, area.Name))
	case r.StratifiedSearches < r.Searches:
		in := fmt.Sprintf("the %d %ss", r.Strata, sub.level)
		if r.Strata == 1 {
			in = fmt.Sprintf("the one %s", sub.level)
		}
		r.Notes = append(r.Notes, fmt.Sprintf("the geography-adjusted ratio covers %.1f%% of the searches: %s in %s with a census population; the rest have no location or lie outside them",
			100*r.StratifiedShare, charter.Thousands(r.StratifiedSearches), in))
	}
	return out, nil
}

// adjust sets the row's Mantel–Haenszel rate ratio of group g to White over
// the strata.
func (row *GroupRow) adjust(strata []stratum, g charter.EthnicGroup, level float64) {
	if len(strata) == 0 {
		return
	}
	ss := make([]stats.Stratum, len(strata))
	white := charter.GroupWhite.String()
	for i, s := range strata {
		ss[i] = stats.Stratum{EventsA: s.searches[g.String()], PopA: s.pop[g], EventsB: s.searches[white], PopB: s.pop[charter.GroupWhite]}
	}
	row.AdjustedRatio, row.AdjustedNote = ratioOf(stats.MantelHaenszelRateRatio(ss, level))
}

// ratioOf turns a ratio estimate into a report's figure and note. An
// infinite ratio (no searches in the reference group) is no ratio.
func ratioOf(e stats.Estimate) (charter.Figure, string) {
	switch {
	case e.HasInterval():
		return e.Figure(charter.ScaleRate), ""
	case e.HasValue() && !math.IsInf(e.Value, 0):
		return e.Figure(charter.ScaleRate), "too few searches for an interval"
	}
	return charter.Figure{}, "no ratio: no searches in one of the two groups"
}

func ptr(v float64) *float64 { return &v }

// monthFlags returns the quality flags of the months in the period of every
// force the report counts (missing months included), so a reader sees that,
// say, the Met API months are incomplete.
func monthFlags(snap *readmodel.Snapshot, where []index.Cond, from, to charter.Month) ([]MonthFlags, error) {
	present, err := snap.Stops.Count(index.Query{From: from, To: to, Where: where, GroupBy: []index.Dim{index.DimForce, index.DimMonth}})
	if err != nil {
		return nil, err
	}
	forces := map[string]bool{}
	for _, p := range present {
		forces[p.Values[0]] = true
	}
	out := []MonthFlags{}
	for _, m := range snap.Quality() {
		mo, _ := charter.ParseMonth(m.Month)
		if !forces[m.Force] || len(m.Flags) == 0 || from != 0 && mo < from || to != 0 && mo > to {
			continue
		}
		out = append(out, MonthFlags{Force: m.Force, Month: m.Month, Flags: m.Flags})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Force+out[i].Month < out[j].Force+out[j].Month })
	return out, nil
}
