package readmodel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// base is real bundled data of every kind the read model holds: boroughs
// and wards, census populations of both, ward crime counts, street crimes
// and a month of the Met's searches.
var base = []string{
	"boundaries/london-lad22.geojson.gz",
	"boundaries/london-wards-2022.geojson.gz",
	"census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
	"census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
	"crime/MPS_Ward_Level_Crime_most_recent_24_months_2023-07_to_2025-06.csv.gz",
	"police-uk/2023-01-city-of-london-street.csv.gz",
	"police-uk/stops-force-metropolitan-2024-09.json.gz",
}

func mustImport(t *testing.T, st *store.Store, files ...string) {
	t.Helper()
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join("..", "..", "data", f)
	}
	rs, err := (&importer.Importer{Store: st}).Import(context.Background(), paths...)
	if err != nil {
		t.Fatal(err)
	}
	if s := importer.Summarise(rs); s.Refused > 0 || s.Imported == 0 {
		t.Fatalf("import %v: %+v", files, s)
	}
}

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// openBase opens a copy of a store holding base, imported once per test
// process (storetest.Fixture).
func openBase(t *testing.T) *store.Store {
	t.Helper()
	return storetest.OpenFixture(t, "base", func(ctx context.Context, st *store.Store) error {
		paths := make([]string, len(base))
		for i, f := range base {
			paths[i] = filepath.Join("..", "..", "data", f)
		}
		rs, err := (&importer.Importer{Store: st}).Import(ctx, paths...)
		if err != nil {
			return err
		}
		if s := importer.Summarise(rs); s.Refused > 0 || s.Imported == 0 {
			return fmt.Errorf("import %v: %+v", base, s)
		}
		return nil
	})
}

