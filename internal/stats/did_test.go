package stats

import (
	"math"
	"testing"
)

func TestDiffInDiffByHand(t *testing.T) {
	// Derived by hand from the formulas (not a published example).
	// Treated: 100 events per 1,000 exposure before, 60 after.
	// Control: 200 per 2,000 before, 180 after.
	// Ratio: (0.06/0.10)/(0.09/0.10) = 0.6666667;
	//   SE(log) = sqrt(1/100 + 1/60 + 1/200 + 1/180) = 0.1929306;
	//   95%: 0.6666667·exp(∓1.959964·0.1929306) = 0.4567577 to 0.9730420.
	// Difference: (0.06 − 0.10) − (0.09 − 0.10) = −0.03;
	//   Var = 100/1000² + 60/1000² + 200/2000² + 180/2000² = 2.55e−4,
	//   SE = 0.01596872; 95%: −0.06129811 to 0.00129811.
	d := DiffInDiff(RateInput{100, 1000}, RateInput{60, 1000}, RateInput{200, 2000}, RateInput{180, 2000}, 0.95)
	for name, e := range map[string]Estimate{"ratio": d.Ratio, "difference": d.Difference, "treated": d.TreatedRatio, "control": d.ControlRatio} {
		checkEstimate(t, name, e)
	}
	if d.Ratio.Status != OK || !near(d.Ratio.Value, 2.0/3, 1e-12) || !near(d.Ratio.Lower, 0.4567577276, 1e-9) || !near(d.Ratio.Upper, 0.9730419817, 1e-9) {
		t.Errorf("ratio = %+v", d.Ratio)
	}
	if d.Difference.Status != OK || !near(d.Difference.Value, -0.03, 1e-15) || !near(d.Difference.Lower, -0.06129811495, 1e-10) || !near(d.Difference.Upper, 0.001298114948, 1e-10) {
		t.Errorf("difference = %+v", d.Difference)
	}
	if !near(d.TreatedRatio.Value, 0.6, 1e-12) || !near(d.ControlRatio.Value, 0.9, 1e-12) {
		t.Errorf("component ratios = %+v, %+v", d.TreatedRatio, d.ControlRatio)
	}
	if !near(d.Ratio.Value, d.TreatedRatio.Value/d.ControlRatio.Value, 1e-12) {
		t.Error("ratio of rate ratios is not TreatedRatio/ControlRatio")
	}
	// Per 1,000 exposure.
	if s := d.Difference.Scaled(1000); !near(s.Value, -30, 1e-9) {
		t.Errorf("scaled difference = %+v", s)
	}
}

func TestDiffInDiffProperties(t *testing.T) {
	// Parallel change: both areas fall 20% → ratio 1, and with equal base
	// rates, difference 0.
	d := DiffInDiff(RateInput{500, 10000}, RateInput{400, 10000}, RateInput{250, 5000}, RateInput{200, 5000}, 0.95)
	if !near(d.Ratio.Value, 1, 1e-12) || !near(d.Difference.Value, 0, 1e-15) {
		t.Errorf("parallel change: %+v", d)
	}
	if !(d.Ratio.Lower < 1 && d.Ratio.Upper > 1 && d.Difference.Lower < 0 && d.Difference.Upper > 0) {
		t.Errorf("no effect should sit inside both intervals: %+v", d)
	}
	// Swapping treated and control inverts the ratio and negates the
	// difference.
	a := DiffInDiff(RateInput{100, 1000}, RateInput{60, 1000}, RateInput{200, 2000}, RateInput{180, 2000}, 0.95)
	b := DiffInDiff(RateInput{200, 2000}, RateInput{180, 2000}, RateInput{100, 1000}, RateInput{60, 1000}, 0.95)
	if !near(a.Ratio.Value, 1/b.Ratio.Value, 1e-12) || !near(a.Ratio.Lower, 1/b.Ratio.Upper, 1e-12) ||
		!near(a.Difference.Value, -b.Difference.Value, 1e-15) || !near(a.Difference.Lower, -b.Difference.Upper, 1e-15) {
		t.Errorf("swap: %+v vs %+v", a, b)
	}
}

