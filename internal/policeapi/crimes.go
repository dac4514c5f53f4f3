package policeapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/stopsearch/charter"
)

// OutcomeCrime is a street-level crime as data.police.uk gives it inside an
// outcome: every field of a crime but its outcome_status.
type OutcomeCrime struct {
	Category        string    `json:"category"`
	LocationType    *string   `json:"location_type"`
	Location        *Location `json:"location"`
	Context         string    `json:"context"`
	PersistentID    string    `json:"persistent_id"`
	ID              int64     `json:"id"`
	LocationSubtype string    `json:"location_subtype"`
	Month           string    `json:"month"`
}

// Crime is a street-level crime as data.police.uk's crimes-street,
// crimes-at-location and crimes-no-location return it.
type Crime struct {
	OutcomeCrime
	OutcomeStatus *OutcomeStatus `json:"outcome_status"`
}

// OutcomeStatus is the latest outcome of a crime. The street-level CSV
// gives its category but not the month it was reached, so Date is null.
type OutcomeStatus struct {
	Category string  `json:"category"`
	Date     *string `json:"date"`
}

// CrimeOutcome is one outcome of a crime (outcomes-for-crime): Charter holds
// the latest, without its month (Date is null) or a suspect id.
type CrimeOutcome struct {
	Category OutcomeCategory `json:"category"`
	Date     *string         `json:"date"`
	PersonID *int64          `json:"person_id"`
}

// OutcomeCategory is an outcome's data.police.uk code and name.
type OutcomeCategory struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Outcome is a street-level outcome (outcomes-at-location): the outcome and
// its crime.
type Outcome struct {
	CrimeOutcome
	Crime OutcomeCrime `json:"crime"`
}

// CrimeOutcomes is /api/outcomes-for-crime/{persistent_id}.
type CrimeOutcomes struct {
	Crime    OutcomeCrime   `json:"crime"`
	Outcomes []CrimeOutcome `json:"outcomes"`
}

// outcomeCrimeOf is the API shape of a street-level crime. location_type is
// "Force", or "BTP" for British Transport Police records, as on
// data.police.uk, and null with the location for a crime that has none.
func outcomeCrimeOf(c *charter.StreetCrime) OutcomeCrime {
	out := OutcomeCrime{
		Category:     charter.CrimeCategoryURL(c.Category),
		Location:     locationOf(c.Location),
		Context:      c.Context,
		PersistentID: c.CrimeID,
		ID:           c.ID,
		Month:        c.Month.String(),
	}
	if c.Location != nil {
		t := "Force"
		if c.ReportedBy == "British Transport Police" {
			t = "BTP"
		}
		out.LocationType = &t
	}
	return out
}

func crimeOf(c *charter.StreetCrime) Crime {
	out := Crime{OutcomeCrime: outcomeCrimeOf(c)}
	if c.LastOutcome != "" {
		out.OutcomeStatus = &OutcomeStatus{Category: c.LastOutcome}
	}
	return out
}

func crimesOf(cs []charter.StreetCrime) []Crime {
	out := make([]Crime, len(cs))
	for i := range cs {
		out[i] = crimeOf(&cs[i])
	}
	return out
}

// categoryParam reads a crime category's url: the street-level CSV's name
// of the category, or "" for all-crime (also when s is empty).
func categoryParam(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	cat, ok := charter.CrimeCategoryByURL(s)
	if !ok {
		return "", charter.Errorf(charter.ENOTFOUND, "no crime category %q (see /api/crime-categories)", s)
	}
	if cat.URL == charter.AllCrime {
		return "", nil
	}
	return cat.Name, nil
}

// crimeMonth is the month a crimes request asks for (see askedMonth); the
// latest month of street-level crimes when left out.
func (a *API) crimeMonth(ctx context.Context, r *http.Request) (charter.Month, bool, error) {
	h, err := a.held(ctx)
	if err != nil {
		return 0, false, err
	}
	return h.askedMonth(r, h.crimes)
}

