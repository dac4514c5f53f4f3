package stats

import "testing"

// These put a price on a dashboard cell: a borough × ethnic-group table is
// a few hundred calls, a ward table a few thousand, against a 10 ms budget
// for the whole aggregate (DESIGN.md, performance budgets).

func BenchmarkPoissonRate(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		PoissonRate(1234+i%1000, 250000, 1000, 0.95)
	}
}

func BenchmarkWilsonProportion(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		WilsonProportion(140+i%100, 1000, 0.95)
	}
}

func BenchmarkRateRatio(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		RateRatio(2400+i%100, 100000, 5100, 1000000, 0.95)
	}
}

// A London-sized ward table: 680 strata.
func BenchmarkMantelHaenszelWards(b *testing.B) {
	strata := make([]Stratum, 680)
	for i := range strata {
		strata[i] = Stratum{EventsA: 3 + i%40, PopA: 1500 + 7*i, EventsB: 2 + i%25, PopB: 6000 + 3*i}
	}
	for b.Loop() {
		MantelHaenszelRateRatio(strata, 0.95)
	}
}

func BenchmarkFunnelLimits(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		FunnelLimits(0.14, 200+i%5000, 0.998)
	}
}

func BenchmarkPoissonFunnelLimits(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		PoissonFunnelLimits(8.5, float64(5000+i%20000), 1000, 0.998)
	}
}
