package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/policeapi"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

// The DESIGN.md budget for a public page or API aggregate under load.
const (
	loadBudgetRate = 25000.0
	loadBudgetP99  = 20 * time.Millisecond
	// streetBudgetP99 is issue 14's budget for the handler's p99 of an
	// uncached stops-street request.
	streetBudgetP99 = 5 * time.Millisecond
)

// ServeOptions are the settings of the load benchmark.
type ServeOptions struct {
	Conns    int           // concurrent connections, each one request at a time, kept alive
	Duration time.Duration // how long each target is measured
	Warmup   time.Duration // load before each measurement, not counted (fills the response cache)
	Wrk      bool          // load with wrk (a separate process) rather than the in-process Go client
	Hostile  bool          // only the hostile-load measurement
	// Data are the bundled files imported (nil: the demo data); the tests
	// give a few, to start in seconds.
	Data []string
}

// HaveWrk tells whether wrk, the usual load generator, is on PATH.
func HaveWrk() bool {
	_, err := exec.LookPath("wrk")
	return err == nil
}

// Serve measures the server under load on loopback: requests a second and
// latency percentiles for the dashboard aggregate, a ward page and
// stops-street (cached, and at a new point each request), beside a Go
// hello-world server, the peer, measured in the same run by the same
// client; then normal requests beside a hostile client.
func Serve(ctx context.Context, w io.Writer, o ServeOptions) error {
	useWrk := o.Wrk
	dir, err := os.MkdirTemp("", "charter-bench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(w, "Importing the bundled data into a fresh SQLite database…")
	st, err := store.Open(ctx, filepath.Join(dir, "charter.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, orDemo(o.Data))
	if err != nil {
		return err
	}
	if sum := importer.Summarise(rs); sum.Refused > 0 {
		return fmt.Errorf("the demo import refused %d files", sum.Refused)
	}
	cfg := server.DefaultConfig()
	cfg.RateLimit, cfg.Watch, cfg.Quiet = 0, 0, true // one client address makes every request
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	timer := &serverTimer{buf: make([]time.Duration, 4<<20)}
	charterURL, stopCharter, err := listen(timer.wrap(srv.Handler()))
	if err != nil {
		return err
	}
	defer stopCharter()
	helloURL, stopHello, err := listen(timer.wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "Hello, World!\n")
	})))
	if err != nil {
		return err
	}
	defer stopHello()

	// stops-street at a new point each request: a grid of a million points
	// (0.0002° by 0.0004°, about 22 by 28 m) over inner London, walked so
	// that no point is asked twice in a run and no answer comes from the
	// response cache.
	fresh := func(worker, k int) string {
		i := worker*1_000_003 + k
		lat := 51.40 + float64(i%1000)*0.0002
		lng := -0.30 + float64(i/1000%1000)*0.0004
		return charterURL + "/api/stops-street?date=2024-09&lat=" + strconv.FormatFloat(lat, 'f', 4, 64) +
			"&lng=" + strconv.FormatFloat(lng, 'f', 4, 64)
	}
	// The same for wrk: each of its threads walks the grid from its own start.
	const freshLua = `local i = 0
local n = 0
setup = function(thread) n = n + 1; thread:set("base", n * 500000) end
request = function()
  i = i + 1
  local j = base + i
  return wrk.format("GET", string.format("/api/stops-street?date=2024-09&lat=%.4f&lng=%.4f",
    51.40 + (j % 1000) * 0.0002, -0.30 + (math.floor(j / 1000) % 1000) * 0.0004))
end
`
	same := func(u string) func(int, int) string { return func(int, int) string { return u } }
	targets := []struct {
		name   string
		url    func(int, int) string
		lua    string // for wrk, instead of url
		budget bool
	}{
		{"Go hello-world (the peer: the ceiling of this machine)", same(helloURL + "/"), "", false},
		{"dashboard aggregate /api/v1/areas/metropolitan/profile", same(charterURL + "/api/v1/areas/metropolitan/profile"), "", true},
		{"ward page /wards/E05014066 (Northbury)", same(charterURL + "/wards/E05014066"), "", true},
		{"stops-street, one point (Brixton, 2024-09; cached)", same(charterURL + "/api/stops-street?date=2024-09&lat=51.4613&lng=-0.1156"), "", true},
		{"stops-street, a new point each request (not cached)", fresh, freshLua, false},
	}
	client := "an in-process Go client (it shares the cores with the server)"
	if useWrk {
		client = "wrk, 2 threads, a separate process"
	}
	fmt.Fprintf(w, "\nLoad on loopback: %d connections, %s per target after %s of warm-up; %s; %d cores\n\n",
		o.Conns, o.Duration, o.Warmup, client, runtime.NumCPU())
	if o.Hostile {
		targets = targets[:0]
	} else {
		fmt.Fprintf(w, "%-58s %10s %9s %9s %10s %12s\n", "", "req/s", "p50", "p99", "bytes/req", "server p99")
	}
	var hello, street loadResult
	var helloP99, streetP99 time.Duration
	for i, tg := range targets {
		run := func(d time.Duration) (loadResult, error) {
			if useWrk {
				return wrkLoad(ctx, dir, o.Conns, d, tg.url(0, 0), tg.lua)
			}
			return load(ctx, o.Conns, d, tg.url)
		}
		if o.Warmup > 0 {
			if _, err := run(o.Warmup); err != nil {
				return err
			}
		}
		timer.reset()
		r, err := run(o.Duration)
		if err != nil {
			return err
		}
		sp99 := timer.p99()
		switch i {
		case 0:
			hello, helloP99 = r, sp99
		case len(targets) - 1:
			street, streetP99 = r, sp99
		}
		note := ""
		if tg.budget {
			note = fmt.Sprintf("  (budget ≥ %.0f req/s, p99 ≤ %s: %s)", loadBudgetRate, loadBudgetP99,
				verdict(r.rate() >= loadBudgetRate && r.p99 <= loadBudgetP99))
		}
		if r.errors > 0 {
			note += fmt.Sprintf("  %d FAILED", r.errors)
		}
		fmt.Fprintf(w, "%-58s %10.0f %9s %9s %10d %12s%s\n", tg.name, r.rate(), ms(r.p50), ms(r.p99), r.bytes/max(int64(r.n), 1), ms(sp99), note)
	}
	if len(targets) > 0 {
		fmt.Fprintf(w, "\nstops-street at a new point each request: %s req/s, handler p99 %s (budget ≤ %s: %s);\n", charter.Thousands(int(street.rate())), ms(streetP99), ms(streetBudgetP99), verdict(streetP99 <= streetBudgetP99))
		fmt.Fprintf(w, "the peer, a Go hello-world server in this run: %s req/s, handler p99 %s (Charter answers %.0f%% of its rate).\n", charter.Thousands(int(hello.rate())), ms(helloP99), 100*street.rate()/max(hello.rate(), 1e-9))
		fmt.Fprintln(w, "\nserver p99 is the handler's own time, without the wait in the client and the network stack.")
		fmt.Fprintln(w, "Every request takes gzip, as browsers and the common clients do; bytes/req is what crossed the wire")
		fmt.Fprintln(w, "(wrk: with headers). The Go hello-world server is the peer, measured in this run on the same machine.")
	}
	return benchHostile(ctx, w, charterURL, o.Conns, o.Duration, o.Warmup, useWrk, dir)
}