func open(t *testing.T, st *store.Store, path string) *readmodel.Model {
	t.Helper()
	// Written only when a test closes or flushes the model.
	m, err := readmodel.Open(context.Background(), st, readmodel.Options{Path: path, Delay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestPersistedModel follows one store through its life: the model is
// written beside it, started from the file, follows an import, a boundary
// change and first-hand records, and is never started from a file that is
// stale or damaged. At every step it must answer exactly what a rebuild
// from the store answers, and the rebuild what the store answers.
func TestPersistedModel(t *testing.T) {
	st := openBase(t)
	path := filepath.Join(t.TempDir(), "charter.readmodel")
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))

	m := open(t, st, path)
	if got := m.LoadedFrom(); got != "no persisted read model" {
		t.Fatalf("first start loaded from %q, want the store (no file yet)", got)
	}
	same(t, st, m.Snapshot(), rng)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no file written at close: %v", err)
	}

	m = open(t, st, path)
	if got := m.LoadedFrom(); got != "file" {
		t.Fatalf("second start loaded from %q, want the file", got)
	}
	same(t, st, m.Snapshot(), rng)

	t.Run("an import reaches it", func(t *testing.T) {
		v, n := m.Version(), m.Snapshot().Stops.Len()
		mustImport(t, st, "police-uk/stops-force-metropolitan-2024-10.json.gz")
		if m.Version() <= v || m.Snapshot().Stops.Len() <= n {
			t.Fatalf("after an import: version %d (was %d), %d stops (were %d)", m.Version(), v, m.Snapshot().Stops.Len(), n)
		}
		same(t, st, m.Snapshot(), rng)
	})
	t.Run("a boundary change reaches it", func(t *testing.T) {
		v := m.Version()
		mustImport(t, st, "boundaries/london-wards-2018.geojson.gz")
		if m.Version() <= v {
			t.Fatal("the version did not move")
		}
		if len(m.Snapshot().Areas(false)) <= 704+331 {
			t.Errorf("the 2018 wards are not among the %d areas", len(m.Snapshot().Areas(false)))
		}
		same(t, st, m.Snapshot(), rng)
	})
	t.Run("first-hand records reach it", func(t *testing.T) {
		n := m.Snapshot().Stops.Len()
		publishFirstHand(t, st)
		if got := m.Snapshot().Stops.Len(); got == n {
			t.Fatalf("still %d stops after first-hand records replaced a month", got)
		}
		same(t, st, m.Snapshot(), rng)
	})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if m = open(t, st, path); m.LoadedFrom() != "file" {
		t.Fatalf("after following writes and closing, the next start loaded from %q, want the file", m.LoadedFrom())
	}
	same(t, st, m.Snapshot(), rng)
	m.Close()

	t.Run("a stale file is not used", func(t *testing.T) {
		// Another process imports while no model runs.
		mustImport(t, st, "police-uk/stops-force-metropolitan-2024-11.json.gz")
		m := open(t, st, path)
		if got := m.LoadedFrom(); !strings.Contains(got, "stale") {
			t.Fatalf("loaded from %q after the database changed, want a rebuild because the file is stale", got)
		}
		same(t, st, m.Snapshot(), rng)
		m.Close()
		if m := open(t, st, path); m.LoadedFrom() != "file" {
			t.Errorf("the rebuilt model was not written back: next start loaded from %q", m.LoadedFrom())
		}
	})
	t.Run("another database's file is not used", func(t *testing.T) {
		other := openBase(t)
		mustImport(t, other, "police-uk/2023-02-city-of-london-street.csv.gz")
		m := open(t, other, path)
		if got := m.LoadedFrom(); !strings.Contains(got, "stale") {
			t.Fatalf("another database started from the file (%q)", got)
		}
		same(t, other, m.Snapshot(), rng)
		// Closing writes other's model over st's: st must rebuild next.
		m.Close()
	})
	t.Run("a damaged file is not used", func(t *testing.T) {
		m := open(t, st, path) // a rebuild, written back at close
		m.Close()
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		flip := func(at int) []byte { b := bytes.Clone(good); b[at] ^= 0x5a; return b }
		for name, bad := range map[string][]byte{
			"empty":                {},
			"cut in half":          good[:len(good)/2],
			"last byte lost":       good[:len(good)-1],
			"a byte in the magic":  flip(2),
			"a byte of the key":    flip(20),
			"a byte in the middle": flip(len(good) / 2),
			"a byte near the end":  flip(len(good) - 10),
			"the checksum":         flip(len(good) - 1),
			"garbage appended":     append(bytes.Clone(good), "garbage"...),
		} {
			// Each damage in a file of its own, side by side.
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "charter.readmodel")
				if err := os.WriteFile(path, bad, 0o644); err != nil {
					t.Fatal(err)
				}
				m := open(t, st, path)
				if got := m.LoadedFrom(); got == "file" || !strings.Contains(got, "damaged") && !strings.Contains(got, "stale") {
					t.Errorf("%s: loaded from %q, want a rebuild", name, got)
				}
				if name == "a byte in the middle" {
					same(t, st, m.Snapshot(), rng)
				}
				m.Close()
				if m := open(t, st, path); m.LoadedFrom() != "file" {
					t.Errorf("%s: the file was not rewritten: the next start loaded from %q", name, m.LoadedFrom())
				}
			})
		}
	})
}

