package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPersonalNeverCached: a request that carries a session cookie or a
// token is never answered from, nor kept in, the response cache, and the
// encounter's paths are never kept at all.
func TestPersonalNeverCached(t *testing.T) {
	h := newTestServer(t)
	get := func(path string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	// The public's copy of the rights page is kept…
	get("/rights")
	if w := get("/rights"); w.Header().Get("X-Cache") != "hit" {
		t.Fatalf("the public's second /rights was not a cache hit: %q", w.Header().Get("X-Cache"))
	}
	// …but never shown to a caller with a session or a token.
	for _, hdr := range [][]string{{"Cookie", "charter_session=abc"}, {"Authorization", "Bearer abc"}} {
		w := get("/rights", hdr...)
		if x := w.Header().Get("X-Cache"); x != "" {
			t.Errorf("/rights with %s: X-Cache %q, want the cache passed by", hdr[0], x)
		}
		if cc := w.Header().Get("Cache-Control"); strings.Contains(cc, "public") {
			t.Errorf("/rights with %s: Cache-Control %q", hdr[0], cc)
		}
	}
	for _, p := range []string{"/audit", "/audit"} {
		w := get(p)
		if w.Code != http.StatusOK || w.Header().Get("X-Cache") != "" {
			t.Errorf("%s: status %d, X-Cache %q; want 200, not cached", p, w.Code, w.Header().Get("X-Cache"))
		}
		if !strings.Contains(w.Body.String(), "audit trail") {
			t.Errorf("%s does not explain the audit trail", p)
		}
	}
}
