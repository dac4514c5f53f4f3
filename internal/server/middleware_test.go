package server

import (
	"net/http"
	"net/http/httptest"
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

func TestRespCache(t *testing.T) {
	var calls, version atomic.Int64
	h := newRespCache(version.Load).wrap(counting(&calls, http.StatusOK))
	get := func(path, inm string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
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

func TestLimiter(t *testing.T) {
	var calls atomic.Int64
	h := limited(newLimiter(15, 30), counting(&calls, http.StatusOK))
	codes := map[int]int{}
	for i := 0; i < 40; i++ {
		r := httptest.NewRequest("GET", "/api/forces", nil)
		r.RemoteAddr = "192.0.2.1:5000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		codes[w.Code]++
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	// 30 in the burst, plus at most one or two refilled while the loop ran.
	if codes[200] < 30 || codes[200] > 32 || codes[429] < 8 {
		t.Fatalf("40 quick requests from one address: %v, want ~30 allowed and the rest 429", codes)
	}
	r := httptest.NewRequest("GET", "/api/forces", nil)
	r.RemoteAddr = "192.0.2.2:5000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("another address was limited too: %d", w.Code)
	}
}
