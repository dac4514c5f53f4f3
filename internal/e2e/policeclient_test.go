package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The shapes data.police.uk documents for its answers, written here from
// its documentation (not from Charter's types) as a client library would
// write them: a pointer where data.police.uk may give null.
type (
	pForce struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	pForceDetail struct {
		Description       *string `json:"description"`
		URL               *string `json:"url"`
		EngagementMethods []struct {
			URL         string  `json:"url"`
			Description *string `json:"description"`
			Title       string  `json:"title"`
		} `json:"engagement_methods"`
		Telephone string `json:"telephone"`
		ID        string `json:"id"`
		Name      string `json:"name"`
	}
	pOfficer struct {
		Bio            *string           `json:"bio"`
		ContactDetails map[string]string `json:"contact_details"`
		Name           string            `json:"name"`
		Rank           string            `json:"rank"`
	}
	pLocation struct {
		Latitude string `json:"latitude"`
		Street   struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"street"`
		Longitude string `json:"longitude"`
	}
	pOutcomeCrime struct {
		Category        string     `json:"category"`
		PersistentID    string     `json:"persistent_id"`
		LocationSubtype string     `json:"location_subtype"`
		LocationType    *string    `json:"location_type"`
		Location        *pLocation `json:"location"`
		Context         string     `json:"context"`
		Month           string     `json:"month"`
		ID              int64      `json:"id"`
	}
	pCrime struct {
		Category      string     `json:"category"`
		LocationType  *string    `json:"location_type"`
		Location      *pLocation `json:"location"`
		Context       string     `json:"context"`
		OutcomeStatus *struct {
			Category string  `json:"category"`
			Date     *string `json:"date"`
		} `json:"outcome_status"`
		PersistentID    string `json:"persistent_id"`
		ID              int64  `json:"id"`
		LocationSubtype string `json:"location_subtype"`
		Month           string `json:"month"`
	}
	pOutcomeCategory struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	pCrimeOutcome struct {
		Category pOutcomeCategory `json:"category"`
		Date     *string          `json:"date"`
		PersonID *int64           `json:"person_id"`
	}
	pOutcome struct {
		pCrimeOutcome
		Crime pOutcomeCrime `json:"crime"`
	}
	pCrimeOutcomes struct {
		Crime    pOutcomeCrime   `json:"crime"`
		Outcomes []pCrimeOutcome `json:"outcomes"`
	}
	pCategory struct {
		URL  string `json:"url"`
		Name string `json:"name"`
	}
	pLastUpdated struct {
		Date string `json:"date"`
	}
	pNeighbourhoodRef struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	pLatLng struct {
		Latitude  string `json:"latitude"`
		Longitude string `json:"longitude"`
	}
	pNeighbourhood struct {
		URLForce       *string           `json:"url_force"`
		ContactDetails map[string]string `json:"contact_details"`
		Name           string            `json:"name"`
		Links          []struct {
			URL         string  `json:"url"`
			Description *string `json:"description"`
			Title       string  `json:"title"`
		} `json:"links"`
		Centre    pLatLng `json:"centre"`
		Locations []struct {
			Name        *string `json:"name"`
			Latitude    *string `json:"latitude"`
			Longitude   *string `json:"longitude"`
			Postcode    *string `json:"postcode"`
			Address     *string `json:"address"`
			Type        *string `json:"type"`
			Description *string `json:"description"`
		} `json:"locations"`
		Description *string `json:"description"`
		ID          string  `json:"id"`
		Population  string  `json:"population"`
	}
	pEvent struct {
		ContactDetails map[string]string `json:"contact_details"`
		Description    *string           `json:"description"`
		Title          string            `json:"title"`
		Address        *string           `json:"address"`
		Type           *string           `json:"type"`
		StartDate      string            `json:"start_date"`
		EndDate        *string           `json:"end_date"`
	}
	pPriority struct {
		Action     *string `json:"action"`
		IssueDate  string  `json:"issue-date"`
		ActionDate *string `json:"action-date"`
		Issue      string  `json:"issue"`
	}
	pLocated struct {
		Force         string `json:"force"`
		Neighbourhood string `json:"neighbourhood"`
	}
	pStop struct {
		AgeRange             *string `json:"age_range"`
		Outcome              *string `json:"outcome"`
		InvolvedPerson       bool    `json:"involved_person"`
		SelfDefinedEthnicity *string `json:"self_defined_ethnicity"`
		Gender               *string `json:"gender"`
		Legislation          *string `json:"legislation"`
		OutcomeLinked        *bool   `json:"outcome_linked_to_object_of_search"`
		Datetime             string  `json:"datetime"`
		Removal              *bool   `json:"removal_of_more_than_outer_clothing"`
		OutcomeObject        *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"outcome_object"`
		Location                *pLocation `json:"location"`
		Operation               *bool      `json:"operation"`
		OfficerDefinedEthnicity *string    `json:"officer_defined_ethnicity"`
		Type                    string     `json:"type"`
		OperationName           *string    `json:"operation_name"`
		ObjectOfSearch          *string    `json:"object_of_search"`
	}
	pMonth struct {
		Date          string   `json:"date"`
		StopAndSearch []string `json:"stop-and-search"`
	}
)

