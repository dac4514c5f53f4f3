package stats

import (
	"math"

	"github.com/stopsearch/charter"
)

// Status says how much of an [Estimate] exists. The zero value is
// [Undefined], so an Estimate that nobody filled in never claims to hold
// numbers.
type Status uint8

const (
	// Undefined means the inputs do not determine an estimate: Value, Lower
	// and Upper are all NaN. Examples: zero exposure, zero trials, a ratio
	// with zero events on both sides, negative counts, an invalid level.
	Undefined Status = iota
	// NoInterval means Value is a genuine point estimate but the method gives
	// no finite interval, so Lower and Upper are NaN. Value may be 0 or +Inf:
	// a rate ratio whose numerator or denominator group had no events.
	NoInterval
	// OK means Value, Lower and Upper are finite and Lower ≤ Value ≤ Upper.
	OK
)

// String names the status for logs and templates.
func (s Status) String() string {
	switch s {
	case Undefined:
		return "undefined"
	case NoInterval:
		return "no interval"
	case OK:
		return "ok"
	}
	return "unknown"
}

// Estimate is a point estimate with a two-sided confidence interval at
// Level. Read Status before using the numbers: see the package
// documentation for what NaN and +Inf mean here.
type Estimate struct {
	Value float64
	Lower float64
	Upper float64
	// Level is the two-sided confidence level the interval was asked for
	// (0.95 for 95%), kept so that a rendered interval can say what it is.
	Level  float64
	Status Status
}

// HasValue reports whether Value is a point estimate (possibly 0 or +Inf
// for a ratio, see [NoInterval]) rather than NaN.
func (e Estimate) HasValue() bool { return e.Status == OK || e.Status == NoInterval }

// HasInterval reports whether Value, Lower and Upper are all finite.
func (e Estimate) HasInterval() bool { return e.Status == OK }

// Scaled multiplies Value, Lower and Upper by k, which must be positive and
// finite: for example to turn a rate per person into a rate per 1,000, or a
// difference in events per person-month into one per 1,000 person-years.
// Any other k gives an [Undefined] estimate.
func (e Estimate) Scaled(k float64) Estimate {
	if !(k > 0) || math.IsInf(k, 0) {
		return undefined(e.Level)
	}
	e.Value *= k
	e.Lower *= k
	e.Upper *= k
	return e
}

// undefined is the Estimate for inputs that determine nothing.
func undefined(level float64) Estimate {
	nan := math.NaN()
	return Estimate{Value: nan, Lower: nan, Upper: nan, Level: level, Status: Undefined}
}

// pointOnly is the Estimate for a point estimate without a finite interval.
func pointOnly(value, level float64) Estimate {
	nan := math.NaN()
	return Estimate{Value: value, Lower: nan, Upper: nan, Level: level, Status: NoInterval}
}

// interval is the Estimate for a finite interval. Rounding at very large
// counts can put a limit a hair on the wrong side of the estimate; the
// limits are widened to contain it so that the OK promise always holds.
// A limit that is not finite (overflow at an extreme level) is reported as
// NoInterval, and a value that is not finite as Undefined, never as OK.
func interval(value, lower, upper, level float64) Estimate {
	switch {
	case !finite(value):
		return undefined(level)
	case !finite(lower) || !finite(upper):
		return pointOnly(value, level)
	}
	return Estimate{Value: value, Lower: math.Min(lower, value), Upper: math.Max(upper, value), Level: level, Status: OK}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validLevel reports whether level is a usable two-sided confidence level.
func validLevel(level float64) bool { return level > 0 && level < 1 }

// Figure is the estimate as Charter publishes it, written at scale s: its
// value when it has one (0 or +Inf included, see [NoInterval]), with its
// interval when it has one.
func (e Estimate) Figure(s charter.Scale) charter.Figure {
	f := charter.Figure{Scale: s}
	if e.HasValue() {
		f = charter.NewFigure(s, e.Value)
	}
	if e.HasInterval() {
		f = f.Within(e.Lower, e.Upper, e.Level)
	}
	return f
}
