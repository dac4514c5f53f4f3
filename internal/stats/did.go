package stats

import "math"

// RateInput is one cell of a before/after comparison: the events counted in
// an area over a period (weapon-enabled crimes, searches) and the exposure
// they accrued over (population × months, person-years, or simply the number
// of months when comparing counts of the same area over equal-length
// periods).
type RateInput struct {
	Events   int
	Exposure float64
}

// rate is events per unit exposure; ok is false for unusable input.
func (r RateInput) rate() (float64, bool) {
	if r.Events < 0 || !(r.Exposure > 0) || math.IsInf(r.Exposure, 0) {
		return math.NaN(), false
	}
	return float64(r.Events) / r.Exposure, true
}

// DiD is a difference-in-differences of rates between a treated area (a
// Precision Stop and Search pilot zone) and a comparison area, before and
// after the start of the intervention, on two scales.
type DiD struct {
	// Ratio is the ratio of rate ratios
	//
	//	(post_T/pre_T) / (post_C/pre_C)
	//
	// where each term is a rate: 0.8 means the treated area's before/after
	// factor was 0.8 times the comparison area's (for example a 20% fall
	// against no change). Interval on the log
	// scale with variance 1/e₁ + 1/e₂ + 1/e₃ + 1/e₄ over the four event
	// counts.
	Ratio Estimate
	// Difference is (post_T − pre_T) − (post_C − pre_C) in events per unit
	// of exposure (use [Estimate.Scaled] for per 1,000), with a normal
	// interval from the Poisson variance e/E² of each rate.
	Difference Estimate
	// TreatedRatio and ControlRatio are the before/after rate ratios
	// post/pre of each area, with the same log-scale interval as
	// [RateRatio].
	TreatedRatio, ControlRatio Estimate
}

// DiffInDiff compares the change in the treated area's rate with the change
// in a comparison area's rate (domain.md §5.10: pilot vs matched comparison
// wards, before/after). Counts are treated as independent Poisson with
// exposure fixed, and the comparison area's change stands in for what would
// have happened in the treated area without the intervention (the
// parallel-trends assumption, which two periods cannot test; [Placebo] shows
// how much comparison areas move on their own).
//
// On the ratio scale the estimate is the ratio of two rate ratios, and its
// log has variance equal to the sum of the two log-rate-ratio variances,
// 1/e₁ + 1/e₂ + 1/e₃ + 1/e₄ (Altman & Bland 2003). On the difference scale
// the estimate is the difference of two rate differences, with variance
// Σ eᵢ/Eᵢ² and a Wald interval.
//
// Zero events in any cell leave no usable interval on either scale (an
// infinite log-scale variance, and a zero Poisson variance for that rate
// that would overstate precision), so both results then have Status
// [NoInterval], or [Undefined] where the ratio itself is 0/0. A negative
// count, an exposure that is not positive and finite, or an invalid level
// makes everything [Undefined].
//
// Sources: D. G. Altman and J. M. Bland, "Interaction revisited: the
// difference between two estimates", BMJ 326 (2003) 219; the
// before/after-with-comparison design is reviewed in M. Bertrand, E. Duflo
// and S. Mullainathan, "How much should we trust differences-in-differences
// estimates?", Quarterly Journal of Economics 119 (2004) 249–275.
func DiffInDiff(treatedPre, treatedPost, controlPre, controlPost RateInput, level float64) DiD {
	cells := [4]RateInput{treatedPre, treatedPost, controlPre, controlPost}
	var rates [4]float64
	valid := validLevel(level)
	for i, c := range cells {
		var ok bool
		rates[i], ok = c.rate()
		valid = valid && ok
	}
	if !valid {
		u := undefined(level)
		return DiD{Ratio: u, Difference: u, TreatedRatio: u, ControlRatio: u}
	}
	ev := func(i int) float64 { return float64(cells[i].Events) }
	d := DiD{
		TreatedRatio: ratioOfRates(ev(1), cells[1].Exposure, ev(0), cells[0].Exposure, level),
		ControlRatio: ratioOfRates(ev(3), cells[3].Exposure, ev(2), cells[2].Exposure, level),
	}
	d.Ratio = ratioOfRatios(ev(1), cells[1].Exposure, ev(0), cells[0].Exposure,
		ev(3), cells[3].Exposure, ev(2), cells[2].Exposure, level)

	diff := (rates[1] - rates[0]) - (rates[3] - rates[2])
	anyZero := false
	var variance float64
	for i, c := range cells {
		anyZero = anyZero || c.Events == 0
		variance += rates[i] / c.Exposure
	}
	d.Difference = waldDifference(diff, variance, anyZero, level)
	return d
}

