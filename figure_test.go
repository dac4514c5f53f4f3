package charter

import (
	"encoding/json"
	"math"
	"testing"
)

func fp(x float64) *float64 { return &x }

// The formatters write what a reader should see at the edges: nothing
// known, zero, infinite limits, large numbers, small ratios.
func TestFormat(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct{ name, got, want string }{
		{"rate nil", FormatRate(nil), "–"},
		{"rate NaN", FormatRate(fp(nan)), "–"},
		{"rate zero", FormatRate(fp(0)), "0.00"},
		{"small ratio keeps two decimals", FormatRate(fp(0.456)), "0.46"},
		{"rate 10 and above has one", FormatRate(fp(12.345)), "12.3"},
		{"large rate grouped", FormatRate(fp(1234567.89)), "1,234,567.9"},
		{"negative grouped", FormatRate(fp(-4321.04)), "-4,321.0"},
		{"infinite", FormatRate(fp(inf)), "∞"},
		{"minus infinite", FormatRate(fp(-inf)), "−∞"},
		{"share nil", FormatShare(nil), "–"},
		{"share zero", FormatShare(fp(0)), "0.0%"},
		{"share", FormatShare(fp(0.12345)), "12.3%"},
		{"share infinite", FormatShare(fp(inf)), "–"},
		{"share over 1,000%", FormatShare(fp(12.3456)), "1,234.6%"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
}

// A figure writes its value, its interval and both together at its scale,
// and says so when it knows no number or has no interval.
func TestFigureText(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name                  string
		f                     Figure
		value, interval, text string
	}{
		{"zero value is an unknown rate", Figure{}, "–", "", "–"},
		{"NaN is unknown", NewFigure(ScaleRate, nan), "–", "", "–"},
		{"unknown share", Figure{Scale: ScaleShare}, "–", "", "–"},
		{"an unknown value takes no interval", NewFigure(ScaleRate, nan).Within(1, 2, 0.95), "–", "", "–"},
		{"rate without interval", NewFigure(ScaleRate, 2.414), "2.41", "", "2.41 (no interval)"},
		{"rate", NewFigure(ScaleRate, 2.414).Within(2.104, 2.771, 0.95), "2.41", "2.10 to 2.77", "2.41 (2.10 to 2.77)"},
		{"rate zero count", NewFigure(ScaleRate, 0).Within(0, 3.689, 0.95), "0.00", "0.00 to 3.69", "0.00 (0.00 to 3.69)"},
		{"large rate", NewFigure(ScaleRate, 12345.67).Within(12000.04, 23456.7, 0.95), "12,345.7", "12,000.0 to 23,456.7", "12,345.7 (12,000.0 to 23,456.7)"},
		{"infinite upper limit", NewFigure(ScaleRate, 3).Within(0.5, inf, 0.95), "3.00", "0.50 to ∞", "3.00 (0.50 to ∞)"},
		{"infinite value", NewFigure(ScaleRate, inf), "∞", "", "∞ (no interval)"},
		{"NaN limit gives no interval", NewFigure(ScaleRate, 3).Within(0.5, nan, 0.95), "3.00", "", "3.00 (no interval)"},
		{"share", NewFigure(ScaleShare, 0.12345).Within(0.1, 0.15, 0.95), "12.3%", "10.0% to 15.0%", "12.3% (10.0% to 15.0%)"},
		{"share from zero", NewFigure(ScaleShare, 0).Within(0, 0.0456, 0.95), "0.0%", "0.0% to 4.6%", "0.0% (0.0% to 4.6%)"},
		{"share without interval", NewFigure(ScaleShare, 0.5), "50.0%", "", "50.0% (no interval)"},
		{"the same number as a rate", NewFigure(ScaleRate, 0.12345).Within(0.1, 0.15, 0.95), "0.12", "0.10 to 0.15", "0.12 (0.10 to 0.15)"},
		{"significant", NewFigure(ScaleSignificant, 0.009209).Within(-0.06224, 0.08066, 0.95), "0.009209", "-0.06224 to 0.08066", "0.009209 (-0.06224 to 0.08066)"},
		{"significant large", NewFigure(ScaleSignificant, 1.0538), "1.054", "", "1.054 (no interval)"},
		{"significant infinite limit", NewFigure(ScaleSignificant, 2).Within(1, inf, 0.95), "2", "1 to ∞", "2 (1 to ∞)"},
		{"score", NewFigure(ScaleScore, 3.456).Within(2.94, 3.97, 0.95), "3.5", "2.9 to 4.0", "3.5 (2.9 to 4.0)"},
		{"score from one answer", NewFigure(ScaleScore, 4), "4.0", "", "4.0 (no interval)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.String(); got != c.value {
				t.Errorf("String: %q, want %q", got, c.value)
			}
			if got := c.f.Interval(); got != c.interval {
				t.Errorf("Interval: %q, want %q", got, c.interval)
			}
			if got := c.f.Text(); got != c.text {
				t.Errorf("Text: %q, want %q", got, c.text)
			}
			if c.f.HasValue() != (c.value != "–") || c.f.HasInterval() != (c.interval != "") {
				t.Errorf("HasValue %v, HasInterval %v", c.f.HasValue(), c.f.HasInterval())
			}
		})
	}
}

