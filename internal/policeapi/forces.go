package policeapi

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/stopsearch/charter"
)

// ForceRef is a force in the /api/forces list.
type ForceRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ForceDetail is /api/forces/{id}. Charter holds each force's id and name;
// the contact details data.police.uk adds are not in the open data, so the
// description and url are null and there are no engagement methods. Every
// force in England, Wales and Northern Ireland answers on 101.
type ForceDetail struct {
	Description       *string            `json:"description"`
	URL               *string            `json:"url"`
	EngagementMethods []EngagementMethod `json:"engagement_methods"`
	Telephone         string             `json:"telephone"`
	ID                string             `json:"id"`
	Name              string             `json:"name"`
}

// EngagementMethod is a way to contact a force (none are held).
type EngagementMethod struct {
	URL         string `json:"url"`
	Description string `json:"description"`
	Title       string `json:"title"`
}

// CategoryRef is a crime category in /api/crime-categories.
type CategoryRef struct {
	URL  string `json:"url"`
	Name string `json:"name"`
}

// MonthForces is a month of /api/crimes-street-dates with the forces whose
// stop-and-search records it holds.
type MonthForces struct {
	Date          string   `json:"date"`
	StopAndSearch []string `json:"stop-and-search"`
}

func (a *API) forces(context.Context, *http.Request) (any, error) {
	out := make([]ForceRef, len(charter.Forces))
	for i, f := range charter.Forces {
		out[i] = ForceRef{f.ID, f.Name}
	}
	return out, nil
}

func (a *API) force(_ context.Context, r *http.Request) (any, error) {
	id, err := knownForce(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	f, _ := forceByID(id)
	return ForceDetail{EngagementMethods: []EngagementMethod{}, Telephone: "101", ID: f.ID, Name: f.Name}, nil
}

// Officer is a senior officer (forces/{id}/people) or a member of a
// neighbourhood team ({force}/{neighbourhood}/people), as data.police.uk
// gives them. Charter holds none: the lists are empty.
type Officer struct {
	Bio            *string           `json:"bio"`
	ContactDetails map[string]string `json:"contact_details"`
	Name           string            `json:"name"`
	Rank           string            `json:"rank"`
}

// seniorOfficers is the force's senior officers: none are held.
func (a *API) seniorOfficers(_ context.Context, r *http.Request) (any, error) {
	if _, err := knownForce(r.PathValue("id")); err != nil {
		return nil, err
	}
	return []Officer{}, nil
}

// crimeCategories lists the categories; date, if given, must be a month.
func (a *API) crimeCategories(_ context.Context, r *http.Request) (any, error) {
	if d := strings.TrimSpace(r.Form.Get("date")); d != "" {
		if _, err := parseDate(d); err != nil {
			return nil, err
		}
	}
	out := make([]CategoryRef, len(charter.CrimeCategories))
	for i, c := range charter.CrimeCategories {
		out[i] = CategoryRef{c.URL, c.Name}
	}
	return out, nil
}

// crimesStreetDates lists every month holding street-level crimes or stop
// and search, newest first, with the forces whose stops it holds.
func (a *API) crimesStreetDates(ctx context.Context, _ *http.Request) (any, error) {
	h, err := a.held(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MonthForces, 0, len(h.all))
	for i := len(h.all) - 1; i >= 0; i-- {
		fs := slices.Clone(h.byForce[h.all[i]])
		if fs == nil {
			fs = []string{}
		}
		slices.Sort(fs)
		out = append(out, MonthForces{Date: h.all[i].String(), StopAndSearch: fs})
	}
	return out, nil
}

// LastUpdated is /api/crime-last-updated: the first day of the latest month
// the data holds.
type LastUpdated struct {
	Date string `json:"date"`
}

func (a *API) lastUpdated(ctx context.Context, _ *http.Request) (any, error) {
	h, err := a.held(ctx)
	if err != nil {
		return nil, err
	}
	if len(h.all) == 0 {
		return nil, charter.Errorf(charter.ENOTFOUND, "nothing has been imported")
	}
	return LastUpdated{Date: h.all[len(h.all)-1].String() + "-01"}, nil
}
