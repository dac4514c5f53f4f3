// Package server is Charter's HTTP server: it loads the analytic and crime
// indexes, keeps them following the store, and serves the public site, the
// data.police.uk-compatible API and Charter's own API on one address, behind
// request logging, panic recovery, cross-origin protection, rate limiting
// and a response cache.
package server

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/api"
	"github.com/stopsearch/charter/internal/audit"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/metrics"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/policeapi"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/training"
	"github.com/stopsearch/charter/internal/web"
)

// Config is how the server runs.
type Config struct {
	// Force is the force the dashboard opens on; empty picks the force with
	// the most stops.
	Force string
	// RateLimit is requests a second per client address to the APIs (paths
	// under /api/), with bursts of RateBurst; 0 turns off every limit.
	RateLimit float64
	RateBurst int
	// PageRateLimit is requests a second per client address to the site's
	// pages and static files, a bucket of their own, with bursts of
	// PageRateBurst; 0 turns off this limit only.
	PageRateLimit float64
	PageRateBurst int
	// Watch is how often to look for imports by another process (0: never).
	Watch time.Duration
	// Quiet logs only failed requests (for benchmarks).
	Quiet  bool
	Logger *slog.Logger
	// Metrics, if not nil, is where requests, the response cache, the
	// indexes and the store's changes are counted (served by ServeMetrics
	// on an address of its own).
	Metrics *metrics.Metrics
	// BodyTimeout is how long a client may take to send a request body
	// (0: DefaultBodyTimeout); a trickled body then fails instead of
	// holding its connection.
	BodyTimeout time.Duration
	// Auth is how users sign in (sessions, single sign-on).
	Auth auth.Options
	// Records tunes the encounter: receipts' lifetime, the correction
	// window, the receipt sender, the authorisation rule set.
	Records record.Options
	// PublishDelay is how long after the end of a month its first-hand
	// records become public (checked every hour); 0 is the default,
	// importer.DefaultPublishDelay; negative never publishes.
	PublishDelay time.Duration
	// The accountability workflows (PRODUCT.md S1–S4): supervision,
	// complaints and the community trigger, scrutiny panels, training and
	// ward engagement on deployments.
	Reviews     review.Options
	Complaints  complaint.Options
	Panels      panel.Options
	Training    training.Options
	Deployments deploy.Options
	// ReadModel is the file the read model is persisted to and started
	// from: empty means beside a SQLite database (its path with
	// ".readmodel" added) and none on PostgreSQL; NoReadModelFile means
	// none at all.
	ReadModel string
}

// NoReadModelFile as Config.ReadModel keeps the read model in memory only.
const NoReadModelFile = "-"

// ReadModelPath is where the read model of st is persisted under a
// Config.ReadModel setting ("" when it is not).
func ReadModelPath(st *store.Store, setting string) string {
	switch {
	case setting == NoReadModelFile:
		return ""
	case setting != "":
		return setting
	case st.File() != "":
		return st.File() + ".readmodel"
	}
	return ""
}

// DefaultBodyTimeout is how long a request body may take to arrive. The
// largest body the APIs take (a polygon, at most a few kB) arrives in
// milliseconds on any real connection.
const DefaultBodyTimeout = 30 * time.Second

// DefaultConfig has data.police.uk's published limit for the APIs (15 a
// second, bursts of 30), 100 a second with bursts of 1,000 for pages and
// static files (a link checker crawling the whole demo site in one go stays
// within it), and looks for other processes' imports every 30 seconds.
func DefaultConfig() Config {
	return Config{RateLimit: 15, RateBurst: 30, PageRateLimit: 100, PageRateBurst: 1000, Watch: 30 * time.Second, Logger: slog.Default()}
}

// Server serves one store.
type Server struct {
	St      *store.Store
	Auth    *auth.Auth
	Records *record.Service
	// The accountability workflows' services.
	Reviews     *review.Service
	Complaints  *complaint.Service
	Panels      *panel.Service
	Training    *training.Service
	Deployments *deploy.Service
	// Model is the read model every figure is computed from.
	Model   *readmodel.Model
	Figures *public.Figures
	handler http.Handler
	stops   []func()
	log     *slog.Logger
	metrics *metrics.Metrics
}

