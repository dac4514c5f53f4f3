package charter

import (
	"math"
	"strconv"
	"strings"
)

// Thousands writes n for people, with thousands separators (196,715), as
// every count that pages, API notes, reports and commands show is written.
func Thousands(n int) string { return grouped(strconv.Itoa(n)) }

// Figures for people are written here, once, so that a rate, a ratio or a
// share reads the same on the web pages, in the CLI's tables and in the
// packs ([Figure] writes its value and interval with these). Machine outputs
// (CSV, JSON) keep full numbers and do not use them.

// NoValue is written for a figure that cannot be computed, never 0.
const NoValue = "–"

// FormatRate writes a rate per 1,000 or a ratio: one decimal, or two below
// 10 so that small ratios keep their meaning, with thousands separators;
// NoValue when p is nil or NaN, and ∞ for an infinite figure (the upper
// limit of a ratio whose reference group had no events).
func FormatRate(p *float64) string {
	if p == nil || math.IsNaN(*p) {
		return NoValue
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
// 0.1234 is "12.3%"; NoValue when p is nil or not finite.
func FormatShare(p *float64) string {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return NoValue
	}
	return grouped(strconv.FormatFloat(*p*100, 'f', 1, 64)) + "%"
}

// format writes x at scale s; an infinite limit is ∞ at any scale but a
// share's.
func (s Scale) format(x float64) string {
	switch {
	case s == ScaleShare:
		return FormatShare(&x)
	case math.IsInf(x, 0):
		return FormatRate(&x)
	case s == ScaleSignificant:
		return strconv.FormatFloat(x, 'g', 4, 64)
	case s == ScaleScore:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return FormatRate(&x)
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
