// Package policeapi serves the data.police.uk-compatible API under /api/:
// the same paths, parameters, JSON shapes, value spellings, status codes and
// limits as https://data.police.uk/api/, so that existing client libraries
// pointed at Charter work unchanged (docs/api.md). The records are the ones
// imported from the forces' own publications, with their anonymised map
// points; nothing here names a person or an officer.
package policeapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/store"
)

// Limits data.police.uk publishes, which clients are written against.
const (
	// MaxArea is the most records a custom area (or radius) may hold; more
	// is answered 503.
	MaxArea = 10000
	// MaxGetURI is the longest GET request line data.police.uk takes; a
	// longer polygon must be sent by POST.
	MaxGetURI = 4094
	// maxForm bounds a POST body.
	maxForm = 1 << 20
)

// API answers the data.police.uk-compatible endpoints from the store.
type API struct {
	st *store.Store

	// The months holding stops, kept until the store commits again: every
	// stops request needs them.
	mu       sync.Mutex
	monthsAt int64
	held     []charter.Month
	heldBy   map[charter.Month][]string

	cache stopCache
}

// New returns the API over st.
func New(st *store.Store) *API { return &API{st: st} }

// Register adds the endpoints to mux. The POST forms are read-only searches
// (a long polygon does not fit in a URL), so they are let past cross-origin
// protection, as a browser application on another site may send them.
func (a *API) Register(mux *http.ServeMux, cop *http.CrossOriginProtection) {
	get := func(path string, h func(context.Context, *http.Request) (any, error)) {
		mux.HandleFunc("GET "+path, a.handle(h))
	}
	both := func(path string, h func(context.Context, *http.Request) (any, error)) {
		get(path, h)
		mux.HandleFunc("POST "+path, a.handle(h))
		if cop != nil {
			cop.AddInsecureBypassPattern("POST " + path)
		}
	}
	get("/api/forces", a.forces)
	get("/api/forces/{id}", a.force)
	get("/api/crime-categories", a.crimeCategories)
	get("/api/crimes-street-dates", a.crimesStreetDates)
	both("/api/crimes-street/{category}", a.crimesStreet)
	both("/api/stops-street", a.stopsStreet)
	both("/api/stops-at-location", a.stopsAtLocation)
	get("/api/stops-no-location", a.stopsNoLocation)
	get("/api/stops-force", a.stopsForce)
}

// handle reads the parameters (query, and the form body of a POST), runs h
// and writes its answer as JSON, or the error with its status.
func (a *API) handle(h func(context.Context, *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// data.police.uk is read by browser applications on any site.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		if r.Method == http.MethodGet && len(r.URL.RequestURI()) > MaxGetURI {
			httpx.WriteError(w, charter.Errorf(charter.EINVALID,
				"the request is longer than %d characters: send a long poly by POST", MaxGetURI))
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		if err := r.ParseForm(); err != nil {
			httpx.WriteError(w, charter.Errorf(charter.EINVALID, "cannot read the parameters: %v", err))
			return
		}
		v, err := h(r.Context(), r)
		if err != nil {
			httpx.WriteError(w, err)
			return
		}
		b, ok := v.(rawList)
		if !ok {
			if b, err = json.Marshal(v); err != nil {
				httpx.WriteError(w, err)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}

// forceParam reads the required force parameter: 400 when it is missing,
// 404 when data.police.uk has no such force.
func forceParam(r *http.Request) (string, error) {
	id := strings.TrimSpace(r.Form.Get("force"))
	if id == "" {
		return "", charter.Errorf(charter.EINVALID, "force is required (a force id such as metropolitan; see /api/forces)")
	}
	if _, ok := forceByID(id); !ok {
		return "", charter.Errorf(charter.ENOTFOUND, "no force %q (see /api/forces)", id)
	}
	return id, nil
}

func forceByID(id string) (charter.Force, bool) {
	i := slices.IndexFunc(charter.Forces, func(f charter.Force) bool { return f.ID == id })
	if i < 0 {
		return charter.Force{}, false
	}
	return charter.Forces[i], true
}

// parseDate reads the date parameter, YYYY-MM, as data.police.uk spells it.
func parseDate(s string) (charter.Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, charter.Errorf(charter.EINVALID, "date %q: want YYYY-MM", s)
	}
	m, err := charter.ParseMonth(s)
	if err != nil {
		return 0, charter.Errorf(charter.EINVALID, "date %q: want YYYY-MM", s)
	}
	return m, nil
}

// askedMonth picks the month of a request from the months the data holds
// (ascending): the date parameter, or the latest month when it is left out.
// A month the data does not hold is 404, as data.police.uk answers a month it
// has not published.
func askedMonth(r *http.Request, held []charter.Month) (charter.Month, error) {
	s := strings.TrimSpace(r.Form.Get("date"))
	if s == "" {
		if len(held) == 0 {
			return 0, charter.Errorf(charter.ENOTFOUND, "no data has been imported")
		}
		return held[len(held)-1], nil
	}
	m, err := parseDate(s)
	if err != nil {
		return 0, err
	}
	if _, ok := slices.BinarySearch(held, m); !ok {
		return 0, charter.Errorf(charter.ENOTFOUND, "no data for %s", s)
	}
	return m, nil
}

// stopMonths are the months holding stop-and-search records, ascending,
// and for each the forces that published them.
func (a *API) stopMonths(ctx context.Context) ([]charter.Month, map[charter.Month][]string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if at := a.st.Commits(); a.heldBy == nil || at != a.monthsAt {
		months, forces, err := a.readStopMonths(ctx)
		if err != nil {
			return nil, nil, err
		}
		a.held, a.heldBy, a.monthsAt = months, forces, at
	}
	// Callers only read them.
	return a.held, a.heldBy, nil
}

func (a *API) readStopMonths(ctx context.Context) ([]charter.Month, map[charter.Month][]string, error) {
	mcs, err := a.st.MonthCounts(ctx)
	if err != nil {
		return nil, nil, err
	}
	forces := map[charter.Month][]string{}
	var months []charter.Month
	for _, c := range mcs {
		if c.Count == 0 {
			continue
		}
		if _, ok := forces[c.Month]; !ok {
			months = append(months, c.Month)
		}
		forces[c.Month] = append(forces[c.Month], c.Force)
	}
	slices.Sort(months)
	return months, forces, nil
}

// float reads a required number parameter.
func float(r *http.Request, name string, lo, hi float64) (float64, error) {
	s := strings.TrimSpace(r.Form.Get(name))
	if s == "" {
		return 0, charter.Errorf(charter.EINVALID, "%s is required", name)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < lo || v > hi {
		return 0, charter.Errorf(charter.EINVALID, "%s %q: want a number from %g to %g", name, s, lo, hi)
	}
	return v, nil
}
