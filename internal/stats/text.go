package stats

import "github.com/stopsearch/charter"

// The figures of the web pages and the CLI's tables are written by
// charter.Figure and the root package's formatters; these are their
// older spellings over pointers and [lower, upper] pairs, kept while the
// reports move to charter.Figure.

// Unknown is written for a figure that cannot be computed, never 0.
const Unknown = charter.NoValue

// FormatRate is charter.FormatRate.
func FormatRate(p *float64) string { return charter.FormatRate(p) }

// FormatShare is charter.FormatShare.
func FormatShare(p *float64) string { return charter.FormatShare(p) }

// FormatInterval writes an interval [lower, upper] of a rate or ratio as
// charter.Figure.Interval does; "" when there is none (ci is not a pair).
func FormatInterval(ci []float64) string { return pairFigure(charter.ScaleRate, ci).Interval() }

// FormatShareInterval writes an interval of a proportion as percentages;
// "" when there is none.
func FormatShareInterval(ci []float64) string { return pairFigure(charter.ScaleShare, ci).Interval() }

// FormatEstimate writes an [Estimate] of a rate or ratio as
// charter.Figure.Text does.
func FormatEstimate(e Estimate) string { return e.Figure(charter.ScaleRate).Text() }

func pairFigure(s charter.Scale, ci []float64) charter.Figure {
	if len(ci) != 2 {
		return charter.Figure{Scale: s}
	}
	return charter.NewFigure(s, 0).Within(ci[0], ci[1], 0)
}
