package index

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

const (
	metZip   = "../../data/police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip"
	apiMonth = "../../data/police-uk/stops-force-metropolitan-2024-09.json.gz"
	lad      = "../../data/boundaries/london-lad22.geojson.gz"
	wards    = "../../data/boundaries/london-wards-2018.geojson.gz"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// loadMet imports the real Met months (and an API month, for street and link
// values) with boroughs and wards, and indexes them. The import is done
// once per test process; each caller gets its own copy of the store
// (storetest.Fixture), which it may write to.
func loadMet(t testing.TB) (*store.Store, *Index) {
	t.Helper()
	s := storetest.OpenFixture(t, "met", importMet)
	ix, err := Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return s, ix
}

// importMet is the fixture of loadMet and sharedMet.
func importMet(ctx context.Context, s *store.Store) error {
	rs, err := (&importer.Importer{Store: s}).Import(ctx, lad, wards, metZip, apiMonth)
	if err != nil {
		return err
	}
	if sum := importer.Summarise(rs); sum.Refused > 0 || sum.Rejects > 0 {
		return fmt.Errorf("import: %+v", sum)
	}
	return nil
}

// sharedIndex is sharedMet's index, loaded once per test process.
var sharedIndex struct {
	sync.Mutex
	ix *Index
}

// sharedMet is loadMet for tests that neither write to the store nor add
// to the index (queries may build the cube, the area lists and the hex
// tables): one store and one index for all of them, loaded once.
func sharedMet(t testing.TB) (*store.Store, *Index) {
	t.Helper()
	s := storetest.Shared(t, "met", importMet)
	sharedIndex.Lock()
	defer sharedIndex.Unlock()
	if sharedIndex.ix == nil {
		ix, err := Load(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		sharedIndex.ix = ix
	}
	return s, sharedIndex.ix
}

// sqlDim is the SQL expression of a dimension that, after fix, gives the
// index's value.
var sqlDim = map[Dim]struct {
	expr string
	fix  func(string) string
}{
	DimMonth:       {"CAST(month AS TEXT)", func(v string) string { return v[:4] + "-" + v[4:] }},
	DimForce:       {"force", nil},
	DimBorough:     {"CAST(COALESCE(borough_id, 0) AS TEXT)", zeroEmpty},
	DimWard:        {"CAST(COALESCE(ward_id, 0) AS TEXT)", zeroEmpty},
	DimSelfDefined: {"COALESCE((SELECT code FROM vocab v WHERE v.id = s.self_eth_id), '')", nil},
	DimAge:         {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.age_id), '')", nil},
	DimGender:      {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.gender_id), '')", nil},
	DimType:        {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.type_id), '')", nil},
	DimLegislation: {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.legislation_id), '')", nil},
	DimObject:      {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.object_id), '')", nil},
	DimOutcome:     {"COALESCE((SELECT label FROM vocab v WHERE v.id = s.outcome_id), '')", nil},
	DimLink:        {"CASE WHEN outcome_linked = 1 THEN 'True' WHEN outcome_linked = 0 THEN 'False' ELSE '' END", nil},
	DimRemoval:     {"CASE WHEN removal = 1 THEN 'True' WHEN removal = 0 THEN 'False' ELSE '' END", nil},
	DimLocated:     {"CASE WHEN latitude IS NULL THEN 'not located' ELSE 'located' END", nil},
}

func zeroEmpty(v string) string {
	if v == "0" {
		return ""
	}
	return v
}

