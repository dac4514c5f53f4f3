package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/server"
	"github.com/stopsearch/charter/internal/store"
)

// startBudget is DESIGN.md's budget for `charter serve` to start on a store
// of a million stops.
const startBudget = 5 * time.Second

// StartOptions are the settings of the cold-start benchmark.
type StartOptions struct {
	Stops int // stops in the store: the demo data, then the archive months again as earlier years until there are this many
	Runs  int // starts measured; the median is printed
	// Data are the bundled files imported first (nil: the demo data); the
	// tests give a few, to start in seconds.
	Data []string
	// Dir keeps the filled store between runs of the benchmark: empty means
	// a temporary folder, removed after; a folder that already holds a
	// store of enough stops is used as it is, to measure starts again
	// without filling it again.
	Dir string
	// CPUProfile, if set, is a file for a CPU profile of the last first
	// start (the read model built from the store).
	CPUProfile string
}

// Start measures a cold start: from opening a store of about a million
// stops to the first answer of the home page, as `charter serve` does it.
// It has no peer: no other tool serves these pages.
func Start(ctx context.Context, w io.Writer, o StartOptions) error {
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "charter-bench-start-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dsn := filepath.Join(dir, "charter.db")
	n, err := fillStore(ctx, dsn, dir, o.Data, o.Stops)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Cold start of the server on SQLite with %s stops (the demo data and the archive months again as earlier years), median of %d\n\n", charter.Thousands(n), o.Runs)
	// The first start of a new store has no persisted read model and builds
	// it from the store (and writes its file on close); every later start
	// reads that file. Both are measured: the first is what an operator
	// waits for once, the second what every restart costs.
	file := dsn + ".readmodel" // server.ReadModelPath's default beside a SQLite file
	prof, err := profileLastRun(o.CPUProfile, o.Runs)
	if err != nil {
		return err
	}
	defer prof.Close()
	var fromStore, fromFile []startTime
	for i := range max(o.Runs, 1) {
		if err := os.Remove(file); err != nil && !os.IsNotExist(err) {
			return err
		}
		stop, err := prof.start(i)
		if err != nil {
			return err
		}
		s, err := coldStart(ctx, dsn, "store")
		stop()
		if err != nil {
			return err
		}
		f, err := coldStart(ctx, dsn, "file")
		if err != nil {
			return err
		}
		fromStore, fromFile = append(fromStore, s), append(fromFile, f)
	}
	const budget = time.Second
	fmt.Fprintf(w, "%-62s %8.2f s  (budget ≤ %.0f s: %s)\n", "open the store → first answer of /, from the read model's file", medianStart(fromFile).total.Seconds(), budget.Seconds(), verdict(medianStart(fromFile).total <= budget))
	fmt.Fprintf(w, "%-62s %8.2f s\n", "  of which loading the read model (server.New)", medianStart(fromFile).load.Seconds())
	fmt.Fprintf(w, "%-62s %8.2f s  (budget ≤ %.0f s: %s)\n", "the same, first start: no file, the model built from the store", medianStart(fromStore).total.Seconds(), startBudget.Seconds(), verdict(medianStart(fromStore).total <= startBudget))
	fmt.Fprintf(w, "%-62s %8.2f s\n", "  of which loading the read model (server.New)", medianStart(fromStore).load.Seconds())
	fmt.Fprintf(w, "%-62s %8s    (no other tool serves these pages: no peer is measured)\n", "  peer", "–")
	return nil
}

// startTime is one measured start: to the first answer, and the part spent
// building the server (loading its read model).
type startTime struct{ total, load time.Duration }

// medianStart is the start of median total time.
func medianStart(ts []startTime) startTime {
	s := slices.Clone(ts)
	slices.SortFunc(s, func(a, b startTime) int { return int(a.total - b.total) })
	return s[len(s)/2]
}

// fillStore imports the demo data and then the bundled archive months
// relabelled as earlier years (the Date column and the file's month moved
// back whole years) until the store holds at least want stops.
func fillStore(ctx context.Context, dsn, dir string, files []string, want int) (int, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	count := func() (int, error) { return st.CountStops(ctx, charter.StopFilter{}) }
	if n, err := count(); err != nil || n >= want {
		return n, err // a kept store already full enough
	}
	im := &importer.Importer{Store: st}
	if _, err := im.ImportFS(ctx, data.FS, orDemo(files)); err != nil {
		return 0, err
	}
	n, err := count()
	if err != nil {
		return 0, err
	}
	zr, err := metArchive()
	if err != nil {
		return 0, err
	}
	for back := 1; n < want; back++ {
		var paths []string
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, "-stop-and-search.csv") {
				continue
			}
			p, err := relabel(f, dir, back)
			if err != nil {
				return 0, err
			}
			paths = append(paths, p)
		}
		rs, err := im.Import(ctx, paths...)
		if err != nil {
			return 0, err
		}
		if s := importer.Summarise(rs); s.Refused > 0 || s.Imported == 0 {
			return 0, fmt.Errorf("bench start: relabelled months refused: %+v", s)
		}
		if n, err = count(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// relabel writes one archive month as the same month back years earlier.
func relabel(f *zip.File, dir string, back int) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		return "", err
	}
	name := path.Base(f.Name) // 2021-06-metropolitan-stop-and-search.csv
	year, err := strconv.Atoi(name[:4])
	if err != nil {
		return "", fmt.Errorf("bench start: %s: no year in the name", f.Name)
	}
	lines := bytes.Split(body, []byte("\n"))
	for i := 1; i < len(lines); i++ {
		// The Date column is the second: Type,Date,…; its year moves too.
		line := lines[i]
		c := bytes.IndexByte(line, ',')
		if c < 0 || len(line) < c+5 {
			continue
		}
		y, err := strconv.Atoi(string(line[c+1 : c+5]))
		if err != nil {
			continue
		}
		copy(line[c+1:c+5], strconv.Itoa(y-back))
	}
	out := filepath.Join(dir, strconv.Itoa(year-back)+name[4:])
	return out, os.WriteFile(out, bytes.Join(lines, []byte("\n")), 0o644)
}

// coldStart opens the store, builds the server as `charter serve` does and
// asks for the home page. It fails unless the read model was loaded from
// where the caller expects ("file" or "store"), so that a start from the
// store is never reported as one from the file.
func coldStart(ctx context.Context, dsn, from string) (startTime, error) {
	start := time.Now()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return startTime{}, err
	}
	defer st.Close()
	cfg := server.DefaultConfig()
	cfg.Watch, cfg.Quiet = 0, true
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	t0 := time.Now()
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		return startTime{}, err
	}
	// Closed before the store: it writes the read model's file when the
	// model was built from the store.
	defer srv.Close()
	load := time.Since(t0)
	if got := srv.Model.LoadedFrom(); from == "file" && got != "file" || from == "store" && got == "file" {
		return startTime{}, fmt.Errorf("bench start: the read model was loaded from %q, want from the %s", got, from)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return startTime{}, err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln, nil) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		return startTime{}, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	total := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		return startTime{}, fmt.Errorf("bench start: the home page answered %d", resp.StatusCode)
	}
	cancel()
	<-done
	return startTime{total, load}, nil
}
