package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/bench"
)

func init() {
	register(command{"bench", "benchmarks that print Charter's figure beside a peer's measured in the same run (bench import, bench analytics, bench serve, bench start, bench record)", runBench})
}

// benchPeers is where the benchmarks look for their peers; tests hide them.
var benchPeers = bench.DefaultPeers

// runBench parses a benchmark's flags and runs it from internal/bench.
func runBench(ctx context.Context, e *env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "import":
		return runBenchImport(ctx, e, args)
	case "analytics":
		return runBenchAnalytics(ctx, e, args)
	case "serve":
		return runBenchServe(ctx, e, args)
	case "start":
		return runBenchStart(ctx, e, args)
	case "record":
		return runBenchRecord(ctx, e, args)
	}
	fmt.Fprintln(e.stderr, "Usage: charter bench import [--runs N] [--pg URL] [--sqlite3 PATH] [--cpuprofile FILE]")
	fmt.Fprintln(e.stderr, "       charter bench analytics [--runs N] [--sizes 1000000,10000000] [--cpuprofile FILE]")
	fmt.Fprintln(e.stderr, "       charter bench serve [--conns 64] [--duration 5s] [--warmup 1s] [--client auto|wrk|go] [--only hostile]")
	fmt.Fprintln(e.stderr, "       charter bench start [--stops 1000000] [--runs 3] [--dir D] [--cpuprofile FILE]")
	fmt.Fprintln(e.stderr, "       charter bench record [--officers 32] [--duration 30s] [--pg URL]")
	return errUsage
}

func runBenchImport(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench import", "[--runs N] [--pg URL] [--sqlite3 PATH] [--cpuprofile FILE]")
	runs := fs.Int("runs", 3, "runs of each measurement; the median is reported")
	pg := fs.String("pg", os.Getenv("CHARTER_TEST_DATABASE"), "also measure PostgreSQL at this URL (a scratch schema is created and dropped)")
	peers := benchPeers()
	fs.StringVar(&peers.SQLite3, "sqlite3", peers.SQLite3, "the sqlite3 shell, the peer measured beside Charter")
	prof := fs.String("cpuprofile", "", "write a CPU profile of Charter's last timed SQLite import to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	return bench.Import(ctx, e.stdout, bench.ImportOptions{Runs: max(*runs, 1), PG: *pg, Peers: peers, CPUProfile: *prof})
}

func runBenchAnalytics(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench analytics", "[--runs N] [--sizes 1000000,10000000] [--cpuprofile FILE]")
	runs := fs.Int("runs", 5, "runs of each measurement; the median is reported")
	sizes := fs.String("sizes", "1000000,10000000", "index sizes to resample to, comma-separated")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the last end-to-end run (CSV → rates) to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	var ns []int
	for _, s := range split(*sizes) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return charter.Errorf(charter.EINVALID, "--sizes: %q is not a number of stops", s)
		}
		ns = append(ns, n)
	}
	return bench.Analytics(ctx, e.stdout, bench.AnalyticsOptions{Runs: max(*runs, 1), Sizes: ns, Peers: benchPeers(), CPUProfile: *prof})
}

func runBenchServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench serve", "[--conns 64] [--duration 5s] [--warmup 1s] [--client auto|wrk|go] [--only hostile]")
	conns := fs.Int("conns", 64, "concurrent connections (each one request at a time, kept alive)")
	dur := fs.Duration("duration", 5*time.Second, "how long each target is measured")
	warm := fs.Duration("warmup", time.Second, "load before each measurement, not counted (fills the response cache)")
	client := fs.String("client", "auto", "the load generator: wrk (a separate process, the usual way to measure HTTP servers), go (in this process), or auto (wrk when it is on PATH)")
	only := fs.String("only", "", "run only this target: hostile (normal requests quiet and beside one client sending the largest polygons at the rate limit)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *conns < 1 || *dur <= 0 || *warm < 0 || *client != "auto" && *client != "wrk" && *client != "go" || *only != "" && *only != "hostile" {
		fs.Usage()
		return errUsage
	}
	useWrk := *client == "wrk" || *client == "auto" && bench.HaveWrk()
	return bench.Serve(ctx, e.stdout, bench.ServeOptions{Conns: *conns, Duration: *dur, Warmup: *warm, Wrk: useWrk, Hostile: *only == "hostile"})
}

func runBenchStart(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench start", "[--stops 1000000] [--runs 3] [--dir D] [--cpuprofile FILE]")
	stops := fs.Int("stops", 1_000_000, "stops in the store: the demo data, then the archive months again as earlier years and other forces until there are this many")
	runs := fs.Int("runs", 3, "starts measured; the median is reported")
	dir := fs.String("dir", "", "keep the filled store in this folder and use it again when it already holds enough stops (default: a temporary folder, removed after)")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the last first start (the read model built from the store) to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *stops < 1 || *runs < 1 {
		fs.Usage()
		return errUsage
	}
	return bench.Start(ctx, e.stdout, bench.StartOptions{Stops: *stops, Runs: *runs, Dir: *dir, CPUProfile: *prof})
}

func runBenchRecord(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench record", "[--officers 32] [--duration 30s] [--pg URL]")
	officers := fs.Int("officers", 32, "officers submitting at once, each with a device token of their own")
	dur := fs.Duration("duration", 30*time.Second, "how long the officers submit")
	pg := fs.String("pg", os.Getenv("CHARTER_TEST_DATABASE"), "also measure PostgreSQL at this URL (a scratch schema is created and dropped)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *officers < 1 || *dur <= 0 {
		fs.Usage()
		return errUsage
	}
	err := bench.Record(ctx, e.stdout, bench.RecordOptions{Officers: *officers, Duration: *dur, PG: *pg})
	if errors.Is(err, bench.ErrFailed) {
		return errRejected
	}
	return err
}
