package policeapi

import (
	"compress/gzip"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/geo"
)

// TestSlabRing: the prepared polygon answers exactly as testing every edge
// (orb's planar.RingContains, edges and vertices inside) for stars, combs,
// self-crossing scribbles and rings on a coarse grid, where many points fall
// exactly on edges and vertices.
func TestSlabRing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rings := map[string]orb.Ring{
		"star":      star(rng, 3000, 51.5, -0.1, 0.05),
		"comb":      comb(400),
		"jagged":    jaggedComb(300),
		"triangle":  {{-0.09, 51.52}, {-0.09, 51.51}, {-0.078, 51.515}},
		"repeated":  {{0, 0}, {0, 0}, {1, 1}, {1, 1}, {1, 0}},
		"flat":      {{0, 0}, {1, 0}, {2, 0}},
		"scribble":  scribble(rng, 500, 1),
		"gridded":   scribble(rng, 60, 8),
		"gridStar":  gridStar(rng, 200),
		"oneVertex": {{5, 5}, {5, 5}, {5, 5}},
	}
	for name, ring := range rings {
		if !ring.Closed() {
			ring = append(ring, ring[0])
		}
		s := newSlabRing(ring)
		b := ring.Bound()
		check := func(p orb.Point) {
			if got, want := s.contains(p), planar.RingContains(ring, p); got != want {
				t.Fatalf("%s: contains %v = %v, RingContains %v", name, p, got, want)
			}
		}
		for _, v := range ring {
			check(v)
		}
		for range 20000 {
			// Around the bound, on a grid of a sixteenth of it (so that
			// gridded rings put points on their edges) and anywhere.
			x := b.Min[0] - 0.1*(b.Max[0]-b.Min[0]) + rng.Float64()*1.2*(b.Max[0]-b.Min[0])
			y := b.Min[1] - 0.1*(b.Max[1]-b.Min[1]) + rng.Float64()*1.2*(b.Max[1]-b.Min[1])
			check(orb.Point{x, y})
			check(orb.Point{math.Round(x*16) / 16, math.Round(y*16) / 16})
		}
	}
}

// TestSlabRingCost: a point is tested against a few edges, not all of
// them: at most a few dozen for every ward boundary bundled (the 2018 London
// wards at full resolution, up to 1,673 points) and for a wobbly boundary of
// the most points a poly may have; and the slabs of a comb drawn to defeat
// them stay within their memory budget.
func TestSlabRingCost(t *testing.T) {
	f, err := data.FS.Open("boundaries/london-wards-2018.geojson.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := geo.ReadBoundaries(zr, "london-wards-2018.geojson", geo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rings := []orb.Ring{wobbly(MaxPolyPoints-1, 51.5, -0.1, 0.05)}
	for _, b := range bs {
		for _, p := range b.Geometry {
			rings = append(rings, p[0])
		}
	}
	most, points := 0, 0
	for _, ring := range rings {
		if !ring.Closed() {
			ring = append(ring, ring[0])
		}
		if c := newSlabRing(ring).cost(); c > most {
			most, points = c, len(ring)
		}
	}
	if most > 64 {
		t.Errorf("a %d-point boundary: a slab lists %d edges, want at most 64", points, most)
	}
	// Combs whose teeth cross the whole box, with every vertex at its own
	// longitude: the slabs widen to stay within their budget, and a point
	// is still tested against a bounded number of edges.
	c := jaggedComb(MaxPolyPoints / 4)
	c = append(c, c[0])
	s := newSlabRing(c)
	total := 0
	for _, sl := range s.all {
		total += len(sl)
	}
	if total > slabBudget {
		t.Errorf("a comb of %d points: %d edge entries, want at most %d", len(c), total, slabBudget)
	}
	if n := s.cost(); n > 300 {
		t.Errorf("a comb of %d points: a point costs up to %d edge tests, want at most 300", len(c), n)
	}
}

// cost is the most edges a point strictly inside a slab is tested against:
// the slab's other edges one by one, and a binary search over those
// crossing it.
func (s *slabRing) cost() int {
	most := 0
	for j := range s.part {
		most = max(most, len(s.part[j])+bits.Len(uint(len(s.span[j])))+3)
	}
	return most
}

// jaggedComb is comb with every vertex at a longitude of its own, its back
// moved west so that it does not cross the teeth.
func jaggedComb(teeth int) orb.Ring {
	ring := comb(teeth)
	for i := range ring {
		ring[i][0] += float64(i) * 1e-7
	}
	ring[len(ring)-1][0] = -1
	ring[len(ring)-2][0] = -1
	ring[0][0] = -1
	return ring
}

// wobbly is a closed-looking boundary of n points whose radius wanders
// smoothly, as a real boundary's does.
func wobbly(n int, lat, lng, r float64) orb.Ring {
	ring := make(orb.Ring, n)
	for i := range ring {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := r * (1 + 0.2*math.Sin(7*a) + 0.05*math.Sin(97*a))
		ring[i] = orb.Point{lng + d*math.Cos(a), lat + d*math.Sin(a)}
	}
	return ring
}

// star is a star-shaped ring of n points around a centre: a ward-like
// boundary, jagged.
func star(rng *rand.Rand, n int, lat, lng, r float64) orb.Ring {
	ring := make(orb.Ring, n)
	for i := range ring {
		a := 2 * math.Pi * float64(i) / float64(n)
		d := r * (0.5 + 0.5*rng.Float64())
		ring[i] = orb.Point{lng + d*math.Cos(a), lat + d*math.Sin(a)}
	}
	return ring
}

// comb has teeth long in longitude, each crossing nearly the whole width.
func comb(teeth int) orb.Ring {
	var ring orb.Ring
	for i := range teeth {
		y := float64(i)
		ring = append(ring, orb.Point{0, y}, orb.Point{10, y}, orb.Point{10, y + 0.5}, orb.Point{1, y + 0.5})
	}
	return append(ring, orb.Point{1, float64(teeth)}, orb.Point{0, float64(teeth)})
}

// scribble is n random points, on a grid of 1/grid when grid > 1.
func scribble(rng *rand.Rand, n int, grid float64) orb.Ring {
	ring := make(orb.Ring, n)
	for i := range ring {
		x, y := rng.Float64(), rng.Float64()
		if grid > 1 {
			x, y = math.Round(x*grid)/grid, math.Round(y*grid)/grid
		}
		ring[i] = orb.Point{x, y}
	}
	return ring
}

// gridStar is a star whose points are on a grid of sixteenths.
func gridStar(rng *rand.Rand, n int) orb.Ring {
	ring := star(rng, n, 0, 0, 4)
	for i, p := range ring {
		ring[i] = orb.Point{math.Round(p[0]*16) / 16, math.Round(p[1]*16) / 16}
	}
	return ring
}
