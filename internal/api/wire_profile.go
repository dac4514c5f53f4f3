package api

import "github.com/stopsearch/charter/internal/report"

// wireProfile is report.Profile on the wire (getProfile, and each profile
// of getWard).
type wireProfile struct {
	Area               wireAreaRef             `json:"area"`
	Parents            []wireAreaRef           `json:"parents"`
	From               string                  `json:"from"`
	To                 string                  `json:"to"`
	Confidence         float64                 `json:"confidence"`
	Searches           int                     `json:"searches"`
	Population         *int                    `json:"population"`
	Rate               *float64                `json:"rate_per_1000"`
	RateCI             []float64               `json:"rate_ci"`
	Arrest             wireProportion          `json:"arrest"`
	Find               *wireProportion         `json:"find"`
	FindNote           string                  `json:"find_note,omitempty"`
	StripSearch        *wireProportion         `json:"strip_search"`
	StripNote          string                  `json:"strip_note,omitempty"`
	Trend              []wireTrendMonth        `json:"trend"`
	Breakdowns         []wireBreakdown         `json:"breakdowns"`
	Disproportionality *wireDisproportionality `json:"disproportionality"`
	SubLevel           string                  `json:"sub_level"`
	SubAreas           []wireSubArea           `json:"sub_areas"`
	StopMonths         int                     `json:"stop_months"`
	PeriodMonths       int                     `json:"period_months"`
	OutsideSubAreas    int                     `json:"searches_outside_sub_areas"`
	WeaponCrime        *wireWeaponCrimeTrend   `json:"weapon_crime"`
	Flags              []wireMonthFlags        `json:"flags"`
	Notes              []string                `json:"notes"`
}

func profileWire(p report.Profile) wireProfile {
	return wireProfile{
		Area: areaWire(p.Area), Parents: each(p.Parents, areaWire), From: p.From, To: p.To,
		Confidence: p.Confidence, Searches: p.Searches, Population: p.Population,
		Rate: p.Rate.Ptr(), RateCI: p.Rate.Pair(), Arrest: proportionWire(p.Arrest),
		Find: ptrTo(p.Find, proportionWire), FindNote: p.FindNote,
		StripSearch: ptrTo(p.StripSearch, proportionWire), StripNote: p.StripNote,
		Trend: each(p.Trend, trendMonthWire), Breakdowns: each(p.Breakdowns, breakdownWire),
		Disproportionality: ptrTo(p.Disproportionality, disproportionalityWire),
		SubLevel:           p.SubLevel, SubAreas: each(p.SubAreas, subAreaWire),
		StopMonths: p.StopMonths, PeriodMonths: p.PeriodMonths, OutsideSubAreas: p.OutsideSubAreas,
		WeaponCrime: ptrTo(p.WeaponCrime, weaponCrimeWire), Flags: each(p.Flags, monthFlagsWire), Notes: p.Notes,
	}
}

// wireAreaRef is report.AreaRef on the wire.
type wireAreaRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

func areaWire(a report.AreaRef) wireAreaRef {
	return wireAreaRef{Code: a.Code, Name: a.Name, Level: a.Level}
}

// wireProportion is report.Proportion on the wire: a share with its
// Wilson interval as [lower, upper].
type wireProportion struct {
	Count int       `json:"count"`
	Of    int       `json:"of"`
	Rate  *float64  `json:"rate"`
	CI    []float64 `json:"ci"`
}

func proportionWire(p report.Proportion) wireProportion {
	return wireProportion{Count: p.Count, Of: p.Of, Rate: p.Rate.Ptr(), CI: p.Rate.Pair()}
}

// wireTrendMonth is report.TrendMonth on the wire.
type wireTrendMonth struct {
	Month    string   `json:"month"`
	Searches *int     `json:"searches"`
	Arrests  int      `json:"arrests"`
	Flags    []string `json:"flags"`
}

func trendMonthWire(m report.TrendMonth) wireTrendMonth {
	return wireTrendMonth{Month: m.Month, Searches: m.Searches, Arrests: m.Arrests, Flags: m.Flags}
}

// wireBreakdown is report.Breakdown on the wire.
type wireBreakdown struct {
	Dim   string         `json:"dim"`
	Label string         `json:"label"`
	Rows  []wireShareRow `json:"rows"`
}

// wireShareRow is report.ShareRow on the wire.
type wireShareRow struct {
	Value string         `json:"value"`
	Share wireProportion `json:"share"`
}

func breakdownWire(b report.Breakdown) wireBreakdown {
	return wireBreakdown{Dim: b.Dim, Label: b.Label, Rows: each(b.Rows, func(r report.ShareRow) wireShareRow {
		return wireShareRow{Value: r.Value, Share: proportionWire(r.Share)}
	})}
}

// wireSubArea is report.SubArea on the wire.
type wireSubArea struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Searches     int       `json:"searches"`
	Population   *int      `json:"population"`
	Rate         *float64  `json:"rate_per_1000"`
	RateCI       []float64 `json:"rate_ci"`
	WeaponCrimes *int      `json:"weapon_crimes"`
}

func subAreaWire(s report.SubArea) wireSubArea {
	return wireSubArea{Code: s.Code, Name: s.Name, Searches: s.Searches, Population: s.Population,
		Rate: s.Rate.Ptr(), RateCI: s.Rate.Pair(), WeaponCrimes: s.WeaponCrimes}
}

// wireWeaponCrimeTrend is report.WeaponCrimeTrend on the wire.
type wireWeaponCrimeTrend struct {
	Definition  string           `json:"definition"`
	Total       int              `json:"total"`
	Months      int              `json:"months"`
	PerThousand *float64         `json:"per_1000"`
	PerCI       []float64        `json:"per_1000_ci"`
	Trend       []wireCrimeMonth `json:"trend"`
}

// wireCrimeMonth is report.CrimeMonth on the wire.
type wireCrimeMonth struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

func weaponCrimeWire(w report.WeaponCrimeTrend) wireWeaponCrimeTrend {
	return wireWeaponCrimeTrend{Definition: w.Definition, Total: w.Total, Months: w.Months,
		PerThousand: w.PerThousand.Ptr(), PerCI: w.PerThousand.Pair(),
		Trend: each(w.Trend, func(m report.CrimeMonth) wireCrimeMonth { return wireCrimeMonth{Month: m.Month, Count: m.Count} })}
}

// wireMonthFlags is report.MonthFlags on the wire.
type wireMonthFlags struct {
	Force string   `json:"force"`
	Month string   `json:"month"`
	Flags []string `json:"flags"`
}

func monthFlagsWire(f report.MonthFlags) wireMonthFlags {
	return wireMonthFlags{Force: f.Force, Month: f.Month, Flags: f.Flags}
}