// Machines read plain numbers (a share as a proportion), empty where there
// is none, and JSON null where a number is unknown or not finite.
func TestFigureMachine(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		name    string
		f       Figure
		columns [3]string
		json    string
	}{
		{"unknown", Figure{Scale: ScaleShare}, [3]string{"", "", ""}, `{"value":null,"interval":null}`},
		{"no interval", NewFigure(ScaleRate, 2.5), [3]string{"2.50", "", ""}, `{"value":2.5,"interval":null}`},
		{"interval", NewFigure(ScaleRate, 2.5).Within(2.25, 2.75, 0.95), [3]string{"2.50", "2.25", "2.75"}, `{"value":2.5,"interval":[2.25,2.75]}`},
		{"share stays a proportion", NewFigure(ScaleShare, 0.126).Within(0.1, 0.15, 0.95), [3]string{"0.13", "0.10", "0.15"}, `{"value":0.126,"interval":[0.1,0.15]}`},
		{"infinite upper limit", NewFigure(ScaleRate, 3).Within(0.5, inf, 0.95), [3]string{"3.00", "0.50", "+Inf"}, `{"value":3,"interval":[0.5,null]}`},
		{"infinite value", NewFigure(ScaleRate, inf), [3]string{"+Inf", "", ""}, `{"value":null,"interval":null}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.Columns('f', 2); got != c.columns {
				t.Errorf("Columns: %q, want %q", got, c.columns)
			}
			b, err := json.Marshal(c.f)
			if err != nil || string(b) != c.json {
				t.Errorf("JSON: %s %v, want %s", b, err, c.json)
			}
			back := Figure{Scale: c.f.Scale}
			if err := json.Unmarshal(b, &back); err != nil || back.Text() != c.f.Text() && c.f.Ptr() != nil {
				t.Errorf("read back: %q %v, want %q", back.Text(), err, c.f.Text())
			}
		})
	}
	if p := NewFigure(ScaleRate, inf).Ptr(); p != nil {
		t.Errorf("Ptr of an infinite value: %v, want nil", *p)
	}
	if p := NewFigure(ScaleRate, 3).Within(0.5, inf, 0.95).Pair(); p != nil {
		t.Errorf("Pair with an infinite limit: %v, want nil", p)
	}
	if p, q := NewFigure(ScaleRate, 3).Within(1, 4, 0.95), (Figure{}); *p.Ptr() != 3 || len(p.Pair()) != 2 || q.Ptr() != nil || q.Pair() != nil {
		t.Errorf("Ptr and Pair: %v %v %v %v", p.Ptr(), p.Pair(), q.Ptr(), q.Pair())
	}
}
