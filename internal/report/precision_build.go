package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/stats"
)

// precisionBuild is NewPrecision under way: the query with its defaults,
// the report being filled in, and what each step hands the next. Each step
// is a method so that it can be read (and changed) on its own.
type precisionBuild struct {
	snap   *readmodel.Snapshot
	q      PrecisionQuery
	r      *Precision
	isHex  bool
	hexDim index.Dim

	// Set by scope: the areas by id and by level+code, the report's area
	// (nil for every area), and the search filters including it.
	byID, byCode  map[string]charter.Area
	area          *charter.Area
	where         []index.Cond
	forceBoroughs map[string]bool

	// Set by weaponCrime: crime per unit and month, every unit, the months
	// with crime data, and the stop dimension a search's unit is read from.
	crime       unitCounts
	universe    map[string]bool
	crimeMonths []charter.Month
	stopUnit    index.Dim

	// Set by searches and hotspots.
	searches, weapon unitCounts
	stopMonths       map[charter.Month]int
	ranked           []string
	hot              map[string]bool
}

// newPrecisionBuild fills in the query's defaults and checks it, before any
// reading, so that a wrong flag is named at once.
func newPrecisionBuild(snap *readmodel.Snapshot, q PrecisionQuery) (*precisionBuild, error) {
	if q.Level == 0 {
		q.Level = 0.95
	}
	if q.Unit == "" {
		q.Unit = "ward"
	}
	if q.Top == 0 {
		q.Top = 0.10
	}
	if !(q.Top > 0 && q.Top <= 1) {
		return nil, charter.Errorf(charter.EINVALID, "--top %g: want a share of units above 0 and at most 1 (0.10 for the top 10%%)", q.Top)
	}
	if q.Rank == 0 {
		q.Rank = 20
	}
	if q.Weapon.Counts == nil && q.Weapon.Street == nil {
		q.Weapon = charter.DefaultWeaponCrime
	}
	if q.WeaponObjects == nil {
		q.WeaponObjects = charter.DefaultWeaponObjects
	}
	hexDim, isHex := map[string]index.Dim{"hex250": index.DimHex250, "hex500": index.DimHex500, "hex1000": index.DimHex1000}[q.Unit]
	if !isHex && q.Unit != "ward" && q.Unit != "borough" {
		return nil, charter.Errorf(charter.EINVALID, "--unit %q: want one of ward, borough, hex250, hex500, hex1000", q.Unit)
	}
	r := &Precision{Area: AreaRef{Name: "all areas"}, Unit: q.Unit, Confidence: q.Level, Top: q.Top,
		Months: []PrecisionMonth{}, Ranked: []PrecisionUnit{}, Flags: []MonthFlags{}, Notes: []string{}}
	r.Definition.Objects = q.WeaponObjects
	if q.From != 0 {
		r.From = q.From.String()
	}
	if q.To != 0 {
		r.To = q.To.String()
	}
	return &precisionBuild{snap: snap, q: q, r: r, isHex: isHex, hexDim: hexDim}, nil
}

// scope finds the report's area and the units it may hold: hotspots are
// compared inside a borough or a force (or a ward, in hex cells), never
// across a ward's edge.
func (b *precisionBuild) scope() error {
	b.byID, b.byCode = map[string]charter.Area{}, map[string]charter.Area{}
	for _, a := range b.snap.CurrentAreas(true) {
		b.byID[strconv.FormatInt(a.ID, 10)] = a
		if a.Level == charter.LevelWard || a.Level == charter.LevelBorough {
			b.byCode[a.Level.String()+a.Code] = a
		}
	}
	b.where = append([]index.Cond(nil), b.q.Where...)
	if b.q.Area != "" {
		a, err := b.snap.AreaByCode(b.q.Area)
		if err != nil {
			return err
		}
		b.area = &a
		b.r.Area = AreaRef{Code: a.Code, Name: a.Name, Level: a.Level.String()}
		if a.Level != charter.LevelForce && a.Level != charter.LevelBorough && !(b.isHex && a.Level == charter.LevelWard) {
			return charter.Errorf(charter.EINVALID, "--area %s is a %s: precision compares units inside an area, so give a borough or a force (or a ward with a hex --unit)", a.Code, a.Level)
		}
		b.where = append(b.where, areaWhere(a)...)
	}
	b.forceBoroughs = map[string]bool{}
	if b.area != nil && b.area.Level == charter.LevelForce {
		codes, _ := charter.ForceBoroughs(b.area.Code)
		for _, c := range codes {
			b.forceBoroughs[c] = true
		}
	}
	return nil
}

