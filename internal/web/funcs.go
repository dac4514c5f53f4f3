package web

import (
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/report"
)

// funcs are the template functions. Numbers are formatted here, once, so
// that every page spells a figure the same way (and tests can find it).
func (s *Site) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": s.assets.URL,
		"int":   FormatInt,
		"int64": func(n int64) string { return FormatInt(int(n)) },
		"intp":  func(p *int) string { return ifNil(p == nil, func() string { return FormatInt(*p) }) },
		"rate":  charter.FormatRate,
		"pct":   charter.FormatShare,
		// num, lo and hi are a ratio's value and limits as a chart reads
		// them from its cell's data attributes.
		"num": func(f charter.Figure) string {
			return ifNil(!f.HasValue(), func() string { return f.Columns('f', 4)[0] })
		},
		"lo":            func(f charter.Figure) string { return f.Columns('f', 4)[1] },
		"hi":            func(f charter.Figure) string { return f.Columns('f', 4)[2] },
		"flagText":      FlagText,
		"flagged":       flagged,
		"notReported":   notReported,
		"unsoundMonths": unsoundMonths,
		"flagGroups":    flagGroups,
		"monthRuns":     monthRuns,
		"trendRows":     trendRows,
		"rawp":          func(p *int) string { return ifNil(p == nil, func() string { return strconv.Itoa(*p) }) },
		"join":          strings.Join,
		"query":         func(q string) template.URL { return template.URL(ifEmpty(q, "?"+q)) },
		"amp":           func(q string) template.URL { return template.URL(ifEmpty(q, "&"+q)) },
		"selected":      func(vs []string, v string) bool { return slices.Contains(vs, v) },
		"sharep": func(p *report.Proportion) string {
			return ifNil(p == nil, func() string { return p.Rate.String() })
		},
		"forceName": charter.ForceName,
		"ptrf":      func(v float64) *float64 { return &v },
		"pctnum": func(f charter.Figure) string {
			return ifNil(!f.HasValue(), func() string { return percentColumns(f)[0] })
		},
		"pctlo": func(f charter.Figure) string { return percentColumns(f)[1] },
		"sub":   func(a, b int) int { return a - b },
		"ratio": func(a, b int) *float64 {
			if b == 0 {
				return nil
			}
			r := float64(a) / float64(b)
			return &r
		},
		"pcthi": func(f charter.Figure) string { return percentColumns(f)[2] },

		// A section of the methodology page: {{methodologyURL "8"}}.
		"methodologyURL": MethodologyURL,
	}
}

func ifNil(isNil bool, f func() string) string {
	if isNil {
		return "–"
	}
	return f()
}

func ifEmpty(q, s string) string {
	if q == "" {
		return ""
	}
	return s
}

// FormatInt writes n with thousands separators: 196,715.
func FormatInt(n int) string { return charter.Thousands(n) }

// percentColumns are a share's value and limits as a chart reads them from
// a table cell's data attributes: percentages with two decimals.
func percentColumns(f charter.Figure) [3]string { return f.Scaled(100).Columns('f', 2) }

// flagged reports whether a month's flags change what its volume means:
// those are drawn and marked on charts (a field not reported is listed but
// does not mark the month).
func flagged(flags []string) string {
	var out []string
	for _, f := range flags {
		if !strings.HasPrefix(f, charter.FlagNotReportedPrefix) {
			out = append(out, FlagText(f))
		}
	}
	return strings.Join(out, "; ")
}

// notReported lists the fields some month of a trend does not report.
func notReported(trend []report.TrendMonth) []string {
	var out []string
	for _, m := range trend {
		for _, f := range m.Flags {
			if field, ok := strings.CutPrefix(f, charter.FlagNotReportedPrefix); ok {
				if name := strings.ReplaceAll(field, "_", " "); !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
	}
	return out
}

// unsoundMonths lists the months of a period whose volume is in doubt
// (missing or low-volume): counts and rates over them undercount.
func unsoundMonths(flags []report.MonthFlags) []string {
	var out []string
	for _, m := range flags {
		for _, f := range m.Flags {
			if (f == charter.FlagMissing || f == charter.FlagLowVolume) && !slices.Contains(out, m.Month) {
				out = append(out, m.Month)
			}
		}
	}
	return out
}

// FlagText explains a data-quality flag in plain words.
func FlagText(f string) string {
	switch f {
	case charter.FlagMissing:
		return "no data published for this month"
	case charter.FlagLowVolume:
		return "incomplete: far fewer records than the months around it"
	case charter.FlagLocatedOnly:
		return "only searches with a location are in the data"
	case charter.FlagMidnightHeavy:
		return "many records timed at exactly midnight"
	case charter.FlagNotStatedDrop:
		return "ethnicity 'not stated' unusually rare"
	}
	if field, ok := strings.CutPrefix(f, charter.FlagNotReportedPrefix); ok {
		if words, ok := notPublished[field]; ok {
			return "not published: " + words
		}
		return "not published: " + strings.ReplaceAll(field, "_", " ")
	}
	return f
}

// notPublished says in words what a field a force does not publish records.
var notPublished = map[string]string{
	charter.FieldOutcomeLinked: "whether what was found was linked to the object of the search",
	charter.FieldRemoval:       "whether more than outer clothing was removed",
	"operation":                "whether the search was part of a policing operation",
}
