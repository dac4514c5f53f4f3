package policeapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/stopsearch/charter"
)

// mile in metres: stops-street and crimes-street by lat and lng answer
// within one mile of the point.
const mile = 1609.344

// earthRadius is the mean radius of the Earth in metres (IUGG).
const earthRadius = 6371008.8

// area is where a stops-street or crimes-street request looks: within a
// mile of a point, or inside a polygon.
type area struct {
	box    charter.Box
	lat    float64 // the centre, for a radius
	lng    float64
	radius float64   // metres; 0 for a polygon
	poly   *slabRing // the polygon, closed, as (lng, lat), prepared
}

// areaParam reads lat and lng, or poly ("lat,lng:lat,lng:…", at least three
// points, the first need not be repeated at the end).
func areaParam(r *http.Request) (*area, error) {
	if poly := strings.TrimSpace(r.Form.Get("poly")); poly != "" {
		return parsePoly(poly)
	}
	return radiusParam(r)
}

// radiusParam reads lat and lng: the area within a mile of the point.
func radiusParam(r *http.Request) (*area, error) {
	if r.Form.Get("lat") == "" && r.Form.Get("lng") == "" {
		return nil, charter.Errorf(charter.EINVALID, "give lat and lng, or poly")
	}
	lat, err := float(r, "lat", -90, 90)
	if err != nil {
		return nil, err
	}
	lng, err := float(r, "lng", -180, 180)
	if err != nil {
		return nil, err
	}
	return circle(lat, lng, mile), nil
}

// circle is the area within radius metres of a point.
func circle(lat, lng, radius float64) *area {
	dLat := radius / earthRadius * 180 / math.Pi
	cos := math.Max(math.Cos(lat*math.Pi/180), 1e-6)
	dLng := dLat / cos
	// A hair wider, so that rounding never drops a point on the edge before
	// the exact distance is measured.
	dLat, dLng = dLat*1.001, dLng*1.001
	return &area{lat: lat, lng: lng, radius: radius,
		box: charter.Box{MinLat: lat - dLat, MaxLat: lat + dLat, MinLng: lng - dLng, MaxLng: lng + dLng}}
}

// MaxPolyPoints is the most points a poly may have. A GET is bounded by
// data.police.uk's 4,094 characters (about 200 points); a POST by this: six
// times the most detailed ward boundary bundled with Charter (1,673 points,
// a 2018 London ward at full resolution; the generalised 2022 wards have at
// most 179, the boroughs 488), and a sixth of the 1 MB form.
const MaxPolyPoints = 10000

func parsePoly(s string) (*area, error) {
	s = strings.Trim(s, ":")
	// Counted before anything is split or parsed, so that refusing a huge
	// polygon costs no more than reading it.
	if n := strings.Count(s, ":") + 1; n > MaxPolyPoints {
		return nil, charter.Errorf(charter.EINVALID, "poly has %d points: at most %d are taken", n, MaxPolyPoints)
	}
	parts := strings.Split(s, ":")
	if len(parts) < 3 {
		return nil, charter.Errorf(charter.EINVALID, "poly: want at least three lat,lng points separated by colons")
	}
	ring := make(orb.Ring, 0, len(parts)+1)
	for i, p := range parts {
		la, ln, ok := strings.Cut(p, ",")
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
		lng, err2 := strconv.ParseFloat(strings.TrimSpace(ln), 64)
		if !ok || err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90) || !(lng >= -180 && lng <= 180) {
			return nil, charter.Errorf(charter.EINVALID, "poly point %d %q: want lat,lng", i+1, p)
		}
		ring = append(ring, orb.Point{lng, lat})
	}
	if !ring.Closed() {
		ring = append(ring, ring[0])
	}
	b := ring.Bound()
	return &area{poly: newSlabRing(ring),
		box: charter.Box{MinLat: b.Min.Lat(), MaxLat: b.Max.Lat(), MinLng: b.Min.Lon(), MaxLng: b.Max.Lon()}}, nil
}

// contains is the exact test after the box: the great-circle distance for
// a radius, point in polygon (edges included) otherwise.
func (a *area) contains(lat, lng float64) bool {
	if !a.box.Contains(lat, lng) {
		return false
	}
	if a.radius > 0 {
		return haversine(a.lat, a.lng, lat, lng) <= a.radius
	}
	return a.poly.contains(orb.Point{lng, lat})
}

// haversine is the great-circle distance in metres.
func haversine(lat1, lng1, lat2, lng2 float64) float64 {
	const rad = math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Map points without a data.police.uk street id (the archive CSVs carry
// none) get one made from their coordinates, so that stops-at-location can
// find them: 2^50 plus the point's micro-degrees north of 49°N and east of
// 9°W. Real street ids are seven or eight digits; these are sixteen and
// below 2^53, so JavaScript clients read them exactly. Points outside
// 49–65.7°N, 9°W–24.5°E (not in England and Wales) get none (0).
const (
	madeIDBase = 1 << 50
	madeLat0   = 49.0
	madeLng0   = -9.0
	madeBits   = 25 // per coordinate: 2^25 micro-degrees ≈ 33.5°
)

// streetID is the data.police.uk id of a map point, or one made from it.
func streetID(loc *charter.Location) int64 {
	if loc.StreetID != 0 {
		return loc.StreetID
	}
	la := math.Round((loc.Latitude - madeLat0) * 1e6)
	ln := math.Round((loc.Longitude - madeLng0) * 1e6)
	if la < 0 || ln < 0 || la >= 1<<(madeBits-1) || ln >= 1<<madeBits {
		return 0
	}
	return madeIDBase + int64(la)<<madeBits + int64(ln)
}

// madePoint is the point a made street id was made from.
func madePoint(id int64) (lat, lng float64, ok bool) {
	x := id - madeIDBase
	if x < 0 || x >= 1<<(2*madeBits-1) {
		return 0, 0, false
	}
	return madeLat0 + float64(x>>madeBits)/1e6, madeLng0 + float64(x&(1<<madeBits-1))/1e6, true
}
