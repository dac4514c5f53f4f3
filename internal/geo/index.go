package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Index finds which of a set of polygons contains a point. It is built once
// per boundary layer and queried for every located record, so it trades
// memory and build time for a query that usually costs one grid look-up.
//
// The bounding box of the polygons is cut into a uniform grid of roughly
// square cells (in metres, not degrees, so cells are not stretched at
// London's latitude). For each cell it keeps:
//
//   - the polygon that covers the whole cell, if any ("interior" cell): a
//     point there is answered with no ring test at all;
//   - the polygons whose boundary crosses the cell, each with the edges that
//     a horizontal ray from the cell can meet: only the edges of that grid row,
//     sorted so the walk stops at the first edge left of the point.
//
// The ray test is the even-odd rule with the half-open convention, over every
// ring of a polygon part (holes included): the same arithmetic as a
// brute-force test over all edges, so the two agree everywhere except, at
// most, within rounding distance of an edge. Edges are stored in a canonical
// direction so that two polygons sharing an edge split the points on it
// between them: each such point is in exactly one.
//
// An Index is immutable after NewIndex and safe for concurrent use.
type Index struct {
	n                      int // number of polygons given to NewIndex
	minX, minY, maxX, maxY float64
	nx, ny                 int
	sx, sy                 float64 // cells per degree
	// cells has one entry per cell plus a sentinel: a cell's items are
	// items[cells[c].start:cells[c+1].start]. Keeping the interior answer next
	// to the item offset means an interior cell costs one memory access.
	cells []cell
	items []item // per cell: polygon parts to ray-test, in polygon order
	edges []edge
}

type cell struct {
	start    uint32
	interior int32 // the polygon covering the whole cell, or -1
}

// item is a polygon part to ray-test in one cell: edges[start:start+n] are
// the part's edges of the cell's row that reach the cell or further right.
type item struct {
	poly  int32
	start uint32
	n     uint32
}

type edge struct{ ax, ay, bx, by float64 }

func (e *edge) maxX() float64 { return max(e.ax, e.bx) }

// crosses is the even-odd step: does a ray from (x, y) towards +x cross e?
// (ay > y) != (by > y) counts a vertex exactly on the ray once, not twice.
func (e *edge) crosses(x, y float64) bool {
	return (e.ay > y) != (e.by > y) && x < e.ax+(y-e.ay)*(e.bx-e.ax)/(e.by-e.ay)
}

// Grid sizing. About two cells per polygon vertex makes a cell roughly as
// long as a typical generalised edge, so most cells are interior and a
// boundary cell holds a handful of edges; the cap bounds memory (about 8
// bytes a cell plus items) for very detailed layers.
const (
	cellsPerVertex  = 2
	cellsPerPolygon = 64
	maxCells        = 1 << 22
)