// collectCrimes lists the crimes f finds that keep says yes to, copied (the
// store reuses what it passes), more than MaxArea refused.
func (a *API) collectCrimes(ctx context.Context, f charter.StreetCrimeFilter, keep func(*charter.StreetCrime) bool) ([]charter.StreetCrime, error) {
	out := []charter.StreetCrime{}
	err := a.st.FindStreetCrimes(ctx, f, func(c *charter.StreetCrime) error {
		if !keep(c) {
			return nil
		}
		if len(out) >= MaxArea {
			return charter.Errorf(charter.ETOOLARGE, "the area holds more than %d records: ask for a smaller one", MaxArea)
		}
		cc := *c
		if c.Location != nil {
			loc := *c.Location
			cc.Location = &loc
		}
		out = append(out, cc)
		return nil
	})
	return out, err
}

// crimesIn lists a month's crimes of a category ("" for all) located inside
// an area, for which also (if not nil) says yes.
func (a *API) crimesIn(ctx context.Context, m charter.Month, category string, ar *area, also func(*charter.StreetCrime) bool) ([]charter.StreetCrime, error) {
	return a.collectCrimes(ctx, charter.StreetCrimeFilter{Month: m, Category: category, Box: &ar.box}, func(c *charter.StreetCrime) bool {
		return c.Location != nil && ar.contains(c.Location.Latitude, c.Location.Longitude) && (also == nil || also(c))
	})
}

// crimesAtID lists a month's crimes at the map point id.
func (a *API) crimesAtID(ctx context.Context, m charter.Month, id int64, also func(*charter.StreetCrime) bool) ([]charter.StreetCrime, error) {
	f := charter.StreetCrimeFilter{Month: m}
	if lat, lng, ok := madePoint(id); ok {
		// A made id is its point: look only there.
		f.Box = &charter.Box{MinLat: lat - 1e-6, MaxLat: lat + 1e-6, MinLng: lng - 1e-6, MaxLng: lng + 1e-6}
	}
	return a.collectCrimes(ctx, f, func(c *charter.StreetCrime) bool {
		return c.Location != nil && streetID(c.Location) == id && (also == nil || also(c))
	})
}

// spotParam reads where a request for one location looks: location_id, or
// else lat and lng (a mile around) or, where polyToo, a poly.
func spotParam(r *http.Request, polyToo bool) (id int64, ar *area, err error) {
	if id, err = locationID(r); err != nil || id != 0 {
		return id, nil, err
	}
	if polyToo {
		if strings.TrimSpace(r.Form.Get("poly")) != "" || r.Form.Get("lat") != "" || r.Form.Get("lng") != "" {
			ar, err = areaParam(r)
			return 0, ar, err
		}
		return 0, nil, charter.Errorf(charter.EINVALID, "give location_id, lat and lng, or poly")
	}
	if r.Form.Get("lat") == "" && r.Form.Get("lng") == "" {
		return 0, nil, charter.Errorf(charter.EINVALID, "give location_id, or lat and lng")
	}
	ar, err = radiusParam(r)
	return 0, ar, err
}

// crimesStreet is the street-level crimes of a category (or all-crime) for
// a month within a mile of a point, or inside a polygon.
func (a *API) crimesStreet(ctx context.Context, r *http.Request) (any, error) {
	cat, err := categoryParam(r.PathValue("category"))
	if err != nil {
		return nil, err
	}
	ar, err := areaParam(r)
	if err != nil {
		return nil, err
	}
	m, ok, err := a.crimeMonth(ctx, r)
	if err != nil || !ok {
		return emptyOr(err)
	}
	cs, err := a.crimesIn(ctx, m, cat, ar, nil)
	if err != nil {
		return nil, err
	}
	return crimesOf(cs), nil
}

