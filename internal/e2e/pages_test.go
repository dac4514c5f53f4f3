package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// testPages asks for every public page as a browser without JavaScript
// would, and checks what must and must not be there.
func testPages(t *testing.T, s *site) {
	pages := []struct {
		path   string
		status int
		want   []string // substrings of the HTML
	}{
		{"/", 200, []string{"<h1>Stop and search: Metropolitan Police Service</h1>", `id="trend"`, `id="disproportionality"`, `id="subareas"`, "Barking and Dagenham", `data-geojson="/downloads/boroughs.geojson?force=metropolitan`}},
		{"/forces/metropolitan", 200, []string{"Stop and search: Metropolitan Police Service"}},
		{"/boroughs/E09000002", 200, []string{"Stop and search in Barking and Dagenham", `href="/wards/E05014066`, "Northbury", `id="weapon-crime"`}},
		{"/wards/E05014066", 200, []string{"Stop and search in Northbury ward", `id="comparison"`, `id="hotspot"`, "weapon-crime hotspot", `aria-current="page">Northbury`}},
		{"/rights", 200, []string{`id="gowisely"`, `id="complain"`, `id="your-record"`}},
		{"/downloads", 200, []string{"/downloads/stops.csv?force=metropolitan&amp;month=2022-03", "boroughs.geojson"}},
		{"/api/docs", 200, []string{"/api/openapi.json", "swagger-ui-bundle"}},
		{"/wards/E09000002", 404, []string{"There is no ward with the code E09000002."}},
		{"/boroughs/E05014066", 404, []string{"There is no borough with the code E05014066."}},
		{"/wards/NOPE", 404, []string{"There is no ward with the code NOPE."}},
		{"/boroughs/E09000002?from=2022-13&to=2022-05", 400, []string{"is not YYYY-MM"}},
		{"/boroughs/E09000002?from=2022-05&to=2021-06", 400, []string{"is after"}},
		{"/nowhere", 404, []string{"<title>Page not found · Charter</title>", `href="/rights"`, `href="/boroughs/E09000002"`}},
	}
	for _, p := range pages {
		code, ct, b := s.get(t, p.path)
		if code != p.status {
			t.Errorf("GET %s: %d, want %d: %.400s", p.path, code, p.status, b)
			continue
		}
		if p.status == 200 && !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: content type %q", p.path, ct)
		}
		for _, w := range p.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("GET %s: no %q", p.path, w)
			}
		}
	}

	// The incomplete Met API months are shown as such wherever the trend is.
	_, _, home := s.get(t, "/")
	row := regexp.MustCompile(`<tr data-flag="([^"]*)"><th scope="row">2024-09</th>`).FindSubmatch(home)
	if row == nil || !strings.Contains(string(row[1]), "incomplete") {
		t.Errorf("home: the 2024-09 trend row is not flagged incomplete (%q)", row)
	}
	// 2023-01 is inside the run of months without data: one gap row.
	missing := regexp.MustCompile(`<th scope="row">2022-12 to 2024-08</th><td class="num">no data</td>`)
	if !missing.Match(home) {
		t.Error("home: the months without data published (2022-12 to 2024-08) are not shown as one gap")
	}

	// A period over the incomplete months says loudly that it undercounts;
	// the default period has no such month.
	if strings.Contains(string(home), `data-figure="undercount"`) {
		t.Error("home: the default period is flagged as undercounting")
	}
	_, _, api := s.get(t, "/?from=2024-09&to=2025-04")
	if !strings.Contains(string(api), `data-figure="undercount"`) || !strings.Contains(string(api), "2024-09 to 2025-04") {
		t.Error("home over 2024-09 to 2025-04 does not warn that its months are incomplete")
	}

	// Static files are content-hashed and cached for a year.
	css := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/css/charter.css)"`).FindSubmatch(home)
	if css == nil {
		t.Fatal("home: no hashed stylesheet link")
	}
	resp, err := http.Get(s.url + string(css[1]))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("stylesheet: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}

	// Public answers are cached: the second ask is a hit.
	for i, want := range []string{"", "hit"} {
		resp, err := http.Get(s.url + "/boroughs/E09000030")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if i == 1 && resp.Header.Get("X-Cache") != want {
			t.Errorf("second GET of a borough page: X-Cache %q, want hit", resp.Header.Get("X-Cache"))
		}
	}
}

// testPrivacy checks that no public page or data answer carries a field
// that could identify a person or an officer. The OpenAPI document is not
// among them: it describes the officers' device API too, whose records take
// grounds as input; internal/server's TestNothingPersonalInPublic follows a
// record's grounds, registration, contact and officer through every public
// answer, before and after its month is published.
func testPrivacy(t *testing.T, s *site) {
	forbidden := []string{"officer_id", "grounds", "receipt_ref", "authorisation_id", "officer_name", "collar"}
	for _, p := range []string{"/", "/boroughs/E09000002", "/wards/E05014066", "/api/v1/areas/E05014066/profile",
		"/api/v1/wards/E05014066", "/api/v1/precision", "/downloads/stops.csv?force=metropolitan&month=2024-09",
		"/api/stops-force?force=metropolitan&date=2024-09", "/api/stops-street?date=2022-03&lat=51.5133&lng=-0.0890",
		"/api/stops-no-location?force=metropolitan&date=2025-01", "/api/crimes-street/all-crime?date=2023-05&lat=51.5155&lng=-0.0922"} {
		code, _, b := s.get(t, p)
		if code != 200 || len(b) < 1000 {
			t.Errorf("GET %s: %d with %d bytes: the privacy check would check nothing", p, code, len(b))
		}
		low := strings.ToLower(string(b))
		for _, f := range forbidden {
			if strings.Contains(low, f) {
				t.Errorf("GET %s holds %q", p, f)
			}
		}
	}
}