// NewIndex builds an index over polys; Locate returns positions in polys.
// Polygons may overlap (generalised boundaries have slivers): the lowest
// position that contains a point wins. Empty polygons are allowed and never
// match. Coordinates are taken as planar (longitude, latitude).
func NewIndex(polys []orb.MultiPolygon) *Index {
	ix := &Index{n: len(polys)}
	type part struct {
		poly  int32
		rings orb.Polygon
		bound orb.Bound
	}
	var parts []part
	vertices := 0
	first := true
	var all orb.Bound
	for i, mp := range polys {
		for _, p := range mp {
			if len(p) == 0 || len(p[0]) == 0 {
				continue
			}
			b := orb.Bound{Min: p[0][0], Max: p[0][0]}
			for _, r := range p {
				for _, pt := range r {
					b = b.Extend(pt)
				}
				vertices += len(r)
			}
			if !validBound(b) {
				continue // NaN or infinite coordinates cannot contain a point
			}
			parts = append(parts, part{int32(i), p, b})
			if first {
				all, first = b, false
			} else {
				all = all.Union(b)
			}
		}
	}
	if len(parts) == 0 {
		ix.minX, ix.maxX = math.Inf(1), math.Inf(-1) // Locate's range check then fails for every point
		return ix
	}
	ix.setGrid(all, vertices, len(polys))

	ncell := ix.nx * ix.ny
	ix.cells = make([]cell, ncell+1)
	for i := range ix.cells {
		ix.cells[i].interior = -1
	}
	// Pending items, sorted into cells at the end. Parts are processed in
	// polygon order, and the bucketing is stable, so each cell lists its
	// polygons in order: the first hit is the lowest position.
	type pending struct {
		cell uint32
		it   item
	}
	var pend []pending
	cw, ch := (ix.maxX-ix.minX)/float64(ix.nx), (ix.maxY-ix.minY)/float64(ix.ny)
	// A cell is widened by a sliver when deciding what touches it, so that
	// rounding in the point-to-cell arithmetic can never put a point in a
	// cell whose precomputed answer does not hold for it.
	ex, ey := cw*1e-6, ch*1e-6
	var touched []bool
	var rows [][]edge
	var xs []float64
	for _, pt := range parts {
		c0, r0 := ix.cellOf(pt.bound.Min[0]-ex, pt.bound.Min[1]-ey)
		c1, r1 := ix.cellOf(pt.bound.Max[0]+ex, pt.bound.Max[1]+ey)
		w, h := c1-c0+1, r1-r0+1
		touched = slices.Grow(touched[:0], w*h)[:w*h]
		clear(touched)
		if cap(rows) < h {
			rows = make([][]edge, h)
		}
		rows = rows[:h]
		for i := range rows {
			rows[i] = rows[i][:0]
		}
		for _, r := range pt.rings {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)] // also closes an unclosed ring
				if a == b {
					continue
				}
				// Lower end first: neighbours list a shared edge in opposite
				// directions, and the crossing must round the same for both,
				// or a point on the edge could land in both or in neither.
				if a[1] > b[1] || a[1] == b[1] && a[0] > b[0] {
					a, b = b, a
				}
				e := edge{a[0], a[1], b[0], b[1]}
				lx, hx := min(e.ax, e.bx), max(e.ax, e.bx)
				ly, hy := min(e.ay, e.by), max(e.ay, e.by)
				_, er0 := ix.cellOf(lx-ex, ly-ey)
				_, er1 := ix.cellOf(hx+ex, hy+ey)
				for row := er0; row <= er1; row++ {
					// Only the cells under the piece of the edge inside this
					// row's band: a long diagonal edge costs its length in
					// cells, not the area of its bounding box.
					y0 := ix.minY + float64(row)*ch - ey
					bx0, bx1 := bandSpan(e, y0, y0+ch+2*ey)
					if bx0 <= bx1 {
						ec0, _ := ix.cellOf(bx0-ex, 0)
						ec1, _ := ix.cellOf(bx1+ex, 0)
						for col := max(ec0, c0); col <= min(ec1, c1); col++ {
							touched[(row-r0)*w+col-c0] = true
						}
					}
					if e.ay != e.by { // a horizontal edge never counts in the ray test
						rows[row-r0] = append(rows[row-r0], e)
					}
				}
			}
		}
		for rr := range h {
			list := rows[rr]
			slices.SortFunc(list, func(a, b edge) int {
				// Descending right end: a query walks only the prefix of
				// edges that reach right of the point.
				am, bm := a.maxX(), b.maxX()
				switch {
				case am > bm:
					return -1
				case am < bm:
					return 1
				}
				return 0
			})
			start := uint32(len(ix.edges))
			ix.edges = append(ix.edges, list...)
			row := r0 + rr
			cy := ix.minY + (float64(row)+0.5)*ch
			// Neighbouring untouched cells share a side no edge crosses, so
			// they are all inside or all outside: one ray test per run, read
			// off the sorted crossings of the row's centre line.
			xs = xs[:0]
			for i := range list {
				if e := &list[i]; (e.ay > cy) != (e.by > cy) {
					xs = append(xs, e.ax+(cy-e.ay)*(e.bx-e.ax)/(e.by-e.ay)) // as in edge.crosses
				}
			}
			slices.Sort(xs)
			runInside, inRun := false, false
			for col := c0; col <= c1; col++ {
				cell := row*ix.nx + col
				x0 := ix.minX + float64(col)*cw - ex
				if touched[rr*w+col-c0] {
					inRun = false
					n, _ := slices.BinarySearchFunc(list, x0, func(e edge, x float64) int {
						if e.maxX() >= x {
							return -1
						}
						return 1
					})
					pend = append(pend, pending{uint32(cell), item{pt.poly, start, uint32(n)}})
					continue
				}
				if !inRun {
					cx := ix.minX + (float64(col)+0.5)*cw
					// crossings right of the centre: those with cx < x
					k, found := slices.BinarySearch(xs, cx)
					for found && k < len(xs) && xs[k] == cx {
						k++
					}
					runInside = (len(xs)-k)%2 == 1
					inRun = true
				}
				if runInside && ix.cells[cell].interior < 0 {
					ix.cells[cell].interior = pt.poly
				}
			}
		}
	}

	// Bucket the pending items by cell, dropping those behind an interior
	// polygon of lower or equal position: it answers first anyway.
	keep := func(p pending) bool {
		in := ix.cells[p.cell].interior
		return in < 0 || p.it.poly < in
	}
	for _, p := range pend {
		if keep(p) {
			ix.cells[p.cell+1].start++
		}
	}
	for i := 1; i <= ncell; i++ {
		ix.cells[i].start += ix.cells[i-1].start
	}
	ix.items = make([]item, ix.cells[ncell].start)
	next := make([]uint32, ncell)
	for i := range next {
		next[i] = ix.cells[i].start
	}
	for _, p := range pend {
		if keep(p) {
			ix.items[next[p.cell]] = p.it
			next[p.cell]++
		}
	}
	return ix
}