// crimesAtLocation is the crimes of a month at one map point: location_id,
// or the map point holding crimes that month nearest to lat and lng (within
// a mile; none further away).
func (a *API) crimesAtLocation(ctx context.Context, r *http.Request) (any, error) {
	id, ar, err := spotParam(r, false)
	if err != nil {
		return nil, err
	}
	m, ok, err := a.crimeMonth(ctx, r)
	if err != nil || !ok {
		return emptyOr(err)
	}
	if ar != nil {
		near, err := a.crimesIn(ctx, m, "", ar, nil)
		if err != nil {
			return nil, err
		}
		best := -1.0
		for i := range near {
			l := near[i].Location
			if d := haversine(ar.lat, ar.lng, l.Latitude, l.Longitude); best < 0 || d < best {
				best, id = d, streetID(l)
			}
		}
		if best < 0 {
			return []Crime{}, nil
		}
	}
	cs, err := a.crimesAtID(ctx, m, id, nil)
	if err != nil {
		return nil, err
	}
	return crimesOf(cs), nil
}

// crimesNoLocation is a force's crimes of a category for a month that have
// no location.
func (a *API) crimesNoLocation(ctx context.Context, r *http.Request) (any, error) {
	cat, err := categoryParam(strings.TrimSpace(r.Form.Get("category")))
	if err != nil {
		return nil, err
	}
	force, err := forceParam(r)
	if err != nil {
		return nil, err
	}
	m, ok, err := a.crimeMonth(ctx, r)
	if err != nil || !ok {
		return emptyOr(err)
	}
	cs, err := a.collectCrimes(ctx, charter.StreetCrimeFilter{Month: m, Category: cat}, func(c *charter.StreetCrime) bool {
		f, _ := charter.LookupForce(c.ReportedBy)
		return c.Location == nil && f.ID == force
	})
	if err != nil {
		return nil, err
	}
	return crimesOf(cs), nil
}

// outcomesAtLocation is the latest outcomes of a month's crimes at a map
// point, within a mile of a point or inside a polygon.
func (a *API) outcomesAtLocation(ctx context.Context, r *http.Request) (any, error) {
	id, ar, err := spotParam(r, true)
	if err != nil {
		return nil, err
	}
	m, ok, err := a.crimeMonth(ctx, r)
	if err != nil || !ok {
		return emptyOr(err)
	}
	withOutcome := func(c *charter.StreetCrime) bool { return c.LastOutcome != "" }
	var cs []charter.StreetCrime
	if ar != nil {
		cs, err = a.crimesIn(ctx, m, "", ar, withOutcome)
	} else {
		cs, err = a.crimesAtID(ctx, m, id, withOutcome)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Outcome, len(cs))
	for i := range cs {
		out[i] = Outcome{CrimeOutcome: latestOutcome(&cs[i]), Crime: outcomeCrimeOf(&cs[i])}
	}
	return out, nil
}

func latestOutcome(c *charter.StreetCrime) CrimeOutcome {
	return CrimeOutcome{Category: OutcomeCategory{Code: outcomeCode(c.LastOutcome), Name: c.LastOutcome}}
}

// errFound stops a scan at the record looked for.
var errFound = errors.New("found")

// outcomesForCrime is a crime found by its persistent id, with its latest
// outcome.
func (a *API) outcomesForCrime(ctx context.Context, r *http.Request) (any, error) {
	pid := r.PathValue("persistent_id")
	h, err := a.held(ctx)
	if err != nil {
		return nil, err
	}
	var found *CrimeOutcomes
	// Newest first: a crime is usually asked for soon after it is published.
	for i := len(h.crimes) - 1; i >= 0 && found == nil; i-- {
		err := a.st.FindStreetCrimes(ctx, charter.StreetCrimeFilter{Month: h.crimes[i]}, func(c *charter.StreetCrime) error {
			if c.CrimeID != pid {
				return nil
			}
			found = &CrimeOutcomes{Crime: outcomeCrimeOf(c), Outcomes: []CrimeOutcome{}}
			if c.LastOutcome != "" {
				found.Outcomes = append(found.Outcomes, latestOutcome(c))
			}
			return errFound
		})
		if err != nil && !errors.Is(err, errFound) {
			return nil, err
		}
	}
	if found == nil {
		return nil, charter.Errorf(charter.ENOTFOUND, "no crime with persistent_id %q", pid)
	}
	return found, nil
}