// inPeriod reports whether m is in the query's period.
func (b *precisionBuild) inPeriod(m charter.Month) bool {
	return (b.q.From == 0 || m >= b.q.From) && (b.q.To == 0 || m <= b.q.To)
}

// weaponCrime counts weapon-enabled crime per unit and month and sets the
// universe of units: hex cells from street-level crime, wards and boroughs
// from the area-level counts. Without units there is no report.
func (b *precisionBuild) weaponCrime() error {
	b.crime, b.universe = newUnitCounts(), map[string]bool{}
	var err error
	if b.isHex {
		err = b.streetCrime()
	} else {
		b.countedCrime()
	}
	if err != nil {
		return err
	}
	r := b.r
	r.Units, r.CrimeMonths = len(b.universe), len(b.crimeMonths)
	if r.Units == 0 {
		return charter.Errorf(charter.ENOTFOUND, "no %s units with crime data in %s: import MPS ward-level counts (ward, borough) or street-level crime (hex)", b.q.Unit, r.Area.Name)
	}
	for _, n := range b.crime.total {
		r.WeaponCrimes += n
	}
	return nil
}

// streetCrime is weaponCrime in hex cells, from street-level crime points;
// the cells are every cell of the area's boundary, so that a cell with no
// crime still counts as a unit.
func (b *precisionBuild) streetCrime() error {
	q, r, area := b.q, b.r, b.area
	b.stopUnit = b.hexDim
	_, r.Definition.Crime = q.Weapon.Describe()
	sq := index.StreetQuery{From: q.From, To: q.To, Match: q.Weapon.MatchStreet, By: b.hexDim, ByMonth: true}
	force := ""
	if area != nil {
		switch area.Level {
		case charter.LevelForce:
			force = charter.ForceName(area.Code)
			sq.Force = force
		case charter.LevelBorough:
			sq.Borough = area.ID
		case charter.LevelWard:
			sq.Ward = area.ID
		}
	}
	// No street-level crime of any kind in the area: there is nothing to
	// find hotspots in, which is not the same as no weapon crime.
	any := sq
	any.From, any.To, any.Match, any.ByMonth = 0, 0, nil, false
	if all, err := b.snap.Crimes.Street(any); err != nil {
		return err
	} else if len(all) == 0 {
		return charter.Errorf(charter.ENOTFOUND, "no street-level crime is held for %s: import data.police.uk street crime for it, or use --unit ward", r.Area.Name)
	}
	rows, err := b.snap.Crimes.Street(sq)
	if err != nil {
		return err
	}
	for _, x := range rows {
		b.crime.add(x.Area, x.Month, x.Count)
		b.universe[x.Area] = true
	}
	for _, m := range b.snap.Crimes.StreetMonths(force) {
		if b.inPeriod(m) {
			b.crimeMonths = append(b.crimeMonths, m)
		}
	}
	// AreaByCode does not read boundaries; the list above holds them.
	if bd := boundaryOf(area, b.byCode); len(bd) > 0 {
		mp, err := geo.ParseGeometry(bd)
		if err != nil {
			return fmt.Errorf("boundary of %s: %w", area.Code, err)
		}
		for _, c := range geo.HexCellsIn(geo.HexSize(map[index.Dim]int{index.DimHex250: 250, index.DimHex500: 500, index.DimHex1000: 1000}[b.hexDim]), mp) {
			b.universe[c.String()] = true
		}
	} else {
		r.Notes = append(r.Notes, "the area has no boundary loaded, so its cells are those holding a crime or a search; cells with neither are not counted as units")
	}
	r.Notes = append(r.Notes, "street-level crime categories are coarser than the area counts: 'Violence and sexual offences' includes violence without injury and sexual offences")
	return nil
}

