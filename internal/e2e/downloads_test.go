package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
)

// testDownloads checks the open-data downloads against the store.
func testDownloads(t *testing.T, s *site) {
	ctx := context.Background()
	code, ct, b := s.get(t, "/downloads/stops.csv?force=metropolitan&month=2022-03")
	if code != 200 || !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("stops.csv: %d %s", code, ct)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(charter.PoliceCSVColumns, ",") {
		t.Errorf("CSV header %v, want the data.police.uk columns %v", rows[0], charter.PoliceCSVColumns)
	}
	m, _ := charter.ParseMonth("2022-03")
	n, err := s.st.CountStops(ctx, charter.StopFilter{Force: "metropolitan", From: m, To: m})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != n || n < 17000 {
		t.Errorf("stops.csv for 2022-03 has %d records, the store %d", len(rows)-1, n)
	}
	if code, _, _ := s.get(t, "/downloads/stops.csv?force=nowhere&month=2022-03"); code != 404 {
		t.Errorf("unknown force: %d, want 404", code)
	}
	if code, _, _ := s.get(t, "/downloads/stops.csv?force=metropolitan&month=March"); code != 400 {
		t.Errorf("bad month: %d, want 400", code)
	}

	// GeoJSON of boroughs: every London borough with a boundary, and the
	// same searches as the profile's table.
	var fc struct {
		Type     string
		Features []struct {
			Properties apiSubArea
			Geometry   struct{ Type string }
		}
	}
	s.getJSON(t, "/downloads/boroughs.geojson?force=metropolitan", &fc)
	var prof apiProfile
	s.getJSON(t, "/api/v1/areas/metropolitan/profile", &prof)
	if fc.Type != "FeatureCollection" || len(fc.Features) < 32 {
		t.Fatalf("boroughs.geojson: %s with %d features, want the 32 Met boroughs", fc.Type, len(fc.Features))
	}
	sum, want := 0, 0
	for _, f := range fc.Features {
		sum += f.Properties.Searches
		if f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon" {
			t.Errorf("%s: geometry %q", f.Properties.Code, f.Geometry.Type)
		}
	}
	for _, sa := range prof.SubAreas {
		want += sa.Searches
	}
	if sum != want || sum == 0 {
		t.Errorf("boroughs.geojson holds %d searches, the profile's boroughs %d", sum, want)
	}
	var wards map[string]any
	raw := s.getJSON(t, "/downloads/wards.geojson?borough=E09000002", &wards)
	if !bytes.Contains(raw, []byte(`"code":"E05014066"`)) || !json.Valid(raw) {
		t.Error("wards.geojson of Barking and Dagenham lacks Northbury")
	}
	if code, _, _ := s.get(t, "/downloads/wards.geojson"); code != 400 {
		t.Errorf("wards.geojson without a borough: %d, want 400", code)
	}
}
