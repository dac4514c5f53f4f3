package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/metrics"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"serve", "serve the public site, the data.police.uk-compatible API and Charter's API", runServe})
}

// serveFlagSets are the flags of charter serve that the accountability
// workflows add, each from its own file's init: a set defines its flags on
// fs and returns what applies them to the server's configuration once they
// are parsed (an error names the flag).
var serveFlagSets []func(fs *flag.FlagSet) func(*server.Config) error

func runServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve", "[--addr HOST:PORT] [--demo] [--force ID] [--rate-limit N] [--rate-burst N] [--page-rate-limit N] [--page-rate-burst N] [--watch 30s] [--metrics-addr HOST:PORT] [--quiet] [sign-in and record flags: see -h]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (env CHARTER_ADDR, as every flag: CHARTER_<FLAG>); port 0 picks a free one")
	demo := fs.Bool("demo", false, "first import the bundled open dataset (what is already imported is passed over)")
	force := fs.String("force", "", "the force the dashboard opens on (default: the force with the most stops)")
	rateLimit := fs.Float64("rate-limit", 15, "requests a second per client address to the APIs (paths under /api/), as data.police.uk; 0 turns every limit off")
	rateBurst := fs.Int("rate-burst", 30, "bursts allowed above the APIs' rate")
	pageRate := fs.Float64("page-rate-limit", 100, "requests a second per client address to the site's pages and static files, a bucket of their own so that browsing and link checkers are not refused; 0 turns this limit off")
	pageBurst := fs.Int("page-rate-burst", 1000, "bursts allowed above the pages' rate")
	quiet := fs.Bool("quiet", false, "log only failed requests")
	watch := fs.Duration("watch", 30*time.Second, "how often to look for imports by another process (a charter import beside the server); 0 never")
	readModel := fs.String("read-model", "", "the file the figures' read model is kept in, so the server starts in a moment on any size of data: default beside a SQLite database (its name with .readmodel added), none on PostgreSQL unless given; - for none")
	metricsAddr := fs.String("metrics-addr", "", "address to serve Prometheus metrics on, at /metrics (its own address, not the public one); empty: none")
	authFlags := AddAuthFlags(fs)
	recordFlags := AddRecordFlags(fs)
	// The accountability workflows' flags, each from its own file
	// (serveFlagSets).
	var applies []func(*server.Config) error
	for _, add := range serveFlagSets {
		applies = append(applies, add(fs))
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	recordOpts, err := recordFlags.Options()
	if err != nil {
		return err
	}
	authOpts, err := authFlags.Options()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *force != "" && !charter.ValidForceID(*force) {
		return charter.Errorf(charter.EINVALID, "--force %q is not a data.police.uk force id (e.g. metropolitan)", *force)
	}
	if *demo {
		// A progress bar on a terminal; otherwise a line for each file
		// imported, none for those already imported on an earlier start.
		list := listChanged
		if _, tty := terminal(e.stderr); tty {
			list = listRefused
		}
		if err := e.importAll(ctx, &importer.Importer{}, nil, "charter-rejects.csv", list, true); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return charter.Errorf(charter.EINVALID, "cannot listen on %s: %v", *addr, err)
	}
	defer ln.Close()
	var mln net.Listener
	if *metricsAddr != "" {
		if mln, err = net.Listen("tcp", *metricsAddr); err != nil {
			return charter.Errorf(charter.EINVALID, "cannot listen on %s for metrics: %v", *metricsAddr, err)
		}
		defer mln.Close()
	}
	st, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	cfg := server.DefaultConfig()
	cfg.Force, cfg.RateLimit, cfg.RateBurst, cfg.Quiet, cfg.Logger, cfg.Watch = *force, *rateLimit, *rateBurst, *quiet, log, *watch
	cfg.ReadModel = *readModel
	cfg.PageRateLimit, cfg.PageRateBurst = *pageRate, *pageBurst
	authOpts.Logger = log
	cfg.Auth = authOpts
	recordOpts.Log = log
	cfg.Records, cfg.PublishDelay = recordOpts, recordFlags.PublishDelay
	if cfg.PublishDelay == 0 {
		cfg.PublishDelay = time.Nanosecond // as soon as the month ends (0 is the server's default)
	}
	for _, apply := range applies {
		if err := apply(&cfg); err != nil {
			return err
		}
	}
	if mln != nil {
		cfg.Metrics = metrics.New()
	}
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	defer pack.ClosePrinter() // the PDF printer's browser, if a pack was printed
	if mln != nil {
		// Served from once the indexes are loaded; it stops when the site
		// does.
		mctx, stop := context.WithCancel(ctx)
		mdone := make(chan error, 1)
		go func() { mdone <- server.ServeMetrics(mctx, cfg.Metrics, mln) }()
		defer func() {
			stop()
			if err := <-mdone; err != nil {
				log.Error("serving metrics", "err", err)
			}
		}()
		log.Info("serving metrics", "url", "http://"+mln.Addr().String()+"/metrics")
	}
	return srv.Serve(ctx, ln, func(url string) {
		db := e.db
		if store.IsPostgres(db) {
			db = "PostgreSQL" // the URL may hold a password
		}
		log.Info("charter is serving", "url", url, "database", db)
		fmt.Fprintf(e.stdout, "Charter is serving at %s\n", url)
	})
}