// publishFirstHand publishes a few first-hand records of October 2024,
// which then count instead of data.police.uk's month.
func publishFirstHand(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	pts, err := st.StreetPoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	at := time.Date(2024, 10, 14, 21, 5, 0, 0, time.UTC)
	var recs []charter.Record
	for i, p := range [][2]float64{{51.5014, -0.1419}, {51.4613, -0.1156}, {51.5390, 0.0813}} {
		recs = append(recs, charter.Record{ID: int64(i + 1), Version: 1, Reference: "MET-TEST", Force: "metropolitan", OfficerID: 7,
			Type: "Person search", Datetime: at.Add(time.Duration(i) * time.Hour), Latitude: p[0], Longitude: p[1],
			Legislation: "Misuse of Drugs Act 1971 (section 23)", ObjectOfSearch: "Controlled drugs",
			Grounds: "Smelt strongly of cannabis", SelfDefinedEthnicity: "White - Irish", OfficerDefinedEthnicity: "White",
			Gender: "Male", AgeRange: "18-24", Outcome: "Arrest", OutcomeLinkedToObjectOfSearch: &yes, RemovalOfMoreThanOuterClothing: &no})
	}
	im := &importer.Importer{Store: st}
	if _, err := im.PublishFirstHand(ctx, "metropolitan", charter.NewMonth(2024, 10), recs, geo.NewSnapper(pts, importer.SnapMetres)); err != nil {
		t.Fatal(err)
	}
}