// policeClient calls the data.police.uk-compatible API as a client library
// does, decodes every answer strictly into the documented shape, and checks
// it against the OpenAPI document.
type policeClient struct {
	s      *site
	schema *jsonschema.Compiler
	base   string
	called map[string]bool // documented path templates called
}

// call asks path (under /api/) by GET, or by POST with form, for the
// documented path template tmpl, and returns the status and body. A 200 is
// checked against the document's schema for tmpl; any other status must
// come with no body, as data.police.uk's errors (a client decodes the body
// whatever the status, and only an empty one never fails), and a reason.
func (c *policeClient) call(t *testing.T, tmpl, path string, form url.Values) (int, []byte) {
	t.Helper()
	c.called["/api/"+tmpl] = true
	method := http.MethodGet
	var resp *http.Response
	var err error
	if form != nil {
		method = http.MethodPost
		resp, err = http.PostForm(c.s.url+"/api/"+path, form)
	} else {
		resp, err = http.Get(c.s.url + "/api/" + path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("%s %s: not open to other sites' scripts", method, path)
	}
	if resp.StatusCode != 200 {
		if len(b) != 0 || resp.Header.Get("X-Error-Detail") == "" {
			t.Errorf("%s %s: %d with body %.200q and reason %q: want no body and a reason", method, path, resp.StatusCode, b, resp.Header.Get("X-Error-Detail"))
		}
		return resp.StatusCode, b
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	ptr := "#/paths/" + strings.ReplaceAll(strings.ReplaceAll("/api/"+tmpl, "~", "~0"), "/", "~1") +
		"/" + strings.ToLower(method) + "/responses/200/content/application~1json/schema"
	sch, err := c.schema.Compile("https://charter.test/openapi.json" + ptr)
	if err != nil {
		t.Fatalf("%s: compile %s: %v", tmpl, ptr, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s %s does not match the document's schema: %v", method, path, err)
	}
	return 200, b
}

// get asks for a 200 answer decoded strictly into T.
func get[T any](t *testing.T, c *policeClient, tmpl, path string) T {
	t.Helper()
	return post[T](t, c, tmpl, path, nil)
}

func post[T any](t *testing.T, c *policeClient, tmpl, path string, form url.Values) T {
	t.Helper()
	code, b := c.call(t, tmpl, path, form)
	if code != 200 {
		t.Fatalf("%s: %d", path, code)
	}
	return strict[T](t, path, b)
}

// fails asks for an error answer with the status.
func (c *policeClient) fails(t *testing.T, tmpl, path string, status int) {
	t.Helper()
	if code, b := c.call(t, tmpl, path, nil); code != status {
		t.Errorf("%s: %d %.200s, want %d", path, code, b, status)
	}
}

// strict decodes b into T as a strict client: a key T does not know fails,
// a key T has is missing fails, and a value of another JSON type than T's
// field (null where T cannot hold null included) fails.
func strict[T any](t *testing.T, path string, b []byte) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: does not decode as %T: %v: %.300s", path, v, err, b)
	}
	var raw, back any
	again, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &raw)
	_ = json.Unmarshal(again, &back)
	if d := sameShape("", raw, back); d != "" {
		t.Fatalf("%s: not shaped as %T: %s", path, v, d)
	}
	return v
}