// New loads the indexes from st, follows it, and builds the routes.
func New(ctx context.Context, st *store.Store, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = DefaultBodyTimeout
	}
	s := &Server{St: st, log: cfg.Logger, metrics: cfg.Metrics}
	start := time.Now()
	var err error
	s.Model, err = readmodel.Open(ctx, st, readmodel.Options{Path: ReadModelPath(st, cfg.ReadModel), Logger: s.log})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() {
		if err := s.Model.Close(); err != nil {
			s.log.Error("write the read model beside the database", "err", err)
		}
	})
	snap := s.Model.Snapshot()
	force := cfg.Force
	if force == "" {
		force = busiestForce(snap.Stops)
	}
	s.Figures = public.New(st, s.Model, force)
	// Subscribed after the read model, so it runs after the model has
	// followed the write (subscribers run in order).
	s.stops = append(s.stops, st.OnCommit(func(charter.Change) { s.metrics.Changed(time.Now()) }))
	if cfg.Watch > 0 {
		// An import by another process is announced like one of ours, so
		// everything above follows it too.
		stop, err := st.Watch(context.Background(), cfg.Watch)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.stops = append(s.stops, stop)
	}
	s.metrics.IndexLoaded(time.Since(start), func() (int, bool) { return s.Model.Snapshot().Stops.Len(), s.Model.Stale() != nil })
	s.metrics.Imports(func(ctx context.Context) ([]metrics.ImportCount, error) {
		cs, err := st.ImportCounts(ctx)
		out := make([]metrics.ImportCount, len(cs))
		for i, c := range cs {
			out[i] = metrics.ImportCount{Kind: c.Kind, Sources: c.Sources, Rows: c.Rows, Rejects: c.Rejects}
		}
		return out, err
	})
	s.log.Info("read model loaded", "from", s.Model.LoadedFrom(), "stops", snap.Stops.Len(), "street_crimes", snap.Crimes.StreetLen(),
		"crime_counts", snap.Crimes.CountLen(), "force", force, "took", time.Since(start).Round(time.Millisecond))

	site, err := web.New(s.Figures, s.log)
	if err != nil {
		s.Close()
		return nil, err
	}
	if cfg.Auth.Logger == nil {
		cfg.Auth.Logger = s.log
	}
	if cfg.Auth.ErrorPage == nil {
		cfg.Auth.ErrorPage = site.Fail
	}
	if s.Auth, err = auth.New(ctx, st, cfg.Auth); err != nil {
		s.Close()
		return nil, err
	}
	s.Records = record.New(st, cfg.Records)
	// A record with a complaint about it joins its officer's supervisor's
	// review queue whatever the sample says.
	if cfg.Reviews.Complained == nil {
		cfg.Reviews.Complained = st.ComplainedRecords
	}
	s.Reviews = review.New(st, s.Records, cfg.Reviews)
	s.Complaints = complaint.New(st, s.Records, cfg.Complaints)
	s.Panels = panel.New(st, s.Records, cfg.Panels)
	// Training compares officers' complaints and review scores too.
	if cfg.Training.Complaints == nil {
		cfg.Training.Complaints = st.ComplaintsOfOfficers
	}
	if cfg.Training.ReviewScores == nil {
		cfg.Training.ReviewScores = st.ReviewScoresOfOfficers
	}
	s.Training = training.New(st, s.Records, cfg.Training)
	// A deployment is shown beside the complaints about searches in its wards.
	if cfg.Deployments.Complaints == nil {
		cfg.Deployments.Complaints = st.ComplaintsInWards
	}
	s.Deployments = deploy.New(st, s.Records, cfg.Deployments)
	site.SetEncounter(web.Encounter{Auth: s.Auth, Records: s.Records, Heads: st.AuditHeads,
		Reviews: s.Reviews, Complaints: s.Complaints, Panels: s.Panels, Training: s.Training, Deployments: s.Deployments})
	// The chain's head is published once a day for as long as the server
	// runs (several servers publishing the same day change nothing).
	pubCtx, stopPub := context.WithCancel(context.Background())
	s.stops = append(s.stops, stopPub)
	go audit.PublishDaily(pubCtx, st, store.Now, func(err error) { s.log.Error("publish the audit head", "err", err) })
	if cfg.PublishDelay >= 0 {
		delay := cmp.Or(cfg.PublishDelay, importer.DefaultPublishDelay)
		go s.publishRecords(pubCtx, delay)
	}
	mux := http.NewServeMux()
	cop := http.NewCrossOriginProtection()
	site.Register(mux)
	ap := api.New(s.Figures)
	ap.SetRecords(s.Records)
	ap.SetAccountability(api.Accountability{Reviews: s.Reviews, Complaints: s.Complaints, Panels: s.Panels,
		Training: s.Training, Deployments: s.Deployments})
	ap.Register(mux, site.Assets())
	policeapi.New(st).Register(mux, cop)
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", s.readyz)

	var h http.Handler = mux
	// Kept pages follow the data, and the community triggers a ward's page
	// shows (both counters only grow, so their sum changes with either).
	rc := newRespCache(func() int64 { return s.Figures.Version() + s.Complaints.Changes() })
	rc.metrics = s.metrics
	h = rc.wrap(h)
	// Who is asking is known before the cache, which passes every request
	// that carries a session or a token straight through (cacheable).
	h = s.Auth.Middleware(h)
	if cfg.RateLimit > 0 {
		h = limited(newLimiter(cfg.RateLimit, cfg.RateBurst), newLimiter(cfg.PageRateLimit, cfg.PageRateBurst), h)
	}
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = bodyDeadline(cfg.BodyTimeout, h)
	s.handler = (&requestLog{log: s.log, quiet: cfg.Quiet, mux: mux, metrics: s.metrics}).wrap(h)
	return s, nil
}