// ratioOfRatios is (a/A ÷ b/B) ÷ (c/C ÷ d/D) with the log-scale interval of
// variance 1/a + 1/b + 1/c + 1/d. Inputs are already validated.
func ratioOfRatios(a, expA, b, expB, c, expC, d, expD, level float64) Estimate {
	num, den := a*d, b*c // the counts on top and underneath
	switch {
	case num == 0 && den == 0:
		return undefined(level)
	case num == 0:
		return pointOnly(0, level)
	case den == 0:
		return pointOnly(math.Inf(1), level)
	}
	logR := (math.Log(a) - math.Log(expA) - math.Log(b) + math.Log(expB)) -
		(math.Log(c) - math.Log(expC) - math.Log(d) + math.Log(expD))
	half := Z(level) * math.Sqrt(1/a+1/b+1/c+1/d)
	return interval(math.Exp(logR), math.Exp(logR-half), math.Exp(logR+half), level)
}

// Area is one area's before/after counts for a difference-in-differences.
type Area struct {
	Pre, Post RateInput
}

// Scale picks the scale on which [Placebo] measures effects.
type Scale uint8

const (
	// RatioScale measures effects as ratios of rate ratios; extremeness is
	// |log ratio|, so 0.5 and 2 are equally extreme.
	RatioScale Scale = iota
	// DifferenceScale measures effects as differences of rate differences;
	// extremeness is the absolute difference.
	DifferenceScale
)

// PlaceboResult places the treated area's difference-in-differences within
// the distribution of placebo estimates from the comparison areas.
type PlaceboResult struct {
	Scale Scale
	// Treated is the treated area's estimate against all comparison areas
	// pooled (their events and exposures summed), on Scale. NaN if undefined.
	Treated float64
	// Placebos holds, for each comparison area in input order, its estimate
	// against all the other comparison areas pooled, on Scale; NaN where
	// undefined (for example 0/0 on the ratio scale, or fewer than two
	// comparison areas).
	Placebos []float64
	// Used is the number of placebos that are not NaN.
	Used int
	// AtLeastAsExtreme counts the used placebos whose effect is at least as
	// extreme (two-sided: in absolute value, of the log on the ratio scale)
	// as the treated area's.
	AtLeastAsExtreme int
	// Share is AtLeastAsExtreme/Used: the share of placebos at least as
	// extreme as the treated estimate.
	Share float64
	// Rank is the treated area's rank by extremeness among itself and the
	// used placebos, 1 being the most extreme; tied placebos rank ahead of
	// it.
	Rank int
	// PValue is the permutation p-value (1 + AtLeastAsExtreme)/(1 + Used),
	// counting the treated area among the candidates as in Abadie et al.
	// With J placebos it cannot be below 1/(J + 1): with 9 comparison
	// areas, 0.1 is the smallest possible value.
	PValue float64
	// OK is false when Treated is NaN or no placebo was usable; Share and
	// PValue are then NaN and Rank is 0.
	OK bool
}

