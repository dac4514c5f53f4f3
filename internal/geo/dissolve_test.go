package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// unitSquare is the unit square with its lower left corner at (x, y), clockwise
// when cw is set, to check that the parts' own winding does not matter.
func unitSquare(x, y float64, cw bool) orb.MultiPolygon {
	r := orb.Ring{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}
	if cw {
		r = reversed(r)
	}
	return orb.MultiPolygon{{r}}
}

func TestDissolve(t *testing.T) {
	t.Run("a block of squares becomes one ring", func(t *testing.T) {
		var parts []orb.MultiPolygon
		for i := range 3 {
			for j := range 2 {
				parts = append(parts, unitSquare(float64(i), float64(j), (i+j)%2 == 0))
			}
		}
		got := Dissolve(parts)
		if len(got) != 1 || len(got[0]) != 1 {
			t.Fatalf("got %d polygons (first has %d rings), want one polygon without holes", len(got), len(got[0]))
		}
		if a := planar.Area(got[0][0]); a != 6 {
			t.Errorf("outer ring's signed area %v, want 6 (counter-clockwise)", a)
		}
		// The 10 unit edges of the outline, each its own segment.
		if n := len(got[0][0]); n != 11 {
			t.Errorf("outline has %d points, want 11", n)
		}
	})
	t.Run("a ring of squares keeps its hole", func(t *testing.T) {
		var parts []orb.MultiPolygon
		for i := range 3 {
			for j := range 3 {
				if i != 1 || j != 1 {
					parts = append(parts, unitSquare(float64(i), float64(j), false))
				}
			}
		}
		got := Dissolve(parts)
		if len(got) != 1 || len(got[0]) != 2 {
			t.Fatalf("got %v, want one polygon with one hole", got)
		}
		if a := planar.Area(got[0][1]); a != -1 {
			t.Errorf("hole's signed area %v, want -1 (clockwise)", a)
		}
		if planar.MultiPolygonContains(got, orb.Point{1.5, 1.5}) {
			t.Error("the hole's centre is inside the dissolved area")
		}
	})
	t.Run("squares touching at a corner stay two rings", func(t *testing.T) {
		got := Dissolve([]orb.MultiPolygon{unitSquare(0, 0, false), unitSquare(1, 1, false)})
		if len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 1 {
			t.Fatalf("got %v, want two polygons", got)
		}
		for _, p := range got {
			if a := planar.Area(p[0]); a != 1 {
				t.Errorf("ring of area %v, want 1", a)
			}
		}
	})
	t.Run("separate parts stay separate, largest first", func(t *testing.T) {
		got := Dissolve([]orb.MultiPolygon{unitSquare(5, 5, false), unitSquare(0, 0, false), unitSquare(1, 0, false)})
		if len(got) != 2 || planar.Area(got[0]) != 2 || planar.Area(got[1]) != 1 {
			t.Fatalf("got %v, want the 2-square part then the 1-square part", got)
		}
	})
	t.Run("covers exactly the points its parts cover", func(t *testing.T) {
		// A random blob of grid squares, with holes and corner touches.
		rnd := rand.New(rand.NewPCG(1, 2))
		in := map[[2]int]bool{}
		var parts []orb.MultiPolygon
		for i := range 12 {
			for j := range 12 {
				if rnd.IntN(3) > 0 {
					in[[2]int{i, j}] = true
					parts = append(parts, unitSquare(float64(i), float64(j), rnd.IntN(2) == 0))
				}
			}
		}
		got := Dissolve(parts)
		for i := range 12 {
			for j := range 12 {
				p := orb.Point{float64(i) + 0.5, float64(j) + 0.5}
				if planar.MultiPolygonContains(got, p) != in[[2]int{i, j}] {
					t.Fatalf("cell (%d, %d): inside the outline %v, a part %v", i, j, !in[[2]int{i, j}], in[[2]int{i, j}])
				}
			}
		}
		var area float64
		for _, p := range got {
			area += planar.Area(p)
		}
		if int(area) != len(in) {
			t.Errorf("area %v, want %d", area, len(in))
		}
	})
}
