package charter

import (
	"encoding/json"
	"math"
	"strconv"
)

// Figure is a number Charter publishes with its confidence interval: a rate
// per 1,000 residents, a ratio to White, a share of searches, crimes per
// month. Reports hold every such number in a Figure, and the web pages, the
// CLI's tables and the packs write it with the methods below, so that a
// figure reads the same wherever it is shown.
//
// It lives here rather than beside stats.Estimate for three reasons. Types
// of the domain that the store keeps carry figures (DeploymentEvidence), and
// this package may import nothing of Charter's. An Estimate is what a
// computation found, with NaN for what it could not and a Status to say
// which; encoding/json cannot write NaN, while a Figure is what is
// published, and writes null for a number that is not known. And a Figure
// knows how it reads (its Scale: a rate, a share), which an estimate does
// not; stats.Estimate.Figure turns one into the other.
//
// The zero value is an unknown rate with no interval: a Figure nobody filled
// in never claims a number.
type Figure struct {
	// Value is the point estimate; it means something only when HasValue.
	Value float64
	// Lower and Upper are the limits of the interval at Level (0.95 for a
	// 95% interval); they mean something only when HasInterval. An upper
	// limit may be +Inf (the ratio of a group to one without events).
	Lower, Upper float64
	Level        float64
	// Scale says how the figure is written for people.
	Scale Scale

	known, bounded bool
}

// Scale says how a [Figure] is written for people. The zero value is
// [ScaleRate].
type Scale uint8

const (
	// ScaleRate is a rate (per 1,000 residents, per month), a ratio or a
	// mean: two decimals below 10 so that small ratios keep their meaning,
	// one above, with thousands separators ([FormatRate]).
	ScaleRate Scale = iota
	// ScaleShare is a proportion, written as a percentage with one decimal
	// ([FormatShare]).
	ScaleShare
	// ScaleSignificant is a number whose size is not known in advance (the
	// pilot evaluation's measures run from 0.009 arrests per search to
	// thousands of offences): four significant digits, no separators.
	ScaleSignificant
	// ScaleScore is a mean score on a survey's short scale (1 to 5): one
	// decimal, as the feedback pages write it.
	ScaleScore
)

// NewFigure is the figure v written at scale s, without an interval; NaN
// gives an unknown figure, never a number.
func NewFigure(s Scale, v float64) Figure {
	return Figure{Value: v, Scale: s, known: !math.IsNaN(v)}
}

// Within is f with the interval lower to upper at level. A figure without
// a value has no interval either, and NaN limits give none.
func (f Figure) Within(lower, upper, level float64) Figure {
	if !f.known || math.IsNaN(lower) || math.IsNaN(upper) {
		return f
	}
	f.Lower, f.Upper, f.Level, f.bounded = lower, upper, level, true
	return f
}

// HasValue reports whether the figure is known.
func (f Figure) HasValue() bool { return f.known }

// HasInterval reports whether the figure has an interval.
func (f Figure) HasInterval() bool { return f.bounded }

// String writes the value for people at the figure's scale: "2.41",
// "12.3%"; [NoValue] when it is not known.
func (f Figure) String() string {
	if !f.known {
		return NoValue
	}
	return f.Scale.format(f.Value)
}

// Interval writes the interval for people, "2.10 to 2.77" or "12.1% to
// 14.0%"; "" when there is none, so that a page or a table leaves it out.
func (f Figure) Interval() string {
	if !f.bounded {
		return ""
	}
	return f.Scale.format(f.Lower) + " to " + f.Scale.format(f.Upper)
}

// Text writes the value with its interval in brackets, "2.41 (2.10 to
// 2.77)"; a value without an interval says so, and an unknown one is
// [NoValue].
func (f Figure) Text() string {
	switch {
	case f.bounded:
		return f.String() + " (" + f.Interval() + ")"
	case f.known:
		return f.String() + " (no interval)"
	}
	return NoValue
}

// Columns writes the value and the limits for a machine to read (a CSV
// file, a chart's data attributes) as strconv.FormatFloat(x, fmt, prec)
// does: plain numbers, a share as a proportion, never a percentage; ""
// where a number is absent.
func (f Figure) Columns(fmt byte, prec int) [3]string {
	var out [3]string
	if f.known {
		out[0] = strconv.FormatFloat(f.Value, fmt, prec, 64)
	}
	if f.bounded {
		out[1] = strconv.FormatFloat(f.Lower, fmt, prec, 64)
		out[2] = strconv.FormatFloat(f.Upper, fmt, prec, 64)
	}
	return out
}

// Ptr is the value as JSON writers of the older shapes carry it: nil when
// unknown or not finite.
func (f Figure) Ptr() *float64 {
	if !f.known || math.IsInf(f.Value, 0) {
		return nil
	}
	v := f.Value
	return &v
}

// Pair is the interval as [lower, upper] for JSON writers of the older
// shapes: nil when there is none or a limit is not finite.
func (f Figure) Pair() []float64 {
	if !f.bounded || math.IsInf(f.Lower, 0) || math.IsInf(f.Upper, 0) {
		return nil
	}
	return []float64{f.Lower, f.Upper}
}

// figureJSON is how a Figure is written as JSON: {"value": 2.41,
// "interval": [2.10, 2.77]}, with null for an unknown value or an absent
// interval (and for a limit that is not finite, which JSON cannot write).
type figureJSON struct {
	Value    *float64   `json:"value"`
	Interval []*float64 `json:"interval"`
}

// MarshalJSON writes the figure as {"value": …, "interval": [lower, upper]}.
func (f Figure) MarshalJSON() ([]byte, error) {
	var out figureJSON
	finite := func(x float64) *float64 {
		if math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	if f.known {
		out.Value = finite(f.Value)
	}
	if f.bounded {
		out.Interval = []*float64{finite(f.Lower), finite(f.Upper)}
	}
	return json.Marshal(out)
}

// Scaled is f with its value and limits multiplied by k: a share as a
// percentage for a chart's data, a rate per person per 1,000.
func (f Figure) Scaled(k float64) Figure {
	f.Value *= k
	f.Lower *= k
	f.Upper *= k
	return f
}

// UnmarshalJSON reads what MarshalJSON writes. The scale and the level are
// not in the JSON: a figure read keeps the scale it had, and a limit written
// as null (not finite) is read as +Inf above and −Inf below.
func (f *Figure) UnmarshalJSON(b []byte) error {
	var in figureJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	g := Figure{Scale: f.Scale}
	if in.Value != nil {
		g = NewFigure(f.Scale, *in.Value)
	}
	if len(in.Interval) == 2 {
		limit := func(p *float64, inf float64) float64 {
			if p == nil {
				return inf
			}
			return *p
		}
		g = g.Within(limit(in.Interval[0], math.Inf(-1)), limit(in.Interval[1], math.Inf(1)), 0)
	}
	*f = g
	return nil
}