// countedCrime is weaponCrime in wards or boroughs, from the area-level
// monthly counts (which are by ward: a borough's are its wards' summed).
func (b *precisionBuild) countedCrime() {
	q, r, area, byCode := b.q, b.r, b.area, b.byCode
	r.Definition.Crime, _ = q.Weapon.Describe()
	b.stopUnit = index.DimWard
	level := charter.LevelWard
	if q.Unit == "borough" {
		b.stopUnit = index.DimBorough
	}
	unitOf := func(wardCode string) (string, bool) {
		w, ok := byCode["ward"+wardCode]
		if !ok {
			return "", false
		}
		if area != nil && area.Level == charter.LevelBorough && w.ParentCode != area.Code {
			return "", false
		}
		if area != nil && area.Level == charter.LevelForce && !b.forceBoroughs[w.ParentCode] {
			return "", false
		}
		if q.Unit == "borough" {
			return w.ParentCode, w.ParentCode != ""
		}
		return wardCode, true
	}
	// A unit without a boundary can hold no search (searches are placed
	// by point in polygon), so counting its crime would make searching
	// look less precise than it is: such units are left out, and said.
	placeable := func(u string) bool { return len(byCode[q.Unit+u].Boundary) > 0 }
	unplaced := map[string]bool{}
	for _, x := range b.snap.Crimes.Counts(index.CountQuery{Level: level}) { // any category: every ward the counts know
		if u, ok := unitOf(x.Area); ok {
			if placeable(u) {
				b.universe[u] = true
			} else {
				unplaced[u] = true
			}
		}
	}
	lost := 0
	for _, x := range b.snap.Crimes.Counts(index.CountQuery{Level: level, From: q.From, To: q.To, Match: q.Weapon.MatchCount, ByMonth: true}) {
		if u, ok := unitOf(x.Area); ok && b.universe[u] {
			b.crime.add(u, x.Month, x.Count)
		} else if ok {
			lost += x.Count
		}
	}
	if len(unplaced) > 0 {
		r.UnitsWithoutBoundary, r.WeaponCrimesLeftOut = len(unplaced), lost
		r.Notes = append(r.Notes, fmt.Sprintf("%s %s with crime counts have no boundary, so no search can be placed in them; they and their %s weapon-enabled crimes are left out",
			charter.Thousands(len(unplaced)), unitWords(q.Unit, len(unplaced)), charter.Thousands(lost)))
	}
	for _, m := range b.snap.Crimes.CountMonths(level) {
		if b.inPeriod(m) {
			b.crimeMonths = append(b.crimeMonths, m)
		}
	}
}