// sameShape compares two decoded JSON values by kinds and keys, not values.
func sameShape(at string, got, want any) string {
	kind := func(v any) string { return fmt.Sprintf("%T", v) }
	if kind(got) != kind(want) {
		return fmt.Sprintf("%s is %s, want %s", orTop(at), kind(got), kind(want))
	}
	switch g := got.(type) {
	case map[string]any:
		w := want.(map[string]any)
		for k := range w {
			if _, ok := g[k]; !ok {
				return fmt.Sprintf("%s.%s is missing", orTop(at), k)
			}
		}
		for k := range g {
			if d := sameShape(at+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
	case []any:
		for i := range g {
			if d := sameShape(fmt.Sprintf("%s[%d]", at, i), g[i], want.([]any)[i]); d != "" {
				return d
			}
		}
	}
	return ""
}

func orTop(at string) string {
	if at == "" {
		return "the answer"
	}
	return at
}

// testPoliceClient calls every endpoint the OpenAPI document gives for the
// data.police.uk-compatible API, as a client library would, with known and
// unknown ids, months with records, months in range with none, and months
// outside the data.
func testPoliceClient(t *testing.T, s *site) {
	raw := s.getJSON(t, "/api/openapi.json", new(map[string]any))
	docJSON, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	comp := jsonschema.NewCompiler()
	comp.DefaultDraft(jsonschema.Draft2020)
	if err := comp.AddResource("https://charter.test/openapi.json", docJSON); err != nil {
		t.Fatal(err)
	}
	c := &policeClient{s: s, schema: comp, called: map[string]bool{}}

	// The months of the demo data: street crimes 2023-01 to 2023-12, stops
	// 2021-06 to 2022-11 and 2024-09 to 2025-04. 2024-01 is inside the range
	// and holds nothing; 2030-01 and 2019-01 are outside it.
	const inRangeEmpty, after, before = "2024-01", "2030-01", "2019-01"

	t.Run("forces", func(t *testing.T) {
		forces := get[[]pForce](t, c, "forces", "forces")
		if len(forces) != 45 {
			t.Errorf("%d forces, want data.police.uk's 45", len(forces))
		}
		met := get[pForceDetail](t, c, "forces/{id}", "forces/metropolitan")
		if met.ID != "metropolitan" || met.Name != "Metropolitan Police Service" || met.Telephone != "101" {
			t.Errorf("forces/metropolitan: %+v", met)
		}
		c.fails(t, "forces/{id}", "forces/atlantis", 404)
		if people := get[[]pOfficer](t, c, "forces/{id}/people", "forces/metropolitan/people"); len(people) != 0 {
			t.Errorf("senior officers: %d, Charter holds none", len(people))
		}
		c.fails(t, "forces/{id}/people", "forces/atlantis/people", 404)
	})

	var withOutcome pCrime // a crime near Guildhall with an outcome, for the outcome methods
	t.Run("crime", func(t *testing.T) {
		cats := get[[]pCategory](t, c, "crime-categories", "crime-categories?date=2023-05")
		if len(cats) != 15 || cats[0].URL != "all-crime" {
			t.Errorf("crime-categories: %+v", cats)
		}
		c.fails(t, "crime-categories", "crime-categories?date=May", 400)
		if lu := get[pLastUpdated](t, c, "crime-last-updated", "crime-last-updated"); lu.Date != "2025-04-01" {
			t.Errorf("crime-last-updated %q, want 2025-04-01 (the latest month held)", lu.Date)
		}

		const near = "lat=51.5155&lng=-0.0922"
		crimes := get[[]pCrime](t, c, "crimes-street/{category}", "crimes-street/all-crime?"+near+"&date=2023-05")
		if len(crimes) < 100 {
			t.Fatalf("%d crimes near Guildhall in 2023-05", len(crimes))
		}
		for _, cr := range crimes {
			if cr.OutcomeStatus != nil && cr.PersistentID != "" && withOutcome.ID == 0 {
				withOutcome = cr
			}
			if cr.Location == nil || cr.LocationType == nil || *cr.LocationType != "Force" || cr.Month != "2023-05" {
				t.Fatalf("crimes-street: %+v", cr)
			}
		}
		poly := "51.52,-0.10:51.52,-0.08:51.51,-0.08:51.51,-0.10"
		byPost := post[[]pCrime](t, c, "crimes-street/{category}", "crimes-street/burglary", url.Values{"poly": {poly}, "date": {"2023-05"}})
		byGet := get[[]pCrime](t, c, "crimes-street/{category}", "crimes-street/burglary?poly="+poly+"&date=2023-05")
		if len(byGet) == 0 || !reflect.DeepEqual(byGet, byPost) {
			t.Errorf("crimes-street by poly: %d by GET, %d by POST", len(byGet), len(byPost))
		}
		if got := get[[]pCrime](t, c, "crimes-street/{category}", "crimes-street/all-crime?"+near+"&date="+inRangeEmpty); len(got) != 0 {
			t.Errorf("crimes-street in %s: %d", inRangeEmpty, len(got))
		}
		c.fails(t, "crimes-street/{category}", "crimes-street/all-crime?"+near+"&date="+after, 404)
		c.fails(t, "crimes-street/{category}", "crimes-street/no-such-crime?"+near, 404)
		c.fails(t, "crimes-street/{category}", "crimes-street/all-crime?date=2023-05", 400)

		// crimes-at-location: by a map point's id, and by the map point
		// nearest a position.
		at := crimes[0].Location.Street.ID
		want := 0
		for _, cr := range crimes {
			if cr.Location.Street.ID == at {
				want++
			}
		}
		id := strconv.FormatInt(at, 10)
		got := get[[]pCrime](t, c, "crimes-at-location", "crimes-at-location?date=2023-05&location_id="+id)
		if len(got) != want {
			t.Errorf("crimes-at-location %s: %d crimes, crimes-street gave %d there", id, len(got), want)
		}
		loc := crimes[0].Location
		got = get[[]pCrime](t, c, "crimes-at-location", "crimes-at-location?date=2023-05&lat="+loc.Latitude+"&lng="+loc.Longitude)
		if len(got) != want {
			t.Errorf("crimes-at-location at %s,%s: %d crimes, want %d", loc.Latitude, loc.Longitude, len(got), want)
		}
		if got := get[[]pCrime](t, c, "crimes-at-location", "crimes-at-location?location_id="+id+"&date="+inRangeEmpty); len(got) != 0 {
			t.Errorf("crimes-at-location in %s: %d", inRangeEmpty, len(got))
		}
		c.fails(t, "crimes-at-location", "crimes-at-location?location_id="+id+"&date="+before, 404)
		c.fails(t, "crimes-at-location", "crimes-at-location?date=2023-05", 400)

		// crimes-no-location: the City of London Police's 27 crimes of
		// 2023-05 without a location (the street-level file's rows with no
		// coordinates).
		nl := get[[]pCrime](t, c, "crimes-no-location", "crimes-no-location?category=all-crime&force=city-of-london&date=2023-05")
		if len(nl) != 27 {
			t.Errorf("crimes-no-location: %d, the file has 27", len(nl))
		}
		for _, cr := range nl {
			if cr.Location != nil || cr.LocationType != nil {
				t.Fatalf("crimes-no-location: %+v", cr)
			}
		}
		if got := get[[]pCrime](t, c, "crimes-no-location", "crimes-no-location?category=all-crime&force=kent&date=2023-05"); len(got) != 0 {
			t.Errorf("crimes-no-location for kent: %d", len(got))
		}
		get[[]pCrime](t, c, "crimes-no-location", "crimes-no-location?category=all-crime&force=city-of-london&date="+inRangeEmpty)
		c.fails(t, "crimes-no-location", "crimes-no-location?category=all-crime&force=atlantis&date=2023-05", 404)
		c.fails(t, "crimes-no-location", "crimes-no-location?category=all-crime&force=city-of-london&date="+after, 404)
		c.fails(t, "crimes-no-location", "crimes-no-location?category=all-crime&date=2023-05", 400)
	})

	t.Run("outcomes", func(t *testing.T) {
		if withOutcome.ID == 0 {
			t.Fatal("no crime with an outcome near Guildhall")
		}
		oc := get[pCrimeOutcomes](t, c, "outcomes-for-crime/{persistent_id}", "outcomes-for-crime/"+withOutcome.PersistentID)
		if oc.Crime.PersistentID != withOutcome.PersistentID || len(oc.Outcomes) != 1 || oc.Outcomes[0].Category.Name != withOutcome.OutcomeStatus.Category || oc.Outcomes[0].Category.Code == "" {
			t.Errorf("outcomes-for-crime: %+v for %+v", oc, withOutcome)
		}
		c.fails(t, "outcomes-for-crime/{persistent_id}", "outcomes-for-crime/"+strings.Repeat("0", 64), 404)

		const near = "lat=51.5155&lng=-0.0922"
		outs := get[[]pOutcome](t, c, "outcomes-at-location", "outcomes-at-location?date=2023-05&"+near)
		if len(outs) < 50 {
			t.Errorf("outcomes-at-location near Guildhall: %d", len(outs))
		}
		for _, o := range outs {
			if o.Category.Code == "" || o.Category.Name == "" || o.Crime.Month != "2023-05" || o.Crime.Location == nil {
				t.Fatalf("outcomes-at-location: %+v", o)
			}
		}
		id := strconv.FormatInt(withOutcome.Location.Street.ID, 10)
		if got := get[[]pOutcome](t, c, "outcomes-at-location", "outcomes-at-location?date=2023-05&location_id="+id); len(got) == 0 {
			t.Errorf("outcomes-at-location at %s: none, but a crime there has an outcome", id)
		}
		poly := "51.52,-0.10:51.52,-0.08:51.51,-0.08:51.51,-0.10"
		if got := post[[]pOutcome](t, c, "outcomes-at-location", "outcomes-at-location", url.Values{"poly": {poly}, "date": {"2023-05"}}); len(got) == 0 {
			t.Error("outcomes-at-location by POST poly: none")
		}
		if got := get[[]pOutcome](t, c, "outcomes-at-location", "outcomes-at-location?"+near+"&date="+inRangeEmpty); len(got) != 0 {
			t.Errorf("outcomes-at-location in %s: %d", inRangeEmpty, len(got))
		}
		c.fails(t, "outcomes-at-location", "outcomes-at-location?"+near+"&date="+after, 404)
		c.fails(t, "outcomes-at-location", "outcomes-at-location?date=2023-05", 400)
	})

	t.Run("neighbourhoods", func(t *testing.T) {
		hoods := get[[]pNeighbourhoodRef](t, c, "{force}/neighbourhoods", "metropolitan/neighbourhoods")
		i := slices.IndexFunc(hoods, func(n pNeighbourhoodRef) bool { return n.ID == "E05014066" })
		if len(hoods) < 40 || i < 0 || hoods[i].Name != "Northbury" {
			t.Fatalf("metropolitan/neighbourhoods: %d, Northbury (E05014066) at %d", len(hoods), i)
		}
		for _, h := range hoods {
			if !regexp.MustCompile(`^E05\d{6}$`).MatchString(h.ID) {
				t.Fatalf("neighbourhood id %q is not a ward code", h.ID)
			}
		}
		get[[]pNeighbourhoodRef](t, c, "{force}/neighbourhoods", "kent/neighbourhoods")
		c.fails(t, "{force}/neighbourhoods", "atlantis/neighbourhoods", 404)

		n := get[pNeighbourhood](t, c, "{force}/{neighbourhood}", "metropolitan/E05014066")
		if pop, _ := strconv.Atoi(n.Population); n.ID != "E05014066" || n.Name != "Northbury" || pop < 5000 || n.Centre.Latitude == "" {
			t.Errorf("metropolitan/E05014066: %+v", n)
		}
		c.fails(t, "{force}/{neighbourhood}", "metropolitan/E05000000", 404)
		c.fails(t, "{force}/{neighbourhood}", "kent/E05014066", 404)

		boundary := get[[]pLatLng](t, c, "{force}/{neighbourhood}/boundary", "metropolitan/E05014066/boundary")
		if len(boundary) < 10 {
			t.Fatalf("boundary of Northbury: %d points", len(boundary))
		}
		var ring [][2]float64
		var parts []string
		for _, p := range boundary {
			la, err1 := strconv.ParseFloat(p.Latitude, 64)
			ln, err2 := strconv.ParseFloat(p.Longitude, 64)
			if err1 != nil || err2 != nil || la < 51.4 || la > 51.6 || ln < 0 || ln > 0.2 {
				t.Fatalf("boundary point %+v is not in Barking", p)
			}
			ring = append(ring, [2]float64{la, ln})
			parts = append(parts, p.Latitude+","+p.Longitude)
		}
		// The centre, when inside the outline, is located in the ward; a
		// point far from London is in no neighbourhood.
		cla, _ := strconv.ParseFloat(n.Centre.Latitude, 64)
		cln, _ := strconv.ParseFloat(n.Centre.Longitude, 64)
		if inRing(ring, cla, cln) {
			loc := get[pLocated](t, c, "locate-neighbourhood", "locate-neighbourhood?q="+n.Centre.Latitude+","+n.Centre.Longitude)
			if loc.Force != "metropolitan" || loc.Neighbourhood != "E05014066" {
				t.Errorf("locate-neighbourhood at Northbury's centre: %+v", loc)
			}
		} else {
			t.Errorf("Northbury's centre %s,%s is outside its outline", n.Centre.Latitude, n.Centre.Longitude)
		}
		c.fails(t, "locate-neighbourhood", "locate-neighbourhood?q=53.4808,-2.2426", 404)
		c.fails(t, "locate-neighbourhood", "locate-neighbourhood?q=north", 400)
		// The outline sent back as a polygon, as clients do, finds the
		// ward's crimes and stops.
		post[[]pStop](t, c, "stops-street", "stops-street", url.Values{"poly": {strings.Join(parts, ":")}, "date": {"2022-03"}})

		for _, m := range []string{"people", "events", "priorities"} {
			tmpl, path := "{force}/{neighbourhood}/"+m, "metropolitan/E05014066/"+m
			var n int
			switch m {
			case "people":
				n = len(get[[]pOfficer](t, c, tmpl, path))
			case "events":
				n = len(get[[]pEvent](t, c, tmpl, path))
			case "priorities":
				n = len(get[[]pPriority](t, c, tmpl, path))
			}
			if n != 0 {
				t.Errorf("%s: %d, Charter holds none", path, n)
			}
			c.fails(t, tmpl, "metropolitan/E05000000/"+m, 404)
		}
		c.fails(t, "{force}/{neighbourhood}/boundary", "atlantis/E05014066/boundary", 404)
	})

	t.Run("stop and search", func(t *testing.T) {
		all := get[[]pStop](t, c, "stops-force", "stops-force?force=metropolitan&date=2024-09")
		if len(all) != 3253 {
			t.Errorf("stops-force 2024-09: %d, data.police.uk gave 3,253", len(all))
		}
		if got := get[[]pStop](t, c, "stops-force", "stops-force?force=kent&date=2024-09"); len(got) != 0 {
			t.Errorf("stops-force kent: %d", len(got))
		}
		if got := get[[]pStop](t, c, "stops-force", "stops-force?force=metropolitan&date=2023-05"); len(got) != 0 {
			t.Errorf("stops-force in 2023-05 (street crimes only): %d", len(got))
		}
		c.fails(t, "stops-force", "stops-force?force=metropolitan&date="+after, 404)
		c.fails(t, "stops-force", "stops-force?force=metropolitan&date="+before, 404)
		c.fails(t, "stops-force", "stops-force?force=atlantis", 404)
		c.fails(t, "stops-force", "stops-force?date=2024-09", 400)

		if got := get[[]pStop](t, c, "stops-no-location", "stops-no-location?force=metropolitan&date=2024-09"); len(got) != 117 {
			t.Errorf("stops-no-location: %d, data.police.uk gave 117", len(got))
		}
		get[[]pStop](t, c, "stops-no-location", "stops-no-location?force=metropolitan&date="+inRangeEmpty)
		c.fails(t, "stops-no-location", "stops-no-location?force=metropolitan&date="+after, 404)
		c.fails(t, "stops-no-location", "stops-no-location?force=atlantis", 404)

		street := get[[]pStop](t, c, "stops-street", "stops-street?lat=51.5133&lng=-0.0890&date=2022-03")
		if len(street) < 100 {
			t.Errorf("stops-street near Bank: %d", len(street))
		}
		if got := get[[]pStop](t, c, "stops-street", "stops-street?lat=51.5133&lng=-0.0890&date="+inRangeEmpty); len(got) != 0 {
			t.Errorf("stops-street in %s: %d", inRangeEmpty, len(got))
		}
		c.fails(t, "stops-street", "stops-street?lat=51.5133&lng=-0.0890&date="+after, 404)
		c.fails(t, "stops-street", "stops-street?poly=51.28,-0.51:51.70,-0.51:51.70,0.33:51.28,0.33&date=2022-03", 503)
		post[[]pStop](t, c, "stops-street", "stops-street", url.Values{"lat": {"51.5133"}, "lng": {"-0.0890"}, "date": {"2022-03"}})

		id := strconv.FormatInt(street[0].Location.Street.ID, 10)
		if got := get[[]pStop](t, c, "stops-at-location", "stops-at-location?date=2022-03&location_id="+id); len(got) == 0 {
			t.Errorf("stops-at-location %s: none", id)
		}
		post[[]pStop](t, c, "stops-at-location", "stops-at-location", url.Values{"location_id": {id}, "date": {"2022-03"}})
		get[[]pStop](t, c, "stops-at-location", "stops-at-location?date="+inRangeEmpty+"&location_id="+id)
		c.fails(t, "stops-at-location", "stops-at-location?date="+after+"&location_id="+id, 404)
		c.fails(t, "stops-at-location", "stops-at-location?date=2022-03", 400)
	})

	t.Run("availability", func(t *testing.T) {
		months := get[[]pMonth](t, c, "crimes-street-dates", "crimes-street-dates")
		if len(months) == 0 || months[0].Date != "2025-04" || months[len(months)-1].Date != "2021-06" {
			t.Errorf("crimes-street-dates from %+v to %+v", months[0], months[len(months)-1])
		}
	})

	t.Run("other paths", func(t *testing.T) {
		for _, p := range []string{"/api/no-such-method", "/api/forces/metropolitan/nothing/more", "/api/"} {
			code, _, b := s.get(t, p)
			if code != 404 || len(b) != 0 {
				t.Errorf("%s: %d %.100q, want 404 and no body, as data.police.uk", p, code, b)
			}
		}
	})

	// Every documented endpoint was called.
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for p := range doc.Paths {
		if !strings.HasPrefix(p, "/api/v1/") && !c.called[p] {
			t.Errorf("%s is documented but not called by this test", p)
		}
	}
}

// inRing is the even-odd test of a point against a ring of (lat, lng).
func inRing(ring [][2]float64, lat, lng float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[0] > lat) != (b[0] > lat) && lng < a[1]+(lat-a[0])*(b[1]-a[1])/(b[0]-a[0]) {
			in = !in
		}
	}
	return in
}

