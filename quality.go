package charter

import (
	"sort"
)

// Data-quality flags. Later surfaces show them beside every statistic that
// counts the months they are on.
const (
	// FlagMissing: no records at all for a month inside the force's span.
	FlagMissing = "missing"
	// FlagLowVolume: fewer than half the median of the neighbouring months;
	// the month is very likely incomplete at source.
	FlagLowVolume = "low-volume"
	// FlagLocatedOnly: the only source for the month holds located stops
	// (stops-street or an extraction built from it), so unlocated ones are absent.
	FlagLocatedOnly = "located-only"
	// FlagMidnightHeavy: a large share of records at exactly 00:00 London
	// time, the sign of a force sending dates without times.
	FlagMidnightHeavy = "midnight-heavy"
	// FlagNotStatedDrop: the share of "not stated" self-defined ethnicity
	// is under a quarter of the neighbouring months' (the Met API months
	// 2024-09 to 2025-04 have none at all): whole categories seem to be
	// missing, so figures by ethnicity are biased, not only smaller.
	FlagNotStatedDrop = "not-stated-drop"
	// FlagNotReportedPrefix + field: a three-state field that never varies
	// within the month, so the force does not really report it.
	FlagNotReportedPrefix = "not-reported:"
)

// Three-state fields checked for "not reported".
const (
	FieldOutcomeLinked = "outcome_linked_to_object_of_search"
	FieldRemoval       = "removal_of_more_than_outer_clothing"
	FieldOperation     = "operation"
)

// TristateCounts counts the values of a three-state field.
type TristateCounts struct{ True, False, Unknown int }

// Varies reports whether more than one of the three values occurs.
func (c TristateCounts) Varies() bool {
	n := 0
	for _, v := range [...]int{c.True, c.False, c.Unknown} {
		if v > 0 {
			n++
		}
	}
	return n > 1
}

// MonthCounts is what the store counts for one force and month.
type MonthCounts struct {
	Force     string
	Month     Month
	Count     int
	Located   int
	NotStated int // self-defined "not stated" or empty
	Midnight  int // at 00:00 London time
	Tristates map[string]TristateCounts
	Coverage  Coverage // of the source(s) counted; CoverLocated means no unlocated source
	Sources   []string
}

// ForceMonth is the force-month the counts are of.
func (c *MonthCounts) ForceMonth() ForceMonth { return ForceMonth{Force: c.Force, Month: c.Month} }

// CompareMonthCounts orders counts by force, then month.
func CompareMonthCounts(a, b MonthCounts) int {
	return CompareForceMonths(a.ForceMonth(), b.ForceMonth())
}

// MonthQuality is one row of the data-quality report.
type MonthQuality struct {
	Force          string   `json:"force"`
	Month          string   `json:"month"`
	Count          int      `json:"count"`
	Located        int      `json:"located"`
	LocatedShare   float64  `json:"located_share"`
	NotStated      int      `json:"not_stated"`
	NotStatedShare float64  `json:"not_stated_share"`
	Reference      float64  `json:"reference_median"` // the neighbouring months' median, 0 if too few
	Flags          []string `json:"flags"`
	Sources        []string `json:"sources,omitempty"`
}

// Quality rules, documented in docs/methodology.md.
const (
	// NeighbourMonths is how many of the nearest months with data (on either
	// side) form the reference median. It is wide on purpose: the Met API
	// returned about a third of the usual volume for eight months in a row,
	// and a narrow window would take those low months as normal.
	NeighbourMonths = 24
	// MinNeighbours is the fewest months a reference median needs.
	MinNeighbours = 3
	// LowVolumeRatio: a month under this share of its reference is flagged.
	LowVolumeRatio = 0.5
	// NotStatedDropRatio: a month whose not-stated share is under this
	// fraction of its neighbours' median share is flagged not-stated-drop,
	NotStatedDropRatio = 0.25
	// when that median is at least MinNotStatedRef (so forces that record
	// nearly everyone's ethnicity are not flagged for noise).
	MinNotStatedRef = 0.05
	// MidnightShare above which a month is flagged midnight-heavy (with whole
	// minutes recorded, 00:00 should hold about 0.1% of records).
	MidnightShare = 0.05
)

