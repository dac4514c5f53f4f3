package stats

import (
	"math"
	"testing"

	"github.com/stopsearch/charter"
	"gonum.org/v1/gonum/stat/distuv"
)

// near reports whether got is within tol of want (absolute).
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// checkEstimate asserts the Status contract that every result promises.
func checkEstimate(t *testing.T, name string, e Estimate) {
	t.Helper()
	switch e.Status {
	case OK:
		if !finite(e.Value) || !finite(e.Lower) || !finite(e.Upper) {
			t.Fatalf("%s: OK with non-finite numbers: %+v", name, e)
		}
		if !(e.Lower <= e.Value && e.Value <= e.Upper) {
			t.Fatalf("%s: OK but not Lower ≤ Value ≤ Upper: %+v", name, e)
		}
	case NoInterval:
		if math.IsNaN(e.Value) || !math.IsNaN(e.Lower) || !math.IsNaN(e.Upper) {
			t.Fatalf("%s: NoInterval needs a value and NaN limits: %+v", name, e)
		}
	case Undefined:
		if !math.IsNaN(e.Value) || !math.IsNaN(e.Lower) || !math.IsNaN(e.Upper) {
			t.Fatalf("%s: Undefined needs NaN everywhere: %+v", name, e)
		}
	default:
		t.Fatalf("%s: unknown status %d", name, e.Status)
	}
}

func TestZ(t *testing.T) {
	// Standard normal quantiles, as printed in any normal table
	// (e.g. Abramowitz & Stegun, Handbook of Mathematical Functions, ch. 26).
	cases := []struct{ level, want float64 }{
		{0.90, 1.6448536},
		{0.95, 1.9599640},
		{0.99, 2.5758293},
		{0.998, 3.0902323},
	}
	for _, c := range cases {
		if got := Z(c.level); !near(got, c.want, 5e-7) {
			t.Errorf("Z(%v) = %.7f, want %.7f", c.level, got, c.want)
		}
	}
	for _, bad := range []float64{0, 1, -0.5, 1.5, math.NaN(), math.Inf(1)} {
		if got := Z(bad); !math.IsNaN(got) {
			t.Errorf("Z(%v) = %v, want NaN", bad, got)
		}
	}
}

func TestChiSquareQuantile(t *testing.T) {
	// Upper-tail critical values from standard chi-square tables
	// (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4).
	cases := []struct{ p, df, want float64 }{
		{0.95, 1, 3.841},
		{0.95, 2, 5.991},
		{0.99, 10, 23.209},
		{0.05, 10, 3.940},
	}
	for _, c := range cases {
		if got := ChiSquareQuantile(c.p, c.df); !near(got, c.want, 5e-4) {
			t.Errorf("ChiSquareQuantile(%v, %v) = %.4f, want %.3f", c.p, c.df, got, c.want)
		}
	}
	// χ²₂ is exponential with mean 2, so its p-quantile is −2·ln(1−p) exactly.
	if got, want := ChiSquareQuantile(0.975, 2), -2*math.Log(0.025); !near(got, want, 1e-9) {
		t.Errorf("ChiSquareQuantile(0.975, 2) = %v, want %v", got, want)
	}
	// Lower tail, where the package inverts the CDF itself (see
	// ChiSquareQuantile). Closed forms: χ²₂ has F(x) = 1 − e^{−x/2}, so its
	// p-quantile is −2·log1p(−p); χ²₄ has F(x) = 1 − e^{−x/2}(1 + x/2) ≈ x²/8
	// near 0, so for tiny p the quantile is √(8p) to relative order √p.
	for _, p := range []float64{0.2, 0.025, 1e-3, 1e-9, 1e-17, 1e-300} {
		if got, want := ChiSquareQuantile(p, 2), -2*math.Log1p(-p); math.Abs(got-want) > 1e-13*want {
			t.Errorf("ChiSquareQuantile(%g, 2) = %g, want %g", p, got, want)
		}
	}
	for _, p := range []float64{1e-40, 1e-200} {
		if got, want := ChiSquareQuantile(p, 4), math.Sqrt(8*p); math.Abs(got-want) > 1e-13*want {
			t.Errorf("ChiSquareQuantile(%g, 4) = %g, want %g", p, got, want)
		}
	}
	// Against gonum's own lower-tail inversion where that is reliable.
	for _, p := range []float64{0.2499, 0.1, 0.025, 0.005, 0.0005, 1e-6} {
		for _, df := range []float64{1, 2, 3, 7, 20, 101, 2468, 1e5, 2e8} {
			got, want := ChiSquareQuantile(p, df), distuv.ChiSquared{K: df}.Quantile(p)
			if math.Abs(got-want) > 1e-11*want {
				t.Errorf("ChiSquareQuantile(%g, %g) = %.15g, gonum %.15g", p, df, got, want)
			}
		}
	}
	if got := ChiSquareQuantile(0, 3); got != 0 {
		t.Errorf("ChiSquareQuantile(0, 3) = %v", got)
	}
	if got := ChiSquareQuantile(1, 3); !math.IsInf(got, 1) {
		t.Errorf("ChiSquareQuantile(1, 3) = %v", got)
	}
	for _, bad := range [][2]float64{{-0.1, 2}, {1.1, 2}, {0.5, 0}, {0.5, -1}, {math.NaN(), 2}, {0.5, math.NaN()}, {0.5, math.Inf(1)}} {
		if got := ChiSquareQuantile(bad[0], bad[1]); !math.IsNaN(got) {
			t.Errorf("ChiSquareQuantile(%v, %v) = %v, want NaN", bad[0], bad[1], got)
		}
	}
}