// Placebo runs a placebo (permutation) check on a difference-in-differences:
// it computes the treated area's effect against the pooled comparison
// areas, then pretends in turn that each comparison area had been treated
// and computes its effect against the pooled other comparison areas (the
// treated area excluded). If the treated area's effect is no more extreme
// than most placebo effects, the comparison areas vary that much on their
// own and the estimate is not evidence of an effect.
//
// Pooling sums events and exposures, so the pooled comparison is the
// comparison areas' combined rate. At least two comparison areas are needed
// for any placebo; with J areas the smallest attainable p-value is 1/(J+1).
// Areas with a negative count or an unusable exposure make their own
// estimate NaN and are left out of every pool; they do not stop the rest.
// An unknown scale gives a result that is not OK, with every estimate NaN.
//
// Source: A. Abadie, A. Diamond and J. Hainmueller, "Synthetic control
// methods for comparative case studies", Journal of the American
// Statistical Association 105 (2010) 493–505 (placebo studies, §2.4 and
// §3); the same idea as the placebo laws of Bertrand, Duflo & Mullainathan
// (2004).
func Placebo(treated Area, comparisons []Area, scale Scale) PlaceboResult {
	res := PlaceboResult{Scale: scale, Placebos: make([]float64, len(comparisons)), Treated: math.NaN(), Share: math.NaN(), PValue: math.NaN()}
	if scale != RatioScale && scale != DifferenceScale {
		for i := range res.Placebos {
			res.Placebos[i] = math.NaN()
		}
		return res
	}

	usable := make([]bool, len(comparisons))
	for i, c := range comparisons {
		usable[i] = c.usable()
	}
	// poolExcept sums the usable comparison areas other than skip (−1 for
	// none). Summing afresh for each placebo, rather than subtracting from a
	// total, keeps the pools exact; J is small (tens to hundreds of areas).
	poolExcept := func(skip int) pool {
		var p pool
		for i, c := range comparisons {
			if i != skip && usable[i] {
				p.add(c)
			}
		}
		return p
	}
	if treated.usable() {
		res.Treated = effect(treated, poolExcept(-1), scale)
	}
	for i, c := range comparisons {
		res.Placebos[i] = math.NaN()
		if usable[i] {
			res.Placebos[i] = effect(c, poolExcept(i), scale)
		}
	}

	t := extremeness(res.Treated, scale)
	for _, p := range res.Placebos {
		if math.IsNaN(p) {
			continue
		}
		res.Used++
		if extremeness(p, scale) >= t {
			res.AtLeastAsExtreme++
		}
	}
	if math.IsNaN(t) || res.Used == 0 {
		return res
	}
	res.OK = true
	res.Share = float64(res.AtLeastAsExtreme) / float64(res.Used)
	res.Rank = 1 + res.AtLeastAsExtreme
	res.PValue = float64(1+res.AtLeastAsExtreme) / float64(1+res.Used)
	return res
}

// usable reports whether both periods have a count and a positive, finite
// exposure.
func (a Area) usable() bool {
	_, ok1 := a.Pre.rate()
	_, ok2 := a.Post.rate()
	return ok1 && ok2
}

// pool is the summed counts of a group of areas. Counts are kept as
// float64 so that a pool of many areas cannot overflow int.
type pool struct {
	preEvents, preExposure, postEvents, postExposure float64
	areas                                            int
}

func (p *pool) add(a Area) {
	p.preEvents += float64(a.Pre.Events)
	p.preExposure += a.Pre.Exposure
	p.postEvents += float64(a.Post.Events)
	p.postExposure += a.Post.Exposure
	p.areas++
}

// effect is the point DiD of area a against the pooled comparison, on
// scale; NaN when undefined (no comparison areas, 0/0).
func effect(a Area, c pool, scale Scale) float64 {
	if c.areas <= 0 || !(c.preExposure > 0) || !(c.postExposure > 0) {
		return math.NaN()
	}
	tPre := float64(a.Pre.Events) / a.Pre.Exposure
	tPost := float64(a.Post.Events) / a.Post.Exposure
	cPre := c.preEvents / c.preExposure
	cPost := c.postEvents / c.postExposure
	if scale == DifferenceScale {
		return (tPost - tPre) - (cPost - cPre)
	}
	numZero, denZero := tPost == 0 || cPre == 0, tPre == 0 || cPost == 0
	switch {
	case numZero && denZero:
		return math.NaN()
	case numZero: // 0 and +Inf are genuine estimates and rank as most extreme
		return 0
	case denZero:
		return math.Inf(1)
	}
	return math.Exp(math.Log(tPost) + math.Log(cPre) - math.Log(tPre) - math.Log(cPost))
}

// extremeness is the distance of an effect from "no effect" on scale.
func extremeness(x float64, scale Scale) float64 {
	if scale == DifferenceScale {
		return math.Abs(x)
	}
	return math.Abs(math.Log(x))
}

// waldDifference is a difference with its Wald interval from variance; a zero
// count in any cell leaves no usable interval (its variance would be zero and
// overstate precision), so only the point estimate is given.
func waldDifference(diff, variance float64, anyZero bool, level float64) Estimate {
	if anyZero {
		return pointOnly(diff, level)
	}
	half := Z(level) * math.Sqrt(variance)
	return interval(diff, diff-half, diff+half, level)
}
