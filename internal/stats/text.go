package stats

import (
	"math"
	"strconv"
	"strings"
)

// The figures of the web pages and the CLI's tables are written here, once,
// so that a rate, a ratio or a share reads the same wherever it is shown.
// Machine outputs (CSV, JSON) keep full numbers and do not use these.

// Unknown is written for a figure that cannot be computed, never 0.
const Unknown = "–"

// FormatRate writes a rate per 1,000 or a ratio: one decimal, or two below
// 10 so that small ratios keep their meaning, with thousands separators;
// Unknown when p is nil or NaN, and ∞ for an infinite figure (the upper
// limit of a ratio whose reference group had no events).
func FormatRate(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return Unknown
	}
	x := *p
	switch {
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return "−∞"
	case math.Abs(x) < 10:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return grouped(strconv.FormatFloat(x, 'f', 1, 64))
}

// FormatShare writes a proportion as a percentage with one decimal:
// 0.1234 is "12.3%"; Unknown when p is nil or not finite.
func FormatShare(p *float64) string {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return Unknown
	}
	return grouped(strconv.FormatFloat(*p*100, 'f', 1, 64)) + "%"
}

// FormatInterval writes an interval [lower, upper] of a rate or ratio as
// "lower to upper"; "" when there is none (ci is not a pair).
func FormatInterval(ci []float64) string {
	if len(ci) != 2 {
		return ""
	}
	return FormatRate(&ci[0]) + " to " + FormatRate(&ci[1])
}

// FormatShareInterval writes an interval of a proportion as percentages,
// "lower% to upper%"; "" when there is none.
func FormatShareInterval(ci []float64) string {
	if len(ci) != 2 {
		return ""
	}
	return FormatShare(&ci[0]) + " to " + FormatShare(&ci[1])
}

// FormatEstimate writes an [Estimate] of a rate or ratio with its interval
// in brackets, "2.41 (2.10 to 2.77)"; a point estimate without an interval
// says so, and an undefined one is Unknown.
func FormatEstimate(e Estimate) string {
	switch e.Status {
	case OK:
		return FormatRate(&e.Value) + " (" + FormatRate(&e.Lower) + " to " + FormatRate(&e.Upper) + ")"
	case NoInterval:
		return FormatRate(&e.Value) + " (no interval)"
	}
	return Unknown
}

// grouped puts thousands separators into a formatted decimal number:
// "1234567.8" is "1,234,567.8".
func grouped(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
