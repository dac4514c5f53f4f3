package index

import (
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/stopsearch/charter"
)

// TestCoderCodesValues checks, for every stop of the real data (boroughs,
// wards, archive months and an API month), that the coder's columns decode
// to exactly the stop's values and point, whatever it remembered from the
// stops before; and that a second coder extending the same index agrees
// with the first.
func TestCoderCodesValues(t *testing.T) {
	s, _ := sharedMet(t)
	var stops []charter.Stop
	err := s.ScanAnalytic(context.Background(), func(st *charter.Stop) error {
		c := *st
		if st.Location != nil {
			l := *st.Location
			c.Location = &l
		}
		stops = append(stops, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wards := map[int64]bool{}
	for i := range stops {
		wards[stops[i].Areas[charter.LevelWard]] = true
	}
	if len(stops) < 200_000 || len(wards) < 100 {
		t.Fatalf("%d stops in %d wards: the fixture is not the real data", len(stops), len(wards))
	}
	ix := New()
	half := len(stops) / 2
	for _, part := range [][]charter.Stop{stops[:half], stops[half:]} {
		c := newCoder(ix)
		c.grow(len(part))
		for i := range part {
			if err := c.add(&part[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ix.n != len(stops) {
		t.Fatalf("%d stops coded, %d added", ix.n, len(stops))
	}
	bad := 0
	for i := range stops {
		want := values(&stops[i])
		for d := range want {
			if got := ix.dicts[d].values[ix.cols[d][i]]; got != want[d] && bad < 10 {
				t.Errorf("stop %d, %s: coded %q, the stop holds %q", i, Dim(d), got, want[d])
				bad++
			}
		}
		l, pc := stops[i].Location, ix.point[i]
		switch {
		case l == nil && pc != 0, l != nil && pc == 0:
			t.Errorf("stop %d: location %v coded as point %d", i, l, pc)
		case l != nil && ix.points[pc] != (orb.Point{l.Longitude, l.Latitude}):
			t.Errorf("stop %d: location %v coded as %v", i, *l, ix.points[pc])
		}
	}
}

// TestPointKeys checks that a point's key is its coordinates' value: -0 and
// 0 are one point, distinct points have distinct keys.
func TestPointKeys(t *testing.T) {
	negZero := math.Copysign(0, -1)
	if keyOf(orb.Point{negZero, 51.5}) != keyOf(orb.Point{0, 51.5}) {
		t.Error("-0 and 0 longitudes are different points")
	}
	if keyOf(orb.Point{-0.1, 51.5}) == keyOf(orb.Point{-0.1, 51.50001}) || keyOf(orb.Point{1, 2}) == keyOf(orb.Point{2, 1}) {
		t.Error("distinct points share a key")
	}
	ix := New()
	if a, b := ix.pointCode(orb.Point{negZero, 51.5}), ix.pointCode(orb.Point{0, 51.5}); a != b {
		t.Errorf("-0 and 0 coded %d and %d", a, b)
	}
}

// values returns the value of every stored dimension of a stop: what the
// index's columns hold, coded (coder is the fast form of this).
func values(st *charter.Stop) [numStored]string {
	self, _ := charter.LookupSelfDefined(st.SelfDefinedEthnicity)
	return [numStored]string{
		st.Month.String(), st.Force,
		areaValue(st.Areas[charter.LevelBorough]), areaValue(st.Areas[charter.LevelWard]),
		areaValue(st.Areas[charter.LevelMSOA]), areaValue(st.Areas[charter.LevelLSOA]),
		st.SelfGroup().String(), self.Code, st.OfficerGroup().String(),
		st.AgeRange, st.Gender, st.Type, st.Legislation, st.ObjectOfSearch, st.Outcome,
		st.OutcomeLinked.CSV(), st.Removal.CSV(),
	}
}
