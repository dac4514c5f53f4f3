package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// The analytic fields read packed (several ids to an integer, the yes/no
// fields in the month's low bits) are exactly the fields read a column
// each: every yes/no/unknown pair, empty fields, no location, area ids at
// the edge of their bits, label ids just under theirs. A store whose ids
// could be too large to pack is read a column each, and a stop whose label
// id is past the bound reads right.
func TestAnalyticPackedEqualsWide(t *testing.T) {
	s, raw := storetest.OpenRaw(t)
	ctx := context.Background()
	// Labels are given ids from here on, each filling the 21 bits it is
	// packed in almost to the top.
	nextVocabID := func(id int64) {
		t.Helper()
		if _, err := raw.Exec(`INSERT INTO vocab (id, field, label) VALUES ($1, 'placeholder', $2)`, id, fmt.Sprint("id ", id)); err != nil {
			t.Fatal(err)
		}
		if storetest.Engine() == "postgres" {
			if _, err := raw.Exec(`SELECT setval(pg_get_serial_sequence('vocab', 'id'), $1)`, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	nextVocabID(store.VocabIDLimit - 64)
	m := charter.NewMonth(2024, 9)
	tris := []charter.Tristate{charter.Unknown, charter.TristateOf(false), charter.TristateOf(true)}
	var stops []*charter.Stop
	for i, linked := range tris {
		for j, removal := range tris {
			st := stop("metropolitan", m, 2+3*i+j)
			st.OutcomeLinked, st.Removal = linked, removal
			switch (3*i + j) % 3 {
			case 0:
				st.Areas[charter.LevelBorough], st.Areas[charter.LevelWard] = 1, 1<<31-1
				st.Areas[charter.LevelMSOA], st.Areas[charter.LevelLSOA] = 1<<31-2, 12345
			case 1:
				st.Location = nil
				st.Gender, st.AgeRange, st.Outcome = "", "", ""
			}
			stops = append(stops, st)
		}
	}
	importStops(t, s, "packed", charter.CoverAll, stops...)

	read := func(packed bool) []string {
		t.Helper()
		var out []string
		if err := s.ScanAnalyticAs(ctx, packed, func(st *charter.Stop) error {
			loc := "no location"
			if st.Location != nil {
				loc = fmt.Sprint(st.Location.Latitude, st.Location.Longitude)
			}
			out = append(out, fmt.Sprintf("%s %s %q %q %q %q %q %q %q %q %v %v %v %s", st.Force, st.Month, st.Type, st.Gender, st.AgeRange,
				st.SelfDefinedEthnicity, st.OfficerDefinedEthnicity, st.Legislation, st.ObjectOfSearch, st.Outcome,
				st.OutcomeLinked, st.Removal, st.Areas, loc))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	packed, wide := read(true), read(false)
	if len(wide) != len(stops) || !slices.Equal(packed, wide) {
		t.Fatalf("read packed:\n%s\nread a column each:\n%s", packed, wide)
	}
	if ok, err := s.IDsPackable(ctx); err != nil || !ok {
		t.Fatalf("a store of a few labels and no areas is not packable (%v)", err)
	}
	scanAll := func() []string {
		t.Helper()
		var out []string
		if err := s.ScanAnalytic(ctx, func(st *charter.Stop) error {
			out = append(out, fmt.Sprint(st.Month, st.Gender, st.Areas, st.OutcomeLinked, st.Removal))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	all := scanAll()
	if len(all) != len(stops) {
		t.Fatalf("ScanAnalytic read %d stops, want %d", len(all), len(stops))
	}

	// A stop with a label whose id is past the bound: the store is read a
	// column each, and reads it right (packed, it would not).
	nextVocabID(store.VocabIDLimit + 10)
	past := stop("metropolitan", m.Add(1), 2)
	past.Gender = "A gender whose id is past the bound"
	importStops(t, s, "past the bound", charter.CoverAll, past)
	if ok, err := s.IDsPackable(ctx); err != nil || ok {
		t.Fatalf("a store with a label id past %d is packable (%v)", store.VocabIDLimit, err)
	}
	again := scanAll()
	want := append(slices.Clone(all), fmt.Sprint(past.Month, past.Gender, past.Areas, past.OutcomeLinked, past.Removal))
	slices.Sort(want)
	if !slices.Equal(again, want) {
		t.Errorf("read with a label id past the bound:\n%s\nwant:\n%s", again, want)
	}
	if packed, wide := read(true), read(false); slices.Equal(packed, wide) {
		t.Error("packed reading read a label id past the bound right: the test no longer tests the guard")
	}
}

// BenchmarkScanAnalytic reads the analytic fields of 200,000 stops packed,
// as the read model does, beside reading them a column each, in the same
// run.
func BenchmarkScanAnalytic(b *testing.B) {
	ctx := context.Background()
	const n = 200_000
	s := importedStore(b, &charter.Import{Kind: charter.KindStops, Source: "bench", Checksum: "bench", Format: "test", Coverage: charter.CoverAll},
		func(x *store.ImportTx) error {
			for i := range n {
				st := stop("metropolitan", charter.NewMonth(2024, 9), i+2)
				st.Areas[charter.LevelBorough], st.Areas[charter.LevelWard] = int64(1+i%33), int64(100+i%680)
				if err := x.AddStop(st); err != nil {
					return err
				}
			}
			return nil
		})
	for _, packed := range []bool{true, false} {
		b.Run(map[bool]string{true: "packed", false: "a column each"}[packed], func(b *testing.B) {
			for b.Loop() {
				got := 0
				if err := s.ScanAnalyticAs(ctx, packed, func(*charter.Stop) error { got++; return nil }); err != nil || got != n {
					b.Fatalf("read %d of %d stops: %v", got, n, err)
				}
			}
		})
	}
}

// importedStore makes a store holding one import that fill writes, closed
// and opened again, as a server starts on a database imported before (on
// SQLite the rows are then in the database file, not its log).
func importedStore(b *testing.B, imp *charter.Import, fill func(*store.ImportTx) error) *store.Store {
	b.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(b)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	x, err := s.BeginImport(ctx, imp)
	if err != nil {
		b.Fatal(err)
	}
	if err := fill(x); err != nil {
		b.Fatal(err)
	}
	if err := x.Commit(); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if s, err = store.Open(ctx, dsn); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