func TestPoissonRateExactLimits(t *testing.T) {
	// Exact (Garwood) limits for the Poisson mean given x events.
	cases := []struct {
		x           int
		level       float64
		lower, want float64
		tol         float64
		source      string
	}{
		// Closed forms: for x = 0 the upper limit solves e^{−μ} = α/2, so it
		// is −ln(α/2); for x = 1 the lower limit solves 1 − e^{−μ} = α/2, so
		// it is −ln(1 − α/2).
		{0, 0.95, 0, 3.688879454, 1e-8, "closed form −ln(0.025)"},
		{0, 0.99, 0, 5.298317367, 1e-8, "closed form −ln(0.005)"},
		{10, 0.95, 4.795389, 18.390356, 1e-6, "R poisson.test(10): 4.795389 18.390356"},
		// Independent 30-digit computation of the same Garwood formula with
		// mpmath 1.3.0 (root of the regularised incomplete gamma function),
		// not a published table; they agree with the 2-decimal tables of
		// exact Poisson limits (1: 0.03–5.57 … 9: 4.12–17.08).
		{1, 0.95, 0.02531780798, 5.571643391, 1e-7, "mpmath"},
		{2, 0.95, 0.2422092785, 7.224687668, 1e-7, "mpmath"},
		{3, 0.95, 0.6186721229, 8.767273070, 1e-7, "mpmath"},
		{4, 0.95, 1.089865374, 10.24158868, 1e-7, "mpmath"},
		{5, 0.95, 1.623486390, 11.66833208, 1e-7, "mpmath"},
		{6, 0.95, 2.201894253, 13.05947402, 1e-7, "mpmath"},
		{7, 0.95, 2.814363052, 14.42267536, 1e-7, "mpmath"},
		{8, 0.95, 3.453832177, 15.76318922, 1e-7, "mpmath"},
		{9, 0.95, 4.115373097, 17.08480345, 1e-7, "mpmath"},
		{100, 0.95, 81.36399125, 121.6267938, 1e-6, "mpmath"},
		{10000, 0.95, 9804.952467, 10197.95162, 1e-5, "mpmath"},
	}
	for _, c := range cases {
		e := PoissonRate(c.x, 1, 1, c.level)
		checkEstimate(t, "PoissonRate", e)
		if e.Status != OK || e.Value != float64(c.x) || !near(e.Lower, c.lower, c.tol) || !near(e.Upper, c.want, c.tol) {
			t.Errorf("x=%d level=%v: got %.9g (%.9g, %.9g) %v, want (%.9g, %.9g) [%s]",
				c.x, c.level, e.Value, e.Lower, e.Upper, e.Status, c.lower, c.want, c.source)
		}
	}
	// x = 1 lower limit, closed form −ln(1 − α/2).
	for _, level := range []float64{0.95, 0.99} {
		e := PoissonRate(1, 1, 1, level)
		if want := -math.Log(1 - (1-level)/2); !near(e.Lower, want, 1e-9) {
			t.Errorf("x=1 level=%v lower = %.10g, want %.10g", level, e.Lower, want)
		}
	}
}

