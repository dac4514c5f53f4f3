// Package bench measures Charter beside its peers: each benchmark prints
// Charter's figure and, measured in the same run on the same rows, the
// figure of the tool people would otherwise use (the sqlite3 shell, a
// pandas and geopandas script, DuckDB, a Go hello-world server), or says
// plainly that the peer is not installed and how to install it. No figure
// is ever remembered: a peer that did not run prints none.
//
// One file per benchmark (import, analytics, start, serve, record); the
// command line only parses flags and calls them.
package bench

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/store"
)

// ErrFailed reports that a benchmark ran to the end but saw a failure it
// prints (a record lost, a request refused): the command exits as rejected.
var ErrFailed = errors.New("the benchmark saw a failure")

// The bundled inputs the benchmarks read.
const (
	// MetArchive is the 13 Met archive months, 211k real stops.
	MetArchive = "police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip"
	boroughs   = "boundaries/london-lad22.geojson.gz"
	census     = "census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz"
)

// londonBoundaries are the boroughs and wards the import places stops in.
var londonBoundaries = []string{boroughs, "boundaries/london-wards-2022.geojson.gz"}

// verdict says whether a budget was met.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// median runs f runs times (at least once) and returns the median value.
func median(runs int, f func(i int) (float64, error)) (float64, error) {
	var vs []float64
	for i := range max(runs, 1) {
		v, err := f(i)
		if err != nil {
			return 0, err
		}
		vs = append(vs, v)
	}
	sort.Float64s(vs)
	return vs[len(vs)/2], nil
}

// humanCount writes a round size as 1M or 20k.
func humanCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return charter.Thousands(n)
}

// times writes a ratio of two times, small ones to two significant digits.
func times(r float64) string {
	if r < 0.01 {
		return fmt.Sprintf("%.2g×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// ms writes a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// metArchive opens the bundled Met archive zip.
func metArchive() (*zip.Reader, error) {
	b, err := fs.ReadFile(data.FS, MetArchive)
	if err != nil {
		return nil, err
	}
	return zip.NewReader(bytes.NewReader(b), int64(len(b)))
}

// ScratchSchema creates a PostgreSQL schema for one run and returns a DSN
// using it and a function that drops it.
func ScratchSchema(ctx context.Context, base string) (string, func(), error) {
	if !store.IsPostgres(base) {
		return "", nil, charter.Errorf(charter.EINVALID, "the PostgreSQL address must be a postgres:// URL")
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

// orDemo is the files to import: these, or the demo data when none.
func orDemo(files []string) []string {
	if len(files) == 0 {
		return data.Demo
	}
	return files
}
