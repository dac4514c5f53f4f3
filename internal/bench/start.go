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

// startBudget is DESIGN.md's budget for `charter serve` to start (open the
// store → the dashboard's first answer) on a store of n stops: a second at a
// million, five at ten million. A first start, which builds the read model
// from the store once per database, has none.
func startBudget(n int) time.Duration {
	if n >= 10_000_000 {
		return 5 * time.Second
	}
	return time.Second
}

// StartOptions are the settings of the cold-start benchmark.
type StartOptions struct {
	Stops int // stops in the store: the demo data, then the archive months again as earlier years and other forces until there are this many
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
	n, err := fillStore(ctx, dsn, dir, o.Data, o.Stops, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Cold start of the server on SQLite with %s stops (the demo data and the archive months again as earlier years and other forces), median of %d\n\n", charter.Thousands(n), o.Runs)
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
	budget := startBudget(n)
	fmt.Fprintf(w, "%-62s %8.2f s  (budget ≤ %.0f s: %s)\n", "open the store → first answer of /, from the read model's file", medianStart(fromFile).total.Seconds(), budget.Seconds(), verdict(medianStart(fromFile).total <= budget))
	fmt.Fprintf(w, "%-62s %8.2f s\n", "  of which loading the read model (server.New)", medianStart(fromFile).load.Seconds())
	fmt.Fprintf(w, "%-62s %8.2f s  (once per database: no budget)\n", "the same, first start: no file, the model built from the store", medianStart(fromStore).total.Seconds())
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
// relabelled as earlier years and other forces (see fillRounds) until the
// store holds at least want stops. months limits the archive months each
// round takes (0: all 13), so that the tests' rounds are small.
func fillStore(ctx context.Context, dsn, dir string, files []string, want, months int) (int, error) {
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
	for _, r := range fillRounds() {
		if n >= want {
			break
		}
		var paths []string
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, "-stop-and-search.csv") || months > 0 && len(paths) == months {
				continue
			}
			p, err := relabel(f, dir, r)
			if err != nil {
				return 0, err
			}
			paths = append(paths, p)
		}
		rs, err := im.Import(ctx, paths...)
		for _, p := range paths {
			os.Remove(p)
		}
		if err != nil {
			return 0, err
		}
		// The rows are added up from the import's own results: counting
		// the table again after every round scans all of it, which at
		// several million stops took longer than the round's import.
		// Months skipped as already imported (a kept store filled part
		// way before) were counted at the start.
		s := importer.Summarise(rs)
		if s.Refused > 0 || s.Rejects > 0 || s.Imported+s.Skipped < s.Sources {
			return 0, fmt.Errorf("bench start: the archive months as %s's %d years earlier were not all stored: %+v", r.force, r.back, s)
		}
		n += s.Rows
	}
	if n < want {
		return 0, fmt.Errorf("bench start: the relabelled archive months hold %d stops, fewer than the %d asked", n, want)
	}
	return n, nil
}

// fillRound is one round of the fill: the archive months as a force's,
// back whole years.
type fillRound struct {
	force string
	back  int
	// second is written as the seconds of every stop's time (0 for the
	// Met, the force's place in the list for others; the archive's times
	// are whole minutes): a file's checksum is of its content, so without
	// it another force's round would be skipped as the Met's file already
	// imported. No minute, day or month changes.
	second int
}

// fillRounds are the rounds of the fill in order: the archive moved back
// 2, 4, … 20 years as the Met's, then as each other force's. The steps are
// two years because the archive's months span 15: a step of one would give
// a round three months the round before holds, which the newer import
// supersedes, so that the stops imported would not be the stops added. It
// stops at 20 because a stop before 2000 is refused (the archive starts in
// 2021). A store of ten million stops is about five forces' worth of
// rounds: what the police of England and Wales record in a few years.
func fillRounds() []fillRound {
	forces := []string{"metropolitan"}
	for _, f := range charter.Forces {
		if f.ID != "metropolitan" {
			forces = append(forces, f.ID)
		}
	}
	var rs []fillRound
	for i, f := range forces[:min(len(forces), 60)] { // a second each
		for back := 2; back <= 20; back += 2 {
			rs = append(rs, fillRound{f, back, i})
		}
	}
	return rs
}

// relabel writes one archive month as the same month of r.force, r.back
// years earlier.
func relabel(f *zip.File, dir string, r fillRound) (string, error) {
	back := r.back
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
		// 2021-07-31T23:01:00+00:00: the seconds follow the second colon.
		if r.second > 0 && len(line) >= c+20 && line[c+17] == ':' {
			line[c+18], line[c+19] = byte('0'+r.second/10), byte('0'+r.second%10)
		}
	}
	out := filepath.Join(dir, strconv.Itoa(year-back)+strings.Replace(name[4:], "metropolitan", r.force, 1))
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
