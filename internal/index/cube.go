package index

// The month cube: the stops counted by every distinct combination of the
// dimensions dashboards filter and group by most (month, force, borough and
// both ethnic groups). A query that touches no other dimension sums the
// cube's few thousand cells instead of scanning every stop, and gets the
// same answer, since each cell is the exact count of its stops. It is built
// at the first such query after a change and dropped by every change (Add,
// Apply, Rebuild), so it is never stale; its memory counts in Bytes.

// cubeDims are the cube's dimensions.
var cubeDims = [...]Dim{DimMonth, DimForce, DimBorough, DimSelfGroup, DimOfficerGroup}

// maxCubeCells bounds the combinations the cube is built over; beyond it
// queries scan.
const maxCubeCells = 1 << 22

type cube struct {
	cols [len(cubeDims)][]uint16 // codes of the cell's dimensions
	w    []int32                 // stops in the cell
}

// cubeState is the outcome of building the cube since the last change: a
// nil cube means there were too many combinations for one.
type cubeState struct {
	c *cube
}

// cubeIndex is each dimension's position in cubeDims, or -1.
var cubeIndex = func() (pos [NumDims]int) {
	for d := range pos {
		pos[d] = -1
	}
	for i, d := range cubeDims {
		pos[d] = i
	}
	return pos
}()

// cubeFor returns the cube if it can answer a query of these dimensions,
// building it when there is none. The caller holds mu for reading at least.
func (ix *Index) cubeFor(dims []Dim) *cube {
	for _, d := range dims {
		if cubeIndex[d] < 0 {
			return nil
		}
	}
	if s := ix.cube.Load(); s != nil {
		return s.c
	}
	ix.cubeMu.Lock()
	defer ix.cubeMu.Unlock()
	if s := ix.cube.Load(); s != nil {
		return s.c
	}
	s := &cubeState{c: ix.buildCube()}
	ix.cube.Store(s)
	return s.c
}

// dropCube forgets the cube; the caller holds mu for writing.
func (ix *Index) dropCube() { ix.cube.Store(nil) }

// buildCube counts the stops by every combination of cubeDims, or returns
// nil when there are too many combinations for a cube to pay.
func (ix *Index) buildCube() *cube {
	var groups [][]uint16
	var card []int
	size := 1
	for _, d := range cubeDims {
		groups = append(groups, ix.cols[d])
		card = append(card, len(ix.dicts[d].values))
		size *= card[len(card)-1]
		if size > maxCubeCells {
			return nil
		}
	}
	counts := make([]int32, size)
	scan(ix.n, nil, nil, groups, card, counts, nil)
	c := &cube{}
	for k, n := range counts {
		if n == 0 {
			continue
		}
		for g := len(card) - 1; g >= 0; g-- {
			c.cols[g] = append(c.cols[g], uint16(k%card[g]))
			k /= card[g]
		}
		c.w = append(c.w, n)
	}
	if len(c.w) > ix.n/4 {
		return nil // hardly fewer cells than stops
	}
	return c
}

// bytes is the memory the cube holds.
func (c *cube) bytes() int {
	if c == nil {
		return 0
	}
	b := 4 * cap(c.w)
	for _, col := range c.cols {
		b += 2 * cap(col)
	}
	return b
}

// cubeBytes is the memory of the index's cube, if built.
func (ix *Index) cubeBytes() int {
	if s := ix.cube.Load(); s != nil {
		return s.c.bytes()
	}
	return 0
}
