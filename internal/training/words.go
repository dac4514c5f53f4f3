package training

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// The report's figures in words, for the command line's table and the
// site's page alike.

// Text writes group figure f of the measure with its interval and counts:
// "66.7% (20.8%–93.9%; 2 of 3)".
func (m Measure) Text(f Figure) string {
	if !m.Available {
		return "not available"
	}
	rate := strings.HasSuffix(m.Name, "rate")
	v := func(p *float64) string {
		switch {
		case p == nil:
			return "–"
		case rate:
			return strconv.FormatFloat(100**p, 'f', 1, 64) + "%"
		}
		return strconv.FormatFloat(*p, 'f', 2, 64)
	}
	counts := fmt.Sprintf("%s of %s", charter.Thousands(f.Count), charter.Thousands(f.Of))
	if m.Change == "difference" {
		counts = charter.Thousands(f.Of) + " answers"
	}
	if f.Value == nil {
		return "– (" + counts + ")"
	}
	return fmt.Sprintf("%s (%s–%s; %s)", v(f.Value), v(f.Lower), v(f.Upper), counts)
}

// ChangeText writes the change from A to B with its interval: "×2.67
// (0.24–29.41)" for a ratio, "+0.25 (−0.50 to +1.00)" for a difference.
func (m Measure) ChangeText() string {
	r := m.Ratio
	if !m.Available || r.Value == nil {
		return "–"
	}
	ci := ""
	if m.Change == "ratio" {
		if r.Lower != nil && r.Upper != nil {
			ci = fmt.Sprintf(" (%.2f–%.2f)", *r.Lower, *r.Upper)
		}
		return fmt.Sprintf("×%.2f%s", *r.Value, ci)
	}
	if r.Lower != nil && r.Upper != nil {
		ci = fmt.Sprintf(" (%+.2f to %+.2f)", *r.Lower, *r.Upper)
	}
	return fmt.Sprintf("%+.2f%s", *r.Value, ci)
}
