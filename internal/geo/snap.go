package geo

import "math"

// StreetPoint is a point data.police.uk publishes in place of a search's or
// a crime's true location: the centre of a street or a public place, with
// its id and name ("On or near …").
type StreetPoint struct {
	Lat, Lng float64
	ID       int64
	Name     string
}

// Snapper finds the nearest published street point to a true location, so
// that a first-hand record is published as police.uk publishes its own:
// at a shared street point that many searches map to, never where the
// search happened.
type Snapper struct {
	pts   []StreetPoint
	cells map[[2]int32][]int32
	max   float64 // metres
}

// snapCell is the grid's cell size in degrees of latitude (about 550 m);
// longitude cells are scaled so cells stay roughly square in London.
const snapCell = 0.005

// NewSnapper indexes pts; Snap gives up beyond maxMetres.
func NewSnapper(pts []StreetPoint, maxMetres float64) *Snapper {
	s := &Snapper{pts: pts, cells: map[[2]int32][]int32{}, max: maxMetres}
	for i, p := range pts {
		k := s.cell(p.Lat, p.Lng)
		s.cells[k] = append(s.cells[k], int32(i))
	}
	return s
}

func (s *Snapper) cell(lat, lng float64) [2]int32 {
	return [2]int32{int32(math.Floor(lat / snapCell)), int32(math.Floor(lng * math.Cos(51.5*math.Pi/180) / snapCell))}
}

// Snap returns the nearest street point within the limit, and false when
// there is none.
func (s *Snapper) Snap(lat, lng float64) (StreetPoint, bool) {
	c := s.cell(lat, lng)
	ring := int32(math.Ceil(s.max/(snapCell*111_320))) + 1
	best, bestD := -1, math.Inf(1)
	for dy := -ring; dy <= ring; dy++ {
		for dx := -ring; dx <= ring; dx++ {
			for _, i := range s.cells[[2]int32{c[0] + dy, c[1] + dx}] {
				p := s.pts[i]
				if d := Metres(lat, lng, p.Lat, p.Lng); d < bestD || d == bestD && p.ID < s.pts[best].ID {
					best, bestD = int(i), d
				}
			}
		}
	}
	if best < 0 || bestD > s.max {
		return StreetPoint{}, false
	}
	return s.pts[best], true
}

// Metres is the distance between two points on a sphere of the Earth's
// mean radius (haversine); plenty for distances within a city.
func Metres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6_371_008.8
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
