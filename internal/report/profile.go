package report

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// ProfileQuery asks for the public profile of one area (a force, a borough
// or a ward) over a period: what the dashboard and the area pages show.
type ProfileQuery struct {
	Area     string // force id, borough or ward code
	From, To charter.Month
	Where    []index.Cond // the page's filters (legislation, object …)
	Level    float64
}

// ShareRow is one value of a breakdown: its searches as a share of all the
// area's searches in the period, with a Wilson interval.
type ShareRow struct {
	Value string     `json:"value"`
	Share Proportion `json:"share"`
}

// Breakdown is the searches of an area split by one field.
type Breakdown struct {
	Dim   string     `json:"dim"`
	Label string     `json:"label"`
	Rows  []ShareRow `json:"rows"`
}

// TrendMonth is one month of the volume trend. Searches is nil for a month
// the force published nothing for (flagged missing), which is not zero.
type TrendMonth struct {
	Month    string   `json:"month"`
	Searches *int     `json:"searches"`
	Arrests  int      `json:"arrests"`
	Flags    []string `json:"flags"`
}

// SubArea is one borough of a force, or ward of a borough, for the map and
// the table beside it.
type SubArea struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Searches   int    `json:"searches"`
	Population *int   `json:"population"`
	// Rate is searches per 1,000 residents with an exact Poisson interval.
	Rate charter.Figure `json:"rate_per_1000"`
	// WeaponCrimes is the period's weapon-enabled crime from the area-level
	// counts; nil when the counts do not cover the area.
	WeaponCrimes *int `json:"weapon_crimes"`
}

// WeaponCrimeTrend is weapon-enabled crime of an area by month, from the
// area-level monthly counts (the MPS ward files), with the rate per 1,000
// residents over the period.
type WeaponCrimeTrend struct {
	Definition string `json:"definition"`
	// Total is over the profile's period, PerThousand its rate per 1,000
	// residents with an exact Poisson interval (unknown without population).
	Total       int            `json:"total"`
	Months      int            `json:"months"`
	PerThousand charter.Figure `json:"per_1000"`
	// Trend holds every month the counts cover, not only the period.
	Trend []CrimeMonth `json:"trend"`
}

// CrimeMonth is one month of a crime trend.
type CrimeMonth struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

// Profile is the report: volume and trend, the breakdowns, arrest and find
// rates, the strip-search share, disproportionality, the sub-areas, and
// weapon-enabled crime, each with the data-quality flags under it.
type Profile struct {
	Area       AreaRef   `json:"area"`
	Parents    []AreaRef `json:"parents"` // outermost first: force, then borough
	From       string    `json:"from"`
	To         string    `json:"to"`
	Confidence float64   `json:"confidence"`
	Searches   int       `json:"searches"`
	// Population is the census population of the area (nil when not known),
	// Rate searches per 1,000 residents over the period.
	Population *int           `json:"population"`
	Rate       charter.Figure `json:"rate_per_1000"`
	Arrest     Proportion     `json:"arrest"`
	// Find is the share of searches whose outcome was linked to the object
	// searched for, among those where the link was recorded; nil (with
	// FindNote) where the force does not report it.
	Find     *Proportion `json:"find"`
	FindNote string      `json:"find_note,omitempty"`
	// StripSearch is the share of searches with removal of more than outer
	// clothing, among those where it was recorded; nil (with StripNote)
	// where the force does not report it.
	StripSearch        *Proportion         `json:"strip_search"`
	StripNote          string              `json:"strip_note,omitempty"`
	Trend              []TrendMonth        `json:"trend"`
	Breakdowns         []Breakdown         `json:"breakdowns"`
	Disproportionality *Disproportionality `json:"disproportionality"`
	SubLevel           string              `json:"sub_level"`
	SubAreas           []SubArea           `json:"sub_areas"`
	// StopMonths counts the months of the period in which the area's force
	// published any search (anywhere): 0 means the period has no data, which
	// is not the same as no searches.
	StopMonths int `json:"stop_months"`
	// PeriodMonths is the number of months from From to To (0 when the
	// period is open).
	PeriodMonths int `json:"period_months"`
	// OutsideSubAreas counts the searches that are in no sub-area: without
	// a location, or placed outside every one of them. It and the
	// sub-areas' searches add up to Searches.
	OutsideSubAreas int               `json:"searches_outside_sub_areas"`
	WeaponCrime     *WeaponCrimeTrend `json:"weapon_crime"`
	Flags           []MonthFlags      `json:"flags"`
	Notes           []string          `json:"notes"`
}

