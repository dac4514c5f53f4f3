package api

import "github.com/stopsearch/charter/internal/report"

// wireDisproportionality is report.Disproportionality on the wire (inside
// each profile).
type wireDisproportionality struct {
	Area                wireAreaRef      `json:"area"`
	From                string           `json:"from"`
	To                  string           `json:"to"`
	Ethnicity           string           `json:"ethnicity"`
	Confidence          float64          `json:"confidence"`
	Searches            int              `json:"searches"`
	NotStated           int              `json:"not_stated"`
	NotStatedShare      float64          `json:"not_stated_share"`
	NotStatedMode       string           `json:"not_stated_mode"`
	NotStatedFilled     int              `json:"not_stated_filled"`
	Unplaced            int              `json:"unplaced"`
	UnplacedShare       float64          `json:"unplaced_share"`
	VehicleOnly         string           `json:"vehicle_only"`
	VehicleOnlyExcluded int              `json:"vehicle_only_excluded"`
	VehicleOnlyCounted  int              `json:"vehicle_only_counted"`
	Census              int              `json:"census"`
	StrataLevel         string           `json:"strata_level"`
	Strata              int              `json:"strata"`
	StratifiedSearches  int              `json:"stratified_searches"`
	StratifiedShare     float64          `json:"stratified_share"`
	Rows                []wireGroupRow   `json:"rows"`
	Flags               []wireMonthFlags `json:"flags"`
	Notes               []string         `json:"notes"`
}

func disproportionalityWire(d report.Disproportionality) wireDisproportionality {
	return wireDisproportionality{
		Area: areaWire(d.Area), From: d.From, To: d.To, Ethnicity: d.Ethnicity, Confidence: d.Confidence,
		Searches: d.Searches, NotStated: d.NotStated, NotStatedShare: d.NotStatedShare, NotStatedMode: d.NotStatedMode,
		NotStatedFilled: d.NotStatedFilled, Unplaced: d.Unplaced, UnplacedShare: d.UnplacedShare,
		VehicleOnly: d.VehicleOnly, VehicleOnlyExcluded: d.VehicleOnlyExcluded, VehicleOnlyCounted: d.VehicleOnlyCounted,
		Census: d.Census, StrataLevel: d.StrataLevel, Strata: d.Strata, StratifiedSearches: d.StratifiedSearches,
		StratifiedShare: d.StratifiedShare, Rows: each(d.Rows, groupRowWire), Flags: each(d.Flags, monthFlagsWire), Notes: d.Notes,
	}
}

// wireGroupRow is report.GroupRow on the wire: intervals as [lower, upper].
type wireGroupRow struct {
	Group         string    `json:"group"`
	Searches      int       `json:"searches"`
	Population    *int      `json:"population"`
	Rate          *float64  `json:"rate_per_1000"`
	RateCI        []float64 `json:"rate_ci"`
	Ratio         *float64  `json:"ratio_to_white"`
	RatioCI       []float64 `json:"ratio_ci"`
	AdjustedRatio *float64  `json:"adjusted_ratio"`
	AdjustedCI    []float64 `json:"adjusted_ratio_ci"`
	Note          string    `json:"note,omitempty"`
	AdjustedNote  string    `json:"adjusted_note,omitempty"`
	Reference     bool      `json:"reference,omitempty"`
}

func groupRowWire(r report.GroupRow) wireGroupRow {
	return wireGroupRow{Group: r.Group, Searches: r.Searches, Population: r.Population,
		Rate: r.Rate.Ptr(), RateCI: r.Rate.Pair(), Ratio: r.Ratio.Ptr(), RatioCI: r.Ratio.Pair(),
		AdjustedRatio: r.AdjustedRatio.Ptr(), AdjustedCI: r.AdjustedRatio.Pair(), Note: r.Note, AdjustedNote: r.AdjustedNote, Reference: r.Reference}
}
