package e2e

import "github.com/stopsearch/charter/internal/report"

// The /api/v1 answers as a client reads them: the tests read the API as
// its clients do, in the shapes its golden files hold (internal/api's wire
// types), not in the report structs, whose figures are charter.Figure.

// apiProfile is the part of a profile answer the tests read.
type apiProfile struct {
	Area               report.AreaRef      `json:"area"`
	From               string              `json:"from"`
	To                 string              `json:"to"`
	Searches           int                 `json:"searches"`
	Rate               *float64            `json:"rate_per_1000"`
	RateCI             []float64           `json:"rate_ci"`
	Arrest             apiProportion       `json:"arrest"`
	Trend              []report.TrendMonth `json:"trend"`
	Disproportionality *struct {
		Rows []apiGroupRow `json:"rows"`
	} `json:"disproportionality"`
	SubLevel        string       `json:"sub_level"`
	SubAreas        []apiSubArea `json:"sub_areas"`
	OutsideSubAreas int          `json:"searches_outside_sub_areas"`
}

// apiProportion is a share with its interval as [lower, upper].
type apiProportion struct {
	Count int       `json:"count"`
	Of    int       `json:"of"`
	Rate  *float64  `json:"rate"`
	CI    []float64 `json:"ci"`
}

// apiGroupRow is one ethnic group's line of disproportionality.
type apiGroupRow struct {
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

// groupRowOfCLI is a line of the CLI's report in the API's shape.
func groupRowOfCLI(r report.GroupRow) apiGroupRow {
	return apiGroupRow{Group: r.Group, Searches: r.Searches, Population: r.Population,
		Rate: r.Rate.Ptr(), RateCI: r.Rate.Pair(), Ratio: r.Ratio.Ptr(), RatioCI: r.Ratio.Pair(),
		AdjustedRatio: r.AdjustedRatio.Ptr(), AdjustedCI: r.AdjustedRatio.Pair(), Note: r.Note, AdjustedNote: r.AdjustedNote, Reference: r.Reference}
}

func each[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// apiSubArea is a borough of a force or a ward of a borough, in a profile
// and as the properties of the GeoJSON downloads.
type apiSubArea struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Searches   int       `json:"searches"`
	Population *int      `json:"population"`
	Rate       *float64  `json:"rate_per_1000"`
	RateCI     []float64 `json:"rate_ci"`
}

// apiPrecision is the part of the precision answer the tests read.
type apiPrecision struct {
	Units                int `json:"units"`
	Searches             int `json:"searches"`
	SearchesPlaced       int `json:"searches_placed"`
	UnitsWithoutBoundary int `json:"units_without_boundary"`
	WeaponCrimesLeftOut  int `json:"weapon_crimes_left_out"`
}