func TestPoissonRateScaling(t *testing.T) {
	// 10 searches among 2,000 residents: 5.0 per 1,000, and the count
	// interval (R poisson.test(10)) times 1000/2000.
	e := PoissonRate(10, 2000, 1000, 0.95)
	if e.Status != OK || !near(e.Value, 5, 1e-12) || !near(e.Lower, 4.795389/2, 1e-6) || !near(e.Upper, 18.390356/2, 1e-6) || e.Level != 0.95 {
		t.Errorf("PoissonRate(10, 2000, 1000) = %+v", e)
	}
	// Zero events: lower exactly 0, upper from the x = 0 closed form.
	e = PoissonRate(0, 500, 1000, 0.95)
	if e.Status != OK || e.Value != 0 || e.Lower != 0 || !near(e.Upper, 2*3.688879454, 1e-7) {
		t.Errorf("PoissonRate(0, 500, 1000) = %+v", e)
	}
}

func TestPoissonRateUndefined(t *testing.T) {
	cases := []struct {
		name             string
		events, exposure int
		per, level       float64
	}{
		{"zero exposure", 5, 0, 1000, 0.95},
		{"zero exposure no events", 0, 0, 1000, 0.95},
		{"negative exposure", 5, -10, 1000, 0.95},
		{"negative events", -1, 10, 1000, 0.95},
		{"zero per", 5, 10, 0, 0.95},
		{"infinite per", 5, 10, math.Inf(1), 0.95},
		{"level 1", 5, 10, 1000, 1},
		{"level 0", 5, 10, 1000, 0},
		{"level NaN", 5, 10, 1000, math.NaN()},
	}
	for _, c := range cases {
		e := PoissonRate(c.events, c.exposure, c.per, c.level)
		checkEstimate(t, c.name, e)
		if e.Status != Undefined || e.HasValue() || e.HasInterval() {
			t.Errorf("%s: got %+v, want Undefined", c.name, e)
		}
	}
}

// The exact interval is conservative: for any true mean μ the probability
// that the interval covers μ is at least the level. Checked by summing
// Poisson probabilities over the counts whose interval contains μ.
func TestPoissonRateCoverage(t *testing.T) {
	for _, mu := range []float64{0.5, 1, 2.5, 7, 20} {
		var cover, p float64
		p = math.Exp(-mu)
		for x := 0; x < 200; x++ {
			if x > 0 {
				p *= mu / float64(x)
			}
			e := PoissonRate(x, 1, 1, 0.95)
			if e.Lower <= mu && mu <= e.Upper {
				cover += p
			}
		}
		if cover < 0.95 {
			t.Errorf("coverage at μ=%v is %.4f, want ≥ 0.95", mu, cover)
		}
	}
}

