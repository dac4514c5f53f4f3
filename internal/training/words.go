package training

import (
	"fmt"
	"strconv"

	"github.com/stopsearch/charter"
)

// The report's figures in words, for the command line's table and the
// site's page alike.

// The report's cells are compact, in a style of their own: the interval
// joined by an en dash beside the counts, a change signed or with ×, and
// every number that is not a share to two decimals whatever its size
// (complaints per 100 searches run to hundreds with few searches), so that
// the columns line up. Shares are written as charter.Figure writes them.

// Text writes group figure f of the measure with its interval and counts:
// "66.7% (20.8%–93.9%; 2 of 3)".
func (m Measure) Text(f Figure) string {
	if !m.Available {
		return "not available"
	}
	e := f.Estimate
	v := func(x float64) string {
		if e.Scale == charter.ScaleShare {
			return charter.FormatShare(&x)
		}
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	counts := fmt.Sprintf("%s of %s", charter.Thousands(f.Count), charter.Thousands(f.Of))
	if m.Change == "difference" {
		counts = charter.Thousands(f.Of) + " answers"
	}
	if !e.HasValue() {
		return charter.NoValue + " (" + counts + ")"
	}
	lo, hi := charter.NoValue, charter.NoValue
	if e.HasInterval() {
		lo, hi = v(e.Lower), v(e.Upper)
	}
	return fmt.Sprintf("%s (%s–%s; %s)", v(e.Value), lo, hi, counts)
}

// ChangeText writes the change from A to B with its interval: "×2.67
// (0.24–29.41)" for a ratio, "+0.25 (−0.50 to +1.00)" for a difference.
func (m Measure) ChangeText() string {
	r := m.Ratio
	if !m.Available || !r.HasValue() {
		return charter.NoValue
	}
	ci := ""
	if m.Change == "ratio" {
		if r.HasInterval() {
			ci = fmt.Sprintf(" (%.2f–%.2f)", r.Lower, r.Upper)
		}
		return fmt.Sprintf("×%.2f%s", r.Value, ci)
	}
	if r.HasInterval() {
		ci = fmt.Sprintf(" (%+.2f to %+.2f)", r.Lower, r.Upper)
	}
	return fmt.Sprintf("%+.2f%s", r.Value, ci)
}