func TestDiffInDiffZeroAndInvalid(t *testing.T) {
	// Zero events after in the treated area: ratio 0 with no interval, and
	// the difference keeps its value but no interval.
	d := DiffInDiff(RateInput{10, 1000}, RateInput{0, 1000}, RateInput{20, 1000}, RateInput{20, 1000}, 0.95)
	if d.Ratio.Status != NoInterval || d.Ratio.Value != 0 {
		t.Errorf("ratio with zero cell: %+v", d.Ratio)
	}
	if d.Difference.Status != NoInterval || !near(d.Difference.Value, -0.01, 1e-15) {
		t.Errorf("difference with zero cell: %+v", d.Difference)
	}
	// Zero before in the control area: ratio +Inf, flagged.
	d = DiffInDiff(RateInput{10, 1000}, RateInput{5, 1000}, RateInput{0, 1000}, RateInput{20, 1000}, 0.95)
	if d.Ratio.Status != NoInterval || d.Ratio.Value != 0 {
		// (post_T/pre_T)/(post_C/0) = 0: the control rate grew without bound.
		t.Errorf("ratio with zero control pre: %+v", d.Ratio)
	}
	d = DiffInDiff(RateInput{0, 1000}, RateInput{5, 1000}, RateInput{10, 1000}, RateInput{20, 1000}, 0.95)
	if d.Ratio.Status != NoInterval || !math.IsInf(d.Ratio.Value, 1) {
		t.Errorf("ratio with zero treated pre: %+v", d.Ratio)
	}
	// 0/0 on the ratio scale.
	d = DiffInDiff(RateInput{0, 1000}, RateInput{0, 1000}, RateInput{10, 1000}, RateInput{20, 1000}, 0.95)
	if d.Ratio.Status != Undefined || d.Difference.Status != NoInterval {
		t.Errorf("treated all zero: %+v", d)
	}
	for name, cells := range map[string][4]RateInput{
		"zero exposure":     {{10, 0}, {5, 1000}, {10, 1000}, {20, 1000}},
		"negative exposure": {{10, 1000}, {5, -1}, {10, 1000}, {20, 1000}},
		"NaN exposure":      {{10, 1000}, {5, 1000}, {10, math.NaN()}, {20, 1000}},
		"Inf exposure":      {{10, 1000}, {5, 1000}, {10, 1000}, {20, math.Inf(1)}},
		"negative events":   {{-10, 1000}, {5, 1000}, {10, 1000}, {20, 1000}},
	} {
		d := DiffInDiff(cells[0], cells[1], cells[2], cells[3], 0.95)
		for _, e := range []Estimate{d.Ratio, d.Difference, d.TreatedRatio, d.ControlRatio} {
			checkEstimate(t, name, e)
			if e.Status != Undefined {
				t.Errorf("%s: got %+v, want Undefined", name, e)
			}
		}
	}
}

