package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// FunnelLimits returns the exact binomial funnel-plot control limits, as
// proportions, for a unit of n trials when the target proportion is target
// (e.g. the force-wide arrest rate): see "Funnel plots" in the package
// documentation.
//
// A target of exactly 0 or 1 gives limits equal to the target. Target
// outside [0, 1], n ≤ 0 or an invalid level gives NaN limits.
func FunnelLimits(target float64, n int, level float64) (lower, upper float64) {
	if !(target >= 0 && target <= 1) || n <= 0 || !validLevel(level) {
		return math.NaN(), math.NaN()
	}
	if target == 0 || target == 1 {
		return target, target
	}
	p := (1 - level) / 2
	nf := float64(n)
	// The upper limit is the lower limit of the failures reflected, which
	// keeps the upper tail as accurate as the lower one.
	return binomialLowerCount(target, nf, p) / nf, (nf - binomialLowerCount(1-target, nf, p)) / nf
}

// binomialLowerCount is the interpolated lower limit r_p − α on the count
// scale for Binomial(n, theta), clamped at 0.
func binomialLowerCount(theta, n, p float64) float64 {
	dist := distuv.Binomial{N: n, P: theta}
	guess := n*theta + normalGuess(p)*math.Sqrt(n*theta*(1-theta))
	r := smallest(func(k float64) bool { return dist.CDF(k) >= p }, guess, n)
	fr, fprev := dist.CDF(r), 0.0
	if r > 0 {
		fprev = dist.CDF(r - 1)
	}
	return math.Max(0, r-interpolate(fr, fprev, p))
}

// PoissonFunnelLimits returns the exact Poisson funnel-plot control limits,
// as rates per `per` units of exposure, for a unit with the given exposure
// when the target rate is target (also per `per`): for example the
// force-wide searches per 1,000 residents against each ward's population.
// The count is Poisson with mean target·exposure/per; see "Funnel plots" in
// the package documentation. Spiegelhalter uses the same construction for
// indirectly standardised ratios: pass target 1, per 1 and the expected
// count as exposure.
//
// Exposure may be fractional (person-time, expected counts). A target of 0
// gives limits of 0. A negative or non-finite target, exposure ≤ 0, a per
// that is not positive and finite, or an invalid level gives NaN limits.
func PoissonFunnelLimits(target, exposure, per, level float64) (lower, upper float64) {
	if !(target >= 0) || math.IsInf(target, 0) || !(exposure > 0) || math.IsInf(exposure, 0) ||
		!(per > 0) || math.IsInf(per, 0) || !validLevel(level) {
		return math.NaN(), math.NaN()
	}
	mean := target * exposure / per
	if mean == 0 {
		return 0, 0
	}
	if math.IsInf(mean, 0) {
		return math.NaN(), math.NaN()
	}
	p := (1 - level) / 2
	dist := distuv.Poisson{Lambda: mean}
	sd := math.Sqrt(mean)
	// The Poisson support is unbounded, but beyond mean + 40 sd + 40 its
	// CDF is 1 to double precision: a finite end for the searches.
	end := math.Floor(mean + 40*sd + 40)

	// Lower: r_p − α.
	r := smallest(func(k float64) bool { return dist.CDF(k) >= p }, mean+normalGuess(p)*sd, end)
	fr, fprev := dist.CDF(r), 0.0
	if r > 0 {
		fprev = dist.CDF(r - 1)
	}
	lowerCount := math.Max(0, r-interpolate(fr, fprev, p))

	// Upper: s_p + β with G(k) = P(Y ≥ k); t = s_p + 1 is the smallest k
	// with G(k) < p.
	tail := func(k float64) float64 {
		if k <= 0 {
			return 1
		}
		return 1 - dist.CDF(k-1)
	}
	s := smallest(func(k float64) bool { return tail(k) < p }, mean-normalGuess(p)*sd+1, end+1) - 1
	upperCount := s + interpolate(tail(s), tail(s+1), p)

	scale := per / exposure
	return lowerCount * scale, upperCount * scale
}

// interpolate returns (hi − p)/(hi − lo), the fraction of the step of a
// distribution function from lo to hi that lies above p; 0 when the step is
// flat (rounding in a far tail).
func interpolate(hi, lo, p float64) float64 {
	if !(hi > lo) {
		return 0
	}
	return (hi - p) / (hi - lo)
}

// smallest returns the smallest integer k in [0, max] for which pred holds,
// where pred is false-then-true along the integers (max if it never holds).
// The search starts at guess (a normal approximation, usually a step or two
// away), gallops outward and then bisects, so it costs O(log distance)
// evaluations even when the guess is far off (extreme levels, skewed
// distributions).
func smallest(pred func(float64) bool, guess, max float64) float64 {
	k := math.Floor(guess)
	if !(k >= 0) { // negative or NaN
		k = 0
	}
	k = math.Min(k, max)
	// Bracket: pred(lo) false, pred(hi) true, with lo = −1 standing for
	// "below 0".
	var lo, hi float64
	if pred(k) {
		hi, lo = k, k-1
		for step := 1.0; lo >= 0 && pred(lo); step *= 2 {
			hi, lo = lo, lo-2*step
		}
		lo = math.Max(lo, -1)
	} else {
		lo, hi = k, k+1
		for step := 1.0; hi < max && !pred(hi); step *= 2 {
			lo, hi = hi, hi+2*step
		}
		if hi >= max {
			hi = max
			if !pred(hi) {
				return hi
			}
		}
	}
	for hi-lo > 1 {
		mid := math.Floor(lo + (hi-lo)/2)
		if mid <= lo || mid >= hi { // beyond 2⁵³ integers are not exact
			break
		}
		if pred(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// normalGuess is the standard normal p-quantile, kept finite (p can round
// to 0 or 1 at levels extremely close to 1) so that it only ever seeds a
// search.
func normalGuess(p float64) float64 {
	return math.Max(-40, math.Min(40, distuv.UnitNormal.Quantile(p)))
}
