package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// HexCellsIn returns the cells of a grid whose centre lies inside mp: the
// cells of an area, which a concentration curve needs as its denominator
// (a cell with no crime is still a place where crime could have been).
func HexCellsIn(size HexSize, mp orb.MultiPolygon) []HexCell {
	b := mp.Bound()
	if b.IsEmpty() {
		return nil
	}
	// Walk rows of cells across the bounding box: r from the bottom edge to
	// the top, and for each row the q range that covers the box.
	lo, hi := HexOf(size, b.Min[0], b.Min[1]), HexOf(size, b.Max[0], b.Max[1])
	var out []HexCell
	for r := lo.R - 1; r <= hi.R+1; r++ {
		// Along a row, q shifts by half a cell per row; widen by the shift.
		qa := HexOf(size, b.Min[0], rowLat(size, r)).Q - 1
		qb := HexOf(size, b.Max[0], rowLat(size, r)).Q + 1
		for q := qa; q <= qb; q++ {
			c := HexCell{Size: size, Q: q, R: r}
			lon, lat := c.Centre()
			if planar.MultiPolygonContains(mp, orb.Point{lon, lat}) {
				out = append(out, c)
			}
		}
	}
	return out
}

// rowLat is the latitude of the centres of row r.
func rowLat(size HexSize, r int32) float64 {
	s := float64(size) / math.Sqrt(3)
	_, lat := fromPlane(0, s*1.5*float64(r))
	return lat
}