// profileBreakdowns are the fields the dashboard splits searches by.
var profileBreakdowns = []struct {
	dim   index.Dim
	label string
}{
	{index.DimSelfGroup, "Ethnic group (self-defined)"},
	{index.DimOfficerGroup, "Ethnic group (officer-defined)"},
	{index.DimAge, "Age range"},
	{index.DimGender, "Gender"},
	{index.DimLegislation, "Legislation"},
	{index.DimObject, "Object of search"},
	{index.DimOutcome, "Outcome"},
	{index.DimType, "Type"},
}

// NewProfile computes the profile of an area.
func NewProfile(snap *readmodel.Snapshot, q ProfileQuery) (*Profile, error) {
	if q.Level == 0 {
		q.Level = 0.95
	}
	area, err := snap.AreaByCode(q.Area)
	if err != nil {
		return nil, err
	}
	r := &Profile{Area: AreaRef{Code: area.Code, Name: area.Name, Level: area.Level.String()}, Confidence: q.Level,
		Parents: []AreaRef{}, Breakdowns: []Breakdown{}, SubAreas: []SubArea{}, Notes: []string{}}
	if q.From != 0 {
		r.From = q.From.String()
	}
	if q.To != 0 {
		r.To = q.To.String()
	}
	if q.From != 0 && q.To >= q.From {
		r.PeriodMonths = int(q.To-q.From) + 1
	}
	if err := r.parents(snap, area); err != nil {
		return nil, err
	}
	where := append(areaWhere(area), q.Where...)
	count := func(from, to charter.Month, by ...index.Dim) ([]index.Row, error) {
		return snap.Stops.Count(index.Query{From: from, To: to, Where: where, GroupBy: by})
	}

	for _, b := range profileBreakdowns {
		rows, err := count(q.From, q.To, b.dim)
		if err != nil {
			return nil, err
		}
		total := 0
		for _, row := range rows {
			total += row.Count
		}
		r.Searches = total
		bd := Breakdown{Dim: b.dim.String(), Label: b.label, Rows: []ShareRow{}}
		for _, row := range rows {
			v := row.Values[0]
			if v == "" {
				v = "Not recorded"
			}
			bd.Rows = append(bd.Rows, ShareRow{Value: v, Share: NewProportion(row.Count, total, q.Level)})
		}
		sort.SliceStable(bd.Rows, func(i, j int) bool { return bd.Rows[i].Share.Count > bd.Rows[j].Share.Count })
		if b.dim == index.DimSelfGroup || b.dim == index.DimOfficerGroup {
			sort.SliceStable(bd.Rows, func(i, j int) bool { return groupOrder(bd.Rows[i].Value) < groupOrder(bd.Rows[j].Value) })
		}
		r.Breakdowns = append(r.Breakdowns, bd)
	}

	if r.Flags, err = monthFlags(snap, where, q.From, q.To); err != nil {
		return nil, err
	}
	if r.StopMonths, err = stopMonths(snap.Stops, area, q.From, q.To); err != nil {
		return nil, err
	}
	if err := r.rates(count, q); err != nil {
		return nil, err
	}
	if err := r.trend(snap, where, count); err != nil {
		return nil, err
	}
	if r.Disproportionality, err = NewDisproportionality(snap, DispQuery{Area: q.Area, From: q.From, To: q.To, Where: q.Where, Level: q.Level}); err != nil {
		return nil, err
	}
	if err := r.population(snap, area); err != nil {
		return nil, err
	}
	subs, err := r.subAreas(snap, area, q)
	if err != nil {
		return nil, err
	}
	if snap.Crimes != nil {
		r.weaponCrime(snap.Crimes, area, subs, q)
	}
	return r, nil
}

