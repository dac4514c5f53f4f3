package stats

import (
	"math"
	"testing"
)

func TestFunnelLimitsBinomialByHand(t *testing.T) {
	// Derived by hand from Spiegelhalter (2005), Appendix A.1 (not a
	// published example). Binomial(10, 0.5): F(1) = 11/1024,
	// F(2) = 56/1024; by symmetry G(8) = P(Y ≥ 8) = 56/1024 and
	// G(9) = 11/1024.
	// Lower, p = 0.025: r_p = 2, α = (56/1024 − 0.025)/(45/1024) = 30.4/45,
	//   limit = (2 − 30.4/45)/10 = 0.13244444.
	// Upper (upper-tail interpolation, see the funnel notes): s_p = 8,
	//   β = (56/1024 − 0.025)/(45/1024) = 30.4/45,
	//   limit = (8 + 30.4/45)/10 = 0.86755556, the mirror of the lower limit.
	// (The lower-tail formula at p = 0.975 would give 0.76755556 and flag
	// 8/10, whose exact tail probability P(Y ≥ 8) = 0.0547 exceeds 0.025.)
	lo, hi := FunnelLimits(0.5, 10, 0.95)
	if !near(lo, 0.132444444, 1e-8) || !near(hi, 0.867555556, 1e-8) {
		t.Errorf("FunnelLimits(0.5, 10, 0.95) = %.9f, %.9f; want 0.132444444, 0.867555556", lo, hi)
	}
}

func TestPoissonFunnelLimitsByHand(t *testing.T) {
	// Derived by hand from Spiegelhalter (2005), Appendix A.1, with Poisson
	// probabilities (not a published example).
	//
	// Mean 10 (target 10 per 1,000, exposure 1,000): F(3) = 0.0103360507,
	// F(4) = 0.0292526881, F(16) = 0.9729583902, F(17) = 0.9857223864.
	// Lower: r_p = 4, α = (F(4) − 0.025)/(F(4) − F(3)) = 0.2248120523,
	//   limit 3.7751879477 per 1,000.
	// Upper: G(17) = 1 − F(16) = 0.0270416098, G(18) = 1 − F(17) =
	//   0.0142776136, so s_p = 17, β = (G(17) − 0.025)/(G(17) − G(18)) =
	//   0.1599506733, limit 17.1599506733 per 1,000.
	lo, hi := PoissonFunnelLimits(10, 1000, 1000, 0.95)
	if !near(lo, 3.7751879477, 1e-8) || !near(hi, 17.1599506733, 1e-8) {
		t.Errorf("PoissonFunnelLimits(10/1000, 1000) = %.10f, %.10f", lo, hi)
	}
	// Mean 1: F(0) = e⁻¹ ≥ 0.025, so r_p = 0 and the interpolated lower
	// limit −0.932 is reported as 0. Upper: G(3) = 1 − 2.5e⁻¹ = 0.0803013971,
	// G(4) = 1 − (8/3)e⁻¹ = 0.0189881569, s_p = 3, β = 0.9019486959,
	// limit 3.9019486959.
	lo, hi = PoissonFunnelLimits(1, 1, 1, 0.95)
	if lo != 0 || !near(hi, 3.9019486959, 1e-8) {
		t.Errorf("PoissonFunnelLimits(1, 1, 1) = %.10f, %.10f", lo, hi)
	}
}

