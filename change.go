package charter

import (
	"cmp"
	"slices"
	"strings"
)

// ForceMonth names one force's month of stops, the unit in which the store
// decides which source counts (see Coverage), and so the unit in which the
// counted stops change.
type ForceMonth struct {
	Force string
	Month Month
}

// Change is what one committed write changed in the store, announced after
// the commit so that what is derived from the store (the analytic index, the
// crime index) can follow it without re-reading everything.
type Change struct {
	// Stops are the force-months whose counted stops changed: the new
	// import's own months where it counts, and the months where it replaced
	// a source that counted before. Sorted by force, then month.
	Stops []ForceMonth
	// Areas is set when boundaries were stored: stops and street crimes may
	// all have been re-assigned to other areas, so nothing per area holds.
	Areas bool
	// StreetCrimes, CrimeCounts and Population say which other kinds of
	// record were added or replaced.
	StreetCrimes bool
	CrimeCounts  bool
	Population   bool
	// Imports are the ids of the committed imports this change reports
	// (an import that changed nothing counted is announced too), so that a
	// follower can tell which imports its state includes.
	Imports []int64
	// CarriedMonths are force-months of Stops whose counted stops are all
	// the write's own, and Carried those stops as the writer stored them
	// (areas assigned; their ids not yet known), so that a
	// follower can take them instead of reading them back. Changes are
	// announced in commit order, so carried stops are current when
	// followed. Both are empty when the writer kept none (too many rows, or
	// another source counts beside them).
	CarriedMonths []ForceMonth
	Carried       [][]Stop // in chunks, so that the writer copies each stop once
	// CarriedCounts are the month counts of CarriedMonths, in their order,
	// counted from the carried stops as the store counts its rows.
	CarriedCounts []MonthCounts
}

// Empty reports whether no data changed (Imports aside).
func (c Change) Empty() bool {
	return len(c.Stops) == 0 && !c.Areas && !c.StreetCrimes && !c.CrimeCounts && !c.Population
}

// SortForceMonths orders force-months by force, then month, the order in which
// a Change lists them.
func SortForceMonths(fms []ForceMonth) { slices.SortFunc(fms, CompareForceMonths) }

// CompareForceMonths orders two force-months by force, then month.
func CompareForceMonths(a, b ForceMonth) int {
	return cmp.Or(strings.Compare(a.Force, b.Force), cmp.Compare(a.Month, b.Month))
}
