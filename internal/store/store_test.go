package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func stop(force string, month charter.Month, row int) *charter.Stop {
	return &charter.Stop{
		Force: force, Month: month, SourceRow: row,
		Type:     "Person search",
		Datetime: time.Date(month.Year(), month.Mon(), 3, 14, 5, 0, 0, time.UTC),
		Location: &charter.Location{Latitude: 51.5, Longitude: -0.1, StreetID: 7, StreetName: "On or near Here"},
		Gender:   "Male", AgeRange: "18-24",
		SelfDefinedEthnicity: "White - Irish", OfficerDefinedEthnicity: "White",
		Legislation: "Misuse of Drugs Act 1971 (section 23)", ObjectOfSearch: "Controlled drugs",
		Outcome: "Arrest", OutcomeID: "bu-arrest",
		Operation: charter.False, OutcomeLinked: charter.True, Removal: charter.Unknown, InvolvedPerson: charter.True,
	}
}

func importStops(t *testing.T, s *store.Store, source string, cov charter.Coverage, stops ...*charter.Stop) *charter.Import {
	t.Helper()
	ctx := context.Background()
	imp := &charter.Import{Kind: charter.KindStops, Source: source, Checksum: source, Format: "test", Coverage: cov}
	x, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stops {
		if err := x.AddStop(st); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	return imp
}

func TestStopRoundTrip(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2021, 6)
	a := stop("metropolitan", m, 2)
	b := stop("metropolitan", m, 3)
	b.Location, b.SelfDefinedEthnicity, b.Outcome, b.OutcomeID, b.Legislation = nil, "", "A brand new outcome", "", "Some Act 2030 (section 9)"
	b.OutcomeLinked = charter.Unknown
	importStops(t, s, "a.csv", charter.CoverAll, a, b)

	var got []charter.Stop
	if err := s.FindStops(ctx, charter.StopFilter{Force: "metropolitan", From: m, To: m}, func(st *charter.Stop) error {
		got = append(got, *st)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d stops on %s, want 2", len(got), storetest.Engine())
	}
	g := got[0]
	if g.Type != a.Type || !g.Datetime.Equal(a.Datetime) || g.Location == nil || g.Location.Latitude != 51.5 ||
		g.Location.StreetName != "On or near Here" || g.SelfDefinedEthnicity != a.SelfDefinedEthnicity ||
		g.Outcome != "Arrest" || g.OutcomeID != "bu-arrest" || g.OutcomeLinked != charter.True ||
		g.Removal != charter.Unknown || g.Operation != charter.False || g.Month != m || g.SourceRow != 2 {
		t.Errorf("first stop came back as %+v", g)
	}
	if g2 := got[1]; g2.Location != nil || g2.SelfDefinedEthnicity != "" || g2.Outcome != "A brand new outcome" ||
		g2.Legislation != "Some Act 2030 (section 9)" || g2.OutcomeLinked != charter.Unknown {
		t.Errorf("second stop came back as %+v", g2)
	}
	// The force is recorded as an area.
	areas, err := s.Areas(ctx, false)
	if err != nil || len(areas) != 1 || areas[0].Level != charter.LevelForce || areas[0].Code != "metropolitan" || areas[0].Name != "Metropolitan Police Service" {
		t.Errorf("areas after a stop import: %+v %v", areas, err)
	}
	if n, err := s.CountStops(ctx, charter.StopFilter{Force: "city-of-london"}); err != nil || n != 0 {
		t.Errorf("city-of-london count = %d, %v; want 0", n, err)
	}
}

func TestRollbackLeavesNothing(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2022, 3)
	imp := &charter.Import{Kind: charter.KindStops, Source: "x.csv", Checksum: "x", Format: "test", Coverage: charter.CoverAll}
	x, err := s.BeginImport(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	st := stop("metropolitan", m, 2)
	st.Legislation = "An Act only this import knows"
	for i := 0; i < 1000; i++ {
		if err := x.AddStop(st); err != nil {
			t.Fatal(err)
		}
	}
	x.Rollback()
	if n, _ := s.CountStops(ctx, charter.StopFilter{}); n != 0 {
		t.Fatalf("after rollback %d stops are stored", n)
	}
	if prev, err := s.ImportedAs(ctx, charter.KindStops, "x"); err != nil || prev != nil {
		t.Fatalf("after rollback the import is recorded: %v %v", prev, err)
	}
	// The same source can then be imported, and the label rolled back with
	// the first attempt is added again rather than referenced dangling.
	importStops(t, s, "x", charter.CoverAll, st)
	var leg string
	s.FindStops(ctx, charter.StopFilter{}, func(st *charter.Stop) error { leg = st.Legislation; return nil })
	if leg != "An Act only this import knows" {
		t.Fatalf("legislation after re-import = %q", leg)
	}
}

func TestSameSourceTwiceConflicts(t *testing.T) {
	s := storetest.Open(t)
	importStops(t, s, "a", charter.CoverAll, stop("metropolitan", charter.NewMonth(2021, 6), 2))
	_, err := s.BeginImport(context.Background(), &charter.Import{Kind: charter.KindStops, Source: "a again", Checksum: "a", Format: "test"})
	if charter.ErrorCode(err) != charter.ECONFLICT {
		t.Fatalf("second import of the same checksum: %v, want conflict", err)
	}
}

func many(force string, m charter.Month, n int, located bool) []*charter.Stop {
	out := make([]*charter.Stop, n)
	for i := range out {
		out[i] = stop(force, m, i+2)
		if !located {
			out[i].Location = nil
		}
	}
	return out
}

// Two sources for one force-month never count twice.
func TestOverlappingSources(t *testing.T) {
	ctx := context.Background()
	m := charter.NewMonth(2022, 7)
	count := func(s *store.Store) int {
		n, err := s.CountStops(ctx, charter.StopFilter{Force: "metropolitan", From: m, To: m})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("complete source beats a larger located-only one", func(t *testing.T) {
		s := storetest.Open(t)
		importStops(t, s, "extract", charter.CoverLocated, many("metropolitan", m, 30, true)...)
		importStops(t, s, "archive", charter.CoverAll, many("metropolitan", m, 20, true)...)
		if n := count(s); n != 20 {
			t.Fatalf("counted %d, want the archive's 20", n)
		}
	})
	t.Run("located and unlocated parts add up", func(t *testing.T) {
		s := storetest.Open(t)
		// A change carries the stops of a month only where they alone
		// count: the second part does not, the complete source does.
		var carried []string
		s.OnCommit(func(c charter.Change) {
			n := 0
			for _, chunk := range c.Carried {
				n += len(chunk)
			}
			carried = append(carried, fmt.Sprintf("%v %d", c.CarriedMonths, n))
		})
		importStops(t, s, "street", charter.CoverLocated, many("metropolitan", m, 30, true)...)
		importStops(t, s, "noloc", charter.CoverUnlocated, many("metropolitan", m, 4, false)...)
		if n := count(s); n != 34 {
			t.Fatalf("counted %d, want 30+4", n)
		}
		importStops(t, s, "force", charter.CoverAll, many("metropolitan", m, 35, true)...)
		if n := count(s); n != 35 {
			t.Fatalf("counted %d after stops-force, want 35", n)
		}
		fm := fmt.Sprint([]charter.ForceMonth{{Force: "metropolitan", Month: m}})
		if want := []string{fm + " 30", "[] 0", fm + " 35"}; !slices.Equal(carried, want) {
			t.Errorf("carried %q, want %q", carried, want)
		}
	})
	t.Run("the larger of two complete downloads", func(t *testing.T) {
		s := storetest.Open(t)
		importStops(t, s, "late", charter.CoverAll, many("metropolitan", m, 50, true)...)
		importStops(t, s, "early", charter.CoverAll, many("metropolitan", m, 40, true)...)
		if n := count(s); n != 50 {
			t.Fatalf("counted %d, want 50", n)
		}
		// Other months and forces are untouched.
		importStops(t, s, "other", charter.CoverAll, many("city-of-london", m, 3, true)...)
		if n, _ := s.CountStops(ctx, charter.StopFilter{}); n != 53 {
			t.Fatalf("total %d, want 53", n)
		}
	})
}

// An import carries its stops to the announcement only when something
// follows the store at its start: a follower that subscribes during the
// import is told the months, to read back, and no stops.
func TestCarriedOnlyWhenFollowed(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2022, 7)
	var got []string
	record := func(c charter.Change) {
		n := 0
		for _, chunk := range c.Carried {
			n += len(chunk)
		}
		got = append(got, fmt.Sprintf("%d months, %d carried", len(c.Stops), n))
	}
	x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindStops, Source: "unfollowed", Checksum: "unfollowed", Format: "test", Coverage: charter.CoverAll})
	if err != nil {
		t.Fatal(err)
	}
	defer s.OnCommit(record)()
	for _, st := range many("metropolitan", m, 5, true) {
		if err := x.AddStop(st); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	importStops(t, s, "followed", charter.CoverAll, many("metropolitan", m.Add(1), 7, true)...)
	if want := []string{"1 months, 0 carried", "1 months, 7 carried"}; !slices.Equal(got, want) {
		t.Errorf("announced %q, want %q", got, want)
	}
}