func TestFunnelLimitsProperties(t *testing.T) {
	for _, target := range []float64{0.03, 0.14, 0.5, 0.9} {
		prevWidth := math.Inf(1)
		for _, n := range []int{10, 100, 1000, 10000, 100000} {
			lo95, hi95 := FunnelLimits(target, n, 0.95)
			lo998, hi998 := FunnelLimits(target, n, 0.998)
			if !(0 <= lo998 && lo998 <= lo95 && lo95 <= target && target <= hi95 && hi95 <= hi998 && hi998 <= 1) {
				t.Errorf("target %v n %d: limits out of order: %v %v %v %v", target, n, lo998, lo95, hi95, hi998)
			}
			if w := hi95 - lo95; w >= prevWidth {
				t.Errorf("target %v: the funnel does not narrow at n=%d", target, n)
			} else {
				prevWidth = w
			}
		}
		// For large n the exact limits approach the normal approximation
		// target ± z·sqrt(target(1−target)/n) (Spiegelhalter 2005, §A.1).
		n := 1000000
		lo, hi := FunnelLimits(target, n, 0.95)
		half := Z(0.95) * math.Sqrt(target*(1-target)/float64(n))
		if !near(lo, target-half, 0.02*half) || !near(hi, target+half, 0.02*half) {
			t.Errorf("target %v n %d: exact (%v, %v) far from normal (%v, %v)", target, n, lo, hi, target-half, target+half)
		}
	}
	// Poisson: same checks against target ± z·sqrt(target·per/exposure).
	for _, exposure := range []float64{1e5, 1e7} {
		lo, hi := PoissonFunnelLimits(5, exposure, 1000, 0.95)
		half := Z(0.95) * math.Sqrt(5*1000/exposure)
		if !near(lo, 5-half, 0.03*half) || !near(hi, 5+half, 0.03*half) {
			t.Errorf("exposure %v: exact (%v, %v) far from normal (%v, %v)", exposure, lo, hi, 5-half, 5+half)
		}
	}
	// Degenerate and invalid inputs.
	if lo, hi := FunnelLimits(0, 50, 0.95); lo != 0 || hi != 0 {
		t.Errorf("target 0: %v %v", lo, hi)
	}
	if lo, hi := FunnelLimits(1, 50, 0.95); lo != 1 || hi != 1 {
		t.Errorf("target 1: %v %v", lo, hi)
	}
	if lo, hi := PoissonFunnelLimits(0, 50, 1000, 0.95); lo != 0 || hi != 0 {
		t.Errorf("Poisson target 0: %v %v", lo, hi)
	}
	for _, c := range []struct {
		target float64
		n      int
		level  float64
	}{{0.5, 0, 0.95}, {0.5, -1, 0.95}, {-0.1, 10, 0.95}, {1.1, 10, 0.95}, {math.NaN(), 10, 0.95}, {0.5, 10, 1}, {0.5, 10, math.NaN()}} {
		if lo, hi := FunnelLimits(c.target, c.n, c.level); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("FunnelLimits(%v, %v, %v) = %v, %v; want NaN", c.target, c.n, c.level, lo, hi)
		}
	}
	for _, c := range [][4]float64{{5, 0, 1000, 0.95}, {-1, 10, 1000, 0.95}, {5, 10, 0, 0.95}, {5, 10, 1000, 0}, {math.Inf(1), 10, 1000, 0.95}} {
		if lo, hi := PoissonFunnelLimits(c[0], c[1], c[2], c[3]); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("PoissonFunnelLimits(%v) = %v, %v; want NaN", c, lo, hi)
		}
	}
}

// binomialTails returns P(Y ≤ y) and P(Y ≥ y) for Y ~ Binomial(n, theta),
// summed from the probability mass function in logs: an independent check
// on the gonum-based limits.
func binomialTails(n, y int, theta float64) (le, ge float64) {
	for k := 0; k <= n; k++ {
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
		pk := math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(theta) + float64(n-k)*math.Log1p(-theta))
		if k <= y {
			le += pk
		}
		if k >= y {
			ge += pk
		}
	}
	return le, ge
}

// A count strictly outside a limit is exactly a count whose one-sided exact
// binomial tail probability is below (1 − level)/2.
func TestFunnelLimitsAgreeWithExactTest(t *testing.T) {
	for _, level := range []float64{0.95, 0.998} {
		p := (1 - level) / 2
		for _, theta := range []float64{0.03, 0.14, 0.5, 0.67, 0.97} {
			for _, n := range []int{1, 2, 3, 5, 10, 20, 57, 200} {
				lo, hi := FunnelLimits(theta, n, level)
				for y := 0; y <= n; y++ {
					le, ge := binomialTails(n, y, theta)
					// Skip counts whose tail probability is within rounding
					// of p: either answer is right there.
					if math.Abs(le-p) < 1e-9 || math.Abs(ge-p) < 1e-9 {
						continue
					}
					got := Classify(float64(y)/float64(n), lo, hi)
					want := Within
					if le < p {
						want = Below
					} else if ge < p {
						want = Above
					}
					if got != want {
						t.Errorf("level %v θ %v: %d/%d is %v, exact test says %v (P≤ %.4g, P≥ %.4g, limits %v, %v)",
							level, theta, y, n, got, want, le, ge, lo, hi)
					}
				}
			}
		}
	}
	// The case in the funnel notes: 3 of 3 against a 67% target happens with
	// probability 0.30 and must not be flagged.
	lo, hi := FunnelLimits(0.67, 3, 0.95)
	if got := Classify(1, lo, hi); got != Within {
		t.Errorf("3/3 against 67%%: %v (limits %v, %v)", got, lo, hi)
	}
	// Mirror: limits for 1 − θ are one minus those for θ.
	for _, n := range []int{1, 9, 100, 12345} {
		lo, hi := FunnelLimits(0.23, n, 0.998)
		mlo, mhi := FunnelLimits(0.77, n, 0.998)
		if !near(lo, 1-mhi, 1e-12) || !near(hi, 1-mlo, 1e-12) {
			t.Errorf("n %d: (%v, %v) does not mirror (%v, %v)", n, lo, hi, mlo, mhi)
		}
	}
}

