package policeapi

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// NeighbourhoodRef is a neighbourhood in {force}/neighbourhoods.
type NeighbourhoodRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Neighbourhood is {force}/{neighbourhood}. Charter's neighbourhoods are
// wards: the name, the id (the ward's GSS code), the centre of the boundary
// and the census population are held; the force's pages, contact details,
// links and police stations are not open data Charter imports.
type Neighbourhood struct {
	URLForce       *string                 `json:"url_force"`
	ContactDetails map[string]string       `json:"contact_details"`
	Name           string                  `json:"name"`
	Links          []Link                  `json:"links"`
	Centre         LatLng                  `json:"centre"`
	Locations      []NeighbourhoodLocation `json:"locations"`
	Description    *string                 `json:"description"`
	ID             string                  `json:"id"`
	Population     string                  `json:"population"`
}

// Link is a page about a neighbourhood (none are held).
type Link struct {
	URL         string  `json:"url"`
	Description *string `json:"description"`
	Title       string  `json:"title"`
}

// NeighbourhoodLocation is a police station or other place of a
// neighbourhood (none are held).
type NeighbourhoodLocation struct {
	Name        *string `json:"name"`
	Latitude    *string `json:"latitude"`
	Longitude   *string `json:"longitude"`
	Postcode    *string `json:"postcode"`
	Address     *string `json:"address"`
	Type        *string `json:"type"`
	Description *string `json:"description"`
}

// LatLng is a point as data.police.uk writes one: coordinates as strings.
type LatLng struct {
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
}

// Event is a neighbourhood event (none are held).
type Event struct {
	ContactDetails map[string]string `json:"contact_details"`
	Description    *string           `json:"description"`
	Title          string            `json:"title"`
	Address        *string           `json:"address"`
	Type           *string           `json:"type"`
	StartDate      string            `json:"start_date"`
	EndDate        *string           `json:"end_date"`
}

// Priority is a neighbourhood's policing priority (none are held).
type Priority struct {
	Action     *string `json:"action"`
	IssueDate  string  `json:"issue-date"`
	ActionDate *string `json:"action-date"`
	Issue      string  `json:"issue"`
}

// Located is /api/locate-neighbourhood.
type Located struct {
	Force         string `json:"force"`
	Neighbourhood string `json:"neighbourhood"`
}

// ward is a neighbourhood: a ward of the newest boundary vintage.
type ward struct {
	code, name, force string
	shape             orb.MultiPolygon
}

// wardSet is the wards of the newest vintage with their force, and an index
// to locate points in them.
type wardSet struct {
	wards []ward // by force, then name
	index *geo.Index
}

// wardCache keeps the wards until an import changes areas.
type wardCache struct {
	mu  sync.Mutex
	at  int64
	set *wardSet
}

// wardsOf returns the wards, read again after areas change. Only the newest
// boundary vintage counts: a neighbourhood is a ward as it is now.
func (a *API) wardsOf(ctx context.Context) (*wardSet, error) {
	c := &a.wards
	c.mu.Lock()
	defer c.mu.Unlock()
	if at := a.st.AreaVersion(); c.set == nil || at != c.at {
		set, err := a.readWards(ctx)
		if err != nil {
			return nil, err
		}
		c.set, c.at = set, at
	}
	return c.set, nil
}

func (a *API) readWards(ctx context.Context) (*wardSet, error) {
	// The ward set in use (charter.Current): never a ward of an older set
	// beside the newer one.
	areas, err := a.st.CurrentAreas(ctx, true)
	if err != nil {
		return nil, err
	}
	set := &wardSet{}
	for _, ar := range areas {
		force, ok := charter.BoroughForce(ar.ParentCode)
		if ar.Level != charter.LevelWard || !ok {
			continue
		}
		w := ward{code: ar.Code, name: ar.Name, force: force}
		if len(ar.Boundary) > 0 {
			// A stored boundary passed these checks when it was imported.
			if w.shape, err = geo.ParseGeometry(ar.Boundary); err != nil {
				return nil, err
			}
		}
		set.wards = append(set.wards, w)
	}
	slices.SortFunc(set.wards, func(x, y ward) int {
		return cmp.Or(cmp.Compare(x.force, y.force), cmp.Compare(x.name, y.name), cmp.Compare(x.code, y.code))
	})
	shapes := make([]orb.MultiPolygon, len(set.wards))
	for i, w := range set.wards {
		shapes[i] = w.shape
	}
	set.index = geo.NewIndex(shapes)
	return set, nil
}

