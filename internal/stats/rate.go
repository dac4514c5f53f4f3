package stats

import "math"

// PoissonRate is the rate of events per `per` units of exposure (per = 1000
// gives the Home Office "searches per 1,000 population",
// domain.md §5.1) with the exact two-sided Poisson interval at level.
//
// The interval is Garwood's (1936) exact ("central") interval for a Poisson
// count x, written with chi-square quantiles as in Ulm (1990):
//
//	lower = χ²(α/2; 2x) / 2,   upper = χ²(1 − α/2; 2x + 2) / 2,   α = 1 − level
//
// with lower = 0 when x = 0, and both limits divided by exposure and
// multiplied by per. Exposure is treated as fixed (a census population), so
// only the count is random. The interval is conservative: its coverage is at
// least level for every true rate.
//
// Exposure 0 (or negative), negative events, a per that is not positive and
// finite, or a level outside (0, 1) give an [Undefined] estimate (NaN): a
// rate over no population is not zero, it is unknown.
//
// Sources: F. Garwood, "Fiducial limits for the Poisson distribution",
// Biometrika 28 (1936) 437–442; K. Ulm, "A simple method to calculate the
// confidence interval of a standardized mortality ratio", American Journal
// of Epidemiology 131 (1990) 373–375. R's poisson.test gives the same
// interval for the count.
func PoissonRate(events, exposure int, per float64, level float64) Estimate {
	if events < 0 || exposure <= 0 || !(per > 0) || math.IsInf(per, 0) || !validLevel(level) {
		return undefined(level)
	}
	lo, hi := poissonCountInterval(float64(events), level)
	scale := per / float64(exposure)
	return interval(float64(events)*scale, lo*scale, hi*scale, level)
}

// poissonCountInterval is Garwood's exact interval for a Poisson mean given
// an observed count x ≥ 0 (see PoissonRate).
func poissonCountInterval(x, level float64) (lower, upper float64) {
	alpha := 1 - level
	if x > 0 {
		lower = ChiSquareQuantile(alpha/2, 2*x) / 2
	}
	upper = ChiSquareQuantile(1-alpha/2, 2*x+2) / 2
	return lower, upper
}

// RateRatio is the ratio of two rates, (eventsA/popA) / (eventsB/popB), with
// the large-sample interval on the log scale:
//
//	exp( log RR ± z · sqrt(1/eventsA + 1/eventsB) )
//
// This is the relative rate ratio of domain.md §5.2 (group g against White),
// treating populations as fixed and counts as independent Poisson. It is the
// Wald interval for the incidence-rate ratio in Rothman, Greenland & Lash,
// Modern Epidemiology (3rd ed., 2008), and matches exp(β) from a Poisson GLM
// `events ~ group + offset(log pop)` with its Wald interval.
//
// Zero events on one side leaves the log-scale variance infinite, so there is
// no finite interval: eventsA = 0 gives Value 0 and eventsB = 0 gives Value
// +Inf, both with Status [NoInterval] and NaN limits. Zero events on both
// sides, a population ≤ 0, a negative count or an invalid level give
// [Undefined]. The interval is unreliable with very few events (a handful on
// either side); pair it with a small-numbers flag (domain.md §5.9).
func RateRatio(eventsA, popA, eventsB, popB int, level float64) Estimate {
	if popA <= 0 || popB <= 0 {
		return undefined(level)
	}
	return ratioOfRates(float64(eventsA), float64(popA), float64(eventsB), float64(popB), level)
}

// ratioOfRates is RateRatio over float exposures (person-time, say), for the
// difference-in-differences code. Exposures must be positive and finite.
func ratioOfRates(a, expA, b, expB, level float64) Estimate {
	if !(a >= 0) || !(b >= 0) || !(expA > 0) || !(expB > 0) || math.IsInf(expA, 0) || math.IsInf(expB, 0) || !validLevel(level) {
		return undefined(level)
	}
	switch {
	case a == 0 && b == 0:
		return undefined(level)
	case a == 0:
		return pointOnly(0, level)
	case b == 0:
		return pointOnly(math.Inf(1), level)
	}
	// Work on the log scale so that extreme exposures cannot overflow the
	// intermediate products.
	logRR := math.Log(a) - math.Log(expA) - math.Log(b) + math.Log(expB)
	half := Z(level) * math.Sqrt(1/a+1/b)
	return interval(math.Exp(logRR), math.Exp(logRR-half), math.Exp(logRR+half), level)
}
