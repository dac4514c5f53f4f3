package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
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
	PerMonth       charter.Figure `json:"per_month"`
	Searches       int            `json:"searches"`
	WeaponSearches int            `json:"weapon_searches"`
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

// NewPrecision computes the precision report, in the steps of
// precisionBuild: the query's defaults, the area, weapon crime per unit,
// searches per unit, the hotspots, the months, the ranked list, the notes.
func NewPrecision(snap *readmodel.Snapshot, q PrecisionQuery) (*Precision, error) {
	b, err := newPrecisionBuild(snap, q)
	if err != nil {
		return nil, err
	}
	for _, step := range []func() error{b.scope, b.weaponCrime, b.countSearches, b.hotspots, b.byMonth} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	b.rankUnits()
	b.closingNotes()
	return b.r, nil
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
