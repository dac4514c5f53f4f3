package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// The cells of a polygon are those whose centre it contains: every such
// cell and no other, and their number is about the polygon's area over a
// cell's.
func TestHexCellsIn(t *testing.T) {
	// A 5 km × 4 km box in Lambeth, and a triangle.
	box := orb.MultiPolygon{{{{-0.15, 51.45}, {-0.0781, 51.45}, {-0.0781, 51.486}, {-0.15, 51.486}, {-0.15, 51.45}}}}
	tri := orb.MultiPolygon{{{{-0.15, 51.45}, {-0.05, 51.45}, {-0.10, 51.50}, {-0.15, 51.45}}}}
	for _, tc := range []struct {
		name string
		mp   orb.MultiPolygon
	}{{"box", box}, {"triangle", tri}} {
		for _, size := range []HexSize{Hex250, Hex500, Hex1000} {
			cells := HexCellsIn(size, tc.mp)
			in := map[HexCell]bool{}
			for _, c := range cells {
				in[c] = true
			}
			// Every cell whose centre is inside, found by brute force over a
			// fine lattice of points, is listed; listed cells have centres inside.
			b := tc.mp.Bound()
			for x := b.Min[0]; x <= b.Max[0]; x += 0.0005 {
				for y := b.Min[1]; y <= b.Max[1]; y += 0.0005 {
					c := HexOf(size, x, y)
					lon, lat := c.Centre()
					if inside(tc.mp, lon, lat) != in[c] {
						t.Fatalf("%s %d: cell %v centre inside %v, listed %v", tc.name, size, c, inside(tc.mp, lon, lat), in[c])
					}
				}
			}
			// Area check: planar area in degrees² → m² at this latitude.
			m := 6371008.8 * math.Pi / 180
			areaM2 := polyArea(tc.mp) * m * m * hexCos0
			want := areaM2 / HexCell{Size: size}.Area()
			if got := float64(len(cells)); math.Abs(got-want) > 0.15*want+3 {
				t.Errorf("%s %d m: %d cells, want about %.0f", tc.name, size, len(cells), want)
			}
		}
	}
}

// inside is the containment the enumeration must agree with; the test is
// of the enumeration (no cell missed at the box edges), not of orb.
func inside(mp orb.MultiPolygon, lon, lat float64) bool {
	return planar.MultiPolygonContains(mp, orb.Point{lon, lat})
}

func polyArea(mp orb.MultiPolygon) float64 { return math.Abs(planar.Area(mp)) }