// testAPIDocs opens the docs page in Chromium: swagger-ui shows both APIs'
// operations and no warning or error.
func testAPIDocs(t *testing.T, s *site) {
	ctx, consoleErrors := browser(t)
	c, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(c, chromedp.Navigate(s.url+"/api/docs"), chromedp.WaitVisible(chromedp.CSS(".opblock"))); err != nil {
		t.Fatal(err)
	}
	type state struct {
		Errors []string `json:"errors"`
		Paths  []string `json:"paths"`
	}
	st := eval[state](t, ctx, `({errors: [...document.querySelectorAll(".errors-wrapper, .version-pragma__message")].map(e => e.textContent.trim()),
	  paths: [...document.querySelectorAll(".opblock-summary-path")].map(e => e.getAttribute("data-path"))})`)
	for _, e := range st.Errors {
		t.Errorf("swagger-ui says: %.300s", e)
	}
	for _, p := range []string{"/api/v1/areas/{code}/profile", "/api/stops-street", "/api/{force}/{neighbourhood}/boundary", "/api/crime-last-updated"} {
		if !slices.Contains(st.Paths, p) {
			t.Errorf("swagger-ui does not show %s (shows %d paths)", p, len(st.Paths))
		}
	}
	for _, e := range consoleErrors() {
		t.Errorf("console: %s", e)
	}
}