func TestCrimeCountVintages(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	jun, jul, aug := charter.NewMonth(2023, 6), charter.NewMonth(2023, 7), charter.NewMonth(2023, 8)
	load := func(name string, months []charter.Month, counts map[charter.Month]int) []charter.Month {
		x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindCrimeCounts, Source: name, Checksum: name, Format: "test"})
		if err != nil {
			t.Fatal(err)
		}
		took, err := x.SetCrimeCountFile(charter.LevelWard, months)
		if err != nil {
			t.Fatal(err)
		}
		for m, n := range counts {
			if err := x.AddCrimeCount(&charter.CrimeCount{Level: charter.LevelWard, AreaCode: "E05014066", AreaName: "Northbury", Unit: "Barking and Dagenham", Month: m, Major: "POSSESSION OF WEAPONS", Minor: "POSSESSION OF WEAPONS", Count: n}); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.Commit(); err != nil {
			t.Fatal(err)
		}
		return took
	}
	sum := func(m charter.Month) int {
		var n int
		if err := s.DB().QueryRow(`SELECT COALESCE(SUM(count), 0) FROM crime_counts WHERE month = $1 AND major_key = 'POSSESSION OF WEAPONS'`, int64(m.YYYYMM())).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The newer download (to August) first, then an older one (to July): the
	// older must not overwrite June and July.
	load("to-aug", []charter.Month{jun, jul, aug}, map[charter.Month]int{jun: 7, jul: 1, aug: 0})
	took := load("to-jul", []charter.Month{jun, jul}, map[charter.Month]int{jun: 5, jul: 9})
	if len(took) != 0 || sum(jun) != 7 || sum(jul) != 1 {
		t.Fatalf("older download took %v; jun=%d jul=%d, want 7 and 1", took, sum(jun), sum(jul))
	}
	// A later download revises.
	load("to-sep", []charter.Month{jul, aug, aug + 1}, map[charter.Month]int{jul: 2, aug: 3, aug + 1: 4})
	if sum(jun) != 7 || sum(jul) != 2 || sum(aug) != 3 {
		t.Fatalf("after the later download jun=%d jul=%d aug=%d, want 7, 2, 3", sum(jun), sum(jul), sum(aug))
	}
	areas, err := s.Areas(ctx, false)
	if err != nil || len(areas) != 1 || areas[0].Code != "E05014066" || areas[0].ParentCode != "E09000002" {
		t.Fatalf("areas from crime counts: %+v %v", areas, err)
	}
}

