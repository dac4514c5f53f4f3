package stats

import (
	"math"
	"testing"
)

// FuzzStats feeds any non-negative counts and any level (NaN, ±Inf and out
// of range included) to every function and checks that nothing panics and
// every result keeps its Status contract: OK means finite with
// Lower ≤ Value ≤ Upper; otherwise the NaNs say what is missing.
func FuzzStats(f *testing.F) {
	f.Add(uint32(10), uint32(2000), uint32(3), uint32(5000), 0.95)
	f.Add(uint32(0), uint32(0), uint32(0), uint32(0), 0.95)
	f.Add(uint32(0), uint32(20), uint32(7), uint32(1), 0.998)
	f.Add(uint32(81), uint32(263), uint32(15), uint32(148), 0.99)
	f.Add(uint32(1), uint32(1), uint32(1), uint32(1), 1e-300)
	f.Add(uint32(4e9), uint32(4e9), uint32(4e9), uint32(1), 1-1e-16)
	f.Add(uint32(5), uint32(3), uint32(2), uint32(0), math.NaN())
	f.Fuzz(func(t *testing.T, a32, b32, c32, d32 uint32, level float64) {
		a, b, c, d := int(a32), int(b32), int(c32), int(d32)
		valid := validLevel(level)
		check := func(name string, e Estimate) {
			t.Helper()
			checkEstimate(t, name, e)
			if !valid && e.Status != Undefined {
				t.Fatalf("%s: invalid level %v but status %v", name, level, e.Status)
			}
		}

		// Chi-square quantiles for any p and a range of df: no panic, NaN
		// exactly for invalid input, otherwise non-negative and monotone in p.
		df := float64(a)/float64(b+1) + float64(c)
		q := ChiSquareQuantile(level, df)
		if (level >= 0 && level <= 1 && df > 0) == math.IsNaN(q) || q < 0 {
			t.Fatalf("ChiSquareQuantile(%v, %v) = %v", level, df, q)
		}
		// Monotone only where gonum's incomplete gamma function is accurate
		// in the far tails too (see ChiSquareQuantile's accuracy note).
		if level > 0 && level <= 1 && df > 0 && df <= 2e5 {
			if q2 := ChiSquareQuantile(level/2, df); !(q2 <= q) {
				t.Fatalf("ChiSquareQuantile not monotone at df %v: p %v → %v, p/2 → %v", df, level, q, q2)
			}
		}

		check("PoissonRate", PoissonRate(a, b, 1000, level))
		check("WilsonProportion", WilsonProportion(a, b, level))
		check("WilsonProportion ordered", WilsonProportion(min(a, b), max(a, b), level))
		check("RateRatio", RateRatio(a, b, c, d, level))
		check("MantelHaenszel", MantelHaenszelRateRatio([]Stratum{{a, b, c, d}, {c, d, a, b}, {a, d, c, b}}, level))

		in := [4]RateInput{{a, float64(b)}, {c, float64(d)}, {b, float64(a) + 0.5}, {d, float64(c) / 7}}
		did := DiffInDiff(in[0], in[1], in[2], in[3], level)
		check("DiD ratio", did.Ratio)
		check("DiD difference", did.Difference)
		check("DiD treated", did.TreatedRatio)
		check("DiD control", did.ControlRatio)

		// Below this level the tail probabilities are far from rounding to
		// 0 or 1 in float64, so a positive denominator must give an interval.
		if valid && level <= 0.999999 {
			if e := PoissonRate(a, b, 1000, level); b > 0 && e.Status != OK {
				t.Fatalf("PoissonRate(%d, %d) with positive exposure not OK: %+v", a, b, e)
			}
			if e := WilsonProportion(min(a, b), max(a, b), level); max(a, b) > 0 && e.Status != OK {
				t.Fatalf("WilsonProportion(%d, %d) not OK: %+v", min(a, b), max(a, b), e)
			}
		}

		// Funnel limits: NaN pairs, or ordered limits inside the support
		// with the target between them.
		n := max(a, b)
		target := 0.5
		if n > 0 {
			target = float64(min(a, b)) / float64(n)
		}
		lo, hi := FunnelLimits(target, n, level)
		if math.IsNaN(lo) != math.IsNaN(hi) {
			t.Fatalf("FunnelLimits(%v, %d, %v) = %v, %v", target, n, level, lo, hi)
		}
		if !math.IsNaN(lo) && !(0 <= lo && lo <= hi && hi <= 1) {
			t.Fatalf("FunnelLimits(%v, %d, %v) = %v, %v", target, n, level, lo, hi)
		}
		if !math.IsNaN(lo) && level >= 0.5 && !(lo <= target && target <= hi) {
			t.Fatalf("FunnelLimits(%v, %d, %v) = %v, %v excludes the target", target, n, level, lo, hi)
		}
		plo, phi := PoissonFunnelLimits(float64(c), float64(d), 1000, level)
		if math.IsNaN(plo) != math.IsNaN(phi) || (!math.IsNaN(plo) && !(0 <= plo && plo <= phi && finite(phi))) {
			t.Fatalf("PoissonFunnelLimits(%d, %d, %v) = %v, %v", c, d, level, plo, phi)
		}
		if pos := Classify(target, lo, hi); math.IsNaN(lo) != (pos == Unclassified) {
			t.Fatalf("Classify(%v, %v, %v) = %v", target, lo, hi, pos)
		}

		// Placebo over areas built from the same counts.
		areas := []Area{
			{in[0], in[1]}, {in[1], in[2]}, {in[2], in[3]}, {in[3], in[0]},
		}
		for _, scale := range []Scale{RatioScale, DifferenceScale} {
			r := Placebo(areas[0], areas[1:], scale)
			if len(r.Placebos) != 3 {
				t.Fatalf("Placebo returned %d placebos", len(r.Placebos))
			}
			if r.OK {
				if !(r.Share >= 0 && r.Share <= 1 && r.PValue > 0 && r.PValue <= 1 && r.Rank >= 1 && r.Rank <= r.Used+1) {
					t.Fatalf("Placebo: %+v", r)
				}
			} else if !math.IsNaN(r.Share) || !math.IsNaN(r.PValue) || r.Rank != 0 {
				t.Fatalf("Placebo not OK but has numbers: %+v", r)
			}
		}
	})
}
