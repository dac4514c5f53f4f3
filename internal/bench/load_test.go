package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// The load generator of bench serve counts every request and fails the ones
// that do not answer 200.
func TestLoad(t *testing.T) {
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "hello")
	}))
	defer ts.Close()
	r, err := load(context.Background(), 8, 300*time.Millisecond, func(int, int) string { return ts.URL })
	if err != nil {
		t.Fatal(err)
	}
	if int64(r.n) != n.Load() || r.n < 50 || r.errors != r.n/10 || r.p99 < r.p50 || r.p50 <= 0 {
		t.Errorf("load: %d requests (server saw %d), %d errors, p50 %s, p99 %s", r.n, n.Load(), r.errors, r.p50, r.p99)
	}
}

// wrk's report is read for rate, percentiles, bytes and failures.
func TestParseWrk(t *testing.T) {
	const out = `Running 5s test @ http://127.0.0.1:40000/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms    1.32ms  31.24ms   88.15%
    Req/Sec    15.64k     1.21k   18.04k    71.00%
  Latency Distribution
     50%    1.85ms
     75%    2.51ms
     90%    3.36ms
     99%  650.00us
  155715 requests in 5.01s, 4.25GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  31080.84
Transfer/sec:      0.85GB
`
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.n != 155715 || r.elapsed != 5010*time.Millisecond || r.p50 != 1850*time.Microsecond || r.p99 != 650*time.Microsecond ||
		r.errors != 12 || r.bytes != int64(4.25*(1<<30)) {
		t.Errorf("parsed %+v", r)
	}
	if rate := r.rate(); rate < 31080 || rate > 31081 {
		t.Errorf("rate %.2f, want wrk's 31080.84", rate)
	}
	if _, err := parseWrk("wrk: command failed"); err == nil {
		t.Error("a report without figures was read")
	}
}

// The server timer times each request through it and gives their p99.
func TestServerTimer(t *testing.T) {
	st := &serverTimer{buf: make([]time.Duration, 1000)}
	var i atomic.Int64
	h := st.wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		if i.Add(1)%50 == 0 { // 2 in 100 are slow
			time.Sleep(20 * time.Millisecond)
		}
	}))
	for range 200 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	if p := st.p99(); p < 20*time.Millisecond {
		t.Errorf("p99 %s, want at least the 20 ms of the slowest 2%%", p)
	}
	st.reset()
	if st.p99() != 0 {
		t.Error("reset kept the timings")
	}
}
