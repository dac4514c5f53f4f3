package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Dissolve merges polygons that tile a region into the region's outline: a
// ward drawn as the union of the small areas (LSOAs) it is built from.
//
// It works on the shared edges of a consistent tiling, the way ONS and GIS
// tools publish small areas (neighbours carry the very same vertices along
// their common edge): every edge that two parts share, once in each
// direction, is inside the region and cancels; the edges left over are the
// outline, chained into rings. Where parts do not meet exactly (a sliver gap
// or overlap) the outline keeps the gap's edges, so the result still covers
// exactly the points the parts cover; nothing is snapped or guessed.
//
// Outer rings come out counter-clockwise and holes clockwise (RFC 7946), each
// hole inside the smallest outer ring that contains it.
func Dissolve(parts []orb.MultiPolygon) orb.MultiPolygon {
	type edge struct{ a, b orb.Point }
	count := map[edge]int{}
	var order []edge // first-seen order, so the output does not depend on map order
	for _, mp := range parts {
		for _, poly := range mp {
			for i, ring := range poly {
				r := closed(ring)
				// Orient outers counter-clockwise and holes clockwise, so a
				// shared edge runs opposite ways in its two parts.
				ccw := planar.Area(r) > 0
				if (i == 0) != ccw {
					r = reversed(r)
				}
				for j := 0; j+1 < len(r); j++ {
					if r[j] == r[j+1] {
						continue
					}
					e := edge{r[j], r[j+1]}
					if count[e] == 0 && count[edge{e.b, e.a}] == 0 {
						order = append(order, e)
					}
					count[e]++
				}
			}
		}
	}
	// What is left of each edge once its reverse has cancelled it.
	out := map[orb.Point][]orb.Point{}
	for _, e := range order {
		r := edge{e.b, e.a}
		n := count[e] - count[r]
		if n < 0 {
			e, n = r, -n
		}
		for ; n > 0; n-- {
			out[e.a] = append(out[e.a], e.b)
		}
		count[e], count[r] = 0, 0 // each pair of directions is settled once
	}
	var rings []orb.Ring
	for _, e := range order {
		for _, start := range []orb.Point{e.a, e.b} {
			for len(out[start]) > 0 {
				rings = append(rings, walk(out, start))
			}
		}
	}
	var outers, holes []orb.Ring
	for _, r := range rings {
		if len(r) < 4 {
			continue
		}
		switch a := planar.Area(r); {
		case a > 0:
			outers = append(outers, r)
		case a < 0:
			holes = append(holes, r)
		}
	}
	// Smallest outers first, so that a hole goes to the ring nearest to it.
	sort.SliceStable(outers, func(i, j int) bool { return planar.Area(outers[i]) < planar.Area(outers[j]) })
	polys := make(orb.MultiPolygon, len(outers))
	for i, r := range outers {
		polys[i] = orb.Polygon{r}
	}
	for _, h := range holes {
		for i, r := range outers {
			if ringContains(r, h) {
				polys[i] = append(polys[i], h)
				break
			}
		}
		// A hole outside every outer would be an outline traced the wrong
		// way round, which consistent input cannot produce; it is dropped.
	}
	// Largest first, as a reader expects the main part of an area first.
	sort.SliceStable(polys, func(i, j int) bool { return planar.Area(polys[i][0]) > planar.Area(polys[j][0]) })
	return polys
}

// walk follows unused outline edges from start until it comes back, taking
// the leftmost turn where several edges leave a vertex (the region is on the
// left of every edge), so that two lobes touching at a corner become two
// rings rather than one figure of eight.
func walk(out map[orb.Point][]orb.Point, start orb.Point) orb.Ring {
	ring := orb.Ring{start}
	prev, cur := orb.Point{}, start
	first := true
	for {
		next := out[cur]
		k := 0
		if len(next) > 1 && !first {
			best := math.Inf(-1)
			ix, iy := cur[0]-prev[0], cur[1]-prev[1]
			for i, p := range next {
				ox, oy := p[0]-cur[0], p[1]-cur[1]
				if t := math.Atan2(ix*oy-iy*ox, ix*ox+iy*oy); t > best {
					best, k = t, i
				}
			}
		}
		p := next[k]
		out[cur] = append(next[:k:k], next[k+1:]...)
		ring = append(ring, p)
		prev, cur, first = cur, p, false
		if cur == start || len(out[cur]) == 0 {
			break
		}
	}
	if ring[len(ring)-1] != ring[0] {
		ring = append(ring, ring[0])
	}
	return ring
}

// closed returns r with its first point repeated at the end.
func closed(r orb.Ring) orb.Ring {
	if len(r) > 0 && r[0] != r[len(r)-1] {
		return append(r[:len(r):len(r)], r[0])
	}
	return r
}

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// ringContains reports whether inner lies inside outer, judged by the inner
// ring's vertices: the first one that is not on outer's outline decides.
func ringContains(outer, inner orb.Ring) bool {
	on := map[orb.Point]bool{}
	for _, p := range outer {
		on[p] = true
	}
	for _, p := range inner {
		if !on[p] {
			return planar.RingContains(outer, p)
		}
	}
	return false
}
