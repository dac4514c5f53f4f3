package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/metrics"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// syncBuffer is a log destination tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// opsServer is a server over a store holding London's boroughs and a month
// of Met stops, logging as JSON to the returned buffer, with cfg changed by
// change.
func opsServer(t *testing.T, change func(*Config)) (*Server, *store.Store, *syncBuffer) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{
		"boundaries/london-lad22.geojson.gz", "police-uk/stops-force-metropolitan-2024-09.json.gz"})
	if err != nil {
		t.Fatal(err)
	}
	if sum := importer.Summarise(rs); sum.Refused > 0 {
		t.Fatalf("import: %+v", rs)
	}
	logs := &syncBuffer{}
	cfg := DefaultConfig()
	cfg.Watch, cfg.Logger = 0, slog.New(slog.NewJSONHandler(logs, nil))
	if change != nil {
		change(&cfg)
	}
	srv, err := New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, st, logs
}

// Every answer carries a request id, and the request's log line has it:
// pages, both APIs (the data.police.uk-compatible one answers errors with
// an empty body and X-Error-Detail, and gets only the header), Charter's
// problem documents (in the body too), 404s, 405s, 429s and health checks.
func TestRequestID(t *testing.T) {
	srv, _, logs := opsServer(t, nil)
	h := srv.Handler()
	id := regexp.MustCompile(`^[0-9a-f]{16}$`)
	seen := map[string]bool{}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/", 200},
		{"GET", "/rights", 200},
		{"GET", "/nosuch", 404},
		{"POST", "/rights", 405},
		{"GET", "/api/forces", 200},
		{"GET", "/api/forces/nosuch", 404},
		{"GET", "/api/stops-force?force=metropolitan&date=2024-13", 400},
		{"GET", "/api/v1/nosuch", 404},
		{"GET", "/healthz", 200},
		{"GET", "/readyz", 200},
	} {
		w := from(h, c.method, c.path, "192.0.2.1")
		got := w.Header().Get("X-Request-Id")
		if w.Code != c.status || !id.MatchString(got) {
			t.Errorf("%s %s: %d, X-Request-Id %q; want %d and 16 hex digits", c.method, c.path, w.Code, got, c.status)
			continue
		}
		if seen[got] {
			t.Errorf("%s %s: request id %s given twice", c.method, c.path, got)
		}
		seen[got] = true
		if !strings.Contains(logs.String(), `"request_id":"`+got+`"`) {
			t.Errorf("%s %s: no log line with request id %s", c.method, c.path, got)
		}
		if strings.HasPrefix(c.path, "/api/") && !strings.HasPrefix(c.path, "/api/v1/") && c.status != 200 {
			if w.Body.Len() != 0 || w.Header().Get("X-Error-Detail") == "" {
				t.Errorf("%s %s: data.police.uk's error shape changed: body %q, X-Error-Detail %q", c.method, c.path, w.Body, w.Header().Get("X-Error-Detail"))
			}
		}
		if strings.HasPrefix(c.path, "/api/v1/") {
			var p httpx.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.RequestID != got || p.Status != c.status {
				t.Errorf("%s %s: problem %s (%v), want request_id %s", c.method, c.path, w.Body, err, got)
			}
		}
	}
	// A rate-limited answer has its id too.
	var last *httptest.ResponseRecorder
	for range 40 {
		last = from(h, "GET", "/api/forces", "192.0.2.2")
	}
	if last.Code != http.StatusTooManyRequests || !id.MatchString(last.Header().Get("X-Request-Id")) {
		t.Errorf("429: %d, X-Request-Id %q", last.Code, last.Header().Get("X-Request-Id"))
	}
	// The log line names the route pattern, not only the path.
	if !strings.Contains(logs.String(), `"route":"GET /api/v1/`) && !strings.Contains(logs.String(), `"route":"/api/`) {
		t.Errorf("no route in the request log lines:\n%s", logs)
	}
}

