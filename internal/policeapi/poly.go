package policeapi

import (
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// slabRing is a polygon prepared for many point tests. Its bounding box is
// cut into vertical slabs at every few of its vertices' distinct
// longitudes, and each slab lists the edges that reach into it. A point is
// then tested against the edges of its slab only: a binary search and a few
// edges for a real boundary (a ward's 200–2,000 points), where testing every
// edge of every polygon for each of a month's 18,000 stops took seconds of
// CPU for a polygon of the size the POST body allowed.
//
// The per-edge test is orb's planar.RingContains (a vertical ray, edges and
// vertices counted as inside), so the answer is exactly RingContains's: an
// edge whose longitudes do not reach the point's cannot meet its ray, and
// the parity does not depend on the order the edges are taken in.
type slabRing struct {
	bound orb.Bound
	xs    []float64 // slab boundaries, ascending: slab i is [xs[i], xs[i+1]]
	slabs [][]int32 // per slab, the edges whose longitudes reach it
	ring  orb.Ring  // closed
}

// slabVertices is how many distinct vertex longitudes a slab spans at most,
// before the budget below widens them.
const slabVertices = 8

// slabBudget bounds the edge entries over all slabs: an edge long in
// longitude (the teeth of a comb drawn east to west) is listed in every slab
// it crosses, so a polygon drawn to defeat the slabs gets wider slabs instead
// of memory growing as the square of its vertices.
const slabBudget = 1 << 20

// newSlabRing prepares a closed ring of at least four points.
func newSlabRing(ring orb.Ring) *slabRing {
	s := &slabRing{ring: ring, bound: ring.Bound()}
	xs := make([]float64, len(ring))
	for i, p := range ring {
		xs[i] = p[0]
	}
	slices.Sort(xs)
	xs = slices.Compact(xs)
	edges := len(ring) - 1
	for k := slabVertices; ; k *= 2 {
		s.xs = s.xs[:0]
		for i := 0; i < len(xs); i += k {
			s.xs = append(s.xs, xs[i])
		}
		if last := xs[len(xs)-1]; s.xs[len(s.xs)-1] != last || len(s.xs) == 1 {
			s.xs = append(s.xs, last)
		}
		total := 0
		for i := range edges {
			lo, hi := s.span(ring[i], ring[i+1])
			total += hi - lo + 1
		}
		if total <= max(slabBudget, 4*edges) || len(s.xs) <= 2 {
			break
		}
	}
	s.slabs = make([][]int32, len(s.xs)-1)
	for i := range edges {
		lo, hi := s.span(ring[i], ring[i+1])
		for j := lo; j <= hi; j++ {
			s.slabs[j] = append(s.slabs[j], int32(i))
		}
	}
	return s
}

// span is the first and last slab an edge reaches (its longitudes, closed).
func (s *slabRing) span(a, b orb.Point) (lo, hi int) {
	x0, x1 := min(a[0], b[0]), max(a[0], b[0])
	return s.slabOf(x0), s.slabOf(x1)
}

// slabOf is the slab holding longitude x: the last whose start is at or
// before x, the last slab for its closing boundary. A point on a boundary
// between two slabs is in both, and each lists every edge reaching x.
func (s *slabRing) slabOf(x float64) int {
	i := sort.SearchFloat64s(s.xs, x) // first boundary >= x
	if i < len(s.xs) && s.xs[i] == x {
		return min(i, len(s.xs)-2)
	}
	return max(i-1, 0)
}

// contains says whether the point (lon, lat) is inside the ring or on its
// boundary.
func (s *slabRing) contains(p orb.Point) bool {
	if !s.bound.Contains(p) {
		return false
	}
	in := false
	for _, e := range s.slabs[s.slabOf(p[0])] {
		inter, on := rayIntersect(p, s.ring[e], s.ring[e+1])
		if on {
			return true
		}
		if inter {
			in = !in
		}
	}
	return in
}

// rayIntersect is orb's planar test of one edge (github.com/paulmach/orb
// v0.14.0, planar/contains.go, MIT licence), copied because it is not
// exported: does a ray from p meet the edge s–e, and is p on it.
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}
	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true
		} else if s[0] == e[0] {
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			return false, true
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}
	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}
	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}
	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])
	if rs == ds {
		return false, true
	}
	return rs <= ds, false
}