// parents lists the areas that contain area, outermost first.
func (r *Profile) parents(snap *readmodel.Snapshot, area charter.Area) error {
	for a := area; a.ParentCode != ""; {
		p, err := snap.AreaByCode(a.ParentCode)
		if err != nil {
			return err
		}
		r.Parents = append([]AreaRef{{Code: p.Code, Name: p.Name, Level: p.Level.String()}}, r.Parents...)
		a = p
	}
	// Boroughs know no force in the areas table: take it from the force's
	// list of boroughs, for a borough or a ward's borough.
	borough := ""
	switch {
	case area.Level == charter.LevelBorough:
		borough = area.Code
	case area.Level == charter.LevelWard && len(r.Parents) == 1:
		borough = r.Parents[0].Code
	}
	if id, ok := charter.BoroughForce(borough); ok {
		r.Parents = append([]AreaRef{{Code: id, Name: charter.ForceName(id), Level: charter.LevelForce.String()}}, r.Parents...)
	}
	return nil
}

// rates fills the arrest, find and strip-search shares. The three-state
// fields count only where recorded: an unknown is never a "no".
func (r *Profile) rates(count func(from, to charter.Month, by ...index.Dim) ([]index.Row, error), q ProfileQuery) error {
	for _, bd := range r.Breakdowns {
		if bd.Dim != index.DimOutcome.String() {
			continue
		}
		arrests := 0
		for _, row := range bd.Rows {
			if o, _ := charter.LookupOutcome(row.Value); o.Arrest {
				arrests += row.Share.Count
			}
		}
		r.Arrest = NewProportion(arrests, r.Searches, q.Level)
	}
	tri := func(d index.Dim, field string) (*Proportion, string, error) {
		rows, err := count(q.From, q.To, d)
		if err != nil {
			return nil, "", err
		}
		yes, known := 0, 0
		for _, row := range rows {
			switch row.Values[0] {
			case charter.True.CSV():
				yes += row.Count
				known += row.Count
			case charter.False.CSV():
				known += row.Count
			}
		}
		// A month whose force does not report the field makes every share
		// over the period a guess: say who does not report it, and in how
		// many of the period's months.
		months, forces := 0, []string{}
		for _, f := range r.Flags {
			if slices.Contains(f.Flags, charter.FlagNotReportedPrefix+field) {
				months++
				if name := charter.ForceName(f.Force); !slices.Contains(forces, name) {
					forces = append(forces, name)
				}
			}
		}
		if months > 0 {
			when := "in any month of this period"
			if months < r.StopMonths {
				when = fmt.Sprintf("in %d of the %d months of this period with data", months, r.StopMonths)
			}
			return nil, fmt.Sprintf("not shown: the %s does not publish %s %s", strings.Join(forces, " and the "), fieldWords[field], when), nil
		}
		if known == 0 {
			return nil, "not shown: not recorded for any search in the period", nil
		}
		p := NewProportion(yes, known, q.Level)
		return &p, "", nil
	}
	var err error
	if r.Find, r.FindNote, err = tri(index.DimLink, charter.FieldOutcomeLinked); err != nil {
		return err
	}
	r.StripSearch, r.StripNote, err = tri(index.DimRemoval, charter.FieldRemoval)
	return err
}