func TestWilsonProportion(t *testing.T) {
	// Newcombe (1998), Statistics in Medicine 17:857–872, Table II,
	// method 3 (score interval without continuity correction), 95%.
	cases := []struct {
		x, n         int
		lower, upper float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0.0000, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, c := range cases {
		e := WilsonProportion(c.x, c.n, 0.95)
		checkEstimate(t, "Wilson", e)
		if e.Status != OK || !near(e.Value, float64(c.x)/float64(c.n), 1e-15) ||
			!near(e.Lower, c.lower, 5e-5) || !near(e.Upper, c.upper, 5e-5) {
			t.Errorf("%d/%d: got %.5f (%.5f, %.5f), want (%.4f, %.4f) [Newcombe 1998]",
				c.x, c.n, e.Value, e.Lower, e.Upper, c.lower, c.upper)
		}
	}
}

func TestWilsonProportionProperties(t *testing.T) {
	// Symmetry: the interval for n−x successes mirrors the one for x.
	for _, c := range [][2]int{{0, 20}, {1, 29}, {15, 148}, {81, 263}, {5, 10}} {
		a, b := WilsonProportion(c[0], c[1], 0.95), WilsonProportion(c[1]-c[0], c[1], 0.95)
		if !near(a.Lower, 1-b.Upper, 1e-12) || !near(a.Upper, 1-b.Lower, 1e-12) {
			t.Errorf("%d/%d not symmetric: %+v vs %+v", c[0], c[1], a, b)
		}
	}
	// x = n: upper exactly 1 (mirror of the 0/20 case in Newcombe 1998).
	if e := WilsonProportion(20, 20, 0.95); e.Upper != 1 || !near(e.Lower, 1-0.1611, 5e-5) {
		t.Errorf("20/20 = %+v", e)
	}
	if e := WilsonProportion(0, 20, 0.95); e.Lower != 0 || e.Value != 0 {
		t.Errorf("0/20 lower must be exactly 0: %+v", e)
	}
	for _, bad := range [][2]int{{0, 0}, {1, 0}, {-1, 5}, {6, 5}, {0, -3}} {
		e := WilsonProportion(bad[0], bad[1], 0.95)
		checkEstimate(t, "Wilson undefined", e)
		if e.Status != Undefined {
			t.Errorf("WilsonProportion(%d, %d) = %+v, want Undefined", bad[0], bad[1], e)
		}
	}
}

func TestRateRatio(t *testing.T) {
	// Derived by hand from the formula (not a published interval): the crude
	// Doll & Hill smoking data used in the Stata `ir` example (smokers 630
	// deaths / 142,247 person-years, non-smokers 101 / 39,220):
	// RR = (630/142247)/(101/39220) = 1.7198226,
	// SE(log RR) = sqrt(1/630 + 1/101) = 0.10718345,
	// 95%: 1.7198226·exp(∓1.959964·0.10718345) = 1.3939556 to 2.1218680.
	e := RateRatio(630, 142247, 101, 39220, 0.95)
	checkEstimate(t, "RateRatio", e)
	if e.Status != OK || !near(e.Value, 1.719822590, 1e-8) || !near(e.Lower, 1.393955572, 1e-8) || !near(e.Upper, 2.121868014, 1e-8) {
		t.Errorf("RateRatio(630, 142247, 101, 39220) = %+v", e)
	}

	// Swapping the groups gives the reciprocal ratio and interval.
	r := RateRatio(101, 39220, 630, 142247, 0.95)
	if !near(r.Value, 1/e.Value, 1e-12) || !near(r.Lower, 1/e.Upper, 1e-12) || !near(r.Upper, 1/e.Lower, 1e-12) {
		t.Errorf("swapped: %+v vs %+v", r, e)
	}
	// Equal rates: ratio 1 with an interval symmetric on the log scale.
	s := RateRatio(50, 1000, 100, 2000, 0.95)
	if !near(s.Value, 1, 1e-12) || !near(math.Log(s.Lower), -math.Log(s.Upper), 1e-12) {
		t.Errorf("equal rates: %+v", s)
	}
}

func TestRateRatioZeroEvents(t *testing.T) {
	cases := []struct {
		name       string
		a, pa      int
		b, pb      int
		status     Status
		value      float64
		valueIsNaN bool
	}{
		{"no events in A", 0, 1000, 12, 1000, NoInterval, 0, false},
		{"no events in B", 12, 1000, 0, 1000, NoInterval, math.Inf(1), false},
		{"no events at all", 0, 1000, 0, 1000, Undefined, 0, true},
		{"no population A", 3, 0, 12, 1000, Undefined, 0, true},
		{"no population B", 3, 1000, 12, 0, Undefined, 0, true},
		{"negative count", -3, 1000, 12, 1000, Undefined, 0, true},
	}
	for _, c := range cases {
		e := RateRatio(c.a, c.pa, c.b, c.pb, 0.95)
		checkEstimate(t, c.name, e)
		if e.Status != c.status || (c.valueIsNaN != math.IsNaN(e.Value)) || (!c.valueIsNaN && e.Value != c.value) {
			t.Errorf("%s: got %+v, want status %v value %v", c.name, e, c.status, c.value)
		}
		if e.HasInterval() {
			t.Errorf("%s: zero events must not claim an interval: %+v", c.name, e)
		}
	}
}

func TestMantelHaenszelRateRatio(t *testing.T) {
	// Stata Base Reference Manual, [R] epitab, example of
	// `ir deaths smokes pyears, by(agecat)`: coronary deaths among British
	// doctors by smoking and age (Doll & Hill 1966, as tabulated in
	// Rothman & Greenland, Modern Epidemiology, 2nd ed., 1998, p. 260).
	// Stata reports "M-H combined 1.424682 1.154703 1.757784".
	dollHill := []Stratum{
		{EventsA: 32, PopA: 52407, EventsB: 2, PopB: 18790},   // 35–44
		{EventsA: 104, PopA: 43248, EventsB: 12, PopB: 10673}, // 45–54
		{EventsA: 206, PopA: 28612, EventsB: 28, PopB: 5710},  // 55–64
		{EventsA: 186, PopA: 12663, EventsB: 28, PopB: 2585},  // 65–74
		{EventsA: 102, PopA: 5317, EventsB: 31, PopB: 1462},   // 75–84
	}
	e := MantelHaenszelRateRatio(dollHill, 0.95)
	checkEstimate(t, "MH", e)
	if e.Status != OK || !near(e.Value, 1.424682, 5e-7) || !near(e.Lower, 1.154703, 5e-7) || !near(e.Upper, 1.757784, 5e-7) {
		t.Errorf("Doll–Hill MH = %.6f (%.6f, %.6f), want 1.424682 (1.154703, 1.757784) [Stata ir]", e.Value, e.Lower, e.Upper)
	}
	// The area adjustment matters here: the crude ratio is 1.72 (TestRateRatio).

	// Strata with no population on one side compare nothing and change nothing.
	padded := append([]Stratum{{EventsA: 7, PopA: 100}, {EventsB: 9, PopB: 50}, {}}, dollHill...)
	if p := MantelHaenszelRateRatio(padded, 0.95); p != e {
		t.Errorf("uninformative strata changed the result: %+v vs %+v", p, e)
	}
}

func TestMantelHaenszelProperties(t *testing.T) {
	// One stratum: R/S is the crude ratio and the Greenland–Robins variance
	// reduces to 1/a + 1/b, so the result equals RateRatio exactly.
	for _, s := range []Stratum{{30, 1000, 10, 2000}, {1, 50, 1, 70}, {630, 142247, 101, 39220}} {
		mh := MantelHaenszelRateRatio([]Stratum{s}, 0.95)
		rr := RateRatio(s.EventsA, s.PopA, s.EventsB, s.PopB, 0.95)
		if !near(mh.Value, rr.Value, 1e-12) || !near(mh.Lower, rr.Lower, 1e-12) || !near(mh.Upper, rr.Upper, 1e-12) {
			t.Errorf("single stratum %+v: MH %+v, crude %+v", s, mh, rr)
		}
	}
	// Simpson's paradox guard: group A has twice B's rate in every area,
	// but lives mostly in the low-rate area, so the crude ratio is below 1
	// while the area-adjusted ratio is exactly 2.
	strata := []Stratum{
		{EventsA: 200, PopA: 10000, EventsB: 10, PopB: 1000},      // rates 20 vs 10 per 1,000
		{EventsA: 100, PopA: 1000, EventsB: 500, PopB: 10000},     // rates 100 vs 50 per 1,000
		{EventsA: 2, PopA: 10000, EventsB: 1, PopB: 10000},        // rates 0.2 vs 0.1 per 1,000
		{EventsA: 0, PopA: 0, EventsB: 0, PopB: 5000},             // A absent
		{EventsA: 40, PopA: 1000, EventsB: 20, PopB: 1000},        // 40 vs 20
		{EventsA: 1000, PopA: 100000, EventsB: 5, PopB: 1000},     // 10 vs 5
		{EventsA: 6, PopA: 300, EventsB: 300, PopB: 30000},        // 20 vs 10
		{EventsA: 50, PopA: 500000, EventsB: 1, PopB: 20000},      // 0.1 vs 0.05
		{EventsA: 10, PopA: 100, EventsB: 5000, PopB: 100000},     // 100 vs 50
		{EventsA: 300, PopA: 3000000, EventsB: 50, PopB: 1000000}, // 0.1 vs 0.05
	}
	mh := MantelHaenszelRateRatio(strata, 0.95)
	if !near(mh.Value, 2, 1e-12) {
		t.Errorf("constant within-area ratio 2: MH = %+v", mh)
	}
	var a, pa, b, pb int
	for _, s := range strata {
		a, pa, b, pb = a+s.EventsA, pa+s.PopA, b+s.EventsB, pb+s.PopB
	}
	if crude := RateRatio(a, pa, b, pb, 0.95); crude.Value >= 1 {
		t.Errorf("test data should show a reversed crude ratio, got %+v", crude)
	}

	// Zero events on one side or both.
	if e := MantelHaenszelRateRatio([]Stratum{{0, 100, 5, 100}, {0, 200, 3, 100}}, 0.95); e.Status != NoInterval || e.Value != 0 {
		t.Errorf("no A events: %+v", e)
	}
	if e := MantelHaenszelRateRatio([]Stratum{{4, 100, 0, 100}, {2, 200, 0, 100}}, 0.95); e.Status != NoInterval || !math.IsInf(e.Value, 1) {
		t.Errorf("no B events: %+v", e)
	}
	for name, s := range map[string][]Stratum{
		"empty":              nil,
		"no events":          {{0, 100, 0, 100}},
		"only one-sided":     {{5, 100, 0, 0}, {0, 0, 5, 100}},
		"negative":           {{5, 100, 3, 100}, {-1, 100, 3, 100}},
		"negative pop":       {{5, -100, 3, 100}},
		"events without pop": {{5, 0, 3, 0}},
	} {
		e := MantelHaenszelRateRatio(s, 0.95)
		checkEstimate(t, name, e)
		if e.Status != Undefined {
			t.Errorf("%s: got %+v, want Undefined", name, e)
		}
	}
}

// Every interval is wider at 99% than at 95% and contains the estimate.
func TestWiderAtHigherLevel(t *testing.T) {
	type fn func(level float64) Estimate
	cases := map[string]fn{
		"PoissonRate 0":   func(l float64) Estimate { return PoissonRate(0, 1000, 1000, l) },
		"PoissonRate 7":   func(l float64) Estimate { return PoissonRate(7, 1000, 1000, l) },
		"PoissonRate big": func(l float64) Estimate { return PoissonRate(123456, 9000000, 1000, l) },
		"Wilson 0/20":     func(l float64) Estimate { return WilsonProportion(0, 20, l) },
		"Wilson 81/263":   func(l float64) Estimate { return WilsonProportion(81, 263, l) },
		"RateRatio":       func(l float64) Estimate { return RateRatio(30, 1000, 10, 2000, l) },
		"MH": func(l float64) Estimate {
			return MantelHaenszelRateRatio([]Stratum{{30, 1000, 10, 2000}, {5, 100, 50, 3000}}, l)
		},
		"DiD ratio": func(l float64) Estimate {
			return DiffInDiff(RateInput{100, 1000}, RateInput{60, 1000}, RateInput{200, 2000}, RateInput{180, 2000}, l).Ratio
		},
		"DiD difference": func(l float64) Estimate {
			return DiffInDiff(RateInput{100, 1000}, RateInput{60, 1000}, RateInput{200, 2000}, RateInput{180, 2000}, l).Difference
		},
	}
	for name, f := range cases {
		e95, e99 := f(0.95), f(0.99)
		checkEstimate(t, name, e95)
		checkEstimate(t, name, e99)
		if e95.Status != OK || e99.Status != OK {
			t.Errorf("%s: want OK, got %v and %v", name, e95.Status, e99.Status)
			continue
		}
		if e95.Value != e99.Value {
			t.Errorf("%s: the level changed the estimate", name)
		}
		if !(e99.Lower <= e95.Lower && e99.Upper > e95.Upper) {
			t.Errorf("%s: 99%% (%v, %v) not wider than 95%% (%v, %v)", name, e99.Lower, e99.Upper, e95.Lower, e95.Upper)
		}
		if e95.Level != 0.95 || e99.Level != 0.99 {
			t.Errorf("%s: Level not recorded", name)
		}
	}
}

func TestEstimateScaled(t *testing.T) {
	e := Estimate{Value: 0.002, Lower: 0.001, Upper: 0.004, Level: 0.95, Status: OK}
	s := e.Scaled(1000)
	if s.Value != 2 || s.Lower != 1 || s.Upper != 4 || s.Status != OK || s.Level != 0.95 {
		t.Errorf("Scaled(1000) = %+v", s)
	}
	for _, k := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if s := e.Scaled(k); s.Status != Undefined || !math.IsNaN(s.Value) {
			t.Errorf("Scaled(%v) = %+v, want Undefined", k, s)
		}
	}
	var zero Estimate
	if zero.Status != Undefined || zero.HasValue() {
		t.Error("the zero Estimate must not claim a value")
	}
	if OK.String() != "ok" || NoInterval.String() != "no interval" || Undefined.String() != "undefined" {
		t.Error("Status names")
	}
}

// An estimate is published with what it has: a value and an interval, a
// value alone, or nothing.
func TestEstimateFigure(t *testing.T) {
	ok := PoissonRate(0, 1000, 1000, 0.95).Figure(charter.ScaleRate)
	if !ok.HasInterval() || ok.Text() != "0.00 (0.00 to 3.69)" || ok.Level != 0.95 {
		t.Errorf("a zero count: %q level %v", ok.Text(), ok.Level)
	}
	point := pointOnly(math.Inf(1), 0.95).Figure(charter.ScaleRate)
	if !point.HasValue() || point.HasInterval() || point.Text() != "∞ (no interval)" {
		t.Errorf("no interval: %q", point.Text())
	}
	share := WilsonProportion(0, 0, 0.95).Figure(charter.ScaleShare)
	if share.HasValue() || share.Scale != charter.ScaleShare || share.String() != "–" {
		t.Errorf("undefined: %+v", share)
	}
}
