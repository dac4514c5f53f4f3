package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

// importBudget is DESIGN.md's budget for a validated, placed import into
// SQLite, in rows a second.
const importBudget = 300000

// ImportOptions are the settings of the import benchmark.
type ImportOptions struct {
	Runs  int    // runs of each measurement; the median is printed
	PG    string // also measure PostgreSQL at this URL, in a scratch schema ("": not measured)
	Peers Peers
	// CPUProfile, if set, is a file for a CPU profile of the timed part of
	// Charter's last SQLite run only (not the boundaries, not the peer), so that
	// the profile shows where an import's own time goes.
	CPUProfile string
}

// Import measures Charter's import of the 13 Met archive months (validated,
// each stop placed in its borough and ward) into a fresh SQLite database,
// beside the sqlite3 shell's .import of the same rows with no checks.
func Import(ctx context.Context, w io.Writer, o ImportOptions) error {
	dir, err := os.MkdirTemp("", "charter-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(w, "Import of the 13 bundled Met archive months (data.police.uk CSV), median of %d runs\n\n", max(o.Runs, 1))
	prof, err := profileLastRun(o.CPUProfile, o.Runs)
	if err != nil {
		return err
	}
	defer prof.Close()
	var rows int
	var build []float64
	rate, err := median(o.Runs, func(i int) (float64, error) {
		n, d, b, err := importCharter(ctx, filepath.Join(dir, fmt.Sprintf("charter-%d.db", i)), func() (func(), error) { return prof.start(i) })
		rows = n
		build = append(build, b.Seconds()*1000)
		return float64(n) / d.Seconds(), err
	})
	if err != nil {
		return err
	}
	buildMs, _ := median(len(build), func(i int) (float64, error) { return build[i], nil })
	fmt.Fprintf(w, "%-62s %12s\n", "", "rows/s")
	fmt.Fprintf(w, "%-62s %12s   (%s rows; budget ≥ %s: %s)\n", "Charter → SQLite (validated, borough + ward assigned)", charter.Thousands(int(rate)), charter.Thousands(rows), charter.Thousands(importBudget), verdict(rate >= importBudget))
	fmt.Fprintf(w, "%-62s %12s   (%.0f ms once per process, from the stored boundaries; not in the rate above)\n", "  spatial index of the London boroughs and wards", "", buildMs)

	if err := sqlite3Peer(w, dir, o.Runs, o.Peers, rate); err != nil {
		return err
	}
	if o.PG == "" {
		fmt.Fprintf(w, "%-62s %12s   (not measured: no PostgreSQL address was given)\n", "Charter → PostgreSQL", "–")
		return nil
	}
	pgRate, err := median(o.Runs, func(i int) (float64, error) {
		dsn, drop, err := ScratchSchema(ctx, o.PG)
		if err != nil {
			return 0, err
		}
		defer drop()
		n, d, _, err := importCharter(ctx, dsn, nil)
		return float64(n) / d.Seconds(), err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-62s %12s\n", "Charter → PostgreSQL (COPY; validated, assigned)", charter.Thousands(int(pgRate)))
	return nil
}

// sqlite3Peer times the sqlite3 shell importing the same rows as one CSV,
// and prints its rate beside Charter's, or that it is not installed.
func sqlite3Peer(w io.Writer, dir string, runs int, peers Peers, rate float64) error {
	const peer = "  peer: sqlite3 shell .import of the same rows (no checks)"
	sqlite3, err := exec.LookPath(peers.SQLite3)
	if err != nil || peers.SQLite3 == "" {
		fmt.Fprintf(w, "%-62s %12s   (%s)\n", peer, "–", notMeasured("the sqlite3 shell", installSQLite3))
		return nil
	}
	csvRows, err := writeArchiveCSV(filepath.Join(dir, "stops.csv"))
	if err != nil {
		return err
	}
	script, err := writePeer(dir, "import.sqlite3")
	if err != nil {
		return err
	}
	peerRate, err := median(runs, func(i int) (float64, error) {
		d, err := importSQLite3(sqlite3, dir, script, filepath.Join(dir, fmt.Sprintf("peer-%d.db", i)))
		return float64(csvRows) / d.Seconds(), err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-62s %12s   (%s rows; Charter is %s the peer)\n", peer, charter.Thousands(int(peerRate)), charter.Thousands(csvRows), times(rate/peerRate))
	return nil
}

// importCharter loads the boundaries (untimed), times building the spatial
// index from the store as a fresh process would, then times the import of the
// Met archive months end to end: decompression, checksum, parsing,
// validation, area assignment, insert and commit. profile, when not nil,
// brackets the timed import (see lastRun.start).
func importCharter(ctx context.Context, dsn string, profile func() (stop func(), err error)) (rows int, d, build time.Duration, err error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	if rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, londonBoundaries); err != nil {
		return 0, 0, 0, err
	} else if s := importer.Summarise(rs); s.Refused > 0 {
		return 0, 0, 0, fmt.Errorf("bench: boundaries refused")
	}
	im := &importer.Importer{Store: st}
	start := time.Now()
	if err := im.Prepare(ctx); err != nil {
		return 0, 0, 0, err
	}
	build = time.Since(start)
	stop := func() {}
	if profile != nil {
		if stop, err = profile(); err != nil {
			return 0, 0, 0, err
		}
	}
	start = time.Now()
	rs, err := im.ImportFS(ctx, data.FS, []string{MetArchive})
	d = time.Since(start)
	stop()
	if err != nil {
		return 0, 0, 0, err
	}
	s := importer.Summarise(rs)
	if s.Refused > 0 || s.Rejects > 0 {
		return 0, 0, 0, fmt.Errorf("bench: %d refused, %d rejected", s.Refused, s.Rejects)
	}
	if placed, err := st.CountPlaced(ctx, charter.LevelWard); err != nil {
		return 0, 0, 0, err
	} else if placed == 0 {
		return 0, 0, 0, fmt.Errorf("bench: no stop was assigned to a ward")
	}
	return s.Rows, d, build, nil
}

// writeArchiveCSV writes the archive months as one CSV with one header,
// the input the sqlite3 shell imports, and returns its rows.
func writeArchiveCSV(path string) (int, error) {
	zr, err := metArchive()
	if err != nil {
		return 0, err
	}
	out, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	rows, first := 0, true
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return 0, err
		}
		if !first {
			body = body[bytes.IndexByte(body, '\n')+1:]
		}
		rows += bytes.Count(body, []byte{'\n'})
		if first {
			rows--
		}
		first = false
		if _, err := out.Write(body); err != nil {
			return 0, err
		}
	}
	return rows, out.Close()
}

// importSQLite3 times the sqlite3 shell running the peer's import script
// (stops.csv into a new table, in one transaction, with the same journal
// settings as Charter's store) in dir.
func importSQLite3(sqlite3, dir, script, dbPath string) (time.Duration, error) {
	in, err := os.Open(script)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	cmd := exec.Command(sqlite3, dbPath)
	cmd.Dir, cmd.Stdin = dir, in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("sqlite3: %v: %s", err, stderr.String())
	}
	return time.Since(start), nil
}