// publishRecords makes public, every hour, the months of first-hand
// records whose delay has passed (importer.PublishDue): the published
// figures then count them, as the indexes follow the import.
func (s *Server) publishRecords(ctx context.Context, delay time.Duration) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	im := &importer.Importer{Store: s.St}
	for {
		ps, err := im.PublishDue(ctx, store.Now(), delay)
		if err != nil && ctx.Err() == nil {
			s.log.Error("publish first-hand records", "err", err)
		}
		for _, p := range ps {
			if !p.Unchanged {
				s.log.Info("first-hand records made public", "force", p.Force, "month", p.Month.String(), "records", p.Records, "without_location", p.Unlocated)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// healthz says the process is alive: it answers whenever the server does,
// whatever the state of the store (that is /readyz).
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyTimeout bounds the store's ping in /readyz.
const readyTimeout = 2 * time.Second

// readyz says whether the server can answer from fresh data: the indexes
// are loaded (they are, once New returns) and not stale, and the store
// answers a ping within readyTimeout. Otherwise 503 with the reasons in
// words; the causes go to the log.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	var reasons []string
	if err := s.Model.Stale(); err != nil {
		reasons = append(reasons, "the figures are stale: a change could not be read from the store")
		s.log.Warn("not ready", "request_id", httpx.RequestID(w), "err", err.Error())
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.St.DB().PingContext(ctx); err != nil {
		reasons = append(reasons, "the store does not answer (no reply to a ping within "+readyTimeout.String()+")")
		s.log.Warn("not ready", "request_id", httpx.RequestID(w), "err", err.Error())
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if len(reasons) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not ready: " + strings.Join(reasons, "; ") + "\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

// busiestForce is the force with the most stops in the index.
func busiestForce(ix *index.Index) string {
	rows, err := ix.Count(index.Query{GroupBy: []index.Dim{index.DimForce}})
	best, n := "metropolitan", -1
	if err != nil {
		return best
	}
	for _, r := range rows {
		if r.Count > n {
			best, n = r.Values[0], r.Count
		}
	}
	return best
}

// securityHeaders are sent with every answer: no framing, no sniffing, and
// a content security policy that allows only our own files (the vendored
// libraries included) and the data: URIs Leaflet uses.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

// Handler is the whole site, for tests and for serving.
func (s *Server) Handler() http.Handler { return s.handler }

// ShutdownTimeout is how long Serve waits, once asked to stop, for the
// requests in flight to finish before it closes their connections.
const ShutdownTimeout = 10 * time.Second

// Serve answers on ln until ctx ends, then shuts down gracefully: it stops
// accepting connections, closes idle ones and waits up to ShutdownTimeout
// for the requests in flight to be answered. ready, if not nil, is called
// with the URL once the server is listening.
//
// Slow clients are bounded: request headers must arrive within 10 s
// (ReadHeaderTimeout), a request body within the server's BodyTimeout
// (set per request, so that long answers such as the record downloads are
// not cut), and an idle keep-alive connection is closed after 2 minutes.
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(url string)) error {
	if s.Records != nil {
		s.Records.DefaultBaseURL("http://" + ln.Addr().String())
	}
	return serveHTTP(ctx, &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}, ln, ready)
}

// ServeMetrics serves m in Prometheus's text format at /metrics on ln (an
// address of its own, not the public one) until ctx ends.
func ServeMetrics(ctx context.Context, m *metrics.Metrics, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return serveHTTP(ctx, &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}, ln, nil)
}

func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener, ready func(url string)) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready("http://" + ln.Addr().String() + "/")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops following the store.
func (s *Server) Close() {
	for _, stop := range s.stops {
		stop()
	}
	s.stops = nil
}
