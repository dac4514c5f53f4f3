package api

import "github.com/stopsearch/charter/internal/report"

// wirePrecision is report.Precision on the wire (getPrecision).
type wirePrecision struct {
	Area       wireAreaRef `json:"area"`
	From       string      `json:"from"`
	To         string      `json:"to"`
	Unit       string      `json:"unit"`
	Confidence float64     `json:"confidence"`
	Definition struct {
		Crime   string   `json:"weapon_crime"`
		Objects []string `json:"weapon_search_objects"`
	} `json:"definition"`
	Units                int                      `json:"units"`
	WeaponCrimes         int                      `json:"weapon_crimes"`
	CrimeMonths          int                      `json:"crime_months"`
	StopMonths           int                      `json:"stop_months"`
	Searches             int                      `json:"searches"`
	SearchesPlaced       int                      `json:"searches_placed"`
	UnitsWithoutBoundary int                      `json:"units_without_boundary"`
	WeaponCrimesLeftOut  int                      `json:"weapon_crimes_left_out"`
	WeaponSearches       int                      `json:"weapon_searches"`
	Top                  float64                  `json:"top"`
	Hotspots             int                      `json:"hotspots"`
	HotspotCrimeShare    float64                  `json:"hotspot_crime_share"`
	Score                wireProportion           `json:"score"`
	Concentration        []wireConcentrationPoint `json:"concentration"`
	Months               []wirePrecisionMonth     `json:"months"`
	Ranked               []wirePrecisionUnit      `json:"ranked"`
	Flags                []wireMonthFlags         `json:"flags"`
	Notes                []string                 `json:"notes"`
}

func precisionWire(p report.Precision) wirePrecision {
	w := wirePrecision{
		Area: areaWire(p.Area), From: p.From, To: p.To, Unit: p.Unit, Confidence: p.Confidence,
		Units: p.Units, WeaponCrimes: p.WeaponCrimes, CrimeMonths: p.CrimeMonths, StopMonths: p.StopMonths,
		Searches: p.Searches, SearchesPlaced: p.SearchesPlaced, UnitsWithoutBoundary: p.UnitsWithoutBoundary,
		WeaponCrimesLeftOut: p.WeaponCrimesLeftOut, WeaponSearches: p.WeaponSearches, Top: p.Top, Hotspots: p.Hotspots,
		HotspotCrimeShare: p.HotspotCrimeShare, Score: proportionWire(p.Score),
		Concentration: each(p.Concentration, concentrationWire), Months: each(p.Months, precisionMonthWire),
		Ranked: each(p.Ranked, precisionUnitWire), Flags: each(p.Flags, monthFlagsWire), Notes: p.Notes,
	}
	w.Definition.Crime, w.Definition.Objects = p.Definition.Crime, p.Definition.Objects
	return w
}

// wireConcentrationPoint is report.ConcentrationPoint on the wire.
type wireConcentrationPoint struct {
	TopShare       float64        `json:"top_share"`
	Units          int            `json:"units"`
	CrimeShare     float64        `json:"crime_share"`
	Searches       wireProportion `json:"searches"`
	WeaponSearches wireProportion `json:"weapon_searches"`
}

func concentrationWire(c report.ConcentrationPoint) wireConcentrationPoint {
	return wireConcentrationPoint{TopShare: c.TopShare, Units: c.Units, CrimeShare: c.CrimeShare,
		Searches: proportionWire(c.Searches), WeaponSearches: proportionWire(c.WeaponSearches)}
}

// wirePrecisionMonth is report.PrecisionMonth on the wire.
type wirePrecisionMonth struct {
	Month             string          `json:"month"`
	WeaponCrimes      *int            `json:"weapon_crimes"`
	HotspotCrimeShare *float64        `json:"hotspot_crime_share"`
	Searches          *int            `json:"searches"`
	WeaponSearches    *int            `json:"weapon_searches"`
	Score             *wireProportion `json:"score"`
	Flags             []string        `json:"flags,omitempty"`
}

func precisionMonthWire(m report.PrecisionMonth) wirePrecisionMonth {
	return wirePrecisionMonth{Month: m.Month, WeaponCrimes: m.WeaponCrimes, HotspotCrimeShare: m.HotspotCrimeShare,
		Searches: m.Searches, WeaponSearches: m.WeaponSearches, Score: ptrTo(m.Score, proportionWire), Flags: m.Flags}
}

// wirePrecisionUnit is report.PrecisionUnit on the wire.
type wirePrecisionUnit struct {
	Rank                   int       `json:"rank"`
	Code                   string    `json:"code"`
	Name                   string    `json:"name"`
	WeaponCrimes           int       `json:"weapon_crimes"`
	CrimeShare             float64   `json:"crime_share"`
	Cumulative             float64   `json:"cumulative_share"`
	PerMonth               *float64  `json:"per_month"`
	PerMonthCI             []float64 `json:"per_month_ci"`
	Searches               int       `json:"searches"`
	WeaponSearches         int       `json:"weapon_searches"`
	WeaponSearchesPerCrime *float64  `json:"weapon_searches_per_crime"`
	Hotspot                bool      `json:"hotspot"`
}

func precisionUnitWire(u report.PrecisionUnit) wirePrecisionUnit {
	return wirePrecisionUnit{Rank: u.Rank, Code: u.Code, Name: u.Name, WeaponCrimes: u.WeaponCrimes,
		CrimeShare: u.CrimeShare, Cumulative: u.Cumulative, PerMonth: u.PerMonth.Ptr(), PerMonthCI: u.PerMonth.Pair(),
		Searches: u.Searches, WeaponSearches: u.WeaponSearches, WeaponSearchesPerCrime: u.WeaponSearchesPerCrime, Hotspot: u.Hotspot}
}
