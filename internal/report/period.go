package report

import (
	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/readmodel"
)

// DefaultPeriod is the period public pages open on: the latest twelve
// consecutive months of a force with no month missing or of low volume, so
// that a rate per 1,000 is a yearly rate over months that are all there. When
// the force has no such run it is the force's latest twelve months. ok is
// false when the force has no stops at all.
//
// Twelve months make rates per 1,000 comparable with the Home Office's
// yearly figures; months flagged only for a field the force does not report
// (or for located-only sources) are kept, since their volume is sound.
func DefaultPeriod(snap *readmodel.Snapshot, force string) (from, to charter.Month, ok bool) {
	var months []charter.MonthQuality
	for _, m := range snap.Quality() {
		if m.Force == force {
			months = append(months, m)
		}
	}
	if len(months) == 0 {
		return 0, 0, false
	}
	run := 0
	for i := len(months) - 1; i >= 0; i-- {
		if unsound(months[i].Flags) {
			run = 0
			continue
		}
		if run++; run == 12 {
			from, _ = charter.ParseMonth(months[i].Month)
			return from, from.Add(11), true
		}
	}
	to, _ = charter.ParseMonth(months[len(months)-1].Month)
	return to.Add(-11), to, true
}

// unsound reports whether a month's flags say its volume cannot be trusted.
func unsound(flags []string) bool {
	for _, f := range flags {
		if f == charter.FlagMissing || f == charter.FlagLowVolume {
			return true
		}
	}
	return false
}
