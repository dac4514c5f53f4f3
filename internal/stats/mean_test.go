package stats

import (
	"math"
	"testing"
)

func TestMeanScore(t *testing.T) {
	// Ten answers 1..5 twice: mean 3, sd sqrt(2.222…), t(9, 0.975) = 2.262157.
	xs := []float64{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}
	e := MeanScore(xs, 1, 5, 0.95)
	half := 2.262157 * math.Sqrt(20.0/9/10)
	if e.Status != OK || math.Abs(e.Value-3) > 1e-12 || math.Abs(e.Lower-(3-half)) > 1e-5 || math.Abs(e.Upper-(3+half)) > 1e-5 {
		t.Fatalf("MeanScore = %+v, want 3 ± %.5f", e, half)
	}
	if e := MeanScore([]float64{5, 5, 4}, 1, 5, 0.95); e.Upper != 5 {
		t.Errorf("upper bound not clipped to the scale: %+v", e)
	}
	if e := MeanScore([]float64{4}, 1, 5, 0.95); e.Status != NoInterval || e.Value != 4 {
		t.Errorf("one answer: %+v", e)
	}
	if e := MeanScore(nil, 1, 5, 0.95); e.Status != Undefined {
		t.Errorf("no answers: %+v", e)
	}
}