// countSearches counts searches, and weapon searches, per unit and month; a
// search in no unit counts in the total but in no share, and is said.
func (b *precisionBuild) countSearches() error {
	q, r := b.q, b.r
	unitKey := func(v string) (string, bool) {
		if b.isHex {
			return v, b.universe[v]
		}
		a, ok := b.byID[v]
		if !ok {
			return "", false
		}
		return a.Code, b.universe[a.Code]
	}
	count := func(extra []index.Cond) (unitCounts, map[charter.Month]int, int, error) {
		rows, err := b.snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: append(append([]index.Cond(nil), b.where...), extra...),
			GroupBy: []index.Dim{b.stopUnit, index.DimMonth}})
		if err != nil {
			return unitCounts{}, nil, 0, err
		}
		u, months, all := newUnitCounts(), map[charter.Month]int{}, 0
		for _, x := range rows {
			m, _ := charter.ParseMonth(x.Values[1])
			months[m] += 0
			all += x.Count
			if k, ok := unitKey(x.Values[0]); ok {
				u.add(k, m, x.Count)
			}
		}
		return u, months, all, nil
	}
	var all int
	var err error
	b.searches, b.stopMonths, all, err = count(nil)
	if err != nil {
		return err
	}
	b.weapon, _, _, err = count([]index.Cond{{Dim: index.DimObject, Values: q.WeaponObjects}})
	if err != nil {
		return err
	}
	r.Searches, r.StopMonths = all, len(b.stopMonths)
	for _, n := range b.searches.total {
		r.SearchesPlaced += n
	}
	for _, n := range b.weapon.total {
		r.WeaponSearches += n
	}
	if r.Searches > r.SearchesPlaced {
		r.Notes = append(r.Notes, fmt.Sprintf("%s of %s searches (%.1f%%) have no location, or lie outside every one of the %s, and are left out of every share",
			charter.Thousands(r.Searches-r.SearchesPlaced), charter.Thousands(r.Searches), 100*float64(r.Searches-r.SearchesPlaced)/float64(r.Searches), unitWords(q.Unit, 2)))
	}
	return nil
}