// hostileBudget is how much slower normal requests may be, at p99, while
// one client sends the most expensive requests it may at the rate limit.
const hostileBudget = 3.0

// hostileMonth is the month the hostile polygons ask for: one of the
// busiest of the archive (every stop of it is in the polygons' box).
const hostileMonth = "2022-03"

// benchHostile measures normal requests (the dashboard aggregate and the
// Northbury ward page, alternately) alone, then again while one client
// POSTs the largest polygons the API takes to stops-street at the API's
// rate limit (data.police.uk's 15 a second, bursts of 30), and prints the
// two p99s, their ratio and the budget.
func benchHostile(ctx context.Context, w io.Writer, base string, conns int, dur, warm time.Duration, useWrk bool, dir string) error {
	normal := func(_, k int) string {
		if k%2 == 0 {
			return base + "/api/v1/areas/metropolitan/profile"
		}
		return base + "/wards/E05014066"
	}
	const normalLua = `local i = 0
request = function()
  i = i + 1
  if i % 2 == 0 then return wrk.format("GET", "/api/v1/areas/metropolitan/profile") end
  return wrk.format("GET", "/wards/E05014066")
end
`
	run := func(d time.Duration) (loadResult, error) {
		if useWrk {
			return wrkLoad(ctx, dir, conns, d, base+"/", normalLua)
		}
		return load(ctx, conns, d, normal)
	}
	form := url.Values{"date": {hostileMonth}, "poly": {hostilePoly()}}.Encode()
	cfg := server.DefaultConfig()
	fmt.Fprintf(w, "\nHostile load: normal requests (dashboard aggregate and ward page, alternately; %d connections, %s)\n", conns, dur)
	fmt.Fprintf(w, "alone, then while one client POSTs %s-point polygons (%d kB; teeth across the London box, the\n", charter.Thousands(policeapi.MaxPolyPoints), len(form)>>10)
	fmt.Fprintf(w, "slab index's worst case) to stops-street for %s at the API's rate limit, %g a second, bursts of %d\n\n", hostileMonth, cfg.RateLimit, cfg.RateBurst)
	// One polygon alone first: it reads the month into the API's month
	// cache, as any earlier request for the month would have, and shows
	// what one costs on an idle server.
	alone := hostile(ctx, base+"/api/stops-street", form, 0, 1)
	if warm > 0 {
		if _, err := run(warm); err != nil {
			return err
		}
	}
	quiet, err := run(dur)
	if err != nil {
		return err
	}

	hctx, stop := context.WithCancel(ctx)
	var hs hostileStats
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs = hostile(hctx, base+"/api/stops-street", form, cfg.RateLimit, cfg.RateBurst)
	}()
	if warm > 0 {
		if _, err := run(warm); err != nil {
			stop()
			return err
		}
	}
	loaded, err := run(dur)
	stop()
	<-done
	if err != nil {
		return err
	}
	ratio := float64(loaded.p99) / float64(max(quiet.p99, time.Microsecond))
	fmt.Fprintf(w, "%-44s %10s %9s %9s\n", "normal requests", "req/s", "p50", "p99")
	fmt.Fprintf(w, "%-44s %10.0f %9s %9s\n", "quiet", quiet.rate(), ms(quiet.p50), ms(quiet.p99))
	fmt.Fprintf(w, "%-44s %10.0f %9s %9s\n", "beside the hostile client", loaded.rate(), ms(loaded.p50), ms(loaded.p99))
	fmt.Fprintf(w, "\np99 under hostile load / quiet p99: %.2f× (budget ≤ %.0f×: %s)\n", ratio, hostileBudget, verdict(ratio <= hostileBudget))
	if quiet.errors+loaded.errors > 0 {
		fmt.Fprintf(w, "normal requests FAILED: %d quiet, %d under hostile load\n", quiet.errors, loaded.errors)
	}
	fmt.Fprintf(w, "one polygon alone (the month read into the cache, then one more): %s, answers %s\n", ms(alone.p99), alone.statuses())
	fmt.Fprintf(w, "hostile client: %d polygons sent (%.1f a second), answers %s; p50 %s, p99 %s\n",
		hs.n, float64(hs.n)/max(hs.elapsed.Seconds(), 1e-9), hs.statuses(), ms(hs.p50), ms(hs.p99))
	return nil
}