// An internal error is answered with the safe message and the request id;
// its cause is logged once, in the request's line, with that id. An error
// the user made is not logged as an error.
func TestInternalErrorLogged(t *testing.T) {
	logs := &syncBuffer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/boom", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, fmt.Errorf("read the month: %w", errors.New("pq: connection reset by 10.0.0.5")))
	})
	mux.HandleFunc("GET /api/v1/wrapped", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, &charter.Error{Code: charter.EINTERNAL, Message: "cannot compute the figures", Err: errors.New("disk I/O error")})
	})
	mux.HandleFunc("GET /api/v1/bad", func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, charter.Errorf(charter.EINVALID, "from must be YYYY-MM"))
	})
	// Behind the response cache, as in the server: the error is found
	// through its writer.
	h := (&requestLog{log: slog.New(slog.NewJSONHandler(logs, nil)), mux: mux}).wrap(newRespCache(func() int64 { return 1 }).wrap(mux))
	for _, c := range []struct{ path, safe, cause string }{
		{"/api/v1/boom", "internal error", "connection reset by 10.0.0.5"},
		{"/api/v1/wrapped", "cannot compute the figures", "disk I/O error"},
	} {
		w := serve(h, c.path)
		id := w.Header().Get("X-Request-Id")
		var p httpx.Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != 500 || p.Detail != c.safe || p.RequestID != id || id == "" {
			t.Fatalf("%s: %d %s (%v)", c.path, w.Code, w.Body, err)
		}
		if strings.Contains(w.Body.String(), c.cause) {
			t.Errorf("%s: the answer shows the cause: %s", c.path, w.Body)
		}
		var lines []map[string]any
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && strings.Contains(l, c.cause) {
				lines = append(lines, m)
			}
		}
		if len(lines) != 1 || lines[0]["request_id"] != id || lines[0]["level"] != "ERROR" || lines[0]["status"] != float64(500) ||
			lines[0]["route"] != "GET "+c.path {
			t.Errorf("%s: want the cause logged once at ERROR with request id %s and the route; got %v in\n%s", c.path, id, lines, logs)
		}
	}
	w := serve(h, "/api/v1/bad")
	if w.Code != 400 || strings.Contains(logs.String(), `"level":"ERROR","msg":"request","request_id":"`+w.Header().Get("X-Request-Id")) {
		t.Errorf("a user's error: %d, logged as an error:\n%s", w.Code, logs)
	}
}

