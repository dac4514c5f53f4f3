package policeapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/stopsearch/charter"
)

// Stop is a stop and search as data.police.uk's stops-* endpoints return it:
// all sixteen fields, always present, null where the record has no value.
// Coordinates are strings, and the three-state facts are true, false or
// null (unknown is never turned into false).
type Stop struct {
	AgeRange                *string        `json:"age_range"`
	Outcome                 *string        `json:"outcome"`
	InvolvedPerson          *bool          `json:"involved_person"`
	SelfDefinedEthnicity    *string        `json:"self_defined_ethnicity"`
	Gender                  *string        `json:"gender"`
	Legislation             *string        `json:"legislation"`
	OutcomeLinked           *bool          `json:"outcome_linked_to_object_of_search"`
	Datetime                string         `json:"datetime"`
	Removal                 *bool          `json:"removal_of_more_than_outer_clothing"`
	OutcomeObject           *OutcomeObject `json:"outcome_object"`
	Location                *Location      `json:"location"`
	Operation               *bool          `json:"operation"`
	OfficerDefinedEthnicity *string        `json:"officer_defined_ethnicity"`
	Type                    *string        `json:"type"`
	OperationName           *string        `json:"operation_name"`
	ObjectOfSearch          *string        `json:"object_of_search"`
}

// OutcomeObject is the outcome with its id ("bu-arrest"). The archive CSVs
// carry only the name; the id is the one data.police.uk gives that name, or
// empty for a name it does not use.
type OutcomeObject struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Location is an anonymised map point.
type Location struct {
	Latitude  string `json:"latitude"`
	Street    Street `json:"street"`
	Longitude string `json:"longitude"`
}

// Street is the map point's id and description ("On or near Waterside").
type Street struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// datetimeLayout is data.police.uk's spelling: ISO 8601 in UTC with +00:00.
const datetimeLayout = "2006-01-02T15:04:05+00:00"

// stopOf is the API shape of a stop.
func stopOf(st *charter.Stop) Stop {
	out := Stop{
		AgeRange:                str(st.AgeRange),
		Outcome:                 str(st.Outcome),
		InvolvedPerson:          boolOf(st.InvolvedPerson),
		SelfDefinedEthnicity:    str(st.SelfDefinedEthnicity),
		Gender:                  str(st.Gender),
		Legislation:             str(st.Legislation),
		OutcomeLinked:           boolOf(st.OutcomeLinked),
		Datetime:                st.Datetime.UTC().Format(datetimeLayout),
		Removal:                 boolOf(st.Removal),
		Location:                locationOf(st.Location),
		Operation:               boolOf(st.Operation),
		OfficerDefinedEthnicity: str(st.OfficerDefinedEthnicity),
		Type:                    str(st.Type),
		OperationName:           str(st.OperationName),
		ObjectOfSearch:          str(st.ObjectOfSearch),
	}
	if st.Outcome != "" {
		id := st.OutcomeID
		if id == "" {
			if o, ok := charter.LookupOutcome(st.Outcome); ok {
				id = o.ID
			}
		}
		out.OutcomeObject = &OutcomeObject{ID: id, Name: st.Outcome}
	}
	return out
}

func locationOf(loc *charter.Location) *Location {
	if loc == nil {
		return nil
	}
	return &Location{
		Latitude:  strconv.FormatFloat(loc.Latitude, 'f', 6, 64),
		Longitude: strconv.FormatFloat(loc.Longitude, 'f', 6, 64),
		Street:    Street{ID: streetID(loc), Name: loc.StreetName},
	}
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func boolOf(t charter.Tristate) *bool {
	if t == charter.Unknown {
		return nil
	}
	b := t == charter.True
	return &b
}

// stopsForce is every stop a force published for a month, located or not.
func (a *API) stopsForce(ctx context.Context, r *http.Request) (any, error) {
	return a.forceMonth(ctx, r, false)
}

// stopsNoLocation is a force's stops for a month that have no location.
func (a *API) stopsNoLocation(ctx context.Context, r *http.Request) (any, error) {
	return a.forceMonth(ctx, r, true)
}

func (a *API) forceMonth(ctx context.Context, r *http.Request, unlocatedOnly bool) (any, error) {
	force, err := forceParam(r)
	if err != nil {
		return nil, err
	}
	ms, err := a.askedStops(ctx, r)
	if err != nil || ms == nil {
		return emptyOr(err)
	}
	return ms.list(ms.where(func(s *stopRec) bool { return s.force == force && !(unlocatedOnly && s.located) })), nil
}

// askedStops is the stops of the month a request asks for (see askedMonth),
// nil for no month.
func (a *API) askedStops(ctx context.Context, r *http.Request) (*monthStops, error) {
	h, err := a.held(ctx)
	if err != nil {
		return nil, err
	}
	m, ok, err := h.askedMonth(r, h.stops)
	if err != nil || !ok {
		return nil, err
	}
	return a.stopsOf(ctx, m)
}

// emptyOr is the answer when there is no month to look in: the error, or
// an empty list.
func emptyOr(err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return rawList("[]"), nil
}

// stopsStreet is every force's stops for a month within a mile of a point,
// or inside a polygon.
func (a *API) stopsStreet(ctx context.Context, r *http.Request) (any, error) {
	ar, err := areaParam(r)
	if err != nil {
		return nil, err
	}
	ms, err := a.askedStops(ctx, r)
	if err != nil || ms == nil {
		return emptyOr(err)
	}
	idx, err := ms.inBox(ar.box, func(s *stopRec) bool { return ar.contains(s.lat, s.lng) }, MaxArea)
	if err != nil {
		return nil, err
	}
	return ms.list(idx), nil
}

// stopsAtLocation is the stops of a month at one map point (location_id, a
// street id as the other endpoints give it, data.police.uk's or made).
func (a *API) stopsAtLocation(ctx context.Context, r *http.Request) (any, error) {
	id, err := locationID(r)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, charter.Errorf(charter.EINVALID, "location_id is required (the street id of a map point)")
	}
	ms, err := a.askedStops(ctx, r)
	if err != nil || ms == nil {
		return emptyOr(err)
	}
	return ms.list(ms.where(func(s *stopRec) bool { return s.located && s.street == id })), nil
}

// locationID reads the location_id parameter: 0 when it is left out.
func locationID(r *http.Request) (int64, error) {
	s := strings.TrimSpace(r.Form.Get("location_id"))
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, charter.Errorf(charter.EINVALID, "location_id %q: want a street id (a whole number)", s)
	}
	return id, nil
}