// hostilePoly is a polygon of policeapi.MaxPolyPoints points over the
// London box drawn against the API's prepared polygon: a comb whose teeth
// run east–west across nearly the whole box, every vertex at a longitude of
// its own, so that the slabs are as many and as full as their budget lets
// them be. The teeth take a quarter of the box, so the answer stays under
// the API's 10,000 records and every stop of the month is tested.
func hostilePoly() string {
	const (
		south, north = 51.28, 51.70
		west, east   = -0.52, 0.34
	)
	teeth := (policeapi.MaxPolyPoints - 3) / 4
	dy := (north - south) / float64(teeth)
	var b strings.Builder
	n := 0
	pt := func(lat, lng float64) {
		if n > 0 {
			b.WriteByte(':')
		}
		n++
		b.WriteString(strconv.FormatFloat(lat, 'f', 7, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(lng+float64(n)*1e-7, 'f', 7, 64))
	}
	spine := west + 0.01
	for i := range teeth {
		y := south + float64(i)*dy
		pt(y, spine)
		pt(y, east)
		pt(y+dy/4, east)
		pt(y+dy/4, spine)
	}
	// The back, west of every tooth, with points to make up the number.
	pt(north, spine)
	rest := policeapi.MaxPolyPoints - n
	for i := range rest {
		pt(north-(north-south)*float64(i)/float64(max(rest-1, 1)), west)
	}
	return b.String()
}

// hostileStats is what the hostile client saw.
type hostileStats struct {
	n        int
	elapsed  time.Duration
	p50, p99 time.Duration
	status   map[int]int
}

func (h hostileStats) statuses() string {
	codes := slices.Sorted(maps.Keys(h.status))
	var parts []string
	for _, c := range codes {
		label := strconv.Itoa(c)
		if c == 0 {
			label = "unanswered (cut off at the end, or failed)"
		}
		parts = append(parts, fmt.Sprintf("%d × %s", h.status[c], label))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// hostile POSTs form to u as fast as a client within the rate limit may
// (a token bucket of rps a second with bursts of burst), each request on
// its own goroutine and connection as a client that does not wait for
// answers would, until ctx ends. With rps 0 it sends two, one after the
// other, and times the second.
func hostile(ctx context.Context, u, form string, rps float64, burst int) hostileStats {
	if rps <= 0 {
		var st hostileStats
		for range 2 {
			st = hostile1(ctx, u, form)
		}
		return st
	}
	st := hostileStats{status: map[int]int{}}
	tr := &http.Transport{MaxIdleConnsPerHost: burst}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	tokens := float64(burst)
	last := start
	tick := time.NewTicker(time.Duration(float64(time.Second) / rps / 4))
	defer tick.Stop()
	for ctx.Err() == nil {
		now := time.Now()
		tokens = min(float64(burst), tokens+now.Sub(last).Seconds()*rps)
		last = now
		for ; tokens >= 1; tokens-- {
			wg.Go(func() {
				code, d := postForm(ctx, client, u, form)
				mu.Lock()
				st.status[code]++
				if code != 0 {
					lat = append(lat, d)
				}
				mu.Unlock()
			})
			st.n++
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	if len(lat) > 0 {
		slices.Sort(lat)
		st.p50, st.p99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return st
}

// hostile1 sends one polygon and times it.
func hostile1(ctx context.Context, u, form string) hostileStats {
	code, d := postForm(ctx, http.DefaultClient, u, form)
	return hostileStats{n: 1, elapsed: d, p50: d, p99: d, status: map[int]int{code: 1}}
}

// postForm POSTs a form (taking gzip) and reads the whole answer: its
// status (0 if none came) and how long it took.
func postForm(ctx context.Context, c *http.Client, u, form string) (int, time.Duration) {
	t0 := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.Do(req)
	if err != nil {
		return 0, time.Since(t0)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(t0)
}

// serverTimer records how long the handler takes for each request, so that
// the server's own latency can be told from the time a request waits in the
// load generator (which shares the cores).
type serverTimer struct {
	n   atomic.Int64
	buf []time.Duration
}

func (s *serverTimer) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, r)
		if i := s.n.Add(1) - 1; i < int64(len(s.buf)) {
			s.buf[i] = time.Since(t0)
		}
	})
}

func (s *serverTimer) reset() { s.n.Store(0) }

// p99 of the requests timed since reset (their first len(buf)).
func (s *serverTimer) p99() time.Duration {
	n := min(s.n.Load(), int64(len(s.buf)))
	if n == 0 {
		return 0
	}
	d := slices.Clone(s.buf[:n])
	slices.Sort(d)
	return d[min(n-1, n*99/100)]
}

// listen serves h on a free loopback port.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// loadResult is one target's measurement.
type loadResult struct {
	n, errors int
	bytes     int64
	elapsed   time.Duration
	p50, p99  time.Duration
}

func (r loadResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// load keeps conns connections busy for d, each asking url(worker, k) for its
// k-th request (taking gzip) and reading the whole answer, and measures every
// request.
// An answer other than 200 counts as an error.
func load(ctx context.Context, conns int, d time.Duration, url func(worker, k int) string) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var res loadResult
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Go(func() {
			var lat []time.Duration
			var errs int
			var bytes int64
			for k := 0; ctx.Err() == nil; k++ {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url(w, k), nil)
				// As browsers and the common clients do; set here, the answer
				// is read as sent (the transport does not unzip it).
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				bytes += n
				if err != nil || resp.StatusCode != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			res.bytes += bytes
			mu.Unlock()
		})
	}
	wg.Wait()
	return res, res.finish(all, start, d)
}

// finish sets the time, the count and the percentiles from every request's
// latency.
func (r *loadResult) finish(all []time.Duration, start time.Time, d time.Duration) error {
	r.elapsed = time.Since(start)
	r.n = len(all)
	if r.n == 0 {
		return fmt.Errorf("no request finished in %s", d)
	}
	slices.Sort(all)
	r.p50, r.p99 = all[r.n/2], all[min(r.n-1, r.n*99/100)]
	return nil
}

// wrkLoad measures with wrk: url, or the requests a Lua script makes on
// url's host.
func wrkLoad(ctx context.Context, dir string, conns int, d time.Duration, url, lua string) (loadResult, error) {
	args := []string{"-t", "2", "-H", "Accept-Encoding: gzip", "-c", strconv.Itoa(conns), "-d", strconv.Itoa(max(1, int(d.Round(time.Second).Seconds()))) + "s", "--latency"}
	if lua != "" {
		path := filepath.Join(dir, "requests.lua")
		if err := os.WriteFile(path, []byte(lua), 0o644); err != nil {
			return loadResult{}, err
		}
		args = append(args, "-s", path)
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return loadResult{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	return parseWrk(string(out))
}

// parseWrk reads wrk's report: the 50% and 99% latencies, the requests and
// bytes read in the time, and the failures (non-2xx answers, socket errors).
func parseWrk(out string) (loadResult, error) {
	var r loadResult
	var secs float64
	var readBytes string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "50%":
			r.p50 = wrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99 = wrkDuration(f[1])
		case len(f) >= 5 && f[1] == "requests" && f[2] == "in":
			r.n, _ = strconv.Atoi(f[0])
			secs, _ = strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(f[3], ","), "s"), 64)
			readBytes = f[4]
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"):
			n, _ := strconv.Atoi(f[len(f)-1])
			r.errors += n
		case strings.HasPrefix(strings.TrimSpace(line), "Socket errors:"):
			for i := 2; i+1 < len(f); i += 2 {
				n, _ := strconv.Atoi(strings.TrimSuffix(f[i+1], ","))
				r.errors += n
			}
		}
	}
	if r.n == 0 || secs == 0 || r.p99 == 0 {
		return r, fmt.Errorf("cannot read wrk's report:\n%s", out)
	}
	r.elapsed = time.Duration(secs * float64(time.Second))
	r.bytes = wrkBytes(readBytes)
	return r, nil
}

// wrkDuration reads wrk's 1.23ms, 456.78us or 1.01s.
func wrkDuration(s string) time.Duration {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}} {
		if v, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64); strings.HasSuffix(s, u.suffix) && err == nil {
			return time.Duration(v * float64(u.unit))
		}
	}
	return 0
}

// wrkBytes reads wrk's 12.34MB (binary units).
func wrkBytes(s string) int64 {
	for _, u := range []struct {
		suffix string
		unit   float64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if v, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64); strings.HasSuffix(s, u.suffix) && err == nil {
			return int64(v * u.unit)
		}
	}
	return 0
}
