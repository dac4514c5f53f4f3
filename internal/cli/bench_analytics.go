package cli

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// The project's performance budgets that the analytics benchmark prints its
// figures beside.
const (
	endToEndBudget = 0.8 // seconds: 211k Met rows, CSV → borough rates and ratios
	aggBudget1M    = 3   // milliseconds over 1M stops
	aggBudget10M   = 25  // milliseconds over 10M stops
	bytesBudget    = 40  // bytes per stop in the index
)

// runBenchAnalytics is `charter bench analytics`: the end-to-end figure
// (CSV → borough rates per 1,000 and ratios to White), then the dashboard
// aggregate over 1M and 10M stops resampled from the real records, with the
// index's bytes per stop, each beside its budget and a peer.
func runBenchAnalytics(ctx context.Context, e *env, args []string) error {
	fs := e.flags("bench analytics", "[--runs N] [--sizes 1000000,10000000]")
	runs := fs.Int("runs", 5, "runs of each measurement; the median is reported")
	sizes := fs.String("sizes", "1000000,10000000", "index sizes to resample to, comma-separated")
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
	*runs = max(*runs, 1)
	dir, err := os.MkdirTemp("", "charter-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w := e.stdout

	// 1. End to end, on a fresh database each run.
	var rows int
	var st *store.Store
	var ix *index.Index
	var dbPath string
	secs, err := median(*runs, func(i int) (float64, error) {
		if st != nil {
			st.Close()
		}
		var d time.Duration
		var err error
		dbPath = filepath.Join(dir, fmt.Sprintf("e2e-%d.db", i))
		st, ix, rows, d, err = benchEndToEnd(ctx, dbPath)
		return d.Seconds(), err
	})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(w, "Analytics benchmarks, median of %d runs\n\n", *runs)
	fmt.Fprintf(w, "%-64s %10.3f s  (budget ≤ %.1f s: %s)\n", fmt.Sprintf("CSV → borough rates per 1,000 and ratios to White (%s rows)", charter.Thousands(rows)), secs, endToEndBudget, verdict(secs <= endToEndBudget))
	fmt.Fprintf(w, "%-64s %10s    (import with borough assignment, index, a report for each of the Met's 32 boroughs)\n", "", "")
	fmt.Fprintf(w, "%-64s %10s    (%s)\n\n", "  peer: pandas + geopandas (read, spatial join, group-by)", "–", pythonPeer("pandas", "geopandas"))

	// 2. The dashboard aggregate over resampled indexes.
	pops, err := boroughPopulations(ctx, st)
	if err != nil {
		return err
	}
	q := index.Query{From: charter.NewMonth(2021, 6), To: charter.NewMonth(2022, 5), GroupBy: []index.Dim{index.DimBorough, index.DimSelfGroup}}
	for _, n := range ns {
		big := ix.Resample(n, 1)
		ms, err := median(*runs, func(int) (float64, error) {
			start := time.Now()
			if err := dashboardAggregate(big, q, pops); err != nil {
				return 0, err
			}
			return float64(time.Since(start).Microseconds()) / 1000, nil
		})
		if err != nil {
			return err
		}
		budget := float64(aggBudget1M)
		if n > 1_000_000 {
			budget = aggBudget10M
		}
		bps := float64(big.Bytes()) / float64(n)
		fmt.Fprintf(w, "%-64s %10.2f ms (budget ≤ %.0f ms: %s)\n", fmt.Sprintf("borough × ethnic group, 12 months, rates and ratios, %s stops", humanCount(n)), ms, budget, verdict(ms <= budget))
		fmt.Fprintf(w, "%-64s %10.1f B  (budget ≤ %d: %s)\n", "  index memory per stop", bps, bytesBudget, verdict(bps <= bytesBudget))
		fmt.Fprintf(w, "%-64s %10s    (%s)\n", "  peer: DuckDB, same query on a loaded table", "–", pythonPeer("duckdb"))
		big = nil
	}
	// A peer measured in this run: SQLite's own GROUP BY over the same
	// real rows, five times over (about 1M).
	ms, n, err := sqliteAggregate(ctx, dbPath, *runs)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-64s %10.2f ms (measured in this run)\n", fmt.Sprintf("  peer: SQLite GROUP BY of the same counts over %s rows", humanCount(n)), ms)
	return nil
}

// benchEndToEnd imports the borough boundaries, the census and the 13 Met
// archive months into a fresh SQLite database, loads the index and computes
// the disproportionality report of every London borough; the time is all of
// it, from an empty database.
func benchEndToEnd(ctx context.Context, path string) (*store.Store, *index.Index, int, time.Duration, error) {
	start := time.Now()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{"boundaries/london-lad22.geojson.gz",
		"census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz", benchStops})
	if err != nil {
		st.Close()
		return nil, nil, 0, 0, err
	}
	if s := importer.Summarise(rs); s.Refused > 0 || s.Rejects > 0 {
		st.Close()
		return nil, nil, 0, 0, fmt.Errorf("bench: %d refused, %d rejected", s.Refused, s.Rejects)
	}
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		st.Close()
		return nil, nil, 0, 0, err
	}
	ix := snap.Stops
	boroughs, _ := charter.ForceBoroughs("metropolitan")
	for _, code := range boroughs {
		r, err := report.NewDisproportionality(snap, report.DispQuery{Area: code})
		if err != nil {
			st.Close()
			return nil, nil, 0, 0, err
		}
		if len(r.Rows) == 0 || r.Searches == 0 {
			st.Close()
			return nil, nil, 0, 0, fmt.Errorf("bench: no searches in %s", r.Area.Name)
		}
	}
	return st, ix, ix.Len(), time.Since(start), nil
}

