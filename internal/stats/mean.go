package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MeanScore is the mean of answers on a bounded scale (a 1–5 survey
// question) with a two-sided Student's t interval at level, clipped to the
// scale [lo, hi]: the t interval of a mean is the usual one for survey
// scores, and clipping keeps a small sample's interval from claiming a score
// nobody could give. One answer gives the point with no interval; none
// gives Undefined.
func MeanScore(xs []float64, lo, hi, level float64) Estimate {
	n := len(xs)
	if n == 0 || !validLevel(level) {
		return undefined(level)
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	if n == 1 {
		return pointOnly(mean, level)
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	se := math.Sqrt(ss / float64(n-1) / float64(n))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-level)/2)
	return interval(mean, math.Max(lo, mean-t*se), math.Min(hi, mean+t*se), level)
}