func TestPopulationReplacesPerArea(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	load := func(name string, ps ...charter.Population) {
		x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindPopulation, Source: name, Checksum: name, Format: "test"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ps {
			if err := x.AddPopulation(&ps[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	p := func(code, cat string, g charter.EthnicGroup, n int) charter.Population {
		return charter.Population{Level: charter.LevelBorough, AreaCode: code, AreaName: code, Category: cat, Group: g, Count: n, Census: 2021}
	}
	load("five", p("E09000022", "White", charter.GroupWhite, 100), p("E09000022", "Black", charter.GroupBlack, 50), p("E09000002", "White", charter.GroupWhite, 10))
	load("detailed", p("E09000022", "W1", charter.GroupWhite, 60), p("E09000022", "W2", charter.GroupWhite, 41), p("E09000022", "B1", charter.GroupBlack, 49))
	var lambeth, bd int
	s.DB().QueryRow(`SELECT SUM(count) FROM population WHERE area_code = 'E09000022'`).Scan(&lambeth)
	s.DB().QueryRow(`SELECT SUM(count) FROM population WHERE area_code = 'E09000002'`).Scan(&bd)
	if lambeth != 150 || bd != 10 {
		t.Fatalf("Lambeth %d (want 150 from the detailed table only), B&D %d (want 10, untouched)", lambeth, bd)
	}
}

func TestReassign(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2021, 6)
	west := stop("metropolitan", m, 2)
	east := stop("metropolitan", m, 3)
	east.Location = &charter.Location{Latitude: 51.5, Longitude: 0.1}
	importStops(t, s, "a", charter.CoverAll, west, east, many("metropolitan", m, 1, false)[0])
	x, err := s.BeginImport(ctx, &charter.Import{Kind: charter.KindBoundaries, Source: "b", Checksum: "b", Format: "test"})
	if err != nil {
		t.Fatal(err)
	}
	area := charter.Area{Code: "E09000099", Name: "East", Level: charter.LevelBorough, BoundaryYear: 2022, Boundary: []byte(`{"type":"Polygon","coordinates":[[[0,51],[1,51],[1,52],[0,52],[0,51]]]}`)}
	if err := x.AddArea(&area); err != nil {
		t.Fatal(err)
	}
	if err := x.Reassign(charter.LevelBorough, func(lon, lat float64) int64 {
		if lon > 0 {
			return area.ID
		}
		return 0
	}); err != nil {
		t.Fatal(err)
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
	got := map[int]int64{}
	s.FindStops(ctx, charter.StopFilter{}, func(st *charter.Stop) error { got[st.SourceRow] = st.Areas[charter.LevelBorough]; return nil })
	if got[2] != 0 || got[3] != area.ID {
		t.Fatalf("borough ids after reassign: %v (area id %d)", got, area.ID)
	}
	cov, err := s.Coverage(ctx)
	if err != nil || cov[0].Level != "borough" || cov[0].WithBoundary != 1 || cov[0].AssignedStops != 1 || cov[0].LocatedStops != 2 {
		t.Fatalf("coverage %+v %v", cov, err)
	}
}

// Month counts are kept between calls and follow every commit: a cached
// answer is never returned after a write, and callers cannot change it.
func TestMonthCountsFollowCommits(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	m := charter.NewMonth(2021, 6)
	importStops(t, s, "a.csv", charter.CoverAll, stop("metropolitan", m, 2))
	first, err := s.MonthCounts(ctx)
	if err != nil || len(first) != 1 || first[0].Count != 1 {
		t.Fatalf("%+v %v", first, err)
	}
	first[0].Count, first[0].Sources[0] = 99, "changed"
	again, _ := s.MonthCounts(ctx)
	if again[0].Count != 1 || again[0].Sources[0] == "changed" {
		t.Fatalf("the cached answer was changed by a caller: %+v", again[0])
	}
	importStops(t, s, "b.csv", charter.CoverAll, stop("metropolitan", m.Add(1), 2), stop("metropolitan", m.Add(1), 3))
	after, _ := s.MonthCounts(ctx)
	if len(after) != 2 || after[1].Count != 2 {
		t.Fatalf("after a commit: %+v", after)
	}
}
