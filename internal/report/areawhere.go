package report

import (
	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
)

// areaWhere is the one rule for which searches an area's figures count, at
// every level and on every surface: the searches placed in the area and,
// for a borough or a ward, made by the force that polices it (see
// charter.BoroughForce). With it a force's figures are the sum of its
// boroughs' plus the searches it placed in none of them, and a borough's
// the sum of its wards' plus those placed in none of them.
func areaWhere(a charter.Area) []index.Cond {
	where := []index.Cond{{Dim: levelDim[a.Level], Values: []string{indexValue(a)}}}
	if f, ok := charter.BoroughForce(boroughOf(a)); ok {
		where = append(where, index.Cond{Dim: index.DimForce, Values: []string{f}})
	}
	return where
}

// boroughOf is the code of the borough an area is in (a borough is its own),
// "" for a force.
func boroughOf(a charter.Area) string {
	switch a.Level {
	case charter.LevelBorough:
		return a.Code
	case charter.LevelWard, charter.LevelMSOA, charter.LevelLSOA:
		return a.ParentCode
	}
	return ""
}