func validBound(b orb.Bound) bool {
	for _, v := range [...]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// setGrid chooses the grid over bound b.
func (ix *Index) setGrid(b orb.Bound, vertices, polys int) {
	ix.minX, ix.minY, ix.maxX, ix.maxY = b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	target := min(cellsPerVertex*vertices+cellsPerPolygon*polys, maxCells)
	// Work in "metres" so cells are square on the ground: a degree of
	// longitude shrinks with cos(latitude).
	k := math.Cos((ix.minY + ix.maxY) / 2 * math.Pi / 180)
	if !(k > 0.05) {
		k = 0.05
	}
	w, h := (ix.maxX-ix.minX)*k, ix.maxY-ix.minY
	const tiny = 1e-12
	if w < tiny && h < tiny {
		ix.nx, ix.ny = 1, 1
	} else {
		side := math.Sqrt(max(w, tiny) * max(h, tiny) / float64(target))
		ix.nx = int(min(math.Ceil(w/side), float64(target)))
		ix.ny = int(min(math.Ceil(h/side), float64(target)))
		ix.nx, ix.ny = max(ix.nx, 1), max(ix.ny, 1)
		for ix.nx*ix.ny > maxCells { // a sliver-shaped bound with the clamp above
			ix.nx, ix.ny = max(ix.nx/2, 1), max(ix.ny/2, 1)
		}
	}
	// A degenerate (zero-width) bound still needs finite cell arithmetic.
	if ix.maxX-ix.minX <= 0 {
		ix.nx = 1
	}
	if ix.maxY-ix.minY <= 0 {
		ix.ny = 1
	}
	ix.sx = float64(ix.nx) / (ix.maxX - ix.minX)
	ix.sy = float64(ix.ny) / (ix.maxY - ix.minY)
	if math.IsInf(ix.sx, 0) || math.IsNaN(ix.sx) {
		ix.sx = 0
	}
	if math.IsInf(ix.sy, 0) || math.IsNaN(ix.sy) {
		ix.sy = 0
	}
}

// cellOf returns the column and row of (x, y), clamped to the grid.
func (ix *Index) cellOf(x, y float64) (int, int) {
	c := int(max(0, (x-ix.minX)*ix.sx))
	r := int(max(0, (y-ix.minY)*ix.sy))
	return min(c, ix.nx-1), min(r, ix.ny-1)
}

// bandSpan returns the x-range of the part of segment e with y in [y0, y1]
// (x0 > x1 when there is none).
func bandSpan(e edge, y0, y1 float64) (x0, x1 float64) {
	if e.ay == e.by {
		if e.ay < y0 || e.ay > y1 {
			return 1, 0
		}
		return min(e.ax, e.bx), max(e.ax, e.bx)
	}
	// Parameters where the segment's line meets the band's edges, clipped
	// to the segment.
	ta, tb := (y0-e.ay)/(e.by-e.ay), (y1-e.ay)/(e.by-e.ay)
	ta, tb = max(0, min(ta, tb)), min(1, max(ta, tb))
	if ta > tb {
		return 1, 0
	}
	xa, xb := e.ax+ta*(e.bx-e.ax), e.ax+tb*(e.bx-e.ax)
	return min(xa, xb), max(xa, xb)
}

// rayParity is the even-odd test over edges sorted by descending right end.
func rayParity(edges []edge, x, y float64) bool {
	in := false
	for i := range edges {
		e := &edges[i]
		if e.maxX() < x {
			break // every later edge lies wholly left of the point
		}
		if e.crosses(x, y) {
			in = !in
		}
	}
	return in
}

// Locate returns the position in the polygons given to NewIndex of the
// polygon containing (lon, lat), or -1 if none does. Where polygons overlap
// the lowest position wins; a point exactly on an edge shared by two
// polygons goes to one of them, always the same one.
func (ix *Index) Locate(lon, lat float64) int {
	if !(lon >= ix.minX && lon <= ix.maxX && lat >= ix.minY && lat <= ix.maxY) {
		return -1 // also NaN, and an empty index
	}
	c := int((lon - ix.minX) * ix.sx)
	r := int((lat - ix.minY) * ix.sy)
	if c >= ix.nx {
		c = ix.nx - 1
	}
	if r >= ix.ny {
		r = ix.ny - 1
	}
	cl := ix.cells[r*ix.nx+c : r*ix.nx+c+2]
	for _, it := range ix.items[cl[0].start:cl[1].start] {
		if rayParity(ix.edges[it.start:it.start+it.n], lon, lat) {
			return int(it.poly)
		}
	}
	return int(cl[0].interior)
}

// LocateFunc is Locate limited to the polygons accept takes: where polygons
// overlap (two publishers' edges that do not quite meet) it finds the one
// that fits, e.g. the ward of the borough a point was already placed in.
func (ix *Index) LocateFunc(lon, lat float64, accept func(poly int) bool) int {
	if !(lon >= ix.minX && lon <= ix.maxX && lat >= ix.minY && lat <= ix.maxY) {
		return -1
	}
	c := min(int((lon-ix.minX)*ix.sx), ix.nx-1)
	r := min(int((lat-ix.minY)*ix.sy), ix.ny-1)
	cl := ix.cells[r*ix.nx+c : r*ix.nx+c+2]
	for _, it := range ix.items[cl[0].start:cl[1].start] {
		if accept(int(it.poly)) && rayParity(ix.edges[it.start:it.start+it.n], lon, lat) {
			return int(it.poly)
		}
	}
	if in := int(cl[0].interior); in >= 0 && accept(in) {
		return in
	}
	return -1
}

// Len is the number of polygons the index was built over.
func (ix *Index) Len() int { return ix.n }
