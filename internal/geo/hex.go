package geo

import (
	"fmt"
	"math"
)

// HexSize is the distance across a hexagonal cell between opposite flat
// sides, in metres: the cell sizes hotspot maps use.
type HexSize int

// The hex grids Charter uses for hotspots.
const (
	Hex250  HexSize = 250
	Hex500  HexSize = 500
	Hex1000 HexSize = 1000
)

// The grid is laid on a local metric plane: longitude scaled by the cosine
// of hexLat0, the middle latitude of England and Wales, so cells are within
// ±5% of their nominal size anywhere from the Isle of Wight to Northumberland.
// H3 would be more exact but needs cgo; this grid is enough to rank cells by
// counts, which is all hotspot analysis asks of it.
const (
	earthRadius = 6371008.8 // metres, the IUGG mean radius
	hexLat0     = 52.5
)

var hexCos0 = math.Cos(hexLat0 * math.Pi / 180)

// HexCell is a cell of a hex grid: axial coordinates on pointy-top hexagons.
type HexCell struct {
	Size HexSize
	Q, R int32
}

// ID packs a cell into one integer, unique across sizes.
func (c HexCell) ID() int64 {
	return int64(c.Size)<<48 | int64(uint32(c.Q)&0xffffff)<<24 | int64(uint32(c.R)&0xffffff)
}

// String is the cell's ID in decimal.
func (c HexCell) String() string { return fmt.Sprint(c.ID()) }

// CellOfID is the inverse of ID.
func CellOfID(id int64) HexCell {
	// The 24-bit fields are sign-extended back to int32.
	q := int32(uint32(id>>24&0xffffff)<<8) >> 8
	r := int32(uint32(id&0xffffff)<<8) >> 8
	return HexCell{Size: HexSize(id >> 48), Q: q, R: r}
}

func toPlane(lon, lat float64) (x, y float64) {
	return earthRadius * lon * math.Pi / 180 * hexCos0, earthRadius * lat * math.Pi / 180
}

func fromPlane(x, y float64) (lon, lat float64) {
	return x / (earthRadius * hexCos0) * 180 / math.Pi, y / earthRadius * 180 / math.Pi
}

// HexOf returns the cell of a point. The size is the width between flat
// sides (pointy-top hexagons have flat left and right sides).
func HexOf(size HexSize, lon, lat float64) HexCell {
	x, y := toPlane(lon, lat)
	s := float64(size) / math.Sqrt(3) // circumradius
	q := (math.Sqrt(3)/3*x - y/3) / s
	r := (2.0 / 3 * y) / s
	// Cube rounding (Red Blob Games, "Hexagonal Grids").
	cx, cz := q, r
	cy := -cx - cz
	rx, ry, rz := math.Round(cx), math.Round(cy), math.Round(cz)
	dx, dy, dz := math.Abs(rx-cx), math.Abs(ry-cy), math.Abs(rz-cz)
	// Fix the coordinate that rounded furthest; y is not stored.
	switch {
	case dx > dy && dx > dz:
		rx = -ry - rz
	case dz >= dy:
		rz = -rx - ry
	}
	return HexCell{Size: size, Q: int32(rx), R: int32(rz)}
}

// Centre is the cell's centre.
func (c HexCell) Centre() (lon, lat float64) {
	s := float64(c.Size) / math.Sqrt(3)
	x := s * (math.Sqrt(3)*float64(c.Q) + math.Sqrt(3)/2*float64(c.R))
	y := s * 1.5 * float64(c.R)
	return fromPlane(x, y)
}

// Area is the cell's area in square metres on the grid's plane.
func (c HexCell) Area() float64 {
	s := float64(c.Size) / math.Sqrt(3)
	return 3 * math.Sqrt(3) / 2 * s * s
}