// trend counts searches and arrests by month over every month of the area's
// forces (the period does not narrow it: a trend needs its context), with
// missing months present and flagged.
func (r *Profile) trend(snap *readmodel.Snapshot, where []index.Cond,
	count func(from, to charter.Month, by ...index.Dim) ([]index.Row, error)) error {
	rows, err := count(0, 0, index.DimMonth, index.DimOutcome)
	if err != nil {
		return err
	}
	type acc struct{ searches, arrests int }
	byMonth := map[string]*acc{}
	for _, row := range rows {
		a := byMonth[row.Values[0]]
		if a == nil {
			a = &acc{}
			byMonth[row.Values[0]] = a
		}
		a.searches += row.Count
		if o, _ := charter.LookupOutcome(row.Values[1]); o.Arrest {
			a.arrests += row.Count
		}
	}
	flags, err := monthFlags(snap, where, 0, 0)
	if err != nil {
		return err
	}
	flagsOf := map[string][]string{}
	months := map[string]bool{}
	for m := range byMonth {
		months[m] = true
	}
	for _, f := range flags {
		flagsOf[f.Month] = append(flagsOf[f.Month], f.Flags...)
		months[f.Month] = true
	}
	keys := make([]string, 0, len(months))
	for m := range months {
		keys = append(keys, m)
	}
	sort.Strings(keys)
	r.Trend = make([]TrendMonth, 0, len(keys))
	for _, m := range keys {
		tm := TrendMonth{Month: m, Flags: dedupe(flagsOf[m])}
		if a := byMonth[m]; a != nil {
			n := a.searches
			tm.Searches, tm.Arrests = &n, a.arrests
		} else if !slices.Contains(tm.Flags, charter.FlagMissing) {
			zero := 0
			tm.Searches = &zero
		}
		r.Trend = append(r.Trend, tm)
	}
	return nil
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// population sets the area's census population and its search rate. The
// disproportionality report already resolved it (a force as the sum of its
// boroughs), so its group populations are summed rather than asked again.
func (r *Profile) population(snap *readmodel.Snapshot, area charter.Area) error {
	d := r.Disproportionality
	total, known := 0, false
	for _, row := range d.Rows {
		if row.Population != nil {
			total += *row.Population
			known = true
		}
	}
	if !known {
		r.Notes = append(r.Notes, "no census population for this area: rates per 1,000 are not shown")
		return nil
	}
	r.Population = &total
	r.Rate = per1000(r.Searches, total, r.Confidence)
	return nil
}

// subAreas fills the boroughs of a force or the wards of a borough, with
// their searches and rates, and returns all of them (even those without
// searches) for the weapon-crime sums.
func (r *Profile) subAreas(snap *readmodel.Snapshot, area charter.Area, q ProfileQuery) ([]charter.Area, error) {
	var level charter.Level
	var subs []charter.Area
	switch area.Level {
	case charter.LevelForce:
		level = charter.LevelBorough
		codes, _ := charter.ForceBoroughs(area.Code)
		for _, c := range codes {
			a, err := snap.AreaByCode(c)
			if err != nil {
				continue // a borough not imported is not shown
			}
			subs = append(subs, a)
		}
	case charter.LevelBorough:
		level = charter.LevelWard
		all := snap.CurrentAreas(false)
		for _, a := range all {
			if a.Level == charter.LevelWard && a.ParentCode == area.Code {
				subs = append(subs, a)
			}
		}
	default:
		return []charter.Area{area}, nil
	}
	r.SubLevel = level.String()
	where := append(areaWhere(area), q.Where...)
	rows, err := snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: where, GroupBy: []index.Dim{levelDim[level]}})
	if err != nil {
		return nil, err
	}
	searches := map[string]int{}
	r.OutsideSubAreas = r.Searches
	for _, row := range rows {
		searches[row.Values[0]] = row.Count
	}
	codes := codesOf(subs)
	pops, _ := snap.PopulationByArea(level, codes)
	for _, a := range subs {
		sa := SubArea{Code: a.Code, Name: a.Name, Searches: searches[strconv.FormatInt(a.ID, 10)]}
		r.OutsideSubAreas -= sa.Searches
		if p, ok := pops[a.Code]; ok {
			total := 0
			for _, n := range p {
				total += n
			}
			sa.Population = &total
			sa.Rate = per1000(sa.Searches, total, q.Level)
		}
		if sa.Searches == 0 && sa.Population == nil {
			continue // a ward of another boundary vintage, known only by code
		}
		r.SubAreas = append(r.SubAreas, sa)
	}
	sort.Slice(r.SubAreas, func(i, j int) bool { return r.SubAreas[i].Name < r.SubAreas[j].Name })
	return subs, nil
}

