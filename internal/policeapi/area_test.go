package policeapi

import (
	"testing"

	"github.com/stopsearch/charter"
)

// TestMadeStreetID: a made id gives back its point to the micro-degree, a
// real id is kept, and points outside the range get none.
func TestMadeStreetID(t *testing.T) {
	for _, p := range [][2]float64{{51.546501, 0.010103}, {49.0, -9.0}, {55.953252, -3.188267}, {51.452468, 0.178992}} {
		id := streetID(&charter.Location{Latitude: p[0], Longitude: p[1]})
		if id < madeIDBase || id >= 1<<53 {
			t.Fatalf("%v: id %d outside [2^50, 2^53)", p, id)
		}
		// As docs/api.md describes it: 2^50, then micro-degrees north of
		// 49°N shifted left 25 bits, then micro-degrees east of 9°W.
		v := id - 1<<50
		lat, lng := 49+float64(v>>25)/1e6, -9+float64(v&(1<<25-1))/1e6
		if abs(lat-p[0]) > 5e-7 || abs(lng-p[1]) > 5e-7 {
			t.Errorf("%v: id %d gives back %v, %v", p, id, lat, lng)
		}
	}
	if id := streetID(&charter.Location{Latitude: 51.45, Longitude: 0.17, StreetID: 1708284}); id != 1708284 {
		t.Errorf("a real street id became %d", id)
	}
	if id := streetID(&charter.Location{Latitude: 40.7, Longitude: -74}); id != 0 {
		t.Errorf("New York got id %d", id)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestArea: the radius is a mile by great circle, not by box; polygons close
// themselves and include their edges.
func TestArea(t *testing.T) {
	c := circle(51.5, -0.1, mile)
	// A mile due north is 0.014473° of latitude; due east at 51.5°N, 0.023242°.
	for _, tc := range []struct {
		lat, lng float64
		in       bool
	}{
		{51.5, -0.1, true},
		{51.5 + 0.01447, -0.1, true},
		{51.5 + 0.01448, -0.1, false},
		{51.5, -0.1 + 0.02324, true},
		{51.5, -0.1 + 0.02325, false},
		{51.5 + 0.0103, -0.1 + 0.0165, false}, // inside the box, outside the circle
	} {
		if got := c.contains(tc.lat, tc.lng); got != tc.in {
			t.Errorf("circle contains (%v, %v) = %v, want %v", tc.lat, tc.lng, got, tc.in)
		}
	}
	p, err := parsePoly("51.50,-0.10:51.52,-0.10:51.52,-0.08:51.50,-0.08")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lat, lng float64
		in       bool
	}{{51.51, -0.09, true}, {51.53, -0.09, false}, {51.51, -0.11, false}} {
		if got := p.contains(tc.lat, tc.lng); got != tc.in {
			t.Errorf("poly contains (%v, %v) = %v, want %v", tc.lat, tc.lng, got, tc.in)
		}
	}
}
