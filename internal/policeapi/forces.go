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
	f, ok := forceByID(r.PathValue("id"))
	if !ok {
		return nil, charter.Errorf(charter.ENOTFOUND, "no force %q (see /api/forces)", r.PathValue("id"))
	}
	return ForceDetail{EngagementMethods: []EngagementMethod{}, Telephone: "101", ID: f.ID, Name: f.Name}, nil
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
	held, forces, err := a.stopMonths(ctx)
	if err != nil {
		return nil, err
	}
	months := slices.Clone(held)
	crimeMonths, err := a.st.StreetCrimeMonths(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range crimeMonths {
		if _, ok := forces[m]; !ok {
			months = append(months, m)
		}
	}
	slices.Sort(months)
	months = slices.Compact(months)
	out := make([]MonthForces, 0, len(months))
	for i := len(months) - 1; i >= 0; i-- {
		fs := slices.Clone(forces[months[i]])
		if fs == nil {
			fs = []string{}
		}
		slices.Sort(fs)
		out = append(out, MonthForces{Date: months[i].String(), StopAndSearch: fs})
	}
	return out, nil
}
