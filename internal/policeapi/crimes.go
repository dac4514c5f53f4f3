package policeapi

import (
	"context"
	"net/http"

	"github.com/stopsearch/charter"
)

// Crime is a street-level crime as data.police.uk's crimes-street returns it.
type Crime struct {
	Category        string         `json:"category"`
	LocationType    string         `json:"location_type"`
	Location        *Location      `json:"location"`
	Context         string         `json:"context"`
	OutcomeStatus   *OutcomeStatus `json:"outcome_status"`
	PersistentID    string         `json:"persistent_id"`
	ID              int64          `json:"id"`
	LocationSubtype string         `json:"location_subtype"`
	Month           string         `json:"month"`
}

// OutcomeStatus is the latest outcome of a crime. The street-level CSV
// gives its category but not the month it was reached, so Date is null.
type OutcomeStatus struct {
	Category string  `json:"category"`
	Date     *string `json:"date"`
}

// crimeOf is the API shape of a street-level crime. location_type is
// "Force", or "BTP" for British Transport Police records, as on
// data.police.uk.
func crimeOf(c *charter.StreetCrime) Crime {
	out := Crime{
		Category:     charter.CrimeCategoryURL(c.Category),
		LocationType: "Force",
		Location:     locationOf(c.Location),
		Context:      c.Context,
		PersistentID: c.CrimeID,
		ID:           c.ID,
		Month:        c.Month.String(),
	}
	if c.ReportedBy == "British Transport Police" {
		out.LocationType = "BTP"
	}
	if c.LastOutcome != "" {
		out.OutcomeStatus = &OutcomeStatus{Category: c.LastOutcome}
	}
	return out
}

// crimesStreet is the street-level crimes of a category (or all-crime) for
// a month within a mile of a point, or inside a polygon.
func (a *API) crimesStreet(ctx context.Context, r *http.Request) (any, error) {
	cat, ok := charter.CrimeCategoryByURL(r.PathValue("category"))
	if !ok {
		return nil, charter.Errorf(charter.ENOTFOUND, "no crime category %q (see /api/crime-categories)", r.PathValue("category"))
	}
	ar, err := areaParam(r)
	if err != nil {
		return nil, err
	}
	months, err := a.st.StreetCrimeMonths(ctx)
	if err != nil {
		return nil, err
	}
	m, err := askedMonth(r, months)
	if err != nil {
		return nil, err
	}
	f := charter.StreetCrimeFilter{Month: m, Box: &ar.box}
	if cat.URL != charter.AllCrime {
		f.Category = cat.Name
	}
	out := []Crime{}
	err = a.st.FindStreetCrimes(ctx, f, func(c *charter.StreetCrime) error {
		if c.Location == nil || !ar.contains(c.Location.Latitude, c.Location.Longitude) {
			return nil
		}
		if len(out) >= MaxArea {
			return charter.Errorf(charter.ETOOLARGE, "the area holds more than %d crimes: ask for a smaller one", MaxArea)
		}
		out = append(out, crimeOf(c))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