// same checks that a snapshot answers exactly as a rebuild from the store
// does, and the rebuild's plain parts as the store itself does, over every
// area and random queries of the indexes and the reports.
func same(t *testing.T, st *store.Store, got *readmodel.Snapshot, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	want, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	// The rebuild against the store.
	areas, err := st.Areas(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want.Areas(true), areas) {
		t.Fatal("the read model's areas differ from the store's")
	}
	current, _ := st.CurrentAreas(ctx, false)
	if !reflect.DeepEqual(want.CurrentAreas(false), current) {
		t.Fatal("the read model's current areas differ from the store's")
	}
	codes := map[charter.Level][]string{}
	for _, a := range areas {
		codes[a.Level] = append(codes[a.Level], a.Code)
		wa, werr := want.AreaByCode(a.Code)
		sa, serr := st.AreaByCode(ctx, a.Code)
		if !reflect.DeepEqual(wa, sa) || (werr == nil) != (serr == nil) {
			t.Fatalf("area %s: read model %+v (%v), store %+v (%v)", a.Code, wa, werr, sa, serr)
		}
	}
	if _, err := want.AreaByCode("E09999999"); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("an unknown code: %v, want not found", err)
	}
	for level, cs := range codes {
		wp, wc := want.PopulationByArea(level, cs)
		sp, sc, err := st.PopulationByArea(ctx, level, cs)
		if err != nil || !reflect.DeepEqual(wp, sp) || wc != sc {
			t.Fatalf("populations of the %ss differ from the store's (%v)", level, err)
		}
	}
	mc, err := st.MonthCounts(ctx)
	if err != nil || !reflect.DeepEqual(want.MonthCounts(), mc) {
		t.Fatalf("month counts differ from the store's (%v)", err)
	}

	// The snapshot against the rebuild.
	if !reflect.DeepEqual(got.Areas(true), want.Areas(true)) || !reflect.DeepEqual(got.MonthCounts(), want.MonthCounts()) {
		t.Fatal("areas or month counts differ from a rebuild")
	}
	for level, cs := range codes {
		gp, gc := got.PopulationByArea(level, cs)
		wp, wc := want.PopulationByArea(level, cs)
		if !reflect.DeepEqual(gp, wp) || gc != wc {
			t.Fatalf("populations of the %ss differ from a rebuild", level)
		}
	}
	if got.Stops.Len() != want.Stops.Len() || got.Crimes.StreetLen() != want.Crimes.StreetLen() || got.Crimes.CountLen() != want.Crimes.CountLen() {
		t.Fatalf("sizes differ from a rebuild: %d/%d stops, %d/%d street crimes, %d/%d crime counts", got.Stops.Len(), want.Stops.Len(),
			got.Crimes.StreetLen(), want.Crimes.StreetLen(), got.Crimes.CountLen(), want.Crimes.CountLen())
	}
	months := groupValues(t, want, index.DimMonth)
	for range 40 {
		q := randomQuery(t, want, rng, months)
		g, gerr := got.Stops.Count(q)
		w, werr := want.Stops.Count(q)
		if !reflect.DeepEqual(g, w) || (gerr == nil) != (werr == nil) {
			t.Fatalf("query %+v: %d rows (%v), a rebuild %d rows (%v)", q, len(g), gerr, len(w), werr)
		}
	}
	wq := index.CountQuery{Level: charter.LevelWard, Match: charter.DefaultWeaponCrime.MatchCount, ByMonth: true}
	if !reflect.DeepEqual(got.Crimes.Counts(wq), want.Crimes.Counts(wq)) {
		t.Fatal("weapon crime counts by ward and month differ from a rebuild")
	}
	// Reports over random areas and periods, as JSON.
	var areaCodes []string
	for _, a := range want.CurrentAreas(false) {
		if a.Level == charter.LevelBorough && strings.HasPrefix(a.Code, "E09") || a.Level == charter.LevelWard {
			areaCodes = append(areaCodes, a.Code)
		}
	}
	asJSON := func(v any, err error) string {
		if err != nil {
			return "error: " + err.Error()
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	for i := range 6 {
		area := "metropolitan"
		if i > 0 {
			area = areaCodes[rng.IntN(len(areaCodes))]
		}
		var from, to charter.Month
		if i%2 == 1 && len(months) > 0 {
			from, _ = charter.ParseMonth(months[rng.IntN(len(months))])
			to = from.Add(rng.IntN(3))
		}
		for name, f := range map[string]func(s *readmodel.Snapshot) string{
			"profile": func(s *readmodel.Snapshot) string {
				return asJSON(report.NewProfile(s, report.ProfileQuery{Area: area, From: from, To: to}))
			},
			"outcomes": func(s *readmodel.Snapshot) string {
				return asJSON(report.NewOutcomes(s, report.OutcomeQuery{Area: area, From: from, To: to}))
			},
			"precision": func(s *readmodel.Snapshot) string {
				return asJSON(report.NewPrecision(s, report.PrecisionQuery{Area: area, From: from, To: to, Unit: "ward"}))
			},
		} {
			if g, w := f(got), f(want); g != w {
				t.Fatalf("%s of %s %s–%s differs from a rebuild:\n%.300s\n%.300s", name, area, from, to, g, w)
			}
		}
	}
}

// groupValues lists the values of one dimension in the snapshot.
func groupValues(t *testing.T, s *readmodel.Snapshot, d index.Dim) []string {
	rows, err := s.Stops.Count(index.Query{GroupBy: []index.Dim{d}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Values[0] != "" {
			out = append(out, r.Values[0])
		}
	}
	return out
}

// randomQuery draws a count query: a period, up to two conditions on
// values the data holds, and up to three dimensions to group by.
func randomQuery(t *testing.T, s *readmodel.Snapshot, rng *rand.Rand, months []string) index.Query {
	dims := []index.Dim{index.DimMonth, index.DimBorough, index.DimWard, index.DimSelfGroup, index.DimOfficerGroup, index.DimAge,
		index.DimGender, index.DimType, index.DimLegislation, index.DimObject, index.DimOutcome, index.DimLink, index.DimRemoval,
		index.DimLocated, index.DimHex500}
	var q index.Query
	if len(months) > 0 && rng.IntN(2) == 0 {
		q.From, _ = charter.ParseMonth(months[rng.IntN(len(months))])
		q.To = q.From.Add(rng.IntN(2))
	}
	for range rng.IntN(3) {
		d := dims[rng.IntN(len(dims))]
		vals := groupValues(t, s, d)
		if len(vals) == 0 {
			continue
		}
		q.Where = append(q.Where, index.Cond{Dim: d, Values: []string{vals[rng.IntN(len(vals))], vals[rng.IntN(len(vals))]}})
	}
	for range rng.IntN(4) {
		if d := dims[rng.IntN(len(dims))]; !slices.Contains(q.GroupBy, d) {
			q.GroupBy = append(q.GroupBy, d)
		}
	}
	return q
}