// forceWards reads the force of a request's path, with the wards.
func (a *API) forceWards(ctx context.Context, r *http.Request) (string, *wardSet, error) {
	force, err := knownForce(r.PathValue("force"))
	if err != nil {
		return "", nil, err
	}
	set, err := a.wardsOf(ctx)
	return force, set, err
}

// neighbourhoodOf finds the ward a request's path names in its force.
func (a *API) neighbourhoodOf(ctx context.Context, r *http.Request) (*ward, error) {
	force, set, err := a.forceWards(ctx, r)
	if err != nil {
		return nil, err
	}
	id := r.PathValue("neighbourhood")
	i := slices.IndexFunc(set.wards, func(w ward) bool { return w.force == force && w.code == id })
	if i < 0 {
		return nil, charter.Errorf(charter.ENOTFOUND, "no neighbourhood %q in %s (see /api/%s/neighbourhoods)", id, force, force)
	}
	return &set.wards[i], nil
}

// neighbourhoods lists a force's wards.
func (a *API) neighbourhoods(ctx context.Context, r *http.Request) (any, error) {
	force, set, err := a.forceWards(ctx, r)
	if err != nil {
		return nil, err
	}
	out := []NeighbourhoodRef{}
	for _, w := range set.wards {
		if w.force == force {
			out = append(out, NeighbourhoodRef{ID: w.code, Name: w.name})
		}
	}
	return out, nil
}

// neighbourhood is a ward's details: name, id, centre and population.
func (a *API) neighbourhood(ctx context.Context, r *http.Request) (any, error) {
	w, err := a.neighbourhoodOf(ctx, r)
	if err != nil {
		return nil, err
	}
	pop, _, err := a.st.PopulationByGroup(ctx, charter.LevelWard, w.code)
	if err != nil {
		return nil, err
	}
	total := 0
	for _, n := range pop {
		total += n
	}
	out := Neighbourhood{ContactDetails: map[string]string{}, Name: w.name, Links: []Link{},
		Locations: []NeighbourhoodLocation{}, ID: w.code, Population: strconv.Itoa(total)}
	if len(w.shape) > 0 {
		c, _ := planar.CentroidArea(w.shape)
		out.Centre = latLng(c, 6)
	}
	return out, nil
}

// neighbourhoodBoundary is the outline of a ward (of its largest part).
func (a *API) neighbourhoodBoundary(ctx context.Context, r *http.Request) (any, error) {
	w, err := a.neighbourhoodOf(ctx, r)
	if err != nil {
		return nil, err
	}
	out := []LatLng{}
	var largest orb.Polygon
	for _, p := range w.shape {
		if largest == nil || planar.Area(p) > planar.Area(largest) {
			largest = p
		}
	}
	if len(largest) == 0 {
		return out, nil
	}
	ring := largest[0]
	if len(ring) > 1 && ring[0] == ring[len(ring)-1] {
		ring = ring[:len(ring)-1] // data.police.uk does not repeat the first point
	}
	for _, p := range ring {
		out = append(out, latLng(p, -1))
	}
	return out, nil
}

// neighbourhoodEmpty answers the team, events and priorities of a ward:
// none are held.
func (a *API) neighbourhoodEmpty(ctx context.Context, r *http.Request) (any, error) {
	if _, err := a.neighbourhoodOf(ctx, r); err != nil {
		return nil, err
	}
	return rawList("[]"), nil
}

// locateNeighbourhood finds the ward holding a point (q=lat,lng).
func (a *API) locateNeighbourhood(ctx context.Context, r *http.Request) (any, error) {
	q := strings.TrimSpace(r.Form.Get("q"))
	la, ln, ok := strings.Cut(q, ",")
	if !ok {
		return nil, charter.Errorf(charter.EINVALID, "q %q: want lat,lng", q)
	}
	lat, err := parseFloat("q latitude", la, -90, 90)
	if err != nil {
		return nil, err
	}
	lng, err := parseFloat("q longitude", ln, -180, 180)
	if err != nil {
		return nil, err
	}
	set, err := a.wardsOf(ctx)
	if err != nil {
		return nil, err
	}
	i := set.index.Locate(lng, lat)
	if i < 0 {
		return nil, charter.Errorf(charter.ENOTFOUND, "no neighbourhood holds %s", q)
	}
	return Located{Force: set.wards[i].force, Neighbourhood: set.wards[i].code}, nil
}

// latLng writes a point with prec decimals (-1: as few as give it exactly).
func latLng(p orb.Point, prec int) LatLng {
	return LatLng{Latitude: strconv.FormatFloat(p.Lat(), 'f', prec, 64), Longitude: strconv.FormatFloat(p.Lon(), 'f', prec, 64)}
}
