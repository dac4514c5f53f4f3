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
	borough := ""
	switch a.Level {
	case charter.LevelBorough:
		borough = a.Code
	case charter.LevelWard, charter.LevelMSOA, charter.LevelLSOA:
		borough = a.ParentCode
	}
	if f, ok := charter.BoroughForce(borough); ok {
		where = append(where, index.Cond{Dim: index.DimForce, Values: []string{f}})
	}
	return where
}
