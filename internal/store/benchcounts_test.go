package store_test

import (
	"context"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// CountPlaced counts the counted stops placed at a level, and refuses a
// level stops are not placed at.
func TestCountPlaced(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindBoundaries, Source: "b", Checksum: "b", Format: "test"})
	if err != nil {
		t.Fatal(err)
	}
	area := charter.Area{Code: "E09000099", Name: "East", Level: charter.LevelBorough, BoundaryYear: 2022, Boundary: []byte(`{"type":"Polygon","coordinates":[[[0,51],[1,51],[1,52],[0,52],[0,51]]]}`)}
	if err := x.AddArea(&area); err != nil {
		t.Fatal(err)
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	m := charter.NewMonth(2021, 6)
	placed := []*charter.Stop{stop("metropolitan", m, 2), stop("metropolitan", m, 3), stop("metropolitan", m, 4)}
	placed[0].Areas[charter.LevelBorough], placed[1].Areas[charter.LevelBorough] = area.ID, area.ID
	importStops(t, s, "a", charter.CoverAll, placed...)
	for level, want := range map[charter.Level]int{charter.LevelBorough: 2, charter.LevelWard: 0} {
		if n, err := s.CountPlaced(ctx, level); err != nil || n != want {
			t.Errorf("placed in a %s: %d (%v), want %d on %s", level, n, err, want, storetest.Engine())
		}
	}
	if _, err := s.CountPlaced(ctx, charter.LevelForce); charter.ErrorCode(err) != charter.EINVALID {
		t.Errorf("placed in a force: %v, want a refusal", err)
	}
}