// boroughPopulations returns the census population by group of every
// borough, keyed by the index's borough value (the area id).
func boroughPopulations(ctx context.Context, st *store.Store) (map[string]map[charter.EthnicGroup]int, error) {
	areas, err := st.CurrentAreas(ctx, false)
	if err != nil {
		return nil, err
	}
	out := map[string]map[charter.EthnicGroup]int{}
	for _, a := range areas {
		if a.Level != charter.LevelBorough {
			continue
		}
		p, _, err := st.PopulationByGroup(ctx, a.Level, a.Code)
		if err != nil {
			return nil, err
		}
		if len(p) > 0 {
			out[strconv.FormatInt(a.ID, 10)] = p
		}
	}
	return out, nil
}

// dashboardAggregate is what a dashboard asks for: counts by borough and
// group from the index, then every group's rate with its exact interval and
// its ratio to White with its interval.
func dashboardAggregate(ix *index.Index, q index.Query, pops map[string]map[charter.EthnicGroup]int) error {
	rows, err := ix.Count(q)
	if err != nil {
		return err
	}
	counts := map[string]map[string]int{}
	for _, r := range rows {
		if counts[r.Values[0]] == nil {
			counts[r.Values[0]] = map[string]int{}
		}
		counts[r.Values[0]][r.Values[1]] = r.Count
	}
	white := charter.GroupWhite.String()
	ok := 0
	for b, c := range counts {
		p := pops[b]
		for _, g := range charter.EthnicGroups {
			if p[g] == 0 {
				continue
			}
			rate := stats.PoissonRate(c[g.String()], p[g], 1000, 0.95)
			ratio := stats.RateRatio(c[g.String()], p[g], c[white], p[charter.GroupWhite], 0.95)
			if rate.HasInterval() && ratio.HasValue() {
				ok++
			}
		}
	}
	if ok == 0 {
		return fmt.Errorf("bench: no rate computed")
	}
	return nil
}

// sqliteAggregate times SQLite's GROUP BY of the same counts over the real
// stops repeated five times, on its own connection to the benchmark's
// database file (the store's pool is read-only).
func sqliteAggregate(ctx context.Context, path string, runs int) (float64, int, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_stops AS SELECT s.month, s.borough_id, s.self_eth_id
		FROM stops s, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) r WHERE s.active = 1`); err != nil {
		return 0, 0, err
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM bench_stops`).Scan(&n); err != nil {
		return 0, 0, err
	}
	ms, err := median(runs, func(int) (float64, error) {
		start := time.Now()
		rows, err := db.QueryContext(ctx, `SELECT borough_id, v.code, count(*) FROM bench_stops b LEFT JOIN vocab v ON v.id = b.self_eth_id
			WHERE month BETWEEN 202106 AND 202205 GROUP BY borough_id, v.code`)
		if err != nil {
			return 0, err
		}
		groups := 0
		for rows.Next() {
			groups++
		}
		rows.Close()
		if groups == 0 {
			return 0, fmt.Errorf("bench: SQLite returned no groups")
		}
		return float64(time.Since(start).Microseconds()) / 1000, rows.Err()
	})
	return ms, n, err
}

func humanCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1000 && n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return charter.Thousands(n)
}

// pythonPeer says whether a Python peer could be measured on this machine.
// None is measured by this command yet, and no remembered figure is printed
// in its place.
func pythonPeer(modules ...string) string {
	if err := exec.Command("python3", "-c", "import "+strings.Join(modules, ", ")).Run(); err != nil {
		return "not installed on this machine: not measured"
	}
	return "installed, but not measured by this command"
}
