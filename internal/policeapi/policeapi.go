// Package policeapi serves the data.police.uk-compatible API under /api/:
// every method data.police.uk documents, with the same paths, parameters,
// JSON shapes, value spellings, status codes and limits, so that existing
// client libraries pointed at Charter work unchanged (docs/api.md). The
// records are the ones imported from the forces' own publications, with
// their anonymised map points; nothing here names a person or an officer.
package policeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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

// ErrorHeader carries the reason of an error answer. The body of an error is
// empty, as data.police.uk's: its clients decode whatever body comes as the
// list or object they asked for, and an empty one is the only body every one
// of them takes (the status says the rest).
const ErrorHeader = "X-Error-Detail"

// API answers the data.police.uk-compatible endpoints from the store.
type API struct {
	st *store.Store

	// The months the data holds, kept until the store commits again: every
	// request that takes a date needs them.
	mu       sync.Mutex
	monthsAt int64
	months   *heldMonths

	cache stopCache
	wards wardCache

	// polys holds a slot for each polygon search running: at most
	// PolySearches at once, the rest queue (at most PolyQueue of them), so
	// that a client sending the largest polygons it may cannot take every
	// core from other requests, nor hold memory without bound.
	polys   chan struct{}
	waiting atomic.Int64
}

// PolySearches is how many requests with a poly are answered at once: half
// the cores (at least one). The others wait for a slot.
var PolySearches = max(1, runtime.GOMAXPROCS(0)/2)

// PolyQueue is how many requests with a poly may wait for a slot; one more
// is answered 429, as a request over the rate limit is.
const PolyQueue = 16

// New returns the API over st.
func New(st *store.Store) *API { return &API{st: st, polys: make(chan struct{}, PolySearches)} }

// Register answers every path under /api/ that Charter's own API does not
// (its /api/v1/ operations, the OpenAPI document and the docs page are more
// specific patterns): the endpoints, and data.police.uk's answer to anything
// else. The POST forms are read-only searches (a long polygon does not fit
// in a URL), so they are let past cross-origin protection, as a browser
// application on another site may send them.
func (a *API) Register(mux *http.ServeMux, cop *http.CrossOriginProtection) {
	for _, e := range endpoints {
		if e.Post && cop != nil {
			cop.AddInsecureBypassPattern("POST " + e.Path)
		}
	}
	mux.Handle("/api/", a)
}

