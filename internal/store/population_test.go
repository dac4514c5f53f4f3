package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// A union's population is summed per group, and an area without a table is
// named rather than counted as zero.
func TestPopulationSum(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindPopulation, Source: "sum", Checksum: "sum", Format: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []charter.Population{
		{AreaCode: "E09000022", Category: "W1", Group: charter.GroupWhite, Count: 60},
		{AreaCode: "E09000022", Category: "W2", Group: charter.GroupWhite, Count: 40},
		{AreaCode: "E09000022", Category: "B1", Group: charter.GroupBlack, Count: 50},
		{AreaCode: "E09000002", Category: "W1", Group: charter.GroupWhite, Count: 10},
	} {
		p.Level, p.AreaName, p.Census = charter.LevelBorough, p.AreaCode, 2021
		if err := x.AddPopulation(&p); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	sum, census, missing, err := s.PopulationSum(ctx, charter.LevelBorough, []string{"E09000022", "E09000002", "E09000003"})
	want := map[charter.EthnicGroup]int{charter.GroupWhite: 110, charter.GroupBlack: 50}
	if err != nil || !reflect.DeepEqual(sum, want) || census != 2021 || !reflect.DeepEqual(missing, []string{"E09000003"}) {
		t.Errorf("sum %v census %d missing %v err %v", sum, census, missing, err)
	}
	by, _, err := s.PopulationByArea(ctx, charter.LevelBorough, []string{"E09000002", "E09000003"})
	if err != nil || len(by) != 1 || by["E09000002"][charter.GroupWhite] != 10 {
		t.Errorf("by area %v %v", by, err)
	}
	// The level counts: these are boroughs, not wards.
	if by, _, _ := s.PopulationByArea(ctx, charter.LevelWard, []string{"E09000022"}); len(by) != 0 {
		t.Errorf("ward level: %v", by)
	}
}