// /healthz answers while the process runs; /readyz says whether the store
// answers and the index is fresh, and why not in words.
func TestHealthAndReady(t *testing.T) {
	srv, st, logs := opsServer(t, nil)
	h := srv.Handler()
	for _, p := range []string{"/healthz", "/readyz"} {
		w := from(h, "GET", p, "192.0.2.3")
		if w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("X-Cache") != "" {
			t.Errorf("%s: %d %q, Cache-Control %q, X-Cache %q", p, w.Code, w.Body, w.Header().Get("Cache-Control"), w.Header().Get("X-Cache"))
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	w := from(h, "GET", "/readyz", "192.0.2.3")
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "the store does not answer") {
		t.Errorf("/readyz with the store closed: %d %q", w.Code, w.Body)
	}
	if took := time.Since(start); took > readyTimeout+time.Second {
		t.Errorf("/readyz took %s", took)
	}
	if !strings.Contains(logs.String(), `"msg":"not ready"`) {
		t.Errorf("the cause of not ready is not logged:\n%s", logs)
	}
	if w := from(h, "GET", "/healthz", "192.0.2.3"); w.Code != 200 {
		t.Errorf("/healthz with the store closed: %d, want 200 (the process is alive)", w.Code)
	}
}

// Shutting down finishes the requests in flight: a slow answer started
// before shutdown arrives whole, and Serve returns once it has.
func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	s := &Server{handler: (&requestLog{log: slog.New(slog.NewTextHandler(io.Discard, nil))}).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(700 * time.Millisecond)
		_, _ = w.Write([]byte("finished"))
	}))}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	urls := make(chan string, 1)
	go func() { served <- s.Serve(ctx, ln, func(u string) { urls <- u }) }()
	url := <-urls
	type answer struct {
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := http.Get(url + "slow")
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- answer{string(b), err}
	}()
	<-started
	shutdownAt := time.Now()
	cancel()
	a := <-got
	if a.err != nil || a.body != "finished" {
		t.Fatalf("the request in flight: %q, %v; want it finished", a.body, a.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if time.Since(shutdownAt) < 500*time.Millisecond {
		t.Errorf("Serve returned %s after shutdown began, before the slow request could finish", time.Since(shutdownAt))
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("a new request was answered after shutdown")
	}
}

// A client that trickles a request body loses its connection once the body
// timeout passes, instead of holding it; a body sent at once is read.
func TestTrickledBody(t *testing.T) {
	srv, _, _ := opsServer(t, func(c *Config) { c.BodyTimeout = 400 * time.Millisecond })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = srv.Serve(ctx, ln, nil) }()
	addr := ln.Addr().String()

	form := "poly=51.45,-0.12:51.47,-0.12:51.47,-0.10:51.45,-0.10&date=2024-09"
	res, err := http.Post("http://"+addr+"/api/stops-street", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("a POST sent at once: %d %s", res.StatusCode, res.Header.Get("X-Error-Detail"))
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/stops-street HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", addr, 10*len(form))
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		// Whatever the server says (a 400, or nothing), it ends the
		// connection: the read ends.
		_, _ = io.Copy(io.Discard, bufio.NewReader(conn))
		closed <- time.Since(start)
	}()
	// One byte every 50 ms would take 30 s to send the whole body.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case took := <-closed:
			if took < 300*time.Millisecond || took > 5*time.Second {
				t.Errorf("the trickling client's connection ended after %s, want about the 400 ms body timeout", took)
			}
			return
		case <-tick.C:
			if _, err := conn.Write([]byte{form[i%len(form)]}); err != nil {
				// The server closed it: as wanted, provided in time.
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("writes failed only after %s", took)
				}
				return
			}
			if time.Since(start) > 10*time.Second {
				t.Fatal("the server still reads a trickled body after 10 s")
			}
		}
	}
}

