package policeapi

import (
	"context"
	"net/http"
	"reflect"
	"strings"
)

// Endpoint is one data.police.uk method as Charter answers it: its path, its
// documentation (Charter's OpenAPI document is made from it) and its
// handler, in one place so that the routes and the document cannot differ.
type Endpoint struct {
	// Path is data.police.uk's path, with {wildcards}.
	Path string
	// Post is set when the endpoint also takes its parameters as a POST form
	// (data.police.uk's methods with a poly).
	Post bool
	// ID names the operation in the OpenAPI document.
	ID string
	// Tag is data.police.uk's group of methods.
	Tag                  string
	Summary, Description string
	Params               []Param
	// Answer is the type of a 200 answer.
	Answer reflect.Type
	// Errors are the error statuses the endpoint answers, and when.
	Errors []Status

	run  func(*API, context.Context, *http.Request) (any, error)
	segs []string // Path's segments after /api/
}

func init() {
	for i := range endpoints {
		endpoints[i].segs = strings.Split(strings.TrimPrefix(endpoints[i].Path, "/api/"), "/")
	}
}

// Param is a parameter of an endpoint.
type Param struct {
	Name, In, Description string
	Required              bool
}

// Status is an error status and when it is answered.
type Status struct {
	Code int
	When string
}

// Endpoints lists every endpoint, in data.police.uk's order of its
// documentation, for Charter's OpenAPI document.
func Endpoints() []Endpoint {
	out := make([]Endpoint, len(endpoints))
	copy(out, endpoints)
	return out
}

func (e *Endpoint) allows(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || e.Post && method == http.MethodPost
}

func (e *Endpoint) allow() string {
	if e.Post {
		return "GET, HEAD, POST"
	}
	return "GET, HEAD"
}

// route finds the endpoint of a path and sets its path values. A literal
// segment beats a wildcard (forces/{id} before {force}/{neighbourhood}), as
// in the mux.
func route(r *http.Request) (*Endpoint, bool) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	var best *Endpoint
	bestLiterals := -1
	for i := range endpoints {
		e := &endpoints[i]
		pat := e.segs
		if len(pat) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for k, p := range pat {
			switch {
			case isWild(p):
				ok = ok && segs[k] != ""
			case p == segs[k]:
				literals++
			default:
				ok = false
			}
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = e, literals
		}
	}
	if best == nil {
		return nil, false
	}
	for k, p := range best.segs {
		if isWild(p) {
			r.SetPathValue(p[1:len(p)-1], segs[k])
		}
	}
	return best, true
}

