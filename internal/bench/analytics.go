package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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

// AnalyticsOptions are the settings of the analytics benchmark.
type AnalyticsOptions struct {
	Runs  int   // runs of each measurement; the median is printed
	Sizes []int // stops the dashboard aggregate is measured over (resampled)
	Peers Peers
	// CPUProfile, if set, is a file for a CPU profile of the last end-to-end
	// run (CSV → rates), so that the profile shows where its time goes.
	CPUProfile string
}

// rates are borough rates per 1,000 by borough code and group.
type rates map[string]map[string]float64

// aggQuery is the dashboard's common question: borough by self-defined
// group over twelve months.
var aggQuery = index.Query{From: charter.NewMonth(2021, 6), To: charter.NewMonth(2022, 5), GroupBy: []index.Dim{index.DimBorough, index.DimSelfGroup}}

// Analytics measures CSV → borough rates per 1,000 and ratios to White end
// to end beside a pandas and geopandas script (naive and distinct-point
// spatial joins), then the dashboard aggregate over resampled indexes
// beside DuckDB running the same compute on the same rows.
func Analytics(ctx context.Context, w io.Writer, o AnalyticsOptions) error {
	dir, err := os.MkdirTemp("", "charter-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// 1. End to end, on a fresh database each run.
	var rows int
	var st *store.Store
	var ix *index.Index
	var ours rates
	prof, err := profileLastRun(o.CPUProfile, o.Runs)
	if err != nil {
		return err
	}
	defer prof.Close()
	secs, err := median(o.Runs, func(i int) (float64, error) {
		if st != nil {
			st.Close()
		}
		stop, err := prof.start(i)
		if err != nil {
			return 0, err
		}
		defer stop()
		var d time.Duration
		st, ix, ours, d, err = endToEnd(ctx, filepath.Join(dir, fmt.Sprintf("e2e-%d.db", i)))
		if ix != nil {
			rows = ix.Len()
		}
		return d.Seconds(), err
	})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(w, "Analytics benchmarks, median of %d runs\n\n", max(o.Runs, 1))
	fmt.Fprintf(w, "%-64s %10.3f s  (budget ≤ %.1f s: %s)\n", fmt.Sprintf("CSV → borough rates per 1,000 and ratios to White (%s rows)", charter.Thousands(rows)), secs, endToEndBudget, verdict(secs <= endToEndBudget))
	fmt.Fprintf(w, "%-64s %10s    (fresh database: import with borough placement, index, a report for each of the Met's 32 boroughs)\n", "", "")
	if err := pandasPeer(ctx, w, dir, o, secs, ours); err != nil {
		return err
	}

	// 2. The dashboard aggregate over resampled indexes.
	pops, err := boroughPopulations(ctx, st)
	if err != nil {
		return err
	}
	duck, haveDuck := o.Peers.duckdb()
	for _, n := range o.Sizes {
		big := ix.Resample(n, 1)
		msecs, err := median(o.Runs, func(int) (float64, error) {
			start := time.Now()
			if err := dashboardAggregate(big, pops); err != nil {
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
		fmt.Fprintf(w, "\n%-64s %10.2f ms (budget ≤ %.0f ms: %s)\n", fmt.Sprintf("borough × ethnic group, 12 months, rates and ratios, %s stops", humanCount(n)), msecs, budget, verdict(msecs <= budget))
		fmt.Fprintf(w, "%-64s %10.1f B  (budget ≤ %d: %s)\n", "  index memory per stop", bps, bytesBudget, verdict(bps <= bytesBudget))
		if !haveDuck {
			fmt.Fprintf(w, "%-64s %10s    (%s)\n", "  peer: DuckDB, same compute on the same rows", "–", notMeasured("DuckDB", installDuckDB))
			continue
		}
		if err := duckdbPeer(ctx, w, dir, duck, big, pops, o.Runs, msecs); err != nil {
			return err
		}
	}
	return nil
}

// endToEnd imports the borough boundaries, the census and the 13 Met
// archive months into a fresh SQLite database, the read model following,
// and computes
// the disproportionality report of every Met borough; the time is all of
// it, from an empty database. It returns the rates the reports gave.
func endToEnd(ctx context.Context, path string) (*store.Store, *index.Index, rates, time.Duration, error) {
	start := time.Now()
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	fail := func(err error) (*store.Store, *index.Index, rates, time.Duration, error) {
		st.Close()
		return nil, nil, nil, 0, err
	}
	// The read model follows the import as it commits, as in a running
	// server: the rows flow into it, not read back afterwards.
	m, err := readmodel.Open(ctx, st, readmodel.Options{})
	if err != nil {
		return fail(err)
	}
	defer m.Close()
	rs, err := (&importer.Importer{Store: st}).ImportFS(ctx, data.FS, []string{boroughs, census, MetArchive})
	if err != nil {
		return fail(err)
	}
	if s := importer.Summarise(rs); s.Refused > 0 || s.Rejects > 0 {
		return fail(fmt.Errorf("bench: %d refused, %d rejected", s.Refused, s.Rejects))
	}
	snap := m.Snapshot()
	ix := snap.Stops
	codes, _ := charter.ForceBoroughs("metropolitan")
	got := rates{}
	for _, code := range codes {
		r, err := report.NewDisproportionality(snap, report.DispQuery{Area: code})
		if err != nil {
			return fail(err)
		}
		if len(r.Rows) == 0 || r.Searches == 0 {
			return fail(fmt.Errorf("bench: no searches in %s", r.Area.Name))
		}
		got[code] = map[string]float64{}
		for _, row := range r.Rows {
			if row.Rate.HasValue() {
				got[code][row.Group] = row.Rate.Value
			}
		}
	}
	return st, ix, got, time.Since(start), nil
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
func dashboardAggregate(ix *index.Index, pops map[string]map[charter.EthnicGroup]int) error {
	rows, err := ix.Count(aggQuery)
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
