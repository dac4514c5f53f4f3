package index

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

const extraction = "../../data/police-uk/london_stops_12_months_to_nov22.csv.gz"

// archiveMonth returns one month of the Met archive, as data.police.uk names
// it (the importer reads force and month from the name).
func archiveMonth(t testing.TB, month string) (name string, data []byte) {
	t.Helper()
	zr, err := zip.OpenReader(metZip)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	name = month + "-metropolitan-stop-and-search.csv"
	for _, f := range zr.File {
		if path.Base(f.Name) == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if data, err = io.ReadAll(rc); err != nil {
				t.Fatal(err)
			}
			return name, data
		}
	}
	t.Fatalf("%s not in %s", name, metZip)
	return "", nil
}

// The tests take the first rows of each real month: -race makes the
// transpiled SQLite many times slower, and the package's older tests already
// use most of go test's default ten minutes there.
const monthRows = 4000

// writeTemp writes data to a temporary file of that name and returns its path.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// monthFile writes the first rows of one archive month to a temporary file
// and returns its path.
func monthFile(t testing.TB, month string, rows int) string {
	t.Helper()
	name, data := archiveMonth(t, month)
	end := 0
	for i := 0; i <= rows && end < len(data); i++ { // the header and rows lines
		if nl := bytes.IndexByte(data[end:], '\n'); nl >= 0 {
			end += nl + 1
		} else {
			end = len(data)
		}
	}
	return writeTemp(t, name, data[:end])
}

// gunzipFile returns the decompressed bytes of a bundled .gz file.
func gunzipFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// extractionMonths writes up to rows rows of each of some months of the
// London extraction to a temporary file and returns its path.
func extractionMonths(t testing.TB, rows int, months ...string) string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(gunzipFile(t, extraction)))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	date := -1
	taken := map[string]int{}
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if line == 0 {
			date = slices.Index(rec, "date")
			w.Write(rec)
			continue
		}
		if m := rec[date][:7]; slices.Contains(months, m) && taken[m] < rows {
			taken[m]++
			w.Write(rec)
		}
	}
	w.Flush()
	return writeTemp(t, "london_stops_"+strings.Join(months, "_")+".csv", b.Bytes())
}

// partialAPIMonth writes the first records of the API month, as an early,
// incomplete download of it, and returns its path.
func partialAPIMonth(t testing.TB, records int) string {
	t.Helper()
	var all []json.RawMessage
	if err := json.Unmarshal(gunzipFile(t, apiMonth), &all); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(all[:records])
	if err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "stops-force-metropolitan-2024-09.json", data)
}

// importAll imports paths and fails the test on any refused file or reject.
func importAll(t testing.TB, s *store.Store, paths ...string) {
	t.Helper()
	rs, err := (&importer.Importer{Store: s}).Import(context.Background(), paths...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Err != nil || r.Skipped || r.Rejects > 0 {
			t.Fatalf("%s: %+v", r.Source, r)
		}
	}
}

// changes records what a store announces.
type changes struct {
	mu   sync.Mutex
	seen []charter.Change
	// unnamed counts stop changes that did not name the import that
	// made them, which the read model needs to know what it holds.
	unnamed int
	// carryErrs are the changes whose carried stops were not the store's.
	carryErrs []error
}

// record follows s. The import ids a change names are checked here and
// then cleared, so the tests compare only what changed.
func record(s *store.Store) *changes {
	c := &changes{}
	s.OnCommit(func(ch charter.Change) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if len(ch.Stops) > 0 && len(ch.Imports) == 0 {
			c.unnamed++
		}
		if err := checkCarried(s, ch); err != nil {
			c.carryErrs = append(c.carryErrs, err)
		}
		ch.Imports, ch.Carried, ch.CarriedCounts = nil, nil, nil // the carried months stay, for the test to expect
		c.seen = append(c.seen, ch)
	})
	return c
}

