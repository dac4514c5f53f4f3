package policeapi_test

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/policeapi"
	"github.com/stopsearch/charter/internal/policeapi/apitest"
	"github.com/stopsearch/charter/internal/storetest"
)

// The golden files, imported as data.police.uk published them.
const (
	metFile  = "stops-force-metropolitan-2024-09.json"
	cityFile = "stops-city-of-london-2023-01.json"
)

// server imports the golden stop files into a fresh store and serves the API
// over it.
func server(t *testing.T) string {
	t.Helper()
	return serve(t, apitest.Golden, "golden/"+metFile, "golden/"+cityFile)
}

// serve imports files into a fresh store and serves the API over it.
func serve(t *testing.T, fsys fs.FS, names ...string) string {
	t.Helper()
	st := storetest.Open(t)
	rs, err := (&importer.Importer{Store: st}).ImportFS(context.Background(), fsys, names)
	if err != nil {
		t.Fatal(err)
	}
	if s := importer.Summarise(rs); s.Imported != len(names) || s.Rejects+s.Refused > 0 {
		t.Fatalf("import of %v: %+v", names, s)
	}
	mux := http.NewServeMux()
	policeapi.New(st).Register(mux, nil)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

func golden(t *testing.T, name string) []map[string]any {
	t.Helper()
	rs, err := apitest.Records(name)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// call asks the API and returns the status and the body.
func call(t *testing.T, method, u string, form url.Values) (int, []byte) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = http.PostForm(u, form)
	} else {
		resp, err = http.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// records asks for a list of records that must answer 200.
func records(t *testing.T, u string) []map[string]any {
	t.Helper()
	code, b := call(t, http.MethodGet, u, nil)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, code, b)
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("GET %s: %v: %.200s", u, err, b)
	}
	if out == nil {
		t.Fatalf("GET %s: null, want a list", u)
	}
	return out
}

func located(rs []map[string]any, want bool) []map[string]any {
	var out []map[string]any
	for _, r := range rs {
		if (r["location"] != nil) == want {
			out = append(out, r)
		}
	}
	return out
}

// TestStopsRoundTrip: what data.police.uk published comes back from Charter
// exactly, record for record (values, spellings, nulls, street ids), by
// every stops endpoint.
func TestStopsRoundTrip(t *testing.T) {
	base := server(t) + "/api/"
	met, city := golden(t, metFile), golden(t, cityFile)
	shape := apitest.ShapeOf(append(append([]map[string]any{}, met...), city...))

	cases := []struct {
		name, path string
		want       []map[string]any
	}{
		{"stops-force", "stops-force?force=metropolitan&date=2024-09", met},
		{"stops-force with nulls", "stops-force?force=city-of-london&date=2023-01", city},
		{"stops-force, latest month", "stops-force?force=metropolitan", met},
		{"stops-no-location", "stops-no-location?force=metropolitan&date=2024-09", located(met, false)},
		{"stops-no-location with nulls", "stops-no-location?force=city-of-london&date=2023-01", located(city, false)},
		{"stops-force, a force with nothing that month", "stops-force?force=kent&date=2023-01", nil},
		{"stops-at-location", "stops-at-location?location_id=1490914&date=2023-01", atStreet(city, 1490914)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := records(t, base+c.path)
			if d := apitest.Diff(got, c.want); d != "" {
				t.Errorf("GET %s: %s", c.path, d)
			}
			for i, r := range got {
				if p := shape.Check(r, "datetime", "type"); len(p) > 0 {
					t.Errorf("record %d is not shaped as data.police.uk's: %v", i, p)
				}
			}
		})
	}
	if n := len(atStreet(city, 1490914)); n == 0 {
		t.Fatal("the golden file has no stop at street 1490914: the stops-at-location case tests nothing")
	}
}

func atStreet(rs []map[string]any, id float64) []map[string]any {
	var out []map[string]any
	for _, r := range located(rs, true) {
		if r["location"].(map[string]any)["street"].(map[string]any)["id"] == id {
			out = append(out, r)
		}
	}
	return out
}

// distance is the great-circle distance in metres by the spherical law of
// cosines (the API uses the haversine formula; two formulas agree to well
// under a metre at these distances).
func distance(lat1, lng1, lat2, lng2 float64) float64 {
	r := math.Pi / 180
	c := math.Sin(lat1*r)*math.Sin(lat2*r) + math.Cos(lat1*r)*math.Cos(lat2*r)*math.Cos((lng2-lng1)*r)
	return 6371008.8 * math.Acos(math.Min(1, c))
}

