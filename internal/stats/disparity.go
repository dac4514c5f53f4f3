package stats

import "math"

// CountRatio is one cell of a before/after comparison of a disparity: two
// counts from the same area and period whose ratio is the quantity of
// interest, such as searches of Black people (Num) and of White people
// (Den). Census populations are the same before and after, so in a
// difference-in-differences they cancel and the ratio of counts carries
// the whole change in the ratio of search rates.
type CountRatio struct {
	Num, Den int
}

// DisparityDiD is the difference-in-differences of a ratio of two counts
// (domain.md §5.10 asks for disproportionality among the pilot's outcomes):
//
//	[(n₁/d₁) / (n₀/d₀)] / [(m₁/e₁) / (m₀/e₀)]
//
// for the treated area (n, d) and the comparison area (m, e) before (0) and
// after (1). Unlike [DiffInDiff], where exposures are fixed, both counts of
// each cell are random, so the variance of the log ratio is the sum of the
// reciprocals of all eight counts (each count independent Poisson; the
// log-scale variance of a ratio of two Poisson counts is 1/n + 1/d, as in
// [RateRatio], and the four log ratios add). TreatedRatio and ControlRatio
// are the before/after factors of each area's ratio with the four-count
// variance.
//
// Difference is (n₁/d₁ − n₀/d₀) − (m₁/e₁ − m₀/e₀) with the delta-method
// variance r²(1/n + 1/d) of each ratio r = n/d and a Wald interval.
//
// A zero among the counts leaves no finite log-scale variance: the results
// then have Status [NoInterval] (or [Undefined] for 0/0). A zero
// denominator count, a negative count or an invalid level make everything
// [Undefined]: a ratio over no White searches is unknown, not infinite.
//
// Source: the log-ratio variance is the Wald variance of an incidence-rate
// ratio (Rothman, Greenland & Lash, Modern Epidemiology, 3rd ed., 2008);
// adding log-scale variances of independent ratios is Altman & Bland,
// "Interaction revisited", BMJ 326 (2003) 219.
func DisparityDiD(treatedPre, treatedPost, controlPre, controlPost CountRatio, level float64) DiD {
	cells := [4]CountRatio{treatedPre, treatedPost, controlPre, controlPost}
	valid := validLevel(level)
	for _, c := range cells {
		valid = valid && c.Num >= 0 && c.Den > 0
	}
	if !valid {
		u := undefined(level)
		return DiD{Ratio: u, Difference: u, TreatedRatio: u, ControlRatio: u}
	}
	// A ratio of ratios over any list of cells: those in up divided by those
	// in down. The log variance adds 1/count over every count involved.
	ratioOf := func(up, down []CountRatio) Estimate {
		var logR, variance float64
		zeroUp, zeroDown := false, false
		for _, c := range up {
			zeroUp = zeroUp || c.Num == 0
			logR += math.Log(float64(c.Num)) - math.Log(float64(c.Den))
			variance += 1/float64(c.Num) + 1/float64(c.Den)
		}
		for _, c := range down {
			zeroDown = zeroDown || c.Num == 0
			logR -= math.Log(float64(c.Num)) - math.Log(float64(c.Den))
			variance += 1/float64(c.Num) + 1/float64(c.Den)
		}
		switch {
		case zeroUp && zeroDown:
			return undefined(level)
		case zeroUp:
			return pointOnly(0, level)
		case zeroDown:
			return pointOnly(math.Inf(1), level)
		}
		half := Z(level) * math.Sqrt(variance)
		return interval(math.Exp(logR), math.Exp(logR-half), math.Exp(logR+half), level)
	}
	d := DiD{
		Ratio:        ratioOf([]CountRatio{treatedPost, controlPre}, []CountRatio{treatedPre, controlPost}),
		TreatedRatio: ratioOf([]CountRatio{treatedPost}, []CountRatio{treatedPre}),
		ControlRatio: ratioOf([]CountRatio{controlPost}, []CountRatio{controlPre}),
	}
	var r [4]float64
	var variance float64
	anyZero := false
	for i, c := range cells {
		n, e := float64(c.Num), float64(c.Den)
		r[i] = n / e
		anyZero = anyZero || c.Num == 0
		if c.Num > 0 {
			variance += r[i] * r[i] * (1/n + 1/e)
		}
	}
	diff := (r[1] - r[0]) - (r[3] - r[2])
	d.Difference = waldDifference(diff, variance, anyZero, level)
	return d
}