// shareOf is a/b, NaN when b is 0 (nanZero turns it into the 0 the report
// shows).
func shareOf(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// topN is how many units the top share of them is: at least one, and the
// ceiling otherwise (with a little slack so that 10% of 20 is 2, not 3).
func (b *precisionBuild) topN(share float64) int {
	return max(1, int(math.Ceil(share*float64(len(b.ranked))-1e-9)))
}

// sumTop is c summed over the top n ranked units.
func (b *precisionBuild) sumTop(c map[string]int, n int) int {
	s := 0
	for _, u := range b.ranked[:n] {
		s += c[u]
	}
	return s
}

// hotspots ranks units by weapon crime (ties by code, so the ranking is
// stable), draws the concentration curve, and picks the hotspots and the
// period's score: the share of weapon searches made in them.
func (b *precisionBuild) hotspots() error {
	q, r := b.q, b.r
	b.ranked = make([]string, 0, len(b.universe))
	for u := range b.universe {
		b.ranked = append(b.ranked, u)
	}
	crime := b.crime.total
	sort.Slice(b.ranked, func(i, j int) bool {
		x, y := crime[b.ranked[i]], crime[b.ranked[j]]
		if x != y {
			return x > y
		}
		return b.ranked[i] < b.ranked[j]
	})
	shares := append([]float64(nil), concentrationShares...)
	if !containsFloat(shares, q.Top) {
		shares = append(shares, q.Top)
		sort.Float64s(shares)
	}
	for _, k := range shares {
		n := b.topN(k)
		r.Concentration = append(r.Concentration, ConcentrationPoint{TopShare: k, Units: n,
			CrimeShare:     nanZero(shareOf(b.sumTop(crime, n), r.WeaponCrimes)),
			Searches:       NewProportion(b.sumTop(b.searches.total, n), r.SearchesPlaced, q.Level),
			WeaponSearches: NewProportion(b.sumTop(b.weapon.total, n), r.WeaponSearches, q.Level)})
	}
	r.Hotspots = b.topN(q.Top)
	b.hot = map[string]bool{}
	for _, u := range b.ranked[:r.Hotspots] {
		b.hot[u] = true
	}
	r.HotspotCrimeShare = nanZero(shareOf(b.sumTop(crime, r.Hotspots), r.WeaponCrimes))
	r.Score = NewProportion(b.sumTop(b.weapon.total, r.Hotspots), r.WeaponSearches, q.Level)
	return nil
}

// byMonth is the score month by month, over every month with crime data or
// searches: a month with only one of them says which is missing (nil)
// rather than showing a zero.
func (b *precisionBuild) byMonth() error {
	q, r := b.q, b.r
	flags, err := monthFlags(b.snap, b.where, q.From, q.To)
	if err != nil {
		return err
	}
	r.Flags = flags
	flagsOf := map[string][]string{}
	for _, f := range flags {
		flagsOf[f.Month] = append(flagsOf[f.Month], f.Flags...)
	}
	covered := map[charter.Month]bool{}
	for _, m := range b.crimeMonths {
		covered[m] = true
	}
	var months []charter.Month
	for m := range covered {
		months = append(months, m)
	}
	for m := range b.stopMonths {
		if !covered[m] {
			months = append(months, m)
		}
	}
	sort.Slice(months, func(i, j int) bool { return months[i] < months[j] })
	for _, m := range months {
		pm := PrecisionMonth{Month: m.String(), Flags: flagsOf[m.String()]}
		if covered[m] {
			n, h := 0, 0
			for u, c := range b.crime.byMonth[m] {
				n += c
				if b.hot[u] {
					h += c
				}
			}
			pm.WeaponCrimes = &n
			if n > 0 {
				pm.HotspotCrimeShare = ptr(float64(h) / float64(n))
			}
		}
		if _, ok := b.stopMonths[m]; ok {
			s, w, wh := 0, 0, 0
			for _, c := range b.searches.byMonth[m] {
				s += c
			}
			for u, c := range b.weapon.byMonth[m] {
				w += c
				if b.hot[u] {
					wh += c
				}
			}
			pm.Searches, pm.WeaponSearches = &s, &w
			p := NewProportion(wh, w, q.Level)
			pm.Score = &p
		}
		r.Months = append(r.Months, pm)
	}
	return nil
}

// rankUnits is the ranked list: where weapon crime is, with the evidence
// (crime per month with its interval, searches, weapon searches per crime).
func (b *precisionBuild) rankUnits() {
	q, r := b.q, b.r
	cum := 0
	for i, u := range b.ranked {
		if i >= q.Rank {
			break
		}
		n := b.crime.total[u]
		cum += n
		row := PrecisionUnit{Rank: i + 1, Code: u, Name: unitName(u, q.Unit, b.byCode, b.isHex), WeaponCrimes: n,
			CrimeShare: nanZero(shareOf(n, r.WeaponCrimes)), Cumulative: nanZero(shareOf(cum, r.WeaponCrimes)),
			Searches: b.searches.total[u], WeaponSearches: b.weapon.total[u], Hotspot: b.hot[u]}
		if r.CrimeMonths > 0 {
			row.PerMonth = stats.PoissonRate(n, r.CrimeMonths, 1, q.Level).Figure(charter.ScaleRate)
		}
		if n > 0 {
			row.WeaponSearchesPerCrime = ptr(float64(row.WeaponSearches) / float64(n))
		}
		r.Ranked = append(r.Ranked, row)
	}
}

// closingNotes say what the figures leave out and how the hotspots were
// chosen, so that a reader of the numbers alone is not misled.
func (b *precisionBuild) closingNotes() {
	q, r := b.q, b.r
	if r.CrimeMonths == 0 {
		r.Notes = append(r.Notes, "no crime data covers the period, so there are no hotspots: every crime share is 0")
	}
	if r.StopMonths == 0 {
		r.Notes = append(r.Notes, "no searches are held for the period")
	}
	if !b.isHex && q.Weapon.MatchCount("POSSESSION OF WEAPONS", "") {
		r.Notes = append(r.Notes, "possession of weapons offences are mostly found by police activity, searches included, so they partly count the searching itself; the methodology explains how to rank hotspots without them")
	}
	r.Notes = append(r.Notes, fmt.Sprintf("hotspots are the top %g%% of %s %s by weapon-enabled crime over the months of the period with crime data (%s %s, ties broken by code)",
		100*q.Top, charter.Thousands(r.Units), unitWords(q.Unit, r.Units), charter.Thousands(r.Hotspots), unitWords(q.Unit, r.Hotspots)))
}
