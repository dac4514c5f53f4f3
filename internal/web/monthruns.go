package web

import (
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

// FlagGroup is one line of a page's data-quality notes: the months of one
// force that carry the same flags, as runs ("2021-06 to 2021-12, 2022-02"),
// with the flags in words.
type FlagGroup struct {
	Force  string   // the force's name
	Months string   // the months as runs
	Count  int      // how many months
	Texts  []string // the flags in words
}

// flagGroups folds per-month flags into one line per force and set of
// flags, so that eleven months that all lack the same field are one note
// that names all eleven, not eleven notes (or one that names only the first).
func flagGroups(flags []report.MonthFlags) []FlagGroup {
	type key struct{ force, flags string }
	var order []key
	months := map[key][]string{}
	for _, m := range flags {
		k := key{m.Force, strings.Join(m.Flags, "|")}
		if _, ok := months[k]; !ok {
			order = append(order, k)
		}
		months[k] = append(months[k], m.Month)
	}
	out := make([]FlagGroup, 0, len(order))
	for _, k := range order {
		g := FlagGroup{Force: charter.ForceName(k.force), Months: monthRuns(months[k]), Count: len(months[k])}
		for _, f := range strings.Split(k.flags, "|") {
			g.Texts = append(g.Texts, FlagText(f))
		}
		out = append(out, g)
	}
	return out
}

// monthRuns writes months (YYYY-MM, in order) as runs of consecutive
// months: "2021-06 to 2021-12, 2022-02 to 2022-05".
func monthRuns(months []string) string {
	var parts []string
	for i := 0; i < len(months); {
		j := i
		for j+1 < len(months) && next(months[j]) == months[j+1] {
			j++
		}
		if j == i {
			parts = append(parts, months[i])
		} else {
			parts = append(parts, months[i]+" to "+months[j])
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// next is the month after m (YYYY-MM), "" when m is not a month.
func next(m string) string {
	mo, err := charter.ParseMonth(m)
	if err != nil {
		return ""
	}
	return mo.Add(1).String()
}

// TrendRow is a row of the monthly trend table: a month, or a run of two or
// more months without data shown as one gap.
type TrendRow struct {
	report.TrendMonth
	GapTo  string // the last month of a gap; "" for a month
	Months int    // months in the gap
}

// trendRows folds each run of two or more months without data into one
// gap row: a chart of 47 months with 21 missing in the middle shows one gap
// with one label, not 21 warnings.
func trendRows(trend []report.TrendMonth) []TrendRow {
	var out []TrendRow
	for i := 0; i < len(trend); {
		j := i
		for trend[i].Searches == nil && j+1 < len(trend) && trend[j+1].Searches == nil {
			j++
		}
		if j > i {
			out = append(out, TrendRow{TrendMonth: report.TrendMonth{Month: trend[i].Month}, GapTo: trend[j].Month, Months: j - i + 1})
		} else {
			out = append(out, TrendRow{TrendMonth: trend[i]})
		}
		i = j + 1
	}
	return out
}
