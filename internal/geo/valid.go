package geo

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Bounds on what one boundary file may cost. A boundary is kept in memory
// by every import and server that places records, in a spatial index whose
// size grows with how often the outlines cross its grid's rows, so a
// malformed file (one zig-zag polygon of a million vertices) could take
// gigabytes there and in every later import. The limits are far above
// published boundaries: the London files' largest feature has 1,673
// vertices and their largest file 180,137 (the 2018 wards).
const (
	// MaxFeatureVertices is the most positions one feature may have.
	MaxFeatureVertices = 250_000
	// MaxFileVertices is the most positions one boundary file may have.
	MaxFileVertices = 5_000_000
	// MaxFileBytes is the largest boundary file read (decompressed).
	MaxFileBytes = 1 << 30
	// MaxIndexBytes bounds the memory the spatial index of a file's outlines
	// would take to build (London's 4,994 2021 LSOAs: about 110 MB).
	MaxIndexBytes = 1 << 30
	// maxCrossingTests bounds the work of the self-intersection check of
	// one polygon: pairs of edges whose extents overlap.
	maxCrossingTests = 200_000_000
)

func vertexCount(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// indexBytes estimates the memory NewIndex takes to build the Index over
// polys: every edge is kept once per grid row it spans, and every cell it
// crosses holds an item; building allocates two to three times what the
// index keeps (measured on the London files and on zig-zag outlines). It
// follows NewIndex's grid.
func indexBytes(polys []orb.MultiPolygon) float64 {
	var all orb.Bound
	first := true
	vertices := 0
	for _, mp := range polys {
		for _, p := range mp {
			for _, r := range p {
				for _, pt := range r {
					if first {
						all, first = orb.Bound{Min: pt, Max: pt}, false
					}
					all = all.Extend(pt)
				}
				vertices += len(r)
			}
		}
	}
	if first {
		return 0
	}
	var ix Index
	ix.setGrid(all, vertices, len(polys))
	const edgeBytes, itemBytes = 32, 28 // an edge; an item and its pending copy
	total := float64(ix.nx*ix.ny) * 8
	for _, mp := range polys {
		for _, p := range mp {
			for _, r := range p {
				for i := 1; i < len(r); i++ {
					dx := math.Abs(r[i][0]-r[i-1][0]) * ix.sx
					dy := math.Abs(r[i][1]-r[i-1][1]) * ix.sy
					total += (dy+2)*edgeBytes + (dx+dy+2)*itemBytes
				}
			}
		}
	}
	return 3 * total
}

// segment is an edge of a polygon for the crossing check.
type segment struct {
	a, b       orb.Point
	ring, pos  int
	minX, maxX float64
}

// selfCrossing looks for two edges of a polygon (of one ring, or a hole and
// another ring) that cross each other properly, each passing through the
// other's interior: such a polygon has no consistent inside. Edges that
// only touch at a point or run along each other are let through (generalised
// boundaries have such touches). It returns a description of the first
// crossing found, or "".
func selfCrossing(p orb.Polygon) (string, error) {
	var segs []segment
	for ri, r := range p {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if a == b {
				continue
			}
			segs = append(segs, segment{a: a, b: b, ring: ri, pos: i, minX: min(a[0], b[0]), maxX: max(a[0], b[0])})
		}
	}
	slices.SortFunc(segs, func(s, t segment) int {
		switch {
		case s.minX < t.minX:
			return -1
		case s.minX > t.minX:
			return 1
		}
		return 0
	})
	ringLen := func(ri int) int { return len(p[ri]) }
	var active []int
	tests := 0
	for i := range segs {
		s := &segs[i]
		keep := active[:0]
		for _, j := range active {
			if segs[j].maxX >= s.minX {
				keep = append(keep, j)
			}
		}
		active = keep
		sy0, sy1 := min(s.a[1], s.b[1]), max(s.a[1], s.b[1])
		for _, j := range active {
			t := &segs[j]
			if max(t.a[1], t.b[1]) < sy0 || min(t.a[1], t.b[1]) > sy1 {
				continue
			}
			if tests++; tests > maxCrossingTests {
				return "", fmt.Errorf("the outline is too intricate to check (more than %d pairs of edges overlap)", maxCrossingTests)
			}
			if s.ring == t.ring {
				d := s.pos - t.pos
				n := ringLen(s.ring) - 1 // edges of the closed ring
				if d == 1 || d == -1 || d == n-1 || d == 1-n {
					continue // neighbours share a vertex
				}
			}
			if properCross(s.a, s.b, t.a, t.b) {
				where := fmt.Sprintf("ring %d crosses itself", s.ring)
				if s.ring != t.ring {
					where = fmt.Sprintf("rings %d and %d cross each other", min(s.ring, t.ring), max(s.ring, t.ring))
				}
				return fmt.Sprintf("%s near [%g, %g] (edges %d and %d): the polygon is self-intersecting; repair it (e.g. ogr2ogr -makevalid, or mapshaper -clean) and import it again",
					where, (s.a[0]+s.b[0])/2, (s.a[1]+s.b[1])/2, min(s.pos, t.pos), max(s.pos, t.pos)), nil
			}
		}
		active = append(active, i)
	}
	return "", nil
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// properCross reports whether segments ab and cd cross at a point inside
// both.
func properCross(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	return (o1 > 0 && o2 < 0 || o1 < 0 && o2 > 0) && (o3 > 0 && o4 < 0 || o3 < 0 && o4 > 0)
}