// The same agreement for Poisson counts.
func TestPoissonFunnelLimitsAgreeWithExactTest(t *testing.T) {
	for _, mean := range []float64{0.3, 1, 4.5, 10, 60} {
		lo, hi := PoissonFunnelLimits(mean, 1, 1, 0.95)
		pk, le := math.Exp(-mean), 0.0
		for y := 0; y < 200; y++ {
			if y > 0 {
				pk *= mean / float64(y)
			}
			ge := 1 - le // P(Y ≥ y) before adding P(Y = y)
			le += pk
			if math.Abs(le-0.025) < 1e-9 || math.Abs(ge-0.025) < 1e-9 {
				continue
			}
			want := Within
			if le < 0.025 {
				want = Below
			} else if ge < 0.025 {
				want = Above
			}
			if got := Classify(float64(y), lo, hi); got != want {
				t.Errorf("mean %v: %d is %v, exact test says %v (limits %v, %v)", mean, y, got, want, lo, hi)
			}
		}
	}
}

// Extreme levels and sizes must finish quickly and stay ordered: the
// quantile search gallops rather than stepping one count at a time.
func TestFunnelLimitsExtremes(t *testing.T) {
	for _, level := range []float64{1e-9, 0.5, 0.999999999, 1 - 1e-16} {
		for _, n := range []int{1, 7, 1 << 40} {
			lo, hi := FunnelLimits(0.3, n, level)
			if !(0 <= lo && lo <= hi && hi <= 1) {
				t.Errorf("FunnelLimits(0.3, %d, %v) = %v, %v", n, level, lo, hi)
			}
		}
		for _, exposure := range []float64{1e-6, 3, 1e15} {
			lo, hi := PoissonFunnelLimits(2, exposure, 1, level)
			if !(0 <= lo && lo <= hi && finite(hi)) {
				t.Errorf("PoissonFunnelLimits(2, %v, 1, %v) = %v, %v", exposure, level, lo, hi)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		v, lo, hi float64
		want      Position
	}{
		{0.5, 0.2, 0.8, Within},
		{0.2, 0.2, 0.8, Within}, // on the limit is not outside
		{0.8, 0.2, 0.8, Within},
		{0.1, 0.2, 0.8, Below},
		{0.9, 0.2, 0.8, Above},
		{math.NaN(), 0.2, 0.8, Unclassified},
		{0.5, math.NaN(), math.NaN(), Unclassified},
	}
	for _, c := range cases {
		if got := Classify(c.v, c.lo, c.hi); got != c.want {
			t.Errorf("Classify(%v, %v, %v) = %v, want %v", c.v, c.lo, c.hi, got, c.want)
		}
	}
	// In use: a ward with 9 arrests from 20 searches against a force-wide
	// arrest rate of 14% is above the 99.8% limit; 4 from 20 is within.
	lo, hi := FunnelLimits(0.14, 20, 0.998)
	if got := Classify(9.0/20, lo, hi); got != Above {
		t.Errorf("9/20 vs 14%%: %v (limits %v, %v)", got, lo, hi)
	}
	if got := Classify(4.0/20, lo, hi); got != Within {
		t.Errorf("4/20 vs 14%%: %v (limits %v, %v)", got, lo, hi)
	}
	var zero Position
	if zero != Unclassified || Above.String() != "above" || Below.String() != "below" || Within.String() != "within" || zero.String() != "unclassified" {
		t.Error("Position names")
	}
}
