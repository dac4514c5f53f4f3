package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stopsearch/charter/internal/geo"
)

// Four LSOAs in a row make two wards of two; the City's one ward comes as
// it is; every LSOA's centre lies in the ward the lookup gives it.
func TestBuild(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sq := func(x float64) string {
		return `{"type":"Polygon","coordinates":[[[` + ftoa(x) + `,51],[` + ftoa(x+0.01) + `,51],[` + ftoa(x+0.01) + `,51.01],[` + ftoa(x) + `,51.01],[` + ftoa(x) + `,51]]]}`
	}
	lsoa := write("lsoa.geojson", `{"type":"FeatureCollection","features":[`+
		`{"type":"Feature","properties":{"LSOA21CD":"E01000011","LAD22CD":"E09000002"},"geometry":`+sq(0)+`},`+
		`{"type":"Feature","properties":{"LSOA21CD":"E01000012","LAD22CD":"E09000002"},"geometry":`+sq(0.01)+`},`+
		`{"type":"Feature","properties":{"LSOA21CD":"E01000013","LAD22CD":"E09000002"},"geometry":`+sq(0.02)+`},`+
		`{"type":"Feature","properties":{"LSOA21CD":"E01000014","LAD22CD":"E09000002"},"geometry":`+sq(0.03)+`}]}`)
	lookup := write("lookup.csv", "LSOA21CD,WD22CD,WD22NM,LAD22CD,LAD22NM\n"+
		"E01000011,E05000001,West,E09000002,Barking and Dagenham\nE01000012,E05000001,West,E09000002,Barking and Dagenham\n"+
		"E01000013,E05000002,East,E09000002,Barking and Dagenham\nE01000014,E05000002,East,E09000002,Barking and Dagenham\n")
	city := write("city.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD22CD":"E05009288","WD22NM":"Aldersgate","LAD22CD":"E09000001","LAD22NM":"City of London"},"geometry":`+sq(1)+`}]}`)
	out := filepath.Join(dir, "wards.geojson.gz")
	if err := run(lsoa, lookup, city, out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wards, err := geo.ReadBoundaries(f, "london-wards-2022.geojson.gz", geo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wards) != 3 {
		t.Fatalf("%d wards, want 3", len(wards))
	}
	for i, want := range []struct {
		code, parent string
		rings        int
		area         float64
		inside       orb.Point
	}{
		{"E05000001", "E09000002", 1, 2e-4, orb.Point{0.015, 51.005}},
		{"E05000002", "E09000002", 1, 2e-4, orb.Point{0.035, 51.005}},
		{"E05009288", "E09000001", 1, 1e-4, orb.Point{1.005, 51.005}},
	} {
		w := wards[i]
		if w.Code != want.code || w.ParentCode != want.parent || w.Year != 2022 || len(w.Geometry) != want.rings {
			t.Errorf("ward %d: %s in %s (%d), %d polygons; want %s in %s (2022), %d", i, w.Code, w.ParentCode, w.Year, len(w.Geometry), want.code, want.parent, want.rings)
		}
		if a := planar.Area(w.Geometry); a < want.area*0.999 || a > want.area*1.001 {
			t.Errorf("%s: area %g, want %g", w.Code, a, want.area)
		}
		if !planar.MultiPolygonContains(w.Geometry, want.inside) {
			t.Errorf("%s does not hold %v", w.Code, want.inside)
		}
	}
	// An LSOA missing from the lookup is an error, not a ward short.
	bad := write("lookup-short.csv", "LSOA21CD,WD22CD,WD22NM,LAD22CD,LAD22NM\nE01000011,E05000001,West,E09000002,Barking and Dagenham\n")
	if err := run(lsoa, bad, city, out); err == nil {
		t.Error("an LSOA without a ward in the lookup was accepted")
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
