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

// PrecisionUnits are the units hotspots are counted in: wards and boroughs
// from the area-level monthly counts, hex cells from street-level crime points.
var PrecisionUnits = []string{"ward", "borough", "hex250", "hex500", "hex1000"}

// PrecisionQuery asks how precisely searches follow weapon-enabled crime in
// an area and period (PRODUCT.md A3).
type PrecisionQuery struct {
	Area     string // a borough code or force id; "" for every area
	From, To charter.Month
	Unit     string // one of PrecisionUnits; "" is ward
	// Weapon is what counts as weapon-enabled crime; zero is
	// charter.DefaultWeaponCrime.
	Weapon charter.WeaponCrime
	// WeaponObjects make a search a weapon search; nil is
	// charter.DefaultWeaponObjects.
	WeaponObjects []string
	Top           float64      // the hotspot share of units; 0 is 0.10
	Rank          int          // units in the ranked list; 0 is 20
	Where         []index.Cond // further filters on searches
	Level         float64
}

// ConcentrationPoint is one point of the concentration curve: the top K
// share of units by weapon-enabled crime, and what share of crime and of
// searches falls in them.
type ConcentrationPoint struct {
	TopShare float64 `json:"top_share"` // 0.01 for the top 1% of units
	Units    int     `json:"units"`
	// CrimeShare is the share of weapon-enabled crime in those units: the
	// concentration curve C(k) (domain.md §5.10).
	CrimeShare     float64    `json:"crime_share"`
	Searches       Proportion `json:"searches"`        // all searches placed in a unit
	WeaponSearches Proportion `json:"weapon_searches"` // searches for weapons placed in a unit
}

// PrecisionMonth is one month of the precision score.
type PrecisionMonth struct {
	Month string `json:"month"`
	// WeaponCrimes is nil for a month the crime data does not cover.
	WeaponCrimes      *int     `json:"weapon_crimes"`
	HotspotCrimeShare *float64 `json:"hotspot_crime_share"`
	// Searches and weapon searches placed in a unit (nil: no stop data).
	Searches       *int `json:"searches"`
	WeaponSearches *int `json:"weapon_searches"`
	// Score is the share of the month's weapon searches made in the
	// hotspots, with its Wilson interval: searching follows weapon crime
	// when it is at least HotspotCrimeShare.
	Score *Proportion `json:"score"`
	Flags []string    `json:"flags,omitempty"`
}

// PrecisionUnit is one line of the ranked list.
type PrecisionUnit struct {
	Rank         int     `json:"rank"`
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	WeaponCrimes int     `json:"weapon_crimes"`
	CrimeShare   float64 `json:"crime_share"`
	Cumulative   float64 `json:"cumulative_share"`
	// PerMonth is weapon-enabled crimes per month with an exact Poisson
	// interval, over the crime months of the period.
	PerMonth       *float64  `json:"per_month"`
	PerMonthCI     []float64 `json:"per_month_ci"`
	Searches       int       `json:"searches"`
	WeaponSearches int       `json:"weapon_searches"`
	// WeaponSearchesPerCrime is weapon searches per weapon-enabled crime;
	// nil with no crime.
	WeaponSearchesPerCrime *float64 `json:"weapon_searches_per_crime"`
	Hotspot                bool     `json:"hotspot"`
}

