package stats

import "math"

// Position is where a unit's observed value falls relative to funnel-plot
// control limits (or any interval).
type Position uint8

const (
	// Unclassified means the value or a limit is NaN, so no comparison
	// is possible. It is the zero value.
	Unclassified Position = iota
	// Within means lower ≤ value ≤ upper: no evidence of a difference from
	// the target at this level.
	Within
	// Below means value < lower.
	Below
	// Above means value > upper.
	Above
)

// String names the position for logs and templates.
func (p Position) String() string {
	switch p {
	case Within:
		return "within"
	case Below:
		return "below"
	case Above:
		return "above"
	}
	return "unclassified"
}

// Classify places an observed value (a unit's proportion or rate, on the same
// scale as the limits) against control limits from [FunnelLimits] or
// [PoissonFunnelLimits]. A value exactly on a limit counts as Within: only a
// value strictly outside is flagged, as in Spiegelhalter (2005).
func Classify(value, lower, upper float64) Position {
	if math.IsNaN(value) || math.IsNaN(lower) || math.IsNaN(upper) {
		return Unclassified
	}
	switch {
	case value < lower:
		return Below
	case value > upper:
		return Above
	}
	return Within
}
