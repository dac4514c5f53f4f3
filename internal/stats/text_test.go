package stats

import (
	"math"
	"testing"
)

func fp(x float64) *float64 { return &x }

// The formatter writes what a reader should see at the edges: nothing
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
		{"share nil", FormatShare(nil), "–"},
		{"share zero", FormatShare(fp(0)), "0.0%"},
		{"share", FormatShare(fp(0.12345)), "12.3%"},
		{"share infinite", FormatShare(fp(inf)), "–"},
		{"interval none", FormatInterval(nil), ""},
		{"interval", FormatInterval([]float64{1.234, 15.67}), "1.23 to 15.7"},
		{"interval infinite upper", FormatInterval([]float64{0.5, inf}), "0.50 to ∞"},
		{"interval undefined upper", FormatInterval([]float64{0.5, nan}), "0.50 to –"},
		{"interval large", FormatInterval([]float64{12345.6, 23456.7}), "12,345.6 to 23,456.7"},
		{"share interval", FormatShareInterval([]float64{0, 0.0456}), "0.0% to 4.6%"},
		{"share interval none", FormatShareInterval([]float64{0.1}), ""},
		{"estimate zero count", FormatEstimate(PoissonRate(0, 1000, 1000, 0.95)), "0.00 (0.00 to 3.69)"},
		{"estimate no interval", FormatEstimate(pointOnly(inf, 0.95)), "∞ (no interval)"},
		{"estimate undefined", FormatEstimate(Estimate{}), "–"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
}