// sqlCount answers q with SQL on the store, for comparison.
func sqlCount(t *testing.T, db *sql.DB, q Query) []Row {
	t.Helper()
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	where = append(where, "active = 1")
	if q.From != 0 {
		where = append(where, "month >= "+arg(int64(q.From.YYYYMM())))
	}
	if q.To != 0 {
		where = append(where, "month <= "+arg(int64(q.To.YYYYMM())))
	}
	for _, c := range q.Where {
		var in []string
		for _, v := range c.Values {
			in = append(in, arg(v))
		}
		expr := sqlDim[c.Dim].expr
		if c.Dim == DimMonth || c.Dim == DimBorough || c.Dim == DimWard {
			t.Fatalf("test filters on %s by range or not at all", c.Dim)
		}
		if len(in) == 0 {
			where = append(where, "1 = 0") // PostgreSQL has no empty IN ()
			continue
		}
		where = append(where, expr+" IN ("+strings.Join(in, ", ")+")")
	}
	var sel []string
	for _, d := range q.GroupBy {
		sel = append(sel, sqlDim[d].expr)
	}
	groupBy := ""
	if len(sel) > 0 {
		groupBy = " GROUP BY " + strings.Join(sel, ", ")
	}
	cols := append(append([]string{}, sel...), "count(*)")
	query := "SELECT " + strings.Join(cols, ", ") + " FROM stops s WHERE " + strings.Join(where, " AND ") + groupBy
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		vals := make([]string, len(q.GroupBy))
		dest := make([]any, 0, len(vals)+1)
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		var n int
		dest = append(dest, &n)
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		for i, d := range q.GroupBy {
			if f := sqlDim[d].fix; f != nil {
				vals[i] = f(vals[i])
			}
		}
		if n > 0 {
			out = append(out, Row{Values: vals, Count: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i].Values, "\x00") < strings.Join(out[j].Values, "\x00") })
	return out
}

// The index answers exactly what SQL answers, over many random filters.
func TestIndexEqualsSQL(t *testing.T) {
	s, ix := sharedMet(t)
	total, _ := s.CountStops(context.Background(), charter.StopFilter{})
	if ix.Len() != total || total != 211468+3253 {
		t.Fatalf("index holds %d stops, the store %d", ix.Len(), total)
	}
	if nonTrivial := assertEqualsSQL(t, s, ix, 25, 1); nonTrivial < 10 {
		t.Fatalf("only %d of the random queries had more than one group", nonTrivial)
	}
}

// assertEqualsSQL compares the index with SQL on the store over n random
// queries (filters, month ranges, up to three group-by dimensions) and
// returns how many had more than one group.
func assertEqualsSQL(t *testing.T, s *store.Store, ix *Index, n int, seed uint64) (nonTrivial int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	filterDims := []Dim{DimSelfDefined, DimAge, DimGender, DimType, DimLegislation, DimObject, DimOutcome, DimLink, DimRemoval, DimLocated}
	groupDims := []Dim{DimMonth, DimBorough, DimSelfDefined, DimAge, DimGender, DimType, DimObject, DimOutcome, DimLink, DimLocated, DimWard}
	months := []charter.Month{0, charter.NewMonth(2021, 6), charter.NewMonth(2021, 9), charter.NewMonth(2022, 3), charter.NewMonth(2024, 9)}
	for i := 0; i < n; i++ {
		var q Query
		q.From = months[rng.IntN(len(months))]
		if rng.IntN(2) == 0 {
			q.To = q.From + charter.Month(rng.IntN(8))
		}
		for _, d := range filterDims {
			if rng.IntN(4) != 0 {
				continue
			}
			ix.mu.RLock()
			vals := append([]string(nil), ix.dicts[d].values...)
			ix.mu.RUnlock()
			var pick []string
			for _, v := range vals {
				if rng.IntN(2) == 0 {
					pick = append(pick, v)
				}
			}
			q.Where = append(q.Where, Cond{Dim: d, Values: pick})
		}
		perm := rng.Perm(len(groupDims))
		for _, p := range perm[:rng.IntN(4)] {
			q.GroupBy = append(q.GroupBy, groupDims[p])
		}
		got, err := ix.Count(q)
		if err != nil {
			t.Fatal(err)
		}
		want := sqlCount(t, s.DB(), q)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %d %+v:\n index %d groups %.300v\n sql   %d groups %.300v", i, q, len(got), got, len(want), want)
		}
		if len(want) > 1 {
			nonTrivial++
		}
	}
	return nonTrivial
}