func TestPlaceboByHand(t *testing.T) {
	// Derived by hand (not a published example). Exposure 1 everywhere.
	// Comparison areas (pre, post): C1 100→100, C2 100→110, C3 100→90,
	// C4 100→100; pooled 400→400.
	// Treated 100→50 against the pool: (50/100)/(400/400) = 0.5.
	// Placebos against the other three pooled:
	//   C1: (100/100)/(300/300) = 1;  C2: (110/100)/(290/300) = 1.137931;
	//   C3: (90/100)/(310/300) = 0.870968;  C4: 1.
	// |log 0.5| = 0.693 beats every placebo: 0 at least as extreme, share 0,
	// rank 1, permutation p = 1/5.
	comparisons := []Area{
		{RateInput{100, 1}, RateInput{100, 1}},
		{RateInput{100, 1}, RateInput{110, 1}},
		{RateInput{100, 1}, RateInput{90, 1}},
		{RateInput{100, 1}, RateInput{100, 1}},
	}
	r := Placebo(Area{RateInput{100, 1}, RateInput{50, 1}}, comparisons, RatioScale)
	wantPlacebos := []float64{1, 1.1 * 300 / 290, 0.9 * 300 / 310, 1}
	if !r.OK || !near(r.Treated, 0.5, 1e-12) || r.Used != 4 || r.AtLeastAsExtreme != 0 || r.Share != 0 || r.Rank != 1 || !near(r.PValue, 0.2, 1e-15) {
		t.Errorf("ratio placebo = %+v", r)
	}
	for i, w := range wantPlacebos {
		if !near(r.Placebos[i], w, 1e-12) {
			t.Errorf("placebo %d = %v, want %v", i, r.Placebos[i], w)
		}
	}
	// Difference scale: treated (50 − 100) − (400 − 400)/4 = −50;
	// placebos 0, 10 − (−10/3) = 13.33, −10 − 10/3 = −13.33, 0.
	d := Placebo(Area{RateInput{100, 1}, RateInput{50, 1}}, comparisons, DifferenceScale)
	if !d.OK || !near(d.Treated, -50, 1e-12) || d.AtLeastAsExtreme != 0 || !near(d.Placebos[1], 40.0/3, 1e-12) || !near(d.Placebos[2], -40.0/3, 1e-12) {
		t.Errorf("difference placebo = %+v", d)
	}
	// A treated area that changed like the rest: every placebo (|log| ≥ 0)
	// is at least as extreme, so share 1, rank 5, p = 1.
	n := Placebo(Area{RateInput{100, 1}, RateInput{100, 1}}, comparisons, RatioScale)
	if !n.OK || !near(n.Treated, 1, 1e-12) || n.AtLeastAsExtreme != 4 || n.Share != 1 || n.Rank != 5 || n.PValue != 1 {
		t.Errorf("null placebo = %+v", n)
	}
}

func TestPlaceboEdges(t *testing.T) {
	treated := Area{RateInput{100, 1}, RateInput{50, 1}}
	// One comparison area: the treated estimate exists, but a placebo needs
	// at least one other comparison area.
	r := Placebo(treated, []Area{{RateInput{100, 1}, RateInput{100, 1}}}, RatioScale)
	if r.OK || !near(r.Treated, 0.5, 1e-12) || r.Used != 0 || !math.IsNaN(r.Placebos[0]) || !math.IsNaN(r.PValue) || r.Rank != 0 {
		t.Errorf("single comparison: %+v", r)
	}
	if r := Placebo(treated, nil, RatioScale); r.OK || !math.IsNaN(r.Treated) || len(r.Placebos) != 0 {
		t.Errorf("no comparisons: %+v", r)
	}
	// An unusable comparison area is skipped, not fatal.
	comparisons := []Area{
		{RateInput{100, 1}, RateInput{100, 1}},
		{RateInput{100, 0}, RateInput{100, 1}}, // no exposure before
		{RateInput{100, 1}, RateInput{110, 1}},
		{RateInput{100, 1}, RateInput{90, 1}},
	}
	r = Placebo(treated, comparisons, RatioScale)
	if !r.OK || r.Used != 3 || !math.IsNaN(r.Placebos[1]) || !near(r.Treated, 0.5*300/300, 1e-12) {
		t.Errorf("unusable comparison: %+v", r)
	}
	// Zero counts give 0 or +Inf placebo ratios, which rank as most extreme.
	comparisons = []Area{
		{RateInput{100, 1}, RateInput{100, 1}},
		{RateInput{5, 1}, RateInput{0, 1}},
		{RateInput{100, 1}, RateInput{90, 1}},
	}
	r = Placebo(treated, comparisons, RatioScale)
	if !r.OK || r.Placebos[1] != 0 || r.AtLeastAsExtreme != 1 || r.Rank != 2 {
		t.Errorf("zero-count placebo: %+v", r)
	}
	if r := Placebo(treated, comparisons, Scale(9)); r.OK || !math.IsNaN(r.Placebos[0]) {
		t.Errorf("unknown scale: %+v", r)
	}
}