func coords(r map[string]any) (float64, float64) {
	loc := r["location"].(map[string]any)
	lat, _ := strconv.ParseFloat(loc["latitude"].(string), 64)
	lng, _ := strconv.ParseFloat(loc["longitude"].(string), 64)
	return lat, lng
}

// TestStopsStreet: within one mile of a point, and inside a polygon given by
// GET or by POST, against the golden records measured independently.
func TestStopsStreet(t *testing.T) {
	base := server(t) + "/api/"
	city := located(golden(t, cityFile), true)
	const lat, lng = 51.5155, -0.0922 // Guildhall
	var near, far []map[string]any
	for _, r := range city {
		la, ln := coords(r)
		d := distance(lat, lng, la, ln)
		if math.Abs(d-1609.344) < 1 {
			t.Fatalf("a golden point is within a metre of the mile (%.2f m): move the centre", d)
		}
		if d <= 1609.344 {
			near = append(near, r)
		} else {
			far = append(far, r)
		}
	}
	if len(near) == 0 {
		t.Fatal("no golden stop within a mile of the centre: the test tests nothing")
	}
	got := records(t, base+"stops-street?lat=51.5155&lng=-0.0922&date=2023-01")
	if d := apitest.Diff(got, near); d != "" {
		t.Errorf("within a mile: %s (%d stops lie further out)", d, len(far))
	}

	// A triangle west of Bishopsgate; its edges are between map points.
	poly := [][2]float64{{51.5200, -0.0900}, {51.5100, -0.0900}, {51.5150, -0.0780}}
	var inside []map[string]any
	for _, r := range city {
		la, ln := coords(r)
		if inTriangle(poly, la, ln) {
			inside = append(inside, r)
		}
	}
	if len(inside) == 0 || len(inside) == len(city) {
		t.Fatalf("%d of %d golden stops in the triangle: the test cannot tell inside from out", len(inside), len(city))
	}
	var parts []string
	for _, p := range poly {
		parts = append(parts, strconv.FormatFloat(p[0], 'f', -1, 64)+","+strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	ps := strings.Join(parts, ":")
	got = records(t, base+"stops-street?date=2023-01&poly="+ps)
	if d := apitest.Diff(got, inside); d != "" {
		t.Errorf("GET poly: %s", d)
	}
	code, b := call(t, http.MethodPost, base+"stops-street", url.Values{"poly": {ps}, "date": {"2023-01"}})
	var posted []map[string]any
	if code != 200 || json.Unmarshal(b, &posted) != nil {
		t.Fatalf("POST poly: %d %.200s", code, b)
	}
	if d := apitest.Diff(posted, inside); d != "" {
		t.Errorf("POST poly: %s", d)
	}
}

// inTriangle tests a point against a triangle by the signs of cross
// products (independent of the API's ray casting).
func inTriangle(t [][2]float64, lat, lng float64) bool {
	sign := func(a, b [2]float64) float64 {
		return (lng-b[1])*(a[0]-b[0]) - (a[1]-b[1])*(lat-b[0])
	}
	d1, d2, d3 := sign(t[0], t[1]), sign(t[1], t[2]), sign(t[2], t[0])
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

// TestErrors: the statuses data.police.uk gives, with no body (its clients
// decode any body as what they asked for) and a header that says what was
// wrong.
func TestErrors(t *testing.T) {
	base := server(t) + "/api/"
	longPoly := strings.Repeat("51.51,-0.09:", 400) + "51.52,-0.08:51.51,-0.08"
	tooLong := strings.Repeat("51.51,-0.09:", policeapi.MaxPolyPoints-2) + "51.52,-0.08:51.51,-0.08:51.5,-0.08"
	cases := []struct {
		method, path string
		form         url.Values
		status       int
		says         string
	}{
		{"GET", "stops-force?date=2024-09", nil, 400, "force is required"},
		{"GET", "stops-force?force=atlantis&date=2024-09", nil, 404, "atlantis"},
		{"GET", "stops-force?force=metropolitan&date=2024-9", nil, 400, "YYYY-MM"},
		{"GET", "stops-force?force=metropolitan&date=2030-01", nil, 404, "2023-01 to 2024-09"},
		{"GET", "stops-force?force=metropolitan&date=2022-12", nil, 404, "2022-12"},
		{"GET", "stops-no-location?date=2024-09", nil, 400, "force"},
		{"GET", "stops-street?date=2024-09", nil, 400, "lat and lng, or poly"},
		{"GET", "stops-street?lat=51.5&date=2024-09", nil, 400, "lng is required"},
		{"GET", "stops-street?lat=151.5&lng=0&date=2024-09", nil, 400, "lat"},
		{"GET", "stops-street?poly=51.5,-0.1:51.6,-0.1&date=2024-09", nil, 400, "three"},
		{"GET", "stops-street?poly=51.5,-0.1:51.6:51.6,0&date=2024-09", nil, 400, "point 2"},
		{"GET", "stops-street?date=2023-01&poly=" + longPoly, nil, 400, "POST"},
		// NaN is a number to strconv, and no comparison with a bound holds
		// for it: it was taken as a coordinate.
		{"GET", "stops-street?lat=NaN&lng=-0.1&date=2024-09", nil, 400, "lat"},
		{"GET", "stops-street?lat=51.5&lng=nan&date=2024-09", nil, 400, "lng"},
		{"GET", "stops-street?lat=%2BInf&lng=-0.1&date=2024-09", nil, 400, "lat"},
		{"GET", "stops-street?lat=51.5&lng=-Infinity&date=2024-09", nil, 400, "lng"},
		{"GET", "crimes-street/all-crime?lat=NaN&lng=NaN", nil, 400, "lat"},
		{"GET", "crimes-at-location?lat=NaN&lng=-0.1", nil, 400, "lat"},
		{"GET", "outcomes-at-location?lat=51.5&lng=NaN", nil, 400, "lng"},
		{"GET", "locate-neighbourhood?q=NaN,-0.1", nil, 400, "latitude"},
		{"GET", "locate-neighbourhood?q=51.5,NaN", nil, 400, "longitude"},
		{"GET", "stops-street?poly=NaN,-0.1:51.6,-0.1:51.6,0&date=2024-09", nil, 400, "point 1"},
		{"POST", "stops-street", url.Values{"poly": {"51.5,-0.1:51.6,NaN:51.6,0"}}, 400, "point 2"},
		{"POST", "stops-street", url.Values{"poly": {tooLong}, "date": {"2023-01"}}, 400, "at most 10000"},
		{"POST", "crimes-street/all-crime", url.Values{"poly": {tooLong}}, 400, "at most 10000"},
		{"POST", "outcomes-at-location", url.Values{"poly": {tooLong}}, 400, "at most 10000"},
		{"GET", "stops-at-location?date=2023-01", nil, 400, "location_id"},
		{"GET", "stops-at-location?location_id=abc", nil, 400, "location_id"},
		{"GET", "crimes-street/no-such-crime?lat=51.5&lng=-0.1", nil, 404, "no-such-crime"},
		{"GET", "crimes-street/all-crime?lat=51.5&lng=-0.1&date=2031-01", nil, 404, "2031-01"},
		{"GET", "crimes-no-location?category=all-crime&date=2024-09", nil, 400, "force"},
		{"GET", "crimes-no-location?category=nope&force=kent&date=2024-09", nil, 404, "nope"},
		{"GET", "crimes-at-location?date=2024-09", nil, 400, "location_id"},
		{"GET", "outcomes-at-location?date=2024-09", nil, 400, "location_id"},
		{"GET", "outcomes-for-crime/abc", nil, 404, "abc"},
		{"GET", "forces/atlantis", nil, 404, "atlantis"},
		{"GET", "forces/atlantis/people", nil, 404, "atlantis"},
		{"GET", "atlantis/neighbourhoods", nil, 404, "atlantis"},
		{"GET", "metropolitan/E05000001", nil, 404, "E05000001"},
		{"GET", "metropolitan/E05000001/boundary", nil, 404, "E05000001"},
		{"GET", "locate-neighbourhood?q=51.5", nil, 400, "lat,lng"},
		{"GET", "locate-neighbourhood?q=51.5,-0.1", nil, 404, "51.5,-0.1"},
		{"GET", "crime-categories?date=May", nil, 400, "YYYY-MM"},
		{"GET", "no-such-method", nil, 404, "no-such-method"},
		{"GET", "forces/metropolitan/nothing/here", nil, 404, "forces/metropolitan/nothing/here"},
		{"POST", "forces", url.Values{}, 405, "GET"},
	}
	for _, c := range cases {
		resp := do(t, c.method, base+c.path, c.form)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		why := resp.Header.Get(policeapi.ErrorHeader)
		if resp.StatusCode != c.status || !strings.Contains(why, c.says) || len(b) != 0 {
			t.Errorf("%s %.80s: %d %q %.200s, want %d saying %q and no body", c.method, c.path, resp.StatusCode, why, b, c.status, c.says)
		}
	}
	// A long polygon by POST, a month inside the range that holds nothing,
	// and a missing date where nothing of the kind is held answer lists.
	for _, c := range []struct {
		method, path string
		form         url.Values
	}{
		{"POST", "stops-street", url.Values{"poly": {longPoly}, "date": {"2023-01"}}},
		{"POST", "stops-street", url.Values{"poly": {tooLong[len("51.51,-0.09:"):]}, "date": {"2023-01"}}}, // the most points taken
		{"GET", "stops-force?force=metropolitan&date=2023-06", nil},
		{"GET", "stops-street?lat=51.5&lng=-0.1&date=2024-01", nil},
		{"GET", "crimes-street/all-crime?lat=51.5&lng=-0.1", nil},
		{"GET", "crimes-street/all-crime?lat=51.5&lng=-0.1&date=2024-09", nil},
		{"GET", "crimes-no-location?force=kent", nil},
		{"GET", "crimes-at-location?location_id=1490914&date=2023-01", nil},
		{"GET", "outcomes-at-location?lat=51.5&lng=-0.1&date=2023-01", nil},
		{"GET", "forces/kent/people", nil},
		{"GET", "kent/neighbourhoods", nil},
	} {
		code, b := call(t, c.method, base+c.path, c.form)
		if code != 200 || (c.method == "GET" && string(b) != "[]") {
			t.Errorf("%s %.80s: %d %.200s, want 200 []", c.method, c.path, code, b)
		}
	}
}

func do(t *testing.T, method, u string, form url.Values) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestLists: forces, a force, crime categories and the months held.
func TestLists(t *testing.T) {
	base := server(t) + "/api/"
	var forces []map[string]any
	code, b := call(t, "GET", base+"forces", nil)
	if code != 200 || json.Unmarshal(b, &forces) != nil || len(forces) != 45 {
		t.Fatalf("forces: %d, %d forces: %.200s", code, len(forces), b)
	}
	found := false
	for _, f := range forces {
		if len(f) != 2 {
			t.Errorf("force %v: want exactly id and name", f)
		}
		found = found || f["id"] == "metropolitan" && f["name"] == "Metropolitan Police Service"
	}
	if !found {
		t.Error("forces: no metropolitan")
	}

	var met map[string]any
	code, b = call(t, "GET", base+"forces/metropolitan", nil)
	if code != 200 || json.Unmarshal(b, &met) != nil {
		t.Fatalf("forces/metropolitan: %d %s", code, b)
	}
	for _, k := range []string{"description", "url", "engagement_methods", "telephone", "id", "name"} {
		if _, ok := met[k]; !ok {
			t.Errorf("forces/metropolitan has no %s: %s", k, b)
		}
	}
	if met["id"] != "metropolitan" || met["telephone"] != "101" {
		t.Errorf("forces/metropolitan: %s", b)
	}

	var cats []map[string]string
	code, b = call(t, "GET", base+"crime-categories?date=2024-09", nil)
	if code != 200 || json.Unmarshal(b, &cats) != nil || len(cats) != 15 || cats[0]["url"] != "all-crime" {
		t.Fatalf("crime-categories: %d %s", code, b)
	}
	if cats[13]["url"] != "violent-crime" || cats[13]["name"] != "Violence and sexual offences" {
		t.Errorf("crime-categories: violent-crime is %v", cats[13])
	}

	var dates []map[string]any
	code, b = call(t, "GET", base+"crimes-street-dates", nil)
	if code != 200 || json.Unmarshal(b, &dates) != nil {
		t.Fatalf("crimes-street-dates: %d %s", code, b)
	}
	want := `[{"date":"2024-09","stop-and-search":["metropolitan"]},{"date":"2023-01","stop-and-search":["city-of-london"]}]`
	if string(b) != want {
		t.Errorf("crimes-street-dates = %s, want %s", b, want)
	}
	code, b = call(t, "GET", base+"crime-last-updated", nil)
	if code != 200 || string(b) != `{"date":"2024-09-01"}` {
		t.Errorf("crime-last-updated: %d %s", code, b)
	}
}