func TestIndexGroupsAndErrors(t *testing.T) {
	_, ix := loadMet(t)
	rows, err := ix.Count(Query{GroupBy: []Dim{DimSelfGroup}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rows {
		got[r.Values[0]] = r.Count
	}
	// From the archive's own value counts (see the data notes): not stated
	// 57,495 in the archive months; the API month has none.
	if got["Not stated"] != 57495 || got[""] != 2509 {
		t.Errorf("self groups %v", got)
	}
	if _, err := ix.Count(Query{GroupBy: []Dim{DimMonth, DimAge, DimGender, DimType}}); charter.ErrorCode(err) != charter.EINVALID {
		t.Errorf("four group-by dimensions: %v", err)
	}
	if bpr := float64(ix.Bytes()) / float64(ix.Len()); bpr > 48 {
		t.Errorf("%.1f bytes per stop", bpr)
	}
}

// Hex-grid counts equal counting the cells of the stored locations directly.
func TestIndexHexCells(t *testing.T) {
	s, ix := sharedMet(t)
	want := map[string]int{}
	located := 0
	err := s.FindStops(context.Background(), charter.StopFilter{From: charter.NewMonth(2022, 2), To: charter.NewMonth(2022, 4)}, func(st *charter.Stop) error {
		if st.Location != nil && st.ObjectOfSearch == "Offensive weapons" {
			want[geo.HexOf(geo.Hex500, st.Location.Longitude, st.Location.Latitude).String()]++
			located++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ix.Count(Query{From: charter.NewMonth(2022, 2), To: charter.NewMonth(2022, 4),
		Where:   []Cond{{Dim: DimObject, Values: []string{"Offensive weapons"}}, {Dim: DimLocated, Values: []string{"located"}}},
		GroupBy: []Dim{DimHex500}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range rows {
		got[r.Values[0]] = r.Count
	}
	if len(got) != len(want) || located < 1000 || len(want) < 100 {
		t.Fatalf("%d cells from the index, %d computed (%d located weapon searches)", len(got), len(want), located)
	}
	for cell, n := range want {
		if got[cell] != n {
			t.Fatalf("cell %s: index %d, computed %d", cell, got[cell], n)
		}
	}
	// Filtering on a cell works too, and the three grids differ.
	var top string
	for c, n := range want {
		if n > want[top] {
			top = c
		}
	}
	rows, err = ix.Count(Query{From: charter.NewMonth(2022, 2), To: charter.NewMonth(2022, 4),
		Where: []Cond{{Dim: DimObject, Values: []string{"Offensive weapons"}}, {Dim: DimHex500, Values: []string{top}}}})
	if err != nil || len(rows) != 1 || rows[0].Count != want[top] {
		t.Fatalf("filter on cell %s: %v %v, want %d", top, rows, err, want[top])
	}
	small, _ := ix.Count(Query{GroupBy: []Dim{DimHex250}})
	large, _ := ix.Count(Query{GroupBy: []Dim{DimHex1000}})
	if len(small) <= len(large) {
		t.Errorf("%d 250 m cells, %d 1 km cells", len(small), len(large))
	}
}

// resampled returns an index of n stops drawn at random from the real ones.
func resampled(b *testing.B, n int) *Index {
	_, benchBase := sharedMet(b)
	ix := New()
	ix.dicts, ix.points, ix.pcode = benchBase.dicts, benchBase.points, benchBase.pcode
	rng := rand.New(rand.NewPCG(3, 4))
	for d := range ix.cols {
		ix.cols[d] = make([]uint16, n)
	}
	ix.point = make([]uint32, n)
	for i := 0; i < n; i++ {
		j := rng.IntN(benchBase.n)
		for d := range ix.cols {
			ix.cols[d][i] = benchBase.cols[d][j]
		}
		ix.point[i] = benchBase.point[j]
	}
	ix.n = n
	return ix
}

// The dashboard aggregate of the budget: a London-wide 12-month count by
// borough and ethnic group (the numbers behind rates and ratios).
func benchAggregate(b *testing.B, n int) {
	ix := resampled(b, n)
	q := Query{From: charter.NewMonth(2021, 6), To: charter.NewMonth(2022, 5), GroupBy: []Dim{DimBorough, DimSelfGroup}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Count(q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ix.Bytes())/float64(n), "bytes/stop")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
}

func BenchmarkAggregate1M(b *testing.B) { benchAggregate(b, 1_000_000) }

// BenchmarkHotspots1M counts weapon searches by 250 m cell over 1M stops.
func BenchmarkHotspots1M(b *testing.B) {
	ix := resampled(b, 1_000_000)
	q := Query{Where: []Cond{{Dim: DimObject, Values: []string{"Offensive weapons"}}}, GroupBy: []Dim{DimHex250}}
	if _, err := ix.Count(q); err != nil { // builds the cell table once
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Count(q); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
}
func BenchmarkAggregate10M(b *testing.B) { benchAggregate(b, 10_000_000) }