// The metrics address serves every series after some requests, with
// plausible values.
func TestMetrics(t *testing.T) {
	m := metrics.New()
	srv, _, _ := opsServer(t, func(c *Config) { c.Metrics = m })
	h := srv.Handler()
	for range 3 {
		from(h, "GET", "/api/v1/areas/metropolitan/profile", "192.0.2.4")
	}
	from(h, "GET", "/wards/NOSUCH", "192.0.2.4")
	from(h, "GET", "/api/forces/nosuch", "192.0.2.4")
	from(h, "GET", "/healthz", "192.0.2.4")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ServeMetrics(ctx, m, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(b)
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", res.StatusCode, text)
	}
	value := func(series string) float64 {
		t.Helper()
		for _, l := range strings.Split(text, "\n") {
			if rest, ok := strings.CutPrefix(l, series+" "); ok {
				v, err := strconv.ParseFloat(rest, 64)
				if err != nil {
					t.Fatalf("%s: %v", l, err)
				}
				return v
			}
		}
		t.Errorf("no series %s in\n%s", series, text)
		return -1
	}
	if v := value(`charter_http_request_duration_seconds_count{code="2xx",route="GET /api/v1/areas/{code}/profile"}`); v != 3 {
		t.Errorf("profile requests: %v, want 3", v)
	}
	if v := value(`charter_http_request_duration_seconds_bucket{code="2xx",route="GET /api/v1/areas/{code}/profile",le="+Inf"}`); v != 3 {
		t.Errorf("profile requests in the +Inf bucket: %v, want 3", v)
	}
	if v := value(`charter_http_request_duration_seconds_count{code="4xx",route="GET /wards/{code}"}`); v != 1 {
		t.Errorf("missing wards: %v, want 1", v)
	}
	if v := value(`charter_http_request_duration_seconds_count{code="2xx",route="GET /healthz"}`); v != 1 {
		t.Errorf("/healthz: %v, want 1", v)
	}
	if strings.Contains(text, "NOSUCH") || strings.Contains(text, "nosuch") {
		t.Errorf("a raw path became a label:\n%s", text)
	}
	// The first profile request missed, the next two hit.
	if hit, miss := value(`charter_response_cache_requests_total{result="hit"}`), value(`charter_response_cache_requests_total{result="miss"}`); hit < 2 || miss < 1 {
		t.Errorf("cache: %v hits, %v misses", hit, miss)
	}
	if n := value("charter_index_stops"); n != float64(srv.Model.Snapshot().Stops.Len()) || n < 1000 {
		t.Errorf("charter_index_stops %v, index holds %d", n, srv.Model.Snapshot().Stops.Len())
	}
	if v := value("charter_index_stale"); v != 0 {
		t.Errorf("charter_index_stale %v", v)
	}
	if s := value("charter_index_load_seconds"); s <= 0 || s > 120 {
		t.Errorf("charter_index_load_seconds %v", s)
	}
	if ts := value("charter_store_last_change_timestamp_seconds"); ts < float64(time.Now().Add(-10*time.Minute).Unix()) || ts > float64(time.Now().Unix()+1) {
		t.Errorf("charter_store_last_change_timestamp_seconds %v", ts)
	}
	if v := value("charter_import_counts_up"); v != 1 {
		t.Errorf("charter_import_counts_up %v", v)
	}
	if rows := value(`charter_import_rows_stored{kind="stops"}`); rows < 1000 {
		t.Errorf("stop rows stored: %v", rows)
	}
	value(`charter_import_rows_rejected{kind="stops"}`)
	value(`charter_import_sources{kind="boundaries"}`)
	value("go_goroutines")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ServeMetrics: %v", err)
	}
}

// An ETag from another process (a restart, another instance) never gives a
// 304, though both count their data versions from the same start.
func TestETagAcrossProcesses(t *testing.T) {
	var calls atomic.Int64
	version := func() int64 { return 0 }
	a := newRespCache(version).wrap(counting(&calls, http.StatusOK))
	b := newRespCache(version).wrap(counting(&calls, http.StatusOK))
	etag := serve(a, "/boroughs/E09000002").Header().Get("ETag")
	if serve(a, "/boroughs/E09000002", "If-None-Match", etag).Code != http.StatusNotModified {
		t.Fatalf("the same process: no 304 for %s", etag)
	}
	if w := serve(b, "/boroughs/E09000002", "If-None-Match", etag); w.Code != http.StatusOK {
		t.Fatalf("another process: %d for %s (its own %s)", w.Code, etag, w.Header().Get("ETag"))
	}
}

// Every surface logs an internal cause once, with the request id, and shows
// only the safe message: pages and the data.police.uk-compatible API too.
func TestInternalCausesLoggedEverywhere(t *testing.T) {
	srv, st, logs := opsServer(t, nil)
	h := srv.Handler()
	if err := st.Close(); err != nil { // every store read fails from here
		t.Fatal(err)
	}
	for _, path := range []string{"/boroughs/E09000002", "/api/metropolitan/neighbourhoods"} {
		w := from(h, "GET", path, "192.0.2.4")
		id := w.Header().Get("X-Request-Id")
		if w.Code != 500 || id == "" || strings.Contains(w.Body.String(), "closed") {
			t.Errorf("%s: %d, request id %q, answer %.200q", path, w.Code, id, w.Body)
			continue
		}
		n := 0
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, `"request_id":"`+id+`"`) && strings.Contains(l, `"level":"ERROR"`) && strings.Contains(l, "closed") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: the cause is logged %d times with request id %s, want once:\n%s", path, n, id, logs)
		}
	}
}
