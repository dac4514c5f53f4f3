package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

func planeDist(lon1, lat1, lon2, lat2 float64) float64 {
	x1, y1 := toPlane(lon1, lat1)
	x2, y2 := toPlane(lon2, lat2)
	return math.Hypot(x1-x2, y1-y2)
}

// Every point lies in the cell whose centre is nearest among the cell and its
// six neighbours (the defining property of a hex grid), within the
// circumradius of that centre, and a centre maps to its own cell.
func TestHexGrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	neighbours := [6][2]int32{{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, -1}, {-1, 1}}
	for _, size := range []HexSize{Hex250, Hex500, Hex1000} {
		circum := float64(size) / math.Sqrt(3)
		for i := 0; i < 20000; i++ {
			lon, lat := -0.51+rng.Float64()*0.84, 51.28+rng.Float64()*0.42 // Greater London
			c := HexOf(size, lon, lat)
			clon, clat := c.Centre()
			d := planeDist(lon, lat, clon, clat)
			if d > circum*(1+1e-9) {
				t.Fatalf("%d m: point %v,%v is %.1f m from its centre (circumradius %.1f)", size, lon, lat, d, circum)
			}
			for _, n := range neighbours {
				nlon, nlat := HexCell{Size: size, Q: c.Q + n[0], R: c.R + n[1]}.Centre()
				if dn := planeDist(lon, lat, nlon, nlat); dn < d-1e-6 {
					t.Fatalf("%d m: a neighbour's centre is nearer (%.2f < %.2f)", size, dn, d)
				}
			}
			if HexOf(size, clon, clat) != c {
				t.Fatalf("centre of %+v maps to %+v", c, HexOf(size, clon, clat))
			}
			if CellOfID(c.ID()) != c {
				t.Fatalf("ID round trip %+v -> %d -> %+v", c, c.ID(), CellOfID(c.ID()))
			}
		}
	}
	// Neighbouring centres are one cell width apart.
	c := HexOf(Hex500, -0.1, 51.5)
	lon1, lat1 := c.Centre()
	lon2, lat2 := HexCell{Size: Hex500, Q: c.Q + 1, R: c.R}.Centre()
	if d := planeDist(lon1, lat1, lon2, lat2); math.Abs(d-500) > 1e-6 {
		t.Errorf("neighbouring 500 m centres %.3f m apart", d)
	}
	// A regular hexagon of width w has area (√3/2)·w²: 54,127 m² for 250 m.
	if a := (HexCell{Size: Hex250}).Area(); math.Abs(a-math.Sqrt(3)/2*250*250) > 1e-6 || math.Abs(a-54126.6) > 0.1 {
		t.Errorf("area %.1f", a)
	}
	// Negative axial coordinates (west of Greenwich) survive the ID.
	w := HexOf(Hex250, -3.0, 53.0)
	if w.Q >= 0 || CellOfID(w.ID()) != w {
		t.Errorf("west: %+v %+v", w, CellOfID(w.ID()))
	}
}

func BenchmarkHexOf(b *testing.B) {
	for i := 0; i < b.N; i++ {
		HexOf(Hex250, -0.1+float64(i%1000)*1e-4, 51.5)
	}
}
