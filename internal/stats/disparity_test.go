package stats

import (
	"math"
	"testing"
)

func TestDisparityDiDByHand(t *testing.T) {
	// By hand from the formulas (not a published example). Treated: 50
	// Black and 100 White searches before, 40 and 100 after; comparison:
	// 200 and 400 before, 180 and 400 after.
	// Ratio: (0.4/0.5)/(0.45/0.5) = 0.8888889;
	//   Var(log) = 1/50 + 1/100 + 1/40 + 1/100 + 1/200 + 1/400 + 1/180 + 1/400
	//            = 0.08055556, SE = 0.2838231;
	//   95%: 0.8888889·exp(∓1.959964·0.2838231) = 0.5096321 to 1.5503800.
	// Difference: (0.4 − 0.5) − (0.45 − 0.5) = −0.05;
	//   Var = 0.5²(1/50+1/100) + 0.4²(1/40+1/100) + 0.5²(1/200+1/400) + 0.45²(1/180+1/400)
	//       = 0.01660625, SE = 0.1288652; 95%: −0.3025712 to 0.2025712.
	// Treated factor 0.8, Var(log) = 0.065: 0.4853727 to 1.3185744.
	d := DisparityDiD(CountRatio{50, 100}, CountRatio{40, 100}, CountRatio{200, 400}, CountRatio{180, 400}, 0.95)
	for name, e := range map[string]Estimate{"ratio": d.Ratio, "difference": d.Difference, "treated": d.TreatedRatio, "control": d.ControlRatio} {
		checkEstimate(t, name, e)
	}
	if d.Ratio.Status != OK || !near(d.Ratio.Value, 8.0/9, 1e-12) || !near(d.Ratio.Lower, 0.5096321431, 1e-9) || !near(d.Ratio.Upper, 1.5503799505, 1e-9) {
		t.Errorf("ratio = %+v", d.Ratio)
	}
	if d.Difference.Status != OK || !near(d.Difference.Value, -0.05, 1e-12) || !near(d.Difference.Lower, -0.3025712286, 1e-9) || !near(d.Difference.Upper, 0.2025712286, 1e-9) {
		t.Errorf("difference = %+v", d.Difference)
	}
	if !near(d.TreatedRatio.Value, 0.8, 1e-12) || !near(d.TreatedRatio.Lower, 0.4853726748, 1e-9) || !near(d.TreatedRatio.Upper, 1.3185744341, 1e-9) || !near(d.ControlRatio.Value, 0.9, 1e-12) {
		t.Errorf("component ratios = %+v, %+v", d.TreatedRatio, d.ControlRatio)
	}
	// The point estimate is DiffInDiff's with the White counts as exposures;
	// only the variance differs (it adds the White counts' reciprocals), so
	// the interval must be wider.
	p := DiffInDiff(RateInput{50, 100}, RateInput{40, 100}, RateInput{200, 400}, RateInput{180, 400}, 0.95)
	if !near(p.Ratio.Value, d.Ratio.Value, 1e-12) || !(d.Ratio.Upper-d.Ratio.Lower > p.Ratio.Upper-p.Ratio.Lower) {
		t.Errorf("against DiffInDiff: %+v vs %+v", d.Ratio, p.Ratio)
	}
}

func TestDisparityDiDEdges(t *testing.T) {
	for _, c := range []struct {
		name   string
		cells  [4]CountRatio
		level  float64
		status Status
		value  float64 // checked when status is not Undefined
	}{
		{"zero numerator after", [4]CountRatio{{5, 10}, {0, 10}, {5, 10}, {5, 10}}, 0.95, NoInterval, 0},
		{"zero numerator before", [4]CountRatio{{0, 10}, {5, 10}, {5, 10}, {5, 10}}, 0.95, NoInterval, math.Inf(1)},
		{"0/0", [4]CountRatio{{0, 10}, {0, 10}, {5, 10}, {5, 10}}, 0.95, Undefined, 0},
		{"no White searches", [4]CountRatio{{5, 0}, {5, 10}, {5, 10}, {5, 10}}, 0.95, Undefined, 0},
		{"negative", [4]CountRatio{{-1, 10}, {5, 10}, {5, 10}, {5, 10}}, 0.95, Undefined, 0},
		{"bad level", [4]CountRatio{{5, 10}, {5, 10}, {5, 10}, {5, 10}}, 1, Undefined, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := DisparityDiD(c.cells[0], c.cells[1], c.cells[2], c.cells[3], c.level)
			if d.Ratio.Status != c.status || c.status != Undefined && d.Ratio.Value != c.value {
				t.Errorf("ratio %+v, want %v %v", d.Ratio, c.status, c.value)
			}
			if c.status == NoInterval && d.Difference.HasInterval() {
				t.Errorf("difference has an interval with a zero count: %+v", d.Difference)
			}
		})
	}
}
