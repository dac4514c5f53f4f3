package policeapi_test

import (
	"net/http"
	"testing"
	"testing/fstest"
)

// wardsGeoJSON holds two May 2022 wards of Barking and Dagenham (the first in
// two parts: a square and a small island) and a 2018 ward over both, which
// is an older vintage and no neighbourhood.
const wardsGeoJSON = `{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"WD22CD": "E05999001", "WD22NM": "Westward", "LAD22CD": "E09000002", "LAD22NM": "Barking and Dagenham"},
 "geometry": {"type": "MultiPolygon", "coordinates": [
  [[[0.10, 51.50], [0.12, 51.50], [0.12, 51.52], [0.10, 51.52], [0.10, 51.50]]],
  [[[0.20, 51.60], [0.201, 51.60], [0.201, 51.601], [0.20, 51.601], [0.20, 51.60]]]]}},
{"type": "Feature", "properties": {"WD22CD": "E05999002", "WD22NM": "Eastward", "LAD22CD": "E09000002", "LAD22NM": "Barking and Dagenham"},
 "geometry": {"type": "Polygon", "coordinates": [[[0.12, 51.50], [0.14, 51.50], [0.14, 51.52], [0.12, 51.52], [0.12, 51.50]]]}}
]}`

const oldWardsGeoJSON = `{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"WD18CD": "E05000001", "WD18NM": "Old Ward", "LAD18CD": "E09000002", "LAD18NM": "Barking and Dagenham"},
 "geometry": {"type": "Polygon", "coordinates": [[[0.09, 51.49], [0.15, 51.49], [0.15, 51.53], [0.09, 51.53], [0.09, 51.49]]]}}
]}`

// TestNeighbourhoods: a force's neighbourhoods are the wards of its area in
// the newest boundaries, with their outline and the ward a point is in.
func TestNeighbourhoods(t *testing.T) {
	base := serve(t, fstest.MapFS{
		"wards-2018.geojson": {Data: []byte(oldWardsGeoJSON)},
		"wards-2022.geojson": {Data: []byte(wardsGeoJSON)},
	}, "wards-2018.geojson", "wards-2022.geojson") + "/api/"

	for _, c := range []struct{ path, want string }{
		{"metropolitan/neighbourhoods", `[{"id":"E05999002","name":"Eastward"},{"id":"E05999001","name":"Westward"}]`},
		{"kent/neighbourhoods", `[]`},
		{"metropolitan/E05999001/boundary", `[{"latitude":"51.5","longitude":"0.1"},{"latitude":"51.5","longitude":"0.12"},{"latitude":"51.52","longitude":"0.12"},{"latitude":"51.52","longitude":"0.1"}]`},
		{"metropolitan/E05999002", `{"url_force":null,"contact_details":{},"name":"Eastward","links":[],"centre":{"latitude":"51.510000","longitude":"0.130000"},"locations":[],"description":null,"id":"E05999002","population":"0"}`},
		{"metropolitan/E05999002/people", `[]`},
		{"metropolitan/E05999002/events", `[]`},
		{"metropolitan/E05999002/priorities", `[]`},
		{"locate-neighbourhood?q=51.51,0.11", `{"force":"metropolitan","neighbourhood":"E05999001"}`},
		{"locate-neighbourhood?q=51.6005,0.2005", `{"force":"metropolitan","neighbourhood":"E05999001"}`},
		{"locate-neighbourhood?q=51.51,0.13", `{"force":"metropolitan","neighbourhood":"E05999002"}`},
	} {
		code, b := call(t, http.MethodGet, base+c.path, nil)
		if code != 200 || string(b) != c.want {
			t.Errorf("GET %s: %d %s\nwant %s", c.path, code, b, c.want)
		}
	}
	for _, path := range []string{
		"metropolitan/E05000001",              // the 2018 ward
		"city-of-london/E05999001",            // another force's
		"locate-neighbourhood?q=51.495,0.095", // only in the 2018 ward
	} {
		if code, b := call(t, http.MethodGet, base+path, nil); code != 404 || len(b) != 0 {
			t.Errorf("GET %s: %d %s, want 404", path, code, b)
		}
	}
}
