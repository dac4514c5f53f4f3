package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/recordtest"
	"github.com/stopsearch/charter/internal/store"
)

// testNow is the clock of the encounter's tests.
var testNow = time.Date(2026, 6, 10, 14, 0, 0, 0, time.UTC)

// testMinFeedback is the fewest responses a month needs to be published,
// lowered from the default so that the tests stay short.
const testMinFeedback = 3

// encounter is the API with the record service over a real store (SQLite,
// or PostgreSQL with CHARTER_TEST_DATABASE), behind the real sign-in
// middleware, as the server puts them together.
type encounter struct {
	t   *testing.T
	st  *store.Store
	rec *record.Service
	h   http.Handler
	now atomic.Int64 // the clock, Unix seconds; starts at testNow
}

// advance moves the clock on.
func (e *encounter) advance(d time.Duration) { e.now.Add(int64(d / time.Second)) }

type noAssets struct{}

func (noAssets) URL(p string) string { return "/static/" + p }

func newEncounter(t *testing.T) *encounter {
	t.Helper()
	// Each test has its own store: they run side by side.
	t.Parallel()
	e := &encounter{t: t, st: recordtest.London(t)}
	e.now.Store(testNow.Unix())
	clock := func() time.Time { return time.Unix(e.now.Load(), 0).UTC() }
	e.rec = record.New(e.st, record.Options{Now: clock, BaseURL: "https://charter.test", MinFeedback: testMinFeedback})
	ap := New(nil)
	ap.SetRecords(e.rec)
	mux := http.NewServeMux()
	ap.Register(mux, noAssets{})
	a, err := auth.New(context.Background(), e.st, auth.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.h = a.Middleware(mux)
	return e
}

// user adds a user (of the Met, but for the panel) and issues them a
// device token, as charter user add and charter token create do.
func (e *encounter) user(name string, role charter.Role, rank charter.Rank) (*charter.User, string) {
	e.t.Helper()
	u := recordtest.User(e.t, e.st, name, role, rank)
	return u, recordtest.Token(e.t, e.st, u)
}

// do sends a request with the token ("" for none) and headers in pairs.
func (e *encounter) do(method, path, token, body string, hdr ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// decode reads an answer's JSON into v, failing on a status other than want.
func decode[T any](t *testing.T, w *httptest.ResponseRecorder, want int) T {
	t.Helper()
	var v T
	if w.Code != want {
		t.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer %q: %v", w.Body, err)
	}
	return v
}

// problem reads a problem document with the status want.
func problem(t *testing.T, w *httptest.ResponseRecorder, want int) httpx.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	return decode[httpx.Problem](t, w, want)
}

// fieldsOf are the names of a problem's bad fields.
func fieldsOf(p httpx.Problem) map[string]string {
	out := map[string]string{}
	for _, f := range p.Errors {
		out[f.Field] = f.Reason
	}
	return out
}

// validRecord is recordtest's routine search an hour before testNow, as a
// handset sends it: its JSON without the server's fields.
func validRecord() map[string]any {
	b, _ := json.Marshal(recordtest.Routine(testNow))
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, f := range recordReadOnly {
		delete(m, f)
	}
	return m
}

// body is v as JSON with changes in pairs (name, value; a nil value
// takes the member out).
func body(v map[string]any, changes ...any) string {
	m := map[string]any{}
	for k, x := range v {
		m[k] = x
	}
	for i := 0; i+1 < len(changes); i += 2 {
		k := changes[i].(string)
		if changes[i+1] == nil {
			delete(m, k)
		} else {
			m[k] = changes[i+1]
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}