// Precision is the report: where weapon-enabled crime is concentrated, what
// share of searches (and of weapon searches) is made there, the score by
// month, and a ranked list of where searching for weapons would be most
// precise (docs/methodology.md §8).
type Precision struct {
	Area       AreaRef `json:"area"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Unit       string  `json:"unit"`
	Confidence float64 `json:"confidence"`
	Definition struct {
		Crime   string   `json:"weapon_crime"`
		Objects []string `json:"weapon_search_objects"`
	} `json:"definition"`
	Units          int `json:"units"`
	WeaponCrimes   int `json:"weapon_crimes"`
	CrimeMonths    int `json:"crime_months"`
	StopMonths     int `json:"stop_months"`
	Searches       int `json:"searches"`
	SearchesPlaced int `json:"searches_placed"` // in a unit; the rest have no location or lie outside every unit
	// UnitsWithoutBoundary are units with crime counts but no boundary, so
	// that no search can be placed in them; their WeaponCrimesLeftOut are
	// left out of every share.
	UnitsWithoutBoundary int `json:"units_without_boundary"`
	WeaponCrimesLeftOut  int `json:"weapon_crimes_left_out"`
	WeaponSearches       int `json:"weapon_searches"`
	// Top is the hotspot share of units; Hotspots how many units that is.
	Top      float64 `json:"top"`
	Hotspots int     `json:"hotspots"`
	// HotspotCrimeShare and Score are the period's figures for the hotspots:
	// the share of weapon crime in them, and the share of weapon searches
	// made in them.
	HotspotCrimeShare float64              `json:"hotspot_crime_share"`
	Score             Proportion           `json:"score"`
	Concentration     []ConcentrationPoint `json:"concentration"`
	Months            []PrecisionMonth     `json:"months"`
	Ranked            []PrecisionUnit      `json:"ranked"`
	Flags             []MonthFlags         `json:"flags"`
	Notes             []string             `json:"notes"`
}

// concentrationShares are the points of the curve always reported.
var concentrationShares = []float64{0.01, 0.05, 0.10, 0.20, 0.50}

// unitCounts holds, per unit, a total and per-month counts.
type unitCounts struct {
	total   map[string]int
	byMonth map[charter.Month]map[string]int
}

func newUnitCounts() unitCounts {
	return unitCounts{total: map[string]int{}, byMonth: map[charter.Month]map[string]int{}}
}

func (u unitCounts) add(unit string, m charter.Month, n int) {
	u.total[unit] += n
	if u.byMonth[m] == nil {
		u.byMonth[m] = map[string]int{}
	}
	u.byMonth[m][unit] += n
}

// NewPrecision computes the precision report.
func NewPrecision(snap *readmodel.Snapshot, q PrecisionQuery) (*Precision, error) {
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

	areas := snap.CurrentAreas(true)
	byID := map[string]charter.Area{}
	byCode := map[string]charter.Area{}
	for _, a := range areas {
		byID[strconv.FormatInt(a.ID, 10)] = a
		if a.Level == charter.LevelWard || a.Level == charter.LevelBorough {
			byCode[a.Level.String()+a.Code] = a
		}
	}
	var area *charter.Area
	where := append([]index.Cond(nil), q.Where...)
	if q.Area != "" {
		a, err := snap.AreaByCode(q.Area)
		if err != nil {
			return nil, err
		}
		area = &a
		r.Area = AreaRef{Code: a.Code, Name: a.Name, Level: a.Level.String()}
		if a.Level != charter.LevelForce && a.Level != charter.LevelBorough && !(isHex && a.Level == charter.LevelWard) {
			return nil, charter.Errorf(charter.EINVALID, "--area %s is a %s: precision compares units inside an area, so give a borough or a force (or a ward with a hex --unit)", a.Code, a.Level)
		}
		where = append(where, areaWhere(a)...)
	}

	forceBoroughs := map[string]bool{}
	if area != nil && area.Level == charter.LevelForce {
		codes, _ := charter.ForceBoroughs(area.Code)
		for _, c := range codes {
			forceBoroughs[c] = true
		}
	}

	// Weapon-enabled crime per unit and month, and the universe of units.
	crime := newUnitCounts()
	universe := map[string]bool{}
	var crimeMonths []charter.Month
	var stopUnit index.Dim
	inPeriod := func(m charter.Month) bool { return (q.From == 0 || m >= q.From) && (q.To == 0 || m <= q.To) }
	if isHex {
		stopUnit = hexDim
		_, r.Definition.Crime = q.Weapon.Describe()
		sq := index.StreetQuery{From: q.From, To: q.To, Match: q.Weapon.MatchStreet, By: hexDim, ByMonth: true}
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
		if all, err := snap.Crimes.Street(any); err != nil {
			return nil, err
		} else if len(all) == 0 {
			return nil, charter.Errorf(charter.ENOTFOUND, "no street-level crime is held for %s: import data.police.uk street crime for it, or use --unit ward", r.Area.Name)
		}
		rows, err := snap.Crimes.Street(sq)
		if err != nil {
			return nil, err
		}
		for _, x := range rows {
			crime.add(x.Area, x.Month, x.Count)
			universe[x.Area] = true
		}
		for _, m := range snap.Crimes.StreetMonths(force) {
			if inPeriod(m) {
				crimeMonths = append(crimeMonths, m)
			}
		}
		// AreaByCode does not read boundaries; the list above holds them.
		if b := boundaryOf(area, byCode); len(b) > 0 {
			mp, err := geo.ParseGeometry(b)
			if err != nil {
				return nil, fmt.Errorf("boundary of %s: %w", area.Code, err)
			}
			for _, c := range geo.HexCellsIn(geo.HexSize(map[index.Dim]int{index.DimHex250: 250, index.DimHex500: 500, index.DimHex1000: 1000}[hexDim]), mp) {
				universe[c.String()] = true
			}
		} else {
			r.Notes = append(r.Notes, "the area has no boundary loaded, so its cells are those holding a crime or a search; cells with neither are not counted as units")
		}
		r.Notes = append(r.Notes, "street-level crime categories are coarser than the area counts: 'Violence and sexual offences' includes violence without injury and sexual offences")
	} else {
		r.Definition.Crime, _ = q.Weapon.Describe()
		stopUnit = index.DimWard
		level := charter.LevelWard
		if q.Unit == "borough" {
			stopUnit = index.DimBorough
		}
		unitOf := func(wardCode string) (string, bool) {
			w, ok := byCode["ward"+wardCode]
			if !ok {
				return "", false
			}
			if area != nil && area.Level == charter.LevelBorough && w.ParentCode != area.Code {
				return "", false
			}
			if area != nil && area.Level == charter.LevelForce && !forceBoroughs[w.ParentCode] {
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
		for _, x := range snap.Crimes.Counts(index.CountQuery{Level: level}) { // any category: every ward the counts know
			if u, ok := unitOf(x.Area); ok {
				if placeable(u) {
					universe[u] = true
				} else {
					unplaced[u] = true
				}
			}
		}
		lost := 0
		for _, x := range snap.Crimes.Counts(index.CountQuery{Level: level, From: q.From, To: q.To, Match: q.Weapon.MatchCount, ByMonth: true}) {
			if u, ok := unitOf(x.Area); ok && universe[u] {
				crime.add(u, x.Month, x.Count)
			} else if ok {
				lost += x.Count
			}
		}
		if len(unplaced) > 0 {
			r.UnitsWithoutBoundary, r.WeaponCrimesLeftOut = len(unplaced), lost
			r.Notes = append(r.Notes, fmt.Sprintf("%s %s with crime counts have no boundary, so no search can be placed in them; they and their %s weapon-enabled crimes are left out",
				charter.Thousands(len(unplaced)), unitWords(q.Unit, len(unplaced)), charter.Thousands(lost)))
		}
		for _, m := range snap.Crimes.CountMonths(level) {
			if inPeriod(m) {
				crimeMonths = append(crimeMonths, m)
			}
		}
	}
	r.Units, r.CrimeMonths = len(universe), len(crimeMonths)
	if r.Units == 0 {
		return nil, charter.Errorf(charter.ENOTFOUND, "no %s units with crime data in %s: import MPS ward-level counts (ward, borough) or street-level crime (hex)", q.Unit, r.Area.Name)
	}
	for _, n := range crime.total {
		r.WeaponCrimes += n
	}

	// Searches, and weapon searches, per unit and month.
	unitKey := func(v string) (string, bool) {
		if isHex {
			return v, universe[v]
		}
		a, ok := byID[v]
		if !ok {
			return "", false
		}
		return a.Code, universe[a.Code]
	}
	count := func(extra []index.Cond) (unitCounts, map[charter.Month]int, int, error) {
		rows, err := snap.Stops.Count(index.Query{From: q.From, To: q.To, Where: append(append([]index.Cond(nil), where...), extra...),
			GroupBy: []index.Dim{stopUnit, index.DimMonth}})
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
	searches, stopMonths, all, err := count(nil)
	if err != nil {
		return nil, err
	}
	weapon, _, _, err := count([]index.Cond{{Dim: index.DimObject, Values: q.WeaponObjects}})
	if err != nil {
		return nil, err
	}
	r.Searches, r.StopMonths = all, len(stopMonths)
	for _, n := range searches.total {
		r.SearchesPlaced += n
	}
	for _, n := range weapon.total {
		r.WeaponSearches += n
	}
	if r.Searches > r.SearchesPlaced {
		r.Notes = append(r.Notes, fmt.Sprintf("%s of %s searches (%.1f%%) have no location, or lie outside every one of the %s, and are left out of every share",
			charter.Thousands(r.Searches-r.SearchesPlaced), charter.Thousands(r.Searches), 100*float64(r.Searches-r.SearchesPlaced)/float64(r.Searches), unitWords(q.Unit, 2)))
	}

	// Rank units by weapon crime; ties by code, so the ranking is stable.
	ranked := make([]string, 0, len(universe))
	for u := range universe {
		ranked = append(ranked, u)
	}
	sort.Slice(ranked, func(i, j int) bool {
		a, b := crime.total[ranked[i]], crime.total[ranked[j]]
		if a != b {
			return a > b
		}
		return ranked[i] < ranked[j]
	})
	topN := func(share float64) int { return max(1, int(math.Ceil(share*float64(len(ranked))-1e-9))) }
	sumTop := func(c map[string]int, n int) int {
		s := 0
		for _, u := range ranked[:n] {
			s += c[u]
		}
		return s
	}
	share := func(a, b int) float64 {
		if b == 0 {
			return math.NaN()
		}
		return float64(a) / float64(b)
	}
	shares := append([]float64(nil), concentrationShares...)
	if !containsFloat(shares, q.Top) {
		shares = append(shares, q.Top)
		sort.Float64s(shares)
	}
	for _, k := range shares {
		n := topN(k)
		r.Concentration = append(r.Concentration, ConcentrationPoint{TopShare: k, Units: n,
			CrimeShare:     nanZero(share(sumTop(crime.total, n), r.WeaponCrimes)),
			Searches:       proportion(sumTop(searches.total, n), r.SearchesPlaced, q.Level),
			WeaponSearches: proportion(sumTop(weapon.total, n), r.WeaponSearches, q.Level)})
	}
	r.Hotspots = topN(q.Top)
	hot := map[string]bool{}
	for _, u := range ranked[:r.Hotspots] {
		hot[u] = true
	}
	r.HotspotCrimeShare = nanZero(share(sumTop(crime.total, r.Hotspots), r.WeaponCrimes))
	r.Score = proportion(sumTop(weapon.total, r.Hotspots), r.WeaponSearches, q.Level)

	// By month.
	flags, err := monthFlags(snap, where, q.From, q.To)
	if err != nil {
		return nil, err
	}
	r.Flags = flags
	flagsOf := map[string][]string{}
	for _, f := range flags {
		flagsOf[f.Month] = append(flagsOf[f.Month], f.Flags...)
	}
	covered := map[charter.Month]bool{}
	for _, m := range crimeMonths {
		covered[m] = true
	}
	var months []charter.Month
	for m := range covered {
		months = append(months, m)
	}
	for m := range stopMonths {
		if !covered[m] {
			months = append(months, m)
		}
	}
	sort.Slice(months, func(i, j int) bool { return months[i] < months[j] })
	for _, m := range months {
		pm := PrecisionMonth{Month: m.String(), Flags: flagsOf[m.String()]}
		if covered[m] {
			n, h := 0, 0
			for u, c := range crime.byMonth[m] {
				n += c
				if hot[u] {
					h += c
				}
			}
			pm.WeaponCrimes = &n
			if n > 0 {
				pm.HotspotCrimeShare = ptr(float64(h) / float64(n))
			}
		}
		if _, ok := stopMonths[m]; ok {
			s, w, wh := 0, 0, 0
			for _, c := range searches.byMonth[m] {
				s += c
			}
			for u, c := range weapon.byMonth[m] {
				w += c
				if hot[u] {
					wh += c
				}
			}
			pm.Searches, pm.WeaponSearches = &s, &w
			p := proportion(wh, w, q.Level)
			pm.Score = &p
		}
		r.Months = append(r.Months, pm)
	}

	// The ranked list: where weapon crime is, with the evidence.
	cum := 0
	for i, u := range ranked {
		if i >= q.Rank {
			break
		}
		n := crime.total[u]
		cum += n
		row := PrecisionUnit{Rank: i + 1, Code: u, Name: unitName(u, q.Unit, byCode, isHex), WeaponCrimes: n,
			CrimeShare: nanZero(share(n, r.WeaponCrimes)), Cumulative: nanZero(share(cum, r.WeaponCrimes)),
			Searches: searches.total[u], WeaponSearches: weapon.total[u], Hotspot: hot[u]}
		if e := stats.PoissonRate(n, max(1, r.CrimeMonths), 1, q.Level); e.HasValue() && r.CrimeMonths > 0 {
			row.PerMonth = ptr(e.Value)
			if e.HasInterval() {
				row.PerMonthCI = []float64{e.Lower, e.Upper}
			}
		}
		if n > 0 {
			row.WeaponSearchesPerCrime = ptr(float64(row.WeaponSearches) / float64(n))
		}
		r.Ranked = append(r.Ranked, row)
	}

	if r.CrimeMonths == 0 {
		r.Notes = append(r.Notes, "no crime data covers the period, so there are no hotspots: every crime share is 0")
	}
	if r.StopMonths == 0 {
		r.Notes = append(r.Notes, "no searches are held for the period")
	}
	if !isHex && q.Weapon.MatchCount("POSSESSION OF WEAPONS", "") {
		r.Notes = append(r.Notes, "possession of weapons offences are mostly found by police activity, searches included, so they partly count the searching itself; the methodology explains how to rank hotspots without them")
	}
	r.Notes = append(r.Notes, fmt.Sprintf("hotspots are the top %g%% of %s %s by weapon-enabled crime over the months of the period with crime data (%s %s, ties broken by code)",
		100*q.Top, charter.Thousands(r.Units), unitWords(q.Unit, r.Units), charter.Thousands(r.Hotspots), unitWords(q.Unit, r.Hotspots)))
	return r, nil
}

// boundaryOf is the stored boundary of a borough or ward (nil otherwise).
func boundaryOf(a *charter.Area, byCode map[string]charter.Area) []byte {
	if a == nil {
		return nil
	}
	return byCode[a.Level.String()+a.Code].Boundary
}

func containsFloat(xs []float64, v float64) bool {
	for _, x := range xs {
		if math.Abs(x-v) < 1e-12 {
			return true
		}
	}
	return false
}

func nanZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// unitName is a ward's or borough's name, or a cell's centre.
func unitName(u, unit string, byCode map[string]charter.Area, isHex bool) string {
	if isHex {
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			return ""
		}
		lon, lat := geo.CellOfID(id).Centre()
		return fmt.Sprintf("cell centred %.5f, %.5f", lat, lon)
	}
	if a, ok := byCode[unit+u]; ok {
		return a.Name
	}
	return ""
}

// unitWords names n units of a kind for people: "wards", "500 m hexagonal
// cells".
func unitWords(unit string, n int) string {
	words := map[string][2]string{
		"ward": {"ward", "wards"}, "borough": {"borough", "boroughs"},
		"hex250":  {"250 m hexagonal cell", "250 m hexagonal cells"},
		"hex500":  {"500 m hexagonal cell", "500 m hexagonal cells"},
		"hex1000": {"1 km hexagonal cell", "1 km hexagonal cells"},
	}[unit]
	if words[0] == "" {
		words = [2]string{unit, unit + "s"}
	}
	if n == 1 {
		return words[0]
	}
	return words[1]
}
