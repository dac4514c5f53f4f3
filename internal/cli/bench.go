package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

func init() {
	register(command{"bench", "benchmarks that print Charter's figure beside a peer's (bench import, bench analytics, bench serve, bench start, bench record)", runBench})
}

const (
	benchStops = "police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip"
	// ImportBudget is the DESIGN.md budget for a validated, area-assigned
	// import into SQLite.
	importBudget = 300000
)

var benchBoundaries = []string{
	"boundaries/london-lad22.geojson.gz",
	"boundaries/london-wards-2022.geojson.gz",
}

func runBench(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "analytics" {
		return runBenchAnalytics(ctx, e, args[1:])
	}
	if len(args) > 0 && args[0] == "serve" {
		return runBenchServe(ctx, e, args[1:])
	}
	if len(args) > 0 && args[0] == "start" {
		return runBenchStart(ctx, e, args[1:])
	}
	if len(args) > 0 && args[0] == "record" {
		return runBenchRecord(ctx, e, args[1:])
	}
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(e.stderr, "Usage: charter bench import [--runs N] [--pg URL] [--sqlite3 PATH]")
		fmt.Fprintln(e.stderr, "       charter bench analytics [--runs N] [--sizes 1000000,10000000]")
		fmt.Fprintln(e.stderr, "       charter bench serve [--conns 64] [--duration 5s] [--warmup 1s]")
		fmt.Fprintln(e.stderr, "       charter bench start [--stops 1000000] [--runs 3]")
		fmt.Fprintln(e.stderr, "       charter bench record [--officers 32] [--duration 30s] [--pg URL]")
		return errUsage
	}
	fs := e.flags("bench import", "[--runs N] [--pg URL] [--sqlite3 PATH]")
	runs := fs.Int("runs", 3, "runs of each measurement; the median is reported")
	pg := fs.String("pg", os.Getenv("CHARTER_TEST_DATABASE"), "also measure PostgreSQL at this URL (a scratch schema is created and dropped)")
	sqlite3 := fs.String("sqlite3", "sqlite3", "the sqlite3 shell, the peer measured beside Charter")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *runs < 1 {
		*runs = 1
	}
	dir, err := os.MkdirTemp("", "charter-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintf(e.stdout, "Import of the 13 bundled Met archive months (data.police.uk CSV), median of %d runs\n\n", *runs)
	var rows int
	var build []float64
	sqliteRate, err := median(*runs, func(i int) (float64, error) {
		n, d, b, err := benchCharter(ctx, filepath.Join(dir, fmt.Sprintf("charter-%d.db", i)))
		rows = n
		build = append(build, b.Seconds()*1000)
		return float64(n) / d.Seconds(), err
	})
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%-62s %12s\n", "", "rows/s")
	fmt.Fprintf(w, "%-62s %12s   (%s rows; budget ≥ %s: %s)\n", "Charter → SQLite (validated, borough + ward assigned)", charter.Thousands(int(sqliteRate)), charter.Thousands(rows), charter.Thousands(importBudget), verdict(sqliteRate >= importBudget))
	sort.Float64s(build)
	fmt.Fprintf(w, "%-62s %12s   (%.0f ms once per process, from the stored boundaries; not in the rate above)\n", "  spatial index of the London boroughs and wards", "", build[len(build)/2])

	csvPath := filepath.Join(dir, "met.csv")
	csvRows, err := writeConcatenatedCSV(csvPath)
	if err != nil {
		return err
	}
	if path, err := exec.LookPath(*sqlite3); err != nil {
		fmt.Fprintf(w, "%-62s %12s   (%s not found; apt-get install sqlite3)\n", "sqlite3 shell .import (no checks)", "–", *sqlite3)
	} else {
		peer, err := median(*runs, func(i int) (float64, error) {
			d, err := benchSQLite3(path, csvPath, filepath.Join(dir, fmt.Sprintf("peer-%d.db", i)))
			return float64(csvRows) / d.Seconds(), err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-62s %12s   (%s rows; Charter is %.2f× the peer)\n", "sqlite3 shell .import of the same rows (no checks)", charter.Thousands(int(peer)), charter.Thousands(csvRows), sqliteRate/peer)
	}
	if *pg != "" {
		pgRate, err := median(*runs, func(i int) (float64, error) {
			dsn, drop, err := scratchSchema(ctx, *pg)
			if err != nil {
				return 0, err
			}
			defer drop()
			n, d, _, err := benchCharter(ctx, dsn)
			return float64(n) / d.Seconds(), err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-62s %12.0f\n", "Charter → PostgreSQL (COPY; validated, assigned)", pgRate)
	} else {
		fmt.Fprintf(w, "%-62s %12s   (give --pg URL to measure)\n", "Charter → PostgreSQL", "–")
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func median(runs int, f func(i int) (float64, error)) (float64, error) {
	var vs []float64
	for i := 0; i < runs; i++ {
		v, err := f(i)
		if err != nil {
			return 0, err
		}
		vs = append(vs, v)
	}
	sort.Float64s(vs)
	return vs[len(vs)/2], nil
}

// benchCharter loads the boundaries (untimed), times building the spatial
// index from the store as a fresh process would, then times the import of the
// Met archive months end to end: decompression, checksum, parsing,
// validation, area assignment, insert and commit.
func benchCharter(ctx context.Context, dsn string) (rows int, d, build time.Duration, err error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	if rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, benchBoundaries); err != nil {
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
	start = time.Now()
	rs, err := im.ImportFS(ctx, data.FS, []string{benchStops})
	d = time.Since(start)
	if err != nil {
		return 0, 0, 0, err
	}
	s := importer.Summarise(rs)
	if s.Refused > 0 || s.Rejects > 0 {
		return 0, 0, 0, fmt.Errorf("bench: %d refused, %d rejected", s.Refused, s.Rejects)
	}
	var assigned int
	st.DB().QueryRowContext(ctx, `SELECT count(ward_id) FROM stops`).Scan(&assigned)
	if assigned == 0 {
		return 0, 0, 0, fmt.Errorf("bench: no stop was assigned to a ward")
	}
	return s.Rows, d, build, nil
}

// benchArchive opens the bundled Met archive zip the benchmarks use.
func benchArchive() (*zip.Reader, error) {
	b, err := fs.ReadFile(data.FS, benchStops)
	if err != nil {
		return nil, err
	}
	return zip.NewReader(bytes.NewReader(b), int64(len(b)))
}

// writeConcatenatedCSV writes the archive months as one CSV with one header,
// the input the sqlite3 shell imports.
func writeConcatenatedCSV(path string) (int, error) {
	zr, err := benchArchive()
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

// benchSQLite3 times the sqlite3 shell importing the CSV into a new table,
// in one transaction, with the same journal settings as Charter's store.
func benchSQLite3(sqlite3, csvPath, dbPath string) (time.Duration, error) {
	script := strings.Join([]string{
		"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;",
		".mode csv", "BEGIN;", ".import " + csvPath + " stops", "COMMIT;",
	}, "\n")
	cmd := exec.Command(sqlite3, dbPath)
	cmd.Stdin = strings.NewReader(script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("sqlite3: %v: %s", err, stderr.String())
	}
	return time.Since(start), nil
}

// scratchSchema creates a schema for one run and returns a DSN using it.
func scratchSchema(ctx context.Context, base string) (string, func(), error) {
	if !store.IsPostgres(base) {
		return "", nil, charter.Errorf(charter.EINVALID, "--pg must be a postgres:// URL")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	schema := fmt.Sprintf("charter_bench_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		db.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		db.Close()
	}, nil
}