// weaponCrime sums the ward-level weapon-enabled crime counts of the area's
// wards (a ward is its own only ward) by month, and per sub-area over the
// period.
func (r *Profile) weaponCrime(cr *index.Crimes, area charter.Area, subs []charter.Area, q ProfileQuery) {
	var wards []string
	switch area.Level {
	case charter.LevelWard:
		wards = []string{area.Code}
	case charter.LevelBorough:
		wards = codesOf(subs)
	case charter.LevelForce:
		wards = nil // every ward the counts hold
	}
	if area.Level == charter.LevelBorough && len(wards) == 0 {
		return
	}
	wc := charter.DefaultWeaponCrime
	def, _ := wc.Describe()
	rows := cr.Counts(index.CountQuery{Level: charter.LevelWard, Areas: wards, Match: wc.MatchCount, ByMonth: true})
	if len(rows) == 0 {
		r.Notes = append(r.Notes, "no ward-level crime counts cover this area")
		return
	}
	t := &WeaponCrimeTrend{Definition: def, Trend: []CrimeMonth{}}
	byMonth := map[charter.Month]int{}
	perWard := map[string]int{}
	for _, row := range rows {
		byMonth[row.Month] += row.Count
		if (q.From == 0 || row.Month >= q.From) && (q.To == 0 || row.Month <= q.To) {
			t.Total += row.Count
			perWard[row.Area] += row.Count
		}
	}
	covered := map[charter.Month]bool{}
	for _, m := range cr.CountMonths(charter.LevelWard) {
		covered[m] = true
		if _, ok := byMonth[m]; !ok {
			byMonth[m] = 0 // a covered month without such crime is a true zero
		}
		if (q.From == 0 || m >= q.From) && (q.To == 0 || m <= q.To) {
			t.Months++
		}
	}
	months := make([]charter.Month, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	sort.Slice(months, func(i, j int) bool { return months[i] < months[j] })
	for _, m := range months {
		t.Trend = append(t.Trend, CrimeMonth{Month: m.String(), Count: byMonth[m]})
	}
	if r.Population != nil && t.Months > 0 {
		t.PerThousand = per1000(t.Total, *r.Population, q.Level)
	}
	if t.Months == 0 {
		r.Notes = append(r.Notes, "the ward-level crime counts do not cover the period: weapon-enabled crime is shown as a trend only")
	}
	r.WeaponCrime = t
	if r.SubLevel == charter.LevelWard.String() {
		for i := range r.SubAreas {
			if t.Months > 0 {
				n := perWard[r.SubAreas[i].Code]
				r.SubAreas[i].WeaponCrimes = &n
			}
		}
	}
}

// per1000 is a count per 1,000 people with its exact Poisson interval;
// unknown when it cannot be computed.
func per1000(n, population int, level float64) charter.Figure {
	return stats.PoissonRate(n, population, 1000, level).Figure(charter.ScaleRate)
}

// fieldWords says in words what a three-state field records.
var fieldWords = map[string]string{
	charter.FieldOutcomeLinked: "whether what was found was linked to the object of the search",
	charter.FieldRemoval:       "whether more than outer clothing was removed",
}

// stopMonths counts the months from..to in which the force of area (the
// force itself, or the force that polices a borough or ward) published any
// search.
func stopMonths(ix *index.Index, area charter.Area, from, to charter.Month) (int, error) {
	where := areaWhere(area)
	if area.Level != charter.LevelForce {
		if f, ok := charter.BoroughForce(boroughOf(area)); ok {
			where = []index.Cond{{Dim: index.DimForce, Values: []string{f}}}
		}
	}
	rows, err := ix.Count(index.Query{From: from, To: to, Where: where, GroupBy: []index.Dim{index.DimMonth}})
	return len(rows), err
}