// ServeHTTP routes a request to its endpoint. The endpoints are matched here
// rather than by the mux: data.police.uk's neighbourhood paths begin with a
// force id (/api/{force}/{neighbourhood}), which no mux pattern can hold
// beside /api/forces/{id} and Charter's /api/v1/ without clashing.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// data.police.uk is read by browser applications on any site.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if strings.HasPrefix(r.URL.Path, "/api/v1/") {
		// Charter's own API answers GET; any other method lands here.
		w.Header().Set("Allow", "GET, HEAD")
		writeProblem(w, http.StatusMethodNotAllowed, "Charter's API answers GET only")
		return
	}
	e, ok := route(r)
	switch {
	case !ok:
		writeError(w, charter.Errorf(charter.ENOTFOUND, "no method %s: see https://data.police.uk/docs/ for the methods, all of which are answered here", r.URL.Path))
		return
	case !e.allows(r.Method):
		w.Header().Set("Allow", e.allow())
		writeStatus(w, http.StatusMethodNotAllowed, r.Method+" is not answered here: use "+e.allow())
		return
	}
	if r.Method != http.MethodPost && len(r.URL.RequestURI()) > MaxGetURI {
		writeError(w, charter.Errorf(charter.EINVALID,
			"the request is longer than %d characters: send a long poly by POST", MaxGetURI))
		return
	}
	// A POST is how a long poly is sent: it takes its slot before its body
	// is read, so that a refused one costs nothing and the reading is done
	// within the slot. A GET's poly (at most 4,094 characters) is seen once
	// the query is read.
	slotted := r.Method == http.MethodPost
	if slotted {
		if !a.polySlot(w, r) {
			return
		}
		defer func() { <-a.polys }()
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, charter.Errorf(charter.EINVALID, "cannot read the parameters: %v", err))
		return
	}
	if !slotted && r.Form.Get("poly") != "" {
		if !a.polySlot(w, r) {
			return
		}
		defer func() { <-a.polys }()
	}
	v, err := e.run(a, r.Context(), r)
	if err != nil {
		writeError(w, err)
		return
	}
	b, ok := v.(rawList)
	if !ok {
		if b, err = json.Marshal(v); err != nil {
			writeError(w, err)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// polySlot waits for a slot for a search by polygon (or any POST), and
// says whether it has one; if not, the answer has been written (429 when
// PolyQueue are already waiting) or the client has gone. The caller frees
// the slot (<-a.polys) when done.
func (a *API) polySlot(w http.ResponseWriter, r *http.Request) bool {
	if a.waiting.Add(1) > PolyQueue {
		a.waiting.Add(-1)
		w.Header().Set("Retry-After", "1")
		writeStatus(w, http.StatusTooManyRequests, fmt.Sprintf("too many searches by polygon or POST at once (%d run, %d wait): try again shortly", PolySearches, PolyQueue))
		return false
	}
	defer a.waiting.Add(-1)
	select {
	case a.polys <- struct{}{}:
		return true
	case <-r.Context().Done():
		return false // the client went away while waiting
	}
}

// writeError answers an error as data.police.uk does: its status, no body.
func writeError(w http.ResponseWriter, err error) {
	// An internal cause is logged once, with the request id (the answer
	// holds only the safe message).
	httpx.NoteError(w, err)
	writeStatus(w, httpx.StatusOf(err), charter.ErrorMessage(err))
}

func writeStatus(w http.ResponseWriter, status int, detail string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set(ErrorHeader, headerText(detail))
	h.Set("Content-Length", "0")
	w.WriteHeader(status)
}

// writeProblem is an error of Charter's own API: a problem document.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	b, _ := json.Marshal(httpx.Problem{Title: http.StatusText(status), Status: status, Detail: detail})
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// headerText makes a message fit a header value: printable ASCII, other
// characters as Go escapes them, at most 500 bytes.
func headerText(s string) string {
	q := strconv.QuoteToASCII(s)
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	if len(q) > 500 {
		q = q[:497] + "..."
	}
	return q
}

// forceParam reads the required force parameter: 400 when it is missing,
// 404 when data.police.uk has no such force.
func forceParam(r *http.Request) (string, error) {
	id := strings.TrimSpace(r.Form.Get("force"))
	if id == "" {
		return "", charter.Errorf(charter.EINVALID, "force is required (a force id such as metropolitan; see /api/forces)")
	}
	return knownForce(id)
}

// knownForce is a force id data.police.uk knows, or 404.
func knownForce(id string) (string, error) {
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

// heldMonths are the months the data holds, each list ascending.
type heldMonths struct {
	stops   []charter.Month            // holding stop-and-search records
	byForce map[charter.Month][]string // the forces whose stops each holds
	crimes  []charter.Month            // holding street-level crimes
	all     []charter.Month            // either: the months crimes-street-dates lists
}

// askedMonth picks the month of a request: the date parameter, or when it
// is left out the latest of latest (the months holding the kind of record
// asked for); ok is false when there is no such month, and the answer is
// then an empty list. A month between the first and the last month the data
// holds (crimes-street-dates) answers what it holds, [] if nothing; a month
// outside them is 404, as data.police.uk answers a month it has not
// published.
func (h *heldMonths) askedMonth(r *http.Request, latest []charter.Month) (m charter.Month, ok bool, err error) {
	s := strings.TrimSpace(r.Form.Get("date"))
	if s == "" {
		if len(latest) == 0 {
			return 0, false, nil
		}
		return latest[len(latest)-1], true, nil
	}
	if m, err = parseDate(s); err != nil {
		return 0, false, err
	}
	if len(h.all) == 0 {
		return 0, false, charter.Errorf(charter.ENOTFOUND, "no data for %s: nothing has been imported", s)
	}
	if first, last := h.all[0], h.all[len(h.all)-1]; m < first || m > last {
		return 0, false, charter.Errorf(charter.ENOTFOUND, "no data for %s: the months held are %s to %s (see /api/crimes-street-dates)", s, first, last)
	}
	return m, true, nil
}

// held returns the months the data holds, read again after a commit.
func (a *API) held(ctx context.Context) (*heldMonths, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if at := a.st.Commits(); a.months == nil || at != a.monthsAt {
		h, err := a.readMonths(ctx)
		if err != nil {
			return nil, err
		}
		a.months, a.monthsAt = h, at
	}
	// Callers only read it.
	return a.months, nil
}

func (a *API) readMonths(ctx context.Context) (*heldMonths, error) {
	mcs, err := a.st.MonthCounts(ctx)
	if err != nil {
		return nil, err
	}
	h := &heldMonths{byForce: map[charter.Month][]string{}}
	for _, c := range mcs {
		if c.Count == 0 {
			continue
		}
		if _, ok := h.byForce[c.Month]; !ok {
			h.stops = append(h.stops, c.Month)
		}
		h.byForce[c.Month] = append(h.byForce[c.Month], c.Force)
	}
	slices.Sort(h.stops)
	if h.crimes, err = a.st.StreetCrimeMonths(ctx); err != nil {
		return nil, err
	}
	h.all = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(h.stops), h.crimes...))))
	return h, nil
}

// float reads a required number parameter.
func float(r *http.Request, name string, lo, hi float64) (float64, error) {
	s := strings.TrimSpace(r.Form.Get(name))
	if s == "" {
		return 0, charter.Errorf(charter.EINVALID, "%s is required", name)
	}
	return parseFloat(name, s, lo, hi)
}

func parseFloat(name, s string, lo, hi float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	// Written so that NaN (which ParseFloat reads, and which no comparison
	// holds for) is refused with the infinities.
	if err != nil || !(v >= lo && v <= hi) {
		return 0, charter.Errorf(charter.EINVALID, "%s %q: want a number from %g to %g", name, s, lo, hi)
	}
	return v, nil
}