// take returns the changes announced since the last take.
func (c *changes) take(t testing.TB) []charter.Change {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.seen
	c.seen = nil
	if c.unnamed > 0 {
		t.Fatalf("%d announced stop changes named no import", c.unnamed)
	}
	if err := errors.Join(c.carryErrs...); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkCarried tells whether the stops a change carried are all and only the
// counted stops of its carried force-months, as the store holds them after
// the commit, with the fields the index reads, and whether the month counts
// it carried are the store's.
func checkCarried(s *store.Store, ch charter.Change) error {
	if len(ch.CarriedMonths) > 0 {
		stored, err := s.MonthCountsOf(context.Background(), ch.CarriedMonths)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(stored, ch.CarriedCounts) {
			return fmt.Errorf("carried month counts %+v, the store counts %+v", ch.CarriedCounts, stored)
		}
	} else if len(ch.CarriedCounts) > 0 {
		return fmt.Errorf("month counts carried without their months: %+v", ch.CarriedCounts)
	}
	carried := map[charter.ForceMonth][]string{}
	for _, chunk := range ch.Carried {
		for i := range chunk {
			fm := charter.ForceMonth{Force: chunk[i].Force, Month: chunk[i].Month}
			carried[fm] = append(carried[fm], fmt.Sprint(values(&chunk[i]), pointOf(&chunk[i])))
		}
	}
	if len(carried) != len(ch.CarriedMonths) {
		return fmt.Errorf("carried stops of %d force-months, named %v", len(carried), ch.CarriedMonths)
	}
	for _, fm := range ch.CarriedMonths {
		if !slices.Contains(ch.Stops, fm) {
			return fmt.Errorf("carried %v, which the change does not name", fm)
		}
		var stored []string
		f := charter.StopFilter{Force: fm.Force, From: fm.Month, To: fm.Month, AnyOrder: true}
		if err := s.FindStops(context.Background(), f, func(st *charter.Stop) error {
			stored = append(stored, fmt.Sprint(values(st), pointOf(st)))
			return nil
		}); err != nil {
			return err
		}
		got := carried[fm]
		slices.Sort(got)
		slices.Sort(stored)
		if !slices.Equal(got, stored) {
			return fmt.Errorf("%v: carried %d stops, the store counts %d, or they differ", fm, len(got), len(stored))
		}
	}
	return nil
}

// pointOf is a stop's location as the index keys it.
func pointOf(st *charter.Stop) string {
	if st.Location == nil {
		return "-"
	}
	return fmt.Sprint(st.Location.Latitude, st.Location.Longitude)
}

// loadFollowing loads an index of s and follows s with it.
func loadFollowing(t testing.TB, s *store.Store) *Index {
	t.Helper()
	ix, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := ix.Follow(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return ix
}

// equalQueries are compared between a followed index and a fresh one: every
// dimension alone (the hex grids included) and a few combinations.
func equalQueries() []Query {
	var qs []Query
	for d := Dim(0); d < NumDims; d++ {
		qs = append(qs, Query{GroupBy: []Dim{d}})
	}
	return append(qs,
		Query{GroupBy: []Dim{DimForce, DimMonth, DimLocated}},
		Query{GroupBy: []Dim{DimBorough, DimSelfGroup, DimOutcome}},
		Query{GroupBy: []Dim{DimWard, DimLink, DimRemoval}},
		Query{From: charter.NewMonth(2022, 1), To: charter.NewMonth(2022, 3), GroupBy: []Dim{DimHex500, DimObject}})
}

// assertFollowed checks that ix, following s, equals an index freshly loaded
// from s and direct SQL counts, and keeps the memory budget.
func assertFollowed(t *testing.T, s *store.Store, ix *Index, seed uint64) {
	t.Helper()
	fresh, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	total, err := s.CountStops(context.Background(), charter.StopFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != fresh.Len() || ix.Len() != total {
		t.Fatalf("followed index %d stops, fresh index %d, store %d", ix.Len(), fresh.Len(), total)
	}
	for _, q := range equalQueries() {
		got, err1 := ix.Count(q)
		want, err2 := fresh.Count(q)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%+v:\n followed %d groups %.300v\n fresh    %d groups %.300v", q, len(got), got, len(want), want)
		}
	}
	assertEqualsSQL(t, s, ix, 6, seed)
	if bps := float64(ix.Bytes()) / float64(ix.Len()); bps > 48 {
		t.Errorf("%.1f bytes per stop", bps)
	}
	if err := ix.Stale(); err != nil {
		t.Errorf("stale: %v", err)
	}
}

// activeMonths lists the force-months where the last import counts.
func activeMonths(t *testing.T, s *store.Store) []charter.ForceMonth {
	t.Helper()
	rows, err := s.DB().Query(`SELECT force, month FROM stop_batches WHERE active = 1 AND import_id = (SELECT max(id) FROM imports) ORDER BY force, month`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []charter.ForceMonth
	for rows.Next() {
		var fm charter.ForceMonth
		var m int
		if err := rows.Scan(&fm.Force, &m); err != nil {
			t.Fatal(err)
		}
		fm.Month = charter.MonthFromYYYYMM(m)
		out = append(out, fm)
	}
	return out
}

func met(y int, m time.Month) charter.ForceMonth {
	return charter.ForceMonth{Force: "metropolitan", Month: charter.NewMonth(y, m)}
}

// An index following the store stays equal to one loaded afresh through new
// months, sources that replace others, and boundaries imported after stops.
func TestFollowWrites(t *testing.T) {
	s := storetest.Open(t)
	importAll(t, s, monthFile(t, "2021-06", monthRows), monthFile(t, "2021-12", monthRows))
	ix := loadFollowing(t, s)
	seen := record(s)
	assertFollowed(t, s, ix, 10)

	t.Run("another month", func(t *testing.T) {
		importAll(t, s, monthFile(t, "2021-08", monthRows))
		want := []charter.Change{{Stops: []charter.ForceMonth{met(2021, 8)}, CarriedMonths: []charter.ForceMonth{met(2021, 8)}}}
		if got := seen.take(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("announced %v, want %v", got, want)
		}
		assertFollowed(t, s, ix, 11)
	})
	t.Run("extraction fills the months the archive lacks", func(t *testing.T) {
		// Its 2021-12 loses to the archive, 2022-06 (not in the archive)
		// counts, and 2022-02 counts until the archive month comes.
		importAll(t, s, extractionMonths(t, monthRows, "2021-12", "2022-02", "2022-06"))
		got := seen.take(t)
		if len(got) != 1 {
			t.Fatalf("announced %v", got)
		}
		// The extraction holds located stops only, so the archive's
		// 2021-12 (all stops) keeps counting and is not announced.
		want := activeMonths(t, s)
		if fmt.Sprint(got[0].Stops) != fmt.Sprint(want) || len(want) < 2 {
			t.Fatalf("announced %v, want %v", got[0].Stops, want)
		}
		// Where it counts, it counts alone, so it carries those months.
		if fmt.Sprint(got[0].CarriedMonths) != fmt.Sprint(want) {
			t.Fatalf("carried %v, want %v", got[0].CarriedMonths, want)
		}
		for _, fm := range got[0].Stops {
			if fm == met(2021, 12) {
				t.Fatalf("announced %v, which the extraction does not change", fm)
			}
		}
		assertFollowed(t, s, ix, 12)
	})
	t.Run("archive month replaces the extraction's", func(t *testing.T) {
		before, _ := ix.Count(Query{From: charter.NewMonth(2022, 2), To: charter.NewMonth(2022, 2), Where: []Cond{{Dim: DimForce, Values: []string{"metropolitan"}}}})
		importAll(t, s, monthFile(t, "2022-02", monthRows))
		want := []charter.Change{{Stops: []charter.ForceMonth{met(2022, 2)}, CarriedMonths: []charter.ForceMonth{met(2022, 2)}}}
		if got := seen.take(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("announced %v, want %v", got, want)
		}
		after, _ := ix.Count(Query{From: charter.NewMonth(2022, 2), To: charter.NewMonth(2022, 2), Where: []Cond{{Dim: DimForce, Values: []string{"metropolitan"}}}})
		if len(before) != 1 || len(after) != 1 || after[0].Count != monthRows || before[0].Count >= after[0].Count {
			t.Fatalf("Met 2022-02: %v before, %v after, want the archive's %d", before, after, monthRows)
		}
		assertFollowed(t, s, ix, 13)
	})
	t.Run("larger download replaces an incomplete one", func(t *testing.T) {
		importAll(t, s, partialAPIMonth(t, 1000))
		importAll(t, s, apiMonth)
		fm := charter.ForceMonth{Force: "metropolitan", Month: charter.NewMonth(2024, 9)}
		// Each counts alone in its turn (the full one replaces the other), so
		// each carries its stops.
		one := charter.Change{Stops: []charter.ForceMonth{fm}, CarriedMonths: []charter.ForceMonth{fm}}
		want := []charter.Change{one, one}
		if got := seen.take(t); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("announced %v, want %v", got, want)
		}
		if rows, _ := ix.Count(Query{From: fm.Month, To: fm.Month}); len(rows) != 1 || rows[0].Count != 3253 {
			t.Fatalf("2024-09: %v, want the full download's 3,253", rows)
		}
		assertFollowed(t, s, ix, 15)
	})
	t.Run("boundaries after stops", func(t *testing.T) {
		importAll(t, s, lad)
		got := seen.take(t)
		if len(got) != 1 || !got[0].Areas || len(got[0].Stops) != 0 {
			t.Fatalf("announced %v", got)
		}
		rows, _ := ix.Count(Query{GroupBy: []Dim{DimBorough}})
		if len(rows) < 33 {
			t.Fatalf("%d boroughs after importing boundaries", len(rows))
		}
		assertFollowed(t, s, ix, 14)
	})
	t.Run("re-import announces nothing", func(t *testing.T) {
		rs, err := (&importer.Importer{Store: s}).Import(context.Background(), monthFile(t, "2021-08", monthRows))
		if err != nil || len(rs) != 1 || !rs[0].Skipped {
			t.Fatalf("%+v %v", rs, err)
		}
		if got := seen.take(t); len(got) != 0 {
			t.Fatalf("announced %v", got)
		}
	})
}

// A file refused whole, a rolled-back transaction and a failed commit
// announce nothing and leave the index as it was.
// Imports racing for one force-month leave the followed index as a fresh
// load: each change carries the stops it wrote, so the changes must reach
// the index in the order they committed (a smaller download applied after
// the larger one that replaced it would put its rows back).
func TestFollowRacingImports(t *testing.T) {
	partial := partialAPIMonth(t, 1000)
	fm := charter.ForceMonth{Force: "metropolitan", Month: charter.NewMonth(2024, 9)}
	for trial := range 4 {
		t.Run(fmt.Sprint("trial ", trial), func(t *testing.T) {
			s := storetest.Open(t)
			ix := loadFollowing(t, s)
			seen := record(s)
			var wg sync.WaitGroup
			for i, f := range []string{partial, apiMonth} {
				wg.Go(func() {
					if i == trial%2 { // each goes first in turn
						time.Sleep(time.Duration(trial) * time.Millisecond)
					}
					importAll(t, s, f)
				})
			}
			wg.Wait()
			carried := 0
			for _, c := range seen.take(t) {
				carried += len(c.CarriedMonths)
			}
			if carried == 0 {
				t.Fatal("no change carried its stops: the race tests nothing")
			}
			if rows, _ := ix.Count(Query{From: fm.Month, To: fm.Month}); len(rows) != 1 || rows[0].Count != 3253 {
				t.Fatalf("2024-09: %v, want the full download's 3,253", rows)
			}
			assertFollowed(t, s, ix, uint64(20+trial))
		})
	}
}

func TestFollowRefusedChangesNothing(t *testing.T) {
	s := storetest.Open(t)
	importAll(t, s, monthFile(t, "2021-06", monthRows))
	ix := loadFollowing(t, s)
	seen := record(s)
	before, _ := ix.Count(Query{GroupBy: []Dim{DimMonth, DimSelfGroup}})

	// The importer refuses a file without the Legislation column.
	name, data := archiveMonth(t, "2021-07")
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, r := range recs {
		w.Write(append(append([]string{}, r[:10]...), r[11:]...))
	}
	w.Flush()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := (&importer.Importer{Store: s}).Import(context.Background(), p)
	if err != nil || len(rs) != 1 || rs[0].Err == nil {
		t.Fatalf("missing column: %+v %v", rs, err)
	}

	// Stops added, then rolled back; and stops added, then the commit fails.
	var copies []charter.Stop
	err = s.FindStops(context.Background(), charter.StopFilter{}, func(st *charter.Stop) error {
		if len(copies) < 2000 {
			c := *st
			c.Month = charter.NewMonth(2021, 9)
			c.Datetime = c.Datetime.AddDate(0, 3, 0)
			copies = append(copies, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, commit := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindStops, Source: fmt.Sprint("test-", i),
			Checksum: fmt.Sprint("test-", i), Format: "test", Coverage: charter.CoverAll})
		if err != nil {
			t.Fatal(err)
		}
		for j := range copies {
			if err := x.AddStop(&copies[j]); err != nil {
				t.Fatal(err)
			}
		}
		if commit {
			cancel() // an interrupted import: the commit cannot happen
			if err := x.Commit(); err == nil {
				t.Fatal("commit succeeded with its context cancelled")
			}
		} else {
			x.Rollback()
		}
		cancel()
	}

	if got := seen.take(t); len(got) != 0 {
		t.Fatalf("announced %v", got)
	}
	after, _ := ix.Count(Query{GroupBy: []Dim{DimMonth, DimSelfGroup}})
	if fmt.Sprint(before) != fmt.Sprint(after) || ix.Len() != monthRows {
		t.Fatalf("index changed: %d stops\n before %v\n after  %v", ix.Len(), before, after)
	}
	assertFollowed(t, s, ix, 20)
}

// Queries running while changes apply see the index before or after each
// change, never between (run with -race).
func TestFollowConcurrentQueries(t *testing.T) {
	s := storetest.Open(t)
	importAll(t, s, monthFile(t, "2021-06", monthRows))
	ix := loadFollowing(t, s)
	totals := map[int]bool{ix.Len(): true}

	done := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	seenTotals := map[int]bool{}
	queries := 0
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			q := Query{GroupBy: []Dim{DimMonth, DimSelfGroup}}
			if g%2 == 1 {
				q = Query{GroupBy: []Dim{DimHex1000}} // takes the write lock to extend its cell table
			}
			for {
				select {
				case <-done:
					return
				default:
				}
				rows, err := ix.Count(q)
				if err != nil {
					t.Error(err)
					return
				}
				n := 0
				for _, r := range rows {
					n += r.Count
				}
				mu.Lock()
				seenTotals[n] = true
				queries++
				mu.Unlock()
			}
		}(g)
	}
	for _, step := range [][]string{{monthFile(t, "2021-07", monthRows)}, {partialAPIMonth(t, 1000)}, {apiMonth}, {extractionMonths(t, monthRows, "2022-02")}, {monthFile(t, "2022-02", monthRows)}, {lad}} {
		rs, err := (&importer.Importer{Store: s}).Import(context.Background(), step...)
		if err != nil || rs[0].Err != nil {
			t.Fatal(rs, err)
		}
		totals[ix.Len()] = true
	}
	close(done)
	wg.Wait()
	for n := range seenTotals {
		if !totals[n] {
			t.Errorf("a query saw %d stops, a state between changes (states: %v)", n, totals)
		}
	}
	if queries < 20 {
		t.Errorf("only %d queries ran beside the changes", queries)
	}
	t.Logf("%d queries during the changes, totals seen %v", queries, seenTotals)
	assertFollowed(t, s, ix, 30)
}

// BenchmarkApplyMonth replaces one archive month (17,943 stops) in an index of
// the demo data, as following a revised download of that month does.
func BenchmarkApplyMonth(b *testing.B) {
	s, ix := loadMet(b)
	c := charter.Change{Stops: []charter.ForceMonth{met(2022, 3)}}
	n := ix.Len()
	for b.Loop() {
		if err := ix.Apply(context.Background(), s, c); err != nil {
			b.Fatal(err)
		}
	}
	if ix.Len() != n {
		b.Fatalf("%d stops after, %d before", ix.Len(), n)
	}
	b.ReportMetric(float64(ix.Bytes())/float64(n), "bytes/stop")
}

// BenchmarkRebuild is following a change of areas: the demo data's index
// loaded again and swapped in.
func BenchmarkRebuild(b *testing.B) {
	s, ix := loadMet(b)
	for b.Loop() {
		if err := ix.Apply(context.Background(), s, charter.Change{Areas: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddCarried builds the index part of the stops an import of the
// 13 archive months carries in its changes, as the read model does when it
// follows each commit: the coding of every stop's values.
func BenchmarkAddCarried(b *testing.B) {
	s := storetest.Open(b)
	var carried [][]charter.Stop
	cancel := s.OnCommit(func(c charter.Change) { carried = append(carried, c.Carried...) })
	rs, err := (&importer.Importer{Store: s}).Import(context.Background(), lad, metZip)
	cancel()
	if err != nil || importer.Summarise(rs).Refused > 0 {
		b.Fatal(rs, err)
	}
	n := 0
	for _, c := range carried {
		n += len(c)
	}
	if n < 200_000 {
		b.Fatalf("%d stops carried", n)
	}
	for b.Loop() {
		c := newCoder(New())
		c.grow(n)
		for _, chunk := range carried {
			for i := range chunk {
				if err := c.add(&chunk[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/stop")
}