// AssessQuality turns per-month counts (any order, any forces) into the
// quality report: one row per force and month from the force's first to its
// last month, with missing months filled in and flagged.
func AssessQuality(in []MonthCounts) []MonthQuality {
	byForce := map[string][]MonthCounts{}
	for _, c := range in {
		byForce[c.Force] = append(byForce[c.Force], c)
	}
	forces := make([]string, 0, len(byForce))
	for f := range byForce {
		forces = append(forces, f)
	}
	sort.Strings(forces)
	var out []MonthQuality
	for _, f := range forces {
		ms := byForce[f]
		sort.Slice(ms, func(i, j int) bool { return ms[i].Month < ms[j].Month })
		have := map[Month]MonthCounts{}
		for _, c := range ms {
			have[c.Month] = c
		}
		for m := ms[0].Month; m <= ms[len(ms)-1].Month; m++ {
			c, ok := have[m]
			q := MonthQuality{Force: f, Month: m.String(), Flags: []string{}}
			if !ok || c.Count == 0 {
				q.Flags = append(q.Flags, FlagMissing)
				out = append(out, q)
				continue
			}
			q.Count, q.Located, q.NotStated, q.Sources = c.Count, c.Located, c.NotStated, c.Sources
			q.LocatedShare = float64(c.Located) / float64(c.Count)
			q.NotStatedShare = float64(c.NotStated) / float64(c.Count)
			if ref, n := neighbourMedian(ms, m, count); n >= MinNeighbours {
				q.Reference = ref
				if float64(c.Count) < LowVolumeRatio*ref {
					q.Flags = append(q.Flags, FlagLowVolume)
				}
			}
			if ref, n := neighbourMedian(ms, m, notStatedShare); n >= MinNeighbours && ref >= MinNotStatedRef && q.NotStatedShare < NotStatedDropRatio*ref {
				q.Flags = append(q.Flags, FlagNotStatedDrop)
			}
			if c.Coverage == CoverLocated {
				q.Flags = append(q.Flags, FlagLocatedOnly)
			}
			if float64(c.Midnight) > MidnightShare*float64(c.Count) {
				q.Flags = append(q.Flags, FlagMidnightHeavy)
			}
			for _, field := range []string{FieldOperation, FieldOutcomeLinked, FieldRemoval} {
				if t, ok := c.Tristates[field]; ok && !t.Varies() {
					q.Flags = append(q.Flags, FlagNotReportedPrefix+field)
				}
			}
			out = append(out, q)
		}
	}
	return out
}

func count(c MonthCounts) float64 { return float64(c.Count) }

func notStatedShare(c MonthCounts) float64 { return float64(c.NotStated) / float64(c.Count) }

// neighbourMedian is the median of v over the NeighbourMonths months with data
// nearest to m (excluding m), nearer months first and earlier on ties.
func neighbourMedian(ms []MonthCounts, m Month, v func(MonthCounts) float64) (float64, int) {
	type nb struct {
		dist  int
		month Month
		value float64
	}
	var nbs []nb
	for _, c := range ms {
		if c.Month == m || c.Count == 0 {
			continue
		}
		d := int(c.Month - m)
		if d < 0 {
			d = -d
		}
		nbs = append(nbs, nb{d, c.Month, v(c)})
	}
	sort.Slice(nbs, func(i, j int) bool {
		if nbs[i].dist != nbs[j].dist {
			return nbs[i].dist < nbs[j].dist
		}
		return nbs[i].month < nbs[j].month
	})
	if len(nbs) > NeighbourMonths {
		nbs = nbs[:NeighbourMonths]
	}
	values := make([]float64, len(nbs))
	for i, n := range nbs {
		values[i] = n.value
	}
	return median(values), len(values)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
