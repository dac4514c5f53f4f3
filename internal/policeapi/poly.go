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
	all   [][]int32 // per slab, the edges whose longitudes reach it
	// For a point strictly inside a slab: the edges crossing the whole slab,
	// bottom to top where they do not cross one another there (nil where
	// they do: the slab is then tested edge by edge), and the other edges
	// reaching into it.
	span [][]int32
	part [][]int32
	ring orb.Ring // closed
}

// slabVertices is how many distinct vertex longitudes a slab spans at most,
// before the budget below widens them.
const slabVertices = 8

// slabBudget bounds the edge entries over all slabs: an edge long in
// longitude (the teeth of a comb drawn east to west) is listed in every slab
// it crosses, so a polygon drawn to defeat the slabs gets wider slabs instead
// of memory growing as the square of its vertices.
const slabBudget = 1 << 18

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
			lo, hi := s.span2(ring[i], ring[i+1])
			total += hi - lo + 1
		}
		if total <= max(slabBudget, 4*edges) || len(s.xs) <= 2 {
			break
		}
	}
	n := len(s.xs) - 1
	s.all, s.span, s.part = make([][]int32, n), make([][]int32, n), make([][]int32, n)
	for i := range edges {
		a, b := ring[i], ring[i+1]
		lo, hi := s.span2(a, b)
		x0, x1 := min(a[0], b[0]), max(a[0], b[0])
		for j := lo; j <= hi; j++ {
			s.all[j] = append(s.all[j], int32(i))
			switch l, r := s.xs[j], s.xs[j+1]; {
			case x0 <= l && x1 >= r && l < r:
				s.span[j] = append(s.span[j], int32(i))
			case x1 > l && x0 < r:
				s.part[j] = append(s.part[j], int32(i))
			}
		}
	}
	for j := range n {
		s.sortSpan(j)
	}
	return s
}

// sortSpan sorts slab j's spanning edges bottom to top, or, if two of them
// cross inside the slab (a self-crossing polygon), moves them to part.
func (s *slabRing) sortSpan(j int) {
	sp := s.span[j]
	if len(sp) < 2 {
		return
	}
	l, r := s.xs[j], s.xs[j+1]
	type keyed struct {
		mid, l, r float64
		e         int32
	}
	ks := make([]keyed, len(sp))
	for k, e := range sp {
		a, b := s.ring[e], s.ring[e+1]
		at := func(x float64) float64 { return a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0]) }
		ks[k] = keyed{at((l + r) / 2), at(l), at(r), e}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmpFloat(a.mid, b.mid) })
	for k := 1; k < len(ks); k++ {
		if ks[k-1].l > ks[k].l || ks[k-1].r > ks[k].r {
			s.part[j] = append(s.part[j], sp...)
			s.span[j] = nil
			return
		}
	}
	for k := range ks {
		sp[k] = ks[k].e
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// span2 is the first and last slab an edge reaches (its longitudes, closed).
func (s *slabRing) span2(a, b orb.Point) (lo, hi int) {
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
	j := s.slabOf(p[0])
	if p[0] == s.xs[j] || p[0] == s.xs[j+1] {
		// On a slab's edge, where vertices lie: every edge, one by one.
		in, on := s.parity(p, s.all[j])
		return in || on
	}
	// The spanning edges above the point (or through it) are the last ones.
	sp := s.span[j]
	k := sort.Search(len(sp), func(k int) bool {
		inter, on := rayIntersect(p, s.ring[sp[k]], s.ring[sp[k]+1])
		return inter || on
	})
	// Within rounding of an edge the order may not hold exactly: the edges
	// beside the one found are looked at too.
	for _, e := range sp[max(k-1, 0):min(k+2, len(sp))] {
		if _, on := rayIntersect(p, s.ring[e], s.ring[e+1]); on {
			return true
		}
	}
	in, on := s.parity(p, s.part[j])
	return on || in != ((len(sp)-k)%2 == 1)
}

// parity is the ray test over the edges given: whether the ray from p
// crosses an odd number of them, and whether p is on one.
func (s *slabRing) parity(p orb.Point, edges []int32) (odd, on bool) {
	for _, e := range edges {
		inter, at := rayIntersect(p, s.ring[e], s.ring[e+1])
		if at {
			return false, true
		}
		odd = odd != inter
	}
	return odd, false
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
