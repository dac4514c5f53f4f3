package e2e

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/policeapi/apitest"
)

// testPoliceAPI checks the data.police.uk-compatible endpoints over the demo
// data against what the forces published (the bundled files, read here
// independently of the importer) and against data.police.uk's shapes.
func testPoliceAPI(t *testing.T, s *site) {
	stopShape := apitest.ShapeOf(append(goldenRecords(t, "stops-force-metropolitan-2024-09.json"),
		goldenRecords(t, "stops-city-of-london-2023-01.json")...))
	crimeShape := apitest.ShapeOf(goldenRecords(t, "crimes-street-documented.json"))
	shaped := func(t *testing.T, sh *apitest.Shape, rs []map[string]any, notNull ...string) {
		t.Helper()
		for i, r := range rs {
			if p := sh.Check(r, notNull...); len(p) > 0 {
				t.Fatalf("record %d is not shaped as data.police.uk's: %v", i, p)
			}
		}
	}

	t.Run("stops-force equals data.police.uk's own answer", func(t *testing.T) {
		// The bundled file is what data.police.uk answered to this request.
		want := gzJSON(t, "police-uk/stops-force-metropolitan-2024-09.json.gz")
		got := s.records(t, "/api/stops-force?force=metropolitan&date=2024-09")
		if d := apitest.Diff(got, want); d != "" {
			t.Error(d)
		}
		shaped(t, stopShape, got, "datetime")
	})

	t.Run("stops-force equals the archive CSV", func(t *testing.T) {
		want := archiveMonth(t, "2022-03")
		got := s.records(t, "/api/stops-force?force=metropolitan&date=2022-03")
		shaped(t, stopShape, got, "datetime", "type")
		var projected []map[string]any
		for _, r := range got {
			projected = append(projected, project(r))
		}
		if len(want) < 17000 {
			t.Fatalf("the archive holds %d records for 2022-03", len(want))
		}
		if d := apitest.Diff(projected, want); d != "" {
			t.Error(d)
		}
	})

	t.Run("stops-street", func(t *testing.T) {
		// Within a mile of Bank junction: the records of the month whose
		// map point is within a mile, measured here by the law of cosines.
		// stops-street answers for every force: the Met's and the City of
		// London Police's records (from the extraction) are both near Bank.
		const lat, lng = 51.5133, -0.0890
		var dates []struct {
			Date string   `json:"date"`
			SAS  []string `json:"stop-and-search"`
		}
		s.getJSON(t, "/api/crimes-street-dates", &dates)
		var all []map[string]any
		for _, d := range dates {
			if d.Date != "2022-03" {
				continue
			}
			if len(d.SAS) < 2 {
				t.Errorf("2022-03 has stops of %v, want the Met and the City of London at least", d.SAS)
			}
			for _, f := range d.SAS {
				all = append(all, s.records(t, "/api/stops-force?date=2022-03&force="+f)...)
			}
		}
		var want []map[string]any
		for _, r := range all {
			if r["location"] == nil {
				continue
			}
			la, ln := latLng(r)
			if d := cosineDistance(lat, lng, la, ln); d <= 1609.344 {
				want = append(want, r)
			}
		}
		got := s.records(t, "/api/stops-street?lat=51.5133&lng=-0.0890&date=2022-03")
		if len(want) < 100 {
			t.Fatalf("only %d stops near Bank: the test tests little", len(want))
		}
		if d := apitest.Diff(got, want); d != "" {
			t.Error(d)
		}
		shaped(t, stopShape, got, "datetime", "location")

		// A polygon by GET and by POST gives the same records.
		poly := "51.52,-0.10:51.52,-0.08:51.50,-0.08:51.50,-0.10"
		byGet := s.records(t, "/api/stops-street?date=2022-03&poly="+poly)
		resp, err := http.PostForm(s.url+"/api/stops-street", url.Values{"date": {"2022-03"}, "poly": {poly}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var byPost []map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&byPost); err != nil || resp.StatusCode != 200 {
			t.Fatalf("POST stops-street: %d %v", resp.StatusCode, err)
		}
		if len(byGet) == 0 {
			t.Fatal("no stops in the polygon")
		}
		if d := apitest.Diff(byPost, byGet); d != "" {
			t.Errorf("POST and GET differ: %s", d)
		}
		for _, r := range byGet {
			if la, ln := latLng(r); la < 51.50 || la > 51.52 || ln < -0.10 || ln > -0.08 {
				t.Fatalf("a stop at %v, %v is outside the polygon", la, ln)
			}
		}

		// All London in one polygon holds more than 10,000: 503, as
		// data.police.uk answers.
		resp, err = http.Get(s.url + "/api/stops-street?date=2022-03&poly=51.28,-0.51:51.70,-0.51:51.70,0.33:51.28,0.33")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if why := resp.Header.Get("X-Error-Detail"); resp.StatusCode != 503 || !strings.Contains(why, "10000") {
			t.Errorf("all London: %d %q, want 503", resp.StatusCode, why)
		}
	})

	t.Run("stops-no-location and stops-at-location", func(t *testing.T) {
		all := s.records(t, "/api/stops-force?force=metropolitan&date=2024-09")
		var unlocated []map[string]any
		byStreet := map[float64][]map[string]any{}
		for _, r := range all {
			if r["location"] == nil {
				unlocated = append(unlocated, r)
				continue
			}
			id := r["location"].(map[string]any)["street"].(map[string]any)["id"].(float64)
			byStreet[id] = append(byStreet[id], r)
		}
		got := s.records(t, "/api/stops-no-location?force=metropolitan&date=2024-09")
		if d := apitest.Diff(got, unlocated); d != "" || len(got) != 117 {
			t.Errorf("stops-no-location: %d records (data.police.uk had 117): %s", len(got), d)
		}
		// The busiest map point of the month.
		var busiest float64
		for id, rs := range byStreet {
			if len(rs) > len(byStreet[busiest]) {
				busiest = id
			}
		}
		id := strconv.FormatFloat(busiest, 'f', -1, 64)
		got = s.records(t, "/api/stops-at-location?date=2024-09&location_id="+id)
		if d := apitest.Diff(got, byStreet[busiest]); d != "" || len(got) < 2 {
			t.Errorf("stops-at-location %s: %d records: %s", id, len(got), d)
		}
		// A point of the archive CSV, which carries no street id: Charter's
		// made id finds it again.
		arch := s.records(t, "/api/stops-force?force=metropolitan&date=2022-03")
		var made map[string]any
		for _, r := range arch {
			if r["location"] != nil {
				made = r
				break
			}
		}
		mid := made["location"].(map[string]any)["street"].(map[string]any)["id"].(float64)
		if mid < 1<<50 {
			t.Fatalf("archive stop has street id %v, want a made one (≥ 2^50)", mid)
		}
		got = s.records(t, "/api/stops-at-location?date=2022-03&location_id="+strconv.FormatFloat(mid, 'f', -1, 64))
		var want []map[string]any
		for _, r := range arch {
			if r["location"] != nil && r["location"].(map[string]any)["street"].(map[string]any)["id"].(float64) == mid {
				want = append(want, r)
			}
		}
		if d := apitest.Diff(got, want); d != "" {
			t.Errorf("stops-at-location by a made id: %s", d)
		}
	})

	t.Run("crimes-street equals the street-level CSV", func(t *testing.T) {
		const lat, lng = 51.5155, -0.0922 // Guildhall
		for _, cat := range []string{"all-crime", "possession-of-weapons", "violent-crime"} {
			want := streetCSV(t, "police-uk/2023-05-city-of-london-street.csv.gz", cat, func(la, ln float64) bool {
				return cosineDistance(lat, lng, la, ln) <= 1609.344
			})
			got := s.records(t, "/api/crimes-street/"+cat+"?lat=51.5155&lng=-0.0922&date=2023-05")
			shaped(t, crimeShape, got, "category", "month", "location")
			var projected []map[string]any
			for _, r := range got {
				projected = append(projected, projectCrime(r))
			}
			if len(want) == 0 {
				t.Fatalf("%s: no crimes in the CSV near Guildhall", cat)
			}
			if d := apitest.Diff(projected, want); d != "" {
				t.Errorf("%s: %s", cat, d)
			}
		}
	})

	t.Run("lists", func(t *testing.T) {
		var dates []struct {
			Date string   `json:"date"`
			SAS  []string `json:"stop-and-search"`
		}
		s.getJSON(t, "/api/crimes-street-dates", &dates)
		if len(dates) == 0 || dates[0].Date != "2025-04" || !slices.Equal(dates[0].SAS, []string{"metropolitan"}) {
			t.Fatalf("crimes-street-dates begins %+v, want 2025-04 with metropolitan", dates[:min(1, len(dates))])
		}
		months := map[string][]string{}
		for i, d := range dates {
			if i > 0 && d.Date >= dates[i-1].Date {
				t.Errorf("crimes-street-dates not newest first at %s", d.Date)
			}
			months[d.Date] = d.SAS
		}
		if sas, ok := months["2023-05"]; !ok || len(sas) != 0 {
			t.Errorf("2023-05 (street crimes, no stops): %v, %v", sas, ok)
		}
		if sas := months["2021-06"]; !slices.Equal(sas, []string{"metropolitan"}) {
			t.Errorf("2021-06: %v, want metropolitan", sas)
		}
		// The latest month is the default.
		latest := s.records(t, "/api/stops-no-location?force=metropolitan")
		want := s.records(t, "/api/stops-no-location?force=metropolitan&date=2025-04")
		if d := apitest.Diff(latest, want); d != "" || len(want) == 0 {
			t.Errorf("no date is not the latest month: %s", d)
		}
	})

	t.Run("every endpoint as a client", func(t *testing.T) { testPoliceClient(t, s) })
	t.Run("docs page", func(t *testing.T) { testAPIDocs(t, s) })
}

// records fetches a list of records that must answer 200.
func (s *site) records(t *testing.T, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	s.getJSON(t, path, &out)
	return out
}

func goldenRecords(t *testing.T, name string) []map[string]any {
	t.Helper()
	rs, err := apitest.Records(name)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// gzJSON reads a bundled gzip JSON list.
func gzJSON(t *testing.T, name string) []map[string]any {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.NewDecoder(zr).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// archiveMonth reads one month of the bundled archive zip, each row as the
// fields of an API record that the CSV carries.
func archiveMonth(t *testing.T, month string) []map[string]any {
	t.Helper()
	b, err := data.FS.ReadFile("police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(month + "/" + month + "-metropolitan-stop-and-search.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []map[string]any
	for _, row := range rows[1:] {
		v := func(h string) any {
			if s := row[col[h]]; s != "" {
				return s
			}
			return nil
		}
		tri := func(h string) any {
			switch row[col[h]] {
			case "True":
				return true
			case "False":
				return false
			}
			return nil
		}
		r := map[string]any{
			"type": v("Type"), "datetime": v("Date"), "operation": tri("Part of a policing operation"),
			"operation_name": v("Policing operation"), "gender": v("Gender"), "age_range": v("Age range"),
			"self_defined_ethnicity": v("Self-defined ethnicity"), "officer_defined_ethnicity": v("Officer-defined ethnicity"),
			"legislation": v("Legislation"), "object_of_search": v("Object of search"), "outcome": v("Outcome"),
			"outcome_linked_to_object_of_search":  tri("Outcome linked to object of search"),
			"removal_of_more_than_outer_clothing": tri("Removal of more than just outer clothing"),
			"latitude":                            num(row[col["Latitude"]]), "longitude": num(row[col["Longitude"]]),
		}
		out = append(out, r)
	}
	return out
}

func num(s string) any {
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return math.Round(v*1e6) / 1e6
}

// project keeps the fields of an API record that the archive CSV carries,
// with coordinates as numbers; it checks on the way what the CSV cannot
// say: involved_person follows the type, and the outcome's id its name.
func project(r map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"type", "datetime", "operation", "operation_name", "gender", "age_range",
		"self_defined_ethnicity", "officer_defined_ethnicity", "legislation", "object_of_search", "outcome",
		"outcome_linked_to_object_of_search", "removal_of_more_than_outer_clothing"} {
		out[k] = r[k]
	}
	out["latitude"], out["longitude"] = nil, nil
	if loc, ok := r["location"].(map[string]any); ok {
		out["latitude"], out["longitude"] = num(loc["latitude"].(string)), num(loc["longitude"].(string))
	}
	if want := r["type"] != "Vehicle search"; r["involved_person"] != want {
		out["involved_person"] = r["involved_person"] // shows up in the diff
	}
	if o, ok := r["outcome_object"].(map[string]any); ok {
		if known, _ := charter.LookupOutcome(o["name"].(string)); o["name"] != r["outcome"] || o["id"] != known.ID {
			out["outcome_object"] = o
		}
	}
	return out
}

func latLng(r map[string]any) (float64, float64) {
	loc := r["location"].(map[string]any)
	la, _ := strconv.ParseFloat(loc["latitude"].(string), 64)
	ln, _ := strconv.ParseFloat(loc["longitude"].(string), 64)
	return la, ln
}

// cosineDistance is the great-circle distance in metres by the spherical law
// of cosines (the API measures by the haversine formula).
func cosineDistance(lat1, lng1, lat2, lng2 float64) float64 {
	r := math.Pi / 180
	c := math.Sin(lat1*r)*math.Sin(lat2*r) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Cos((lng2-lng1)*r)
	return 6371008.8 * math.Acos(math.Min(1, c))
}

// streetCSV reads a bundled street-level crime CSV: the crimes of a category
// (an API slug, or all-crime) at points where keep says yes, each as the
// fields of an API record that the CSV carries.
func streetCSV(t *testing.T, name, category string, keep func(lat, lng float64) bool) []map[string]any {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []map[string]any
	for _, row := range rows[1:] {
		la, err1 := strconv.ParseFloat(row[col["Latitude"]], 64)
		ln, err2 := strconv.ParseFloat(row[col["Longitude"]], 64)
		if err1 != nil || err2 != nil || !keep(la, ln) {
			continue
		}
		slug := charter.CrimeCategoryURL(row[col["Crime type"]])
		if category != "all-crime" && slug != category {
			continue
		}
		var outcome any
		if o := row[col["Last outcome category"]]; o != "" {
			outcome = o
		}
		out = append(out, map[string]any{"category": slug, "month": row[col["Month"]],
			"persistent_id": row[col["Crime ID"]], "latitude": num(row[col["Latitude"]]), "longitude": num(row[col["Longitude"]]),
			"street": strings.TrimSpace(row[col["Location"]]), "outcome": outcome, "context": row[col["Context"]]})
	}
	return out
}

// projectCrime keeps the fields of an API crime that the CSV carries.
func projectCrime(r map[string]any) map[string]any {
	loc := r["location"].(map[string]any)
	var outcome any
	if o, ok := r["outcome_status"].(map[string]any); ok {
		outcome = o["category"]
	}
	return map[string]any{"category": r["category"], "month": r["month"], "persistent_id": r["persistent_id"],
		"latitude": num(loc["latitude"].(string)), "longitude": num(loc["longitude"].(string)),
		"street": loc["street"].(map[string]any)["name"], "outcome": outcome, "context": r["context"]}
}
