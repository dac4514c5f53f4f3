package stats

import "math"

// WilsonProportion is the proportion successes/trials with the Wilson score
// interval at level: the arrest rate, the linked-outcome ("find") rate, the
// share of searches with a given outcome (domain.md §5.4, §5.9).
//
// With p = successes/trials, n = trials and z = [Z](level):
//
//	centre = (p + z²/2n) / (1 + z²/n)
//	half   = z/(1 + z²/n) · sqrt( p(1−p)/n + z²/4n² )
//
// This is the score interval without continuity correction ("method 3" in
// Newcombe 1998). Unlike the simple p ± z·sqrt(p(1−p)/n) interval it stays
// inside [0, 1] and does not collapse to a point at 0 or n successes, which
// is why it is used for small areas. At 0 successes Lower is exactly 0 and at
// n successes Upper is exactly 1.
//
// Trials ≤ 0, negative successes, successes > trials, or an invalid level
// give an [Undefined] estimate.
//
// Sources: E. B. Wilson, "Probable inference, the law of succession, and
// statistical inference", Journal of the American Statistical Association 22
// (1927) 209–212; R. G. Newcombe, "Two-sided confidence intervals for the
// single proportion: comparison of seven methods", Statistics in Medicine 17
// (1998) 857–872.
func WilsonProportion(successes, trials int, level float64) Estimate {
	if trials <= 0 || successes < 0 || successes > trials || !validLevel(level) {
		return undefined(level)
	}
	n := float64(trials)
	p := float64(successes) / n
	z := Z(level)
	z2n := z * z / n
	centre := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/n+z2n/(4*n))
	lo, hi := math.Max(0, centre-half), math.Min(1, centre+half)
	if successes == 0 {
		lo = 0
	}
	if successes == trials {
		hi = 1
	}
	return interval(p, lo, hi, level)
}