func isWild(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// Parameters several endpoints share.
var (
	pDate = Param{Name: "date", In: "query", Description: "the month, YYYY-MM; left out, the latest month holding this kind of record"}
	pLat  = Param{Name: "lat", In: "query", Description: "latitude of the centre of a one-mile radius (with lng; or give poly)"}
	pLng  = Param{Name: "lng", In: "query", Description: "longitude of the centre (with lat)"}
	pPoly = Param{Name: "poly", In: "query", Description: "a polygon as lat,lng:lat,lng:… (at least three points; the first need not be repeated); send it by POST when the request would be longer than 4,094 characters"}
	pLoc  = Param{Name: "location_id", In: "query", Description: "a map point's id, as the street.id of other answers"}
	pForc = Param{Name: "force", In: "query", Required: true, Description: "a force id, as /api/forces lists"}
	pPath = Param{Name: "force", In: "path", Required: true, Description: "a force id, as /api/forces lists"}
	pNbhd = Param{Name: "neighbourhood", In: "path", Required: true, Description: "a neighbourhood id, as {force}/neighbourhoods lists (a ward's GSS code)"}
)

// Error statuses several endpoints share.
var (
	eBadDate  = Status{400, "a parameter is missing or malformed (date not YYYY-MM, a required parameter left out, a coordinate that is not a finite number or is out of range), a GET is longer than 4,094 characters, a POST body over 1 MB, or a poly of more than 10,000 points"}
	eBusy     = Status{429, "more searches by polygon or POST are running and waiting than the server takes at once (Retry-After says when to try again)"}
	eMonth    = Status{404, "the date is outside the months the data holds (see crimes-street-dates)"}
	eForce    = Status{404, "no such force"}
	eTooLarge = Status{503, "the area holds more than 10,000 records: ask for a smaller one"}
	eNbhd     = Status{404, "no such force, or no such neighbourhood in it"}
)

// endpoints are every method data.police.uk documents.
var endpoints = []Endpoint{
	{Path: "/api/forces", ID: "policeForces", Tag: tagForces, Summary: "List of forces",
		Description: "Every force data.police.uk lists, with its id (used by the other methods) and name.",
		Answer:      reflect.TypeFor[[]ForceRef](), run: (*API).forces},
	{Path: "/api/forces/{id}", ID: "policeForce", Tag: tagForces, Summary: "Specific force",
		Description: "A force's id and name, and its telephone number (101). Its description, website and engagement methods are not in the open data Charter imports: they are null and an empty list.",
		Params:      []Param{{Name: "id", In: "path", Required: true, Description: "a force id, as /api/forces lists"}},
		Answer:      reflect.TypeFor[ForceDetail](), Errors: []Status{eForce}, run: (*API).force},
	{Path: "/api/forces/{id}/people", ID: "policeSeniorOfficers", Tag: tagForces, Summary: "Force senior officers",
		Description: "A force's senior officers. Charter holds no officers' details: the list is always empty.",
		Params:      []Param{{Name: "id", In: "path", Required: true, Description: "a force id, as /api/forces lists"}},
		Answer:      reflect.TypeFor[[]Officer](), Errors: []Status{eForce}, run: (*API).seniorOfficers},

	{Path: "/api/crimes-street/{category}", Post: true, ID: "policeCrimesStreet", Tag: tagCrime, Summary: "Street-level crimes",
		Description: "The street-level crimes of a category (or all-crime) for a month within one mile of a point, or inside a polygon, from the street-level crime files Charter has imported.",
		Params:      []Param{{Name: "category", In: "path", Required: true, Description: "a category's url, as crime-categories lists (all-crime for every category)"}, pLat, pLng, pPoly, pDate},
		Answer:      reflect.TypeFor[[]Crime](), Errors: []Status{eBadDate, {404, "no such category, or the date is outside the months the data holds"}, eTooLarge, eBusy},
		run: (*API).crimesStreet},
	{Path: "/api/outcomes-at-location", Post: true, ID: "policeOutcomesAtLocation", Tag: tagCrime, Summary: "Street-level outcomes",
		Description: "The latest outcome of each street-level crime of the month at a map point, within one mile of a point, or inside a polygon. The street-level files give each crime's latest outcome but not the month it was reached: date is null, and the month is the crime's.",
		Params:      []Param{pLoc, pLat, pLng, pPoly, pDate},
		Answer:      reflect.TypeFor[[]Outcome](), Errors: []Status{eBadDate, eMonth, eTooLarge, eBusy}, run: (*API).outcomesAtLocation},
	{Path: "/api/crimes-at-location", ID: "policeCrimesAtLocation", Tag: tagCrime, Summary: "Crimes at a location",
		Description: "The street-level crimes of the month at one map point: the one location_id names, or the one nearest to lat and lng (within a mile).",
		Params:      []Param{pLoc, pLat, pLng, pDate},
		Answer:      reflect.TypeFor[[]Crime](), Errors: []Status{eBadDate, eMonth}, run: (*API).crimesAtLocation},
	{Path: "/api/crimes-no-location", ID: "policeCrimesNoLocation", Tag: tagCrime, Summary: "Crimes with no location",
		Description: "A force's street-level crimes of a category (or all-crime) for the month that could not be mapped to a location.",
		Params:      []Param{{Name: "category", In: "query", Description: "a category's url, as crime-categories lists; left out, all-crime"}, pForc, pDate},
		Answer:      reflect.TypeFor[[]Crime](), Errors: []Status{eBadDate, {404, "no such force or category, or the date is outside the months the data holds"}},
		run: (*API).crimesNoLocation},
	{Path: "/api/crime-categories", ID: "policeCrimeCategories", Tag: tagCrime, Summary: "Crime categories",
		Description: "The street-level crime categories, all-crime first.",
		Params:      []Param{{Name: "date", In: "query", Description: "a month, YYYY-MM (the categories are the same for every month)"}},
		Answer:      reflect.TypeFor[[]CategoryRef](), Errors: []Status{eBadDate}, run: (*API).crimeCategories},
	{Path: "/api/crime-last-updated", ID: "policeLastUpdated", Tag: tagCrime, Summary: "Last updated",
		Description: "The latest month the data holds (the first of crimes-street-dates), as the first day of that month.",
		Answer:      reflect.TypeFor[LastUpdated](), Errors: []Status{{404, "nothing has been imported"}}, run: (*API).lastUpdated},
	{Path: "/api/outcomes-for-crime/{persistent_id}", ID: "policeOutcomesForCrime", Tag: tagCrime, Summary: "Outcomes for a specific crime",
		Description: "A street-level crime found by its persistent_id, with its latest outcome (the street-level files give no earlier ones, nor the month it was reached: date is null). A crime without an outcome has an empty list.",
		Params:      []Param{{Name: "persistent_id", In: "path", Required: true, Description: "the 64-character id other answers give as persistent_id"}},
		Answer:      reflect.TypeFor[CrimeOutcomes](), Errors: []Status{{404, "no crime with that id"}}, run: (*API).outcomesForCrime},

	{Path: "/api/{force}/neighbourhoods", ID: "policeNeighbourhoods", Tag: tagNeighbourhoods, Summary: "Neighbourhoods",
		Description: "A force's neighbourhoods. Charter's neighbourhoods are the wards of the force's area, in their newest boundaries; the id is the ward's GSS code. A force whose area Charter has no wards for has none.",
		Params:      []Param{pPath}, Answer: reflect.TypeFor[[]NeighbourhoodRef](), Errors: []Status{eForce}, run: (*API).neighbourhoods},
	{Path: "/api/{force}/{neighbourhood}", ID: "policeNeighbourhood", Tag: tagNeighbourhoods, Summary: "Specific neighbourhood",
		Description: "A neighbourhood (a ward): its name, id, the centre of its boundary and its census population. The force's pages, contact details, links and police stations are not in the open data Charter imports: they are null or empty.",
		Params:      []Param{pPath, pNbhd}, Answer: reflect.TypeFor[Neighbourhood](), Errors: []Status{eNbhd}, run: (*API).neighbourhood},
	{Path: "/api/{force}/{neighbourhood}/boundary", ID: "policeNeighbourhoodBoundary", Tag: tagNeighbourhoods, Summary: "Neighbourhood boundary",
		Description: "The points of the neighbourhood's boundary, in order (the outline of its largest part where a ward is in several). The list can be sent back as poly, by POST.",
		Params:      []Param{pPath, pNbhd}, Answer: reflect.TypeFor[[]LatLng](), Errors: []Status{eNbhd}, run: (*API).neighbourhoodBoundary},
	{Path: "/api/{force}/{neighbourhood}/people", ID: "policeNeighbourhoodTeam", Tag: tagNeighbourhoods, Summary: "Neighbourhood team",
		Description: "The neighbourhood's policing team. Charter holds no officers' details: the list is always empty.",
		Params:      []Param{pPath, pNbhd}, Answer: reflect.TypeFor[[]Officer](), Errors: []Status{eNbhd}, run: (*API).neighbourhoodEmpty},
	{Path: "/api/{force}/{neighbourhood}/events", ID: "policeNeighbourhoodEvents", Tag: tagNeighbourhoods, Summary: "Neighbourhood events",
		Description: "The neighbourhood's events. They are not in the open data Charter imports: the list is always empty.",
		Params:      []Param{pPath, pNbhd}, Answer: reflect.TypeFor[[]Event](), Errors: []Status{eNbhd}, run: (*API).neighbourhoodEmpty},
	{Path: "/api/{force}/{neighbourhood}/priorities", ID: "policeNeighbourhoodPriorities", Tag: tagNeighbourhoods, Summary: "Neighbourhood priorities",
		Description: "The neighbourhood's policing priorities. They are not in the open data Charter imports: the list is always empty.",
		Params:      []Param{pPath, pNbhd}, Answer: reflect.TypeFor[[]Priority](), Errors: []Status{eNbhd}, run: (*API).neighbourhoodEmpty},
	{Path: "/api/locate-neighbourhood", ID: "policeLocateNeighbourhood", Tag: tagNeighbourhoods, Summary: "Locate a neighbourhood",
		Description: "The force and neighbourhood (ward) whose boundary holds a point.",
		Params:      []Param{{Name: "q", In: "query", Required: true, Description: "the point, as lat,lng"}},
		Answer:      reflect.TypeFor[Located](), Errors: []Status{{400, "q is missing or not lat,lng"}, {404, "no neighbourhood holds the point"}},
		run: (*API).locateNeighbourhood},

	{Path: "/api/stops-street", Post: true, ID: "policeStopsStreet", Tag: tagStops, Summary: "Stop and searches by area",
		Description: "Every force's stops and searches of the month within one mile of a point, or inside a polygon.",
		Params:      []Param{pLat, pLng, pPoly, pDate},
		Answer:      reflect.TypeFor[[]Stop](), Errors: []Status{eBadDate, eMonth, eTooLarge, eBusy}, run: (*API).stopsStreet},
	{Path: "/api/stops-at-location", Post: true, ID: "policeStopsAtLocation", Tag: tagStops, Summary: "Stop and searches by location",
		Description: "The stops and searches of the month at one map point.",
		Params:      []Param{{Name: "location_id", In: "query", Required: true, Description: pLoc.Description}, pDate},
		Answer:      reflect.TypeFor[[]Stop](), Errors: []Status{eBadDate, eMonth, eBusy}, run: (*API).stopsAtLocation},
	{Path: "/api/stops-no-location", ID: "policeStopsNoLocation", Tag: tagStops, Summary: "Stop and searches with no location",
		Description: "A force's stops and searches of the month that have no location.",
		Params:      []Param{pForc, pDate},
		Answer:      reflect.TypeFor[[]Stop](), Errors: []Status{eBadDate, {404, "no such force, or the date is outside the months the data holds"}},
		run: (*API).stopsNoLocation},
	{Path: "/api/stops-force", ID: "policeStopsForce", Tag: tagStops, Summary: "Stop and searches by force",
		Description: "Every stop and search a force published for the month, with and without a location.",
		Params:      []Param{pForc, pDate},
		Answer:      reflect.TypeFor[[]Stop](), Errors: []Status{eBadDate, {404, "no such force, or the date is outside the months the data holds"}},
		run: (*API).stopsForce},

	{Path: "/api/crimes-street-dates", ID: "policeAvailability", Tag: tagAvailability, Summary: "Availability",
		Description: "Every month holding street-level crimes or stop and search, newest first, with the forces whose stop-and-search records it holds.",
		Answer:      reflect.TypeFor[[]MonthForces](), run: (*API).crimesStreetDates},
}

// Tags group the endpoints as data.police.uk's documentation does.
const (
	tagForces         = "data.police.uk: forces"
	tagCrime          = "data.police.uk: crime"
	tagNeighbourhoods = "data.police.uk: neighbourhoods"
	tagStops          = "data.police.uk: stop and search"
	tagAvailability   = "data.police.uk: availability"
)

// Tags are the groups of the endpoints, in order, with what each holds.
var Tags = []struct{ Name, Description string }{
	{tagForces, "The forces of England, Wales and Northern Ireland."},
	{tagCrime, "Street-level crimes and their outcomes, from the street-level crime files."},
	{tagNeighbourhoods, "Neighbourhoods, which Charter answers with the wards of a force's area."},
	{tagStops, "Stop and search records, as the forces published them."},
	{tagAvailability, "The months the data holds."},
}
