package server

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// counting is a handler that counts its calls and answers with the count.
func counting(calls *atomic.Int64, status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = w.Write([]byte{byte('0' + n)})
	})
}

// serve asks h for path with the headers given as name, value pairs
// (empty values are left out).
func serve(h http.Handler, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			r.Header.Set(headers[i], headers[i+1])
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRespCache(t *testing.T) {
	var calls, version atomic.Int64
	h := newRespCache(version.Load).wrap(counting(&calls, http.StatusOK))
	get := func(path, inm string) *httptest.ResponseRecorder { return serve(h, path, "If-None-Match", inm) }
	first := get("/boroughs/E09000002?from=2021-06&to=2022-05", "")
	if first.Code != 200 || first.Body.String() != "1" || first.Header().Get("X-Cache") != "miss" {
		t.Fatalf("first: %d %q %q", first.Code, first.Body, first.Header().Get("X-Cache"))
	}
	again := get("/boroughs/E09000002?from=2021-06&to=2022-05", "")
	if again.Body.String() != "1" || again.Header().Get("X-Cache") != "hit" || calls.Load() != 1 {
		t.Fatalf("second answer %q (%s), %d calls: want the cached 1", again.Body, again.Header().Get("X-Cache"), calls.Load())
	}
	if etag := first.Header().Get("ETag"); etag == "" || get("/boroughs/E09000002?from=2021-06&to=2022-05", etag).Code != http.StatusNotModified {
		t.Fatalf("If-None-Match %q did not give 304", etag)
	}
	if other := get("/boroughs/E09000002", ""); other.Body.String() != "2" {
		t.Fatalf("another query shared the cache entry: %q", other.Body)
	}
	version.Add(1) // new data: every entry is dropped
	if fresh := get("/boroughs/E09000002?from=2021-06&to=2022-05", first.Header().Get("ETag")); fresh.Code != 200 || fresh.Body.String() != "3" {
		t.Fatalf("after a new version: %d %q, want a fresh 200", fresh.Code, fresh.Body)
	}
	if get("/static/abc/css/charter.css", "").Header().Get("X-Cache") != "" {
		t.Fatal("static files must not go through the response cache")
	}
}

func TestRespCacheKeepsNoErrors(t *testing.T) {
	var calls, version atomic.Int64
	h := newRespCache(version.Load).wrap(counting(&calls, http.StatusNotFound))
	for i := 0; i < 2; i++ {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/wards/nope", nil))
	}
	if calls.Load() != 2 {
		t.Fatalf("a 404 was cached: %d calls", calls.Load())
	}
}

// from asks h for path as a client at addr.
func from(h http.Handler, method, path, addr string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	r.RemoteAddr = addr + ":5000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// burst asks h for paths in turn, n requests in all, as fast as it can, and
// counts the answers by status.
func burst(h http.Handler, addr string, n int, paths ...string) map[int]int {
	codes := map[int]int{}
	for i := range n {
		codes[from(h, "GET", paths[i%len(paths)], addr).Code]++
	}
	return codes
}

func TestLimiter(t *testing.T) {
	var calls atomic.Int64
	h := limited(newLimiter(15, 30), newLimiter(100, 1000), counting(&calls, http.StatusOK))
	codes := map[int]int{}
	for range 40 {
		w := from(h, "GET", "/api/forces", "192.0.2.1")
		codes[w.Code]++
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	// 30 in the burst, plus at most one or two refilled while the loop ran.
	if codes[200] < 30 || codes[200] > 32 || codes[429] < 8 {
		t.Fatalf("40 quick requests from one address: %v, want ~30 allowed and the rest 429", codes)
	}
	if w := from(h, "GET", "/api/forces", "192.0.2.2"); w.Code != 200 {
		t.Fatalf("another address was limited too: %d", w.Code)
	}
}

// A link checker crawling the site's pages and static files from one address
// is not refused, even with the API's bucket of that address empty; the API
// keeps its own limit however many pages the address has asked for; and the
// pages' bucket has a bottom too.
func TestLimiterPages(t *testing.T) {
	var calls atomic.Int64
	h := limited(newLimiter(15, 30), newLimiter(100, 1000), counting(&calls, http.StatusOK))
	pages := []string{"/", "/boroughs/E09000002", "/wards/E05014066", "/rights", "/downloads", "/static/0123abcd/css/charter.css", "/nosuch"}
	if codes := burst(h, "192.0.2.1", 40, "/api/forces"); codes[429] == 0 {
		t.Fatalf("the API was not limited: %v", codes)
	}
	if codes := burst(h, "192.0.2.1", 800, pages...); codes[200] != 800 {
		t.Fatalf("800 pages in a row from one address: %v, want every one answered", codes)
	}
	if codes := burst(h, "192.0.2.3", 800, pages...); codes[200] != 800 {
		t.Fatalf("800 pages in a row from another address: %v", codes)
	}
	if codes := burst(h, "192.0.2.3", 40, "/api/stops-street?lat=51.5&lng=-0.1"); codes[200] < 30 || codes[200] > 32 {
		t.Fatalf("after 800 pages, 40 quick API requests: %v, want ~30 allowed", codes)
	}
	if codes := burst(h, "192.0.2.3", 400, pages...); codes[429] == 0 {
		t.Fatalf("1,200 pages at once were all answered: %v, want the pages' burst of 1,000 to end", codes)
	}
}

func TestLimiterOff(t *testing.T) {
	if newLimiter(0, 30) != nil {
		t.Fatal("a rate of 0 limits")
	}
	var calls atomic.Int64
	h := limited(newLimiter(15, 30), nil, counting(&calls, http.StatusOK))
	if codes := burst(h, "192.0.2.1", 2000, "/", "/static/0123abcd/js/map.js"); codes[200] != 2000 {
		t.Fatalf("pages limited with their limit off: %v", codes)
	}
}

// A kept answer goes gzipped to a client that takes gzip, with its own
// ETag, and plain to one that does not.
func TestRespCacheGzip(t *testing.T) {
	var version atomic.Int64
	body := strings.Repeat(`{"age_range":"over 34","outcome":"A no further action disposal"},`, 100)
	h := newRespCache(version.Load).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	get := func(ae, inm string) *httptest.ResponseRecorder {
		return serve(h, "/api/stops-street?lat=51.5&lng=-0.1", "Accept-Encoding", ae, "If-None-Match", inm)
	}
	miss := get("gzip", "")
	if miss.Body.String() != body || miss.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("miss: %q…, Vary %q", miss.Body.String()[:20], miss.Header().Get("Vary"))
	}
	hit := get("br, gzip", "")
	if hit.Header().Get("Content-Encoding") != "gzip" || hit.Body.Len() >= len(body)/4 {
		t.Fatalf("hit: Content-Encoding %q, %d bytes for %d", hit.Header().Get("Content-Encoding"), hit.Body.Len(), len(body))
	}
	if hit.Header().Get("Content-Length") != strconv.Itoa(hit.Body.Len()) {
		t.Errorf("Content-Length %q for %d bytes", hit.Header().Get("Content-Length"), hit.Body.Len())
	}
	zr, err := gzip.NewReader(hit.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || string(b) != body {
		t.Fatalf("gunzipped: %v, %d bytes", err, len(b))
	}
	plain := get("", "")
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.String() != body {
		t.Fatal("a client without gzip got it compressed")
	}
	if refused := get("gzip;q=0", ""); refused.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 got gzip")
	}
	gzTag, plainTag := hit.Header().Get("ETag"), plain.Header().Get("ETag")
	if gzTag == plainTag || gzTag == "" {
		t.Fatalf("ETags %q and %q: each representation needs its own", gzTag, plainTag)
	}
	if get("gzip", gzTag).Code != http.StatusNotModified || get("", gzTag).Code == http.StatusNotModified {
		t.Fatal("If-None-Match must match the representation sent")
	}
}

// A full cache sheds some answers, not all, and stays within its bounds.
func TestRespCacheSheds(t *testing.T) {
	var version atomic.Int64
	h := newRespCache(version.Load)
	wrapped := h.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.URL.RawQuery) }))
	for i := range cacheMaxEntries + 10 {
		wrapped.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/stops-street?i="+strconv.Itoa(i), nil))
	}
	n := len(h.items)
	if n > cacheMaxEntries || n < cacheMaxEntries*7/8 {
		t.Fatalf("%d entries after %d answers, want between %d and %d", n, cacheMaxEntries+10, cacheMaxEntries*7/8, cacheMaxEntries)
	}
	sum := 0
	for _, e := range h.items {
		sum += len(e.body)
	}
	if sum != h.bytes {
		t.Fatalf("bytes counted %d, held %d", h.bytes, sum)
	}
}
