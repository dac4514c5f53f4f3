package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// ScanCrimeCounts reads counts back in fewer columns than the table has
// (crimescan.go): every count comes back exactly as the table holds it,
// whatever its category names hold (the separator itself, other control
// characters, nothing but spaces), whatever its area (none: the airports'
// counts), and at any size.
func TestScanCrimeCounts(t *testing.T) {
	s := storetest.Open(t)
	ctx := context.Background()
	months := []charter.Month{charter.NewMonth(2010, 4), charter.NewMonth(2023, 6), charter.NewMonth(2099, 12)}
	counts := []charter.CrimeCount{
		{Level: charter.LevelWard, AreaCode: "E05014066", AreaName: "Northbury", Unit: "Barking and Dagenham", Month: months[1], Major: "POSSESSION OF WEAPONS", Minor: "Possession of Other Weapons", Count: 3},
		{Level: charter.LevelWard, AreaCode: "E05014066", AreaName: "Northbury", Unit: "Barking and Dagenham", Month: months[1], Major: "Violence\x1fAgainst\x1f", Minor: "\x1f", Count: 1},
		{Level: charter.LevelWard, AreaCode: "", AreaName: "Heathrow Airport", Unit: "Aviation Security", Month: months[0], Major: "Theft", Minor: "a\x1fb\x1fc\x01d", Count: 2147483647},
		{Level: charter.LevelWard, AreaCode: "E05013567", AreaName: "Heathrow Villages", Unit: "Hillingdon", Month: months[2], Major: "  ", Minor: "", Count: 1 << 40},
	}
	importCrimeCounts(t, s, "scan", months, counts...)

	row := func(level, code, major, minor string, month, n int64) string {
		return fmt.Sprintf("%q %q %q %q %d %d", level, code, major, minor, month, n)
	}
	var want []string
	rows, err := s.DB().Query(`SELECT level, area_code, major_key, minor, month, count FROM crime_counts`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var level, code, major, minor string
		var month, n int64
		if err := rows.Scan(&level, &code, &major, &minor, &month, &n); err != nil {
			t.Fatal(err)
		}
		want = append(want, row(level, code, major, minor, month, n))
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.ScanCrimeCounts(ctx, func(level, code, major, minor []byte, month, n int64) error {
		got = append(got, row(string(level), string(code), string(major), string(minor), month, n))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) != len(counts) || !slices.Equal(got, want) {
		t.Errorf("scanned:\n%s\nthe table holds:\n%s", got, want)
	}

	// A count too large to travel with its month fails the scan; it never
	// comes back as another number.
	later := []charter.Month{charter.NewMonth(2100, 1)}
	importCrimeCounts(t, s, "huge", later, charter.CrimeCount{Level: charter.LevelWard, AreaCode: "E05014066", AreaName: "Northbury",
		Unit: "Barking and Dagenham", Month: later[0], Major: "Theft", Minor: "Theft", Count: 1 << 50})
	err = s.ScanCrimeCounts(ctx, func(_, _, _, _ []byte, month, n int64) error {
		if month == int64(later[0].YYYYMM()) && n != 1<<50 {
			t.Errorf("a count of 2⁵⁰ came back as %d", n)
		}
		return nil
	})
	if err == nil {
		t.Error("a count of 2⁵⁰ was scanned without an error")
	}
}

// importCrimeCounts imports ward crime counts of the months given, as one
// download would.
func importCrimeCounts(t *testing.T, s *store.Store, source string, months []charter.Month, counts ...charter.CrimeCount) {
	t.Helper()
	x, err := s.BeginImport(context.Background(), &charter.Import{Kind: charter.KindCrimeCounts, Source: source, Checksum: source, Format: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.SetCrimeCountFile(charter.LevelWard, months); err != nil {
		t.Fatal(err)
	}
	for i := range counts {
		if err := x.AddCrimeCount(&counts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Commit(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkScanCrimeCounts reads back 804,000 counts (600 wards, ten
// categories, 134 months: London's bundled downloads hold 822,443) as
// ScanCrimeCounts does, beside the plain six-column SELECT it replaced, in
// the same run.
func BenchmarkScanCrimeCounts(b *testing.B) {
	ctx := context.Background()
	var months []charter.Month
	for m := charter.NewMonth(2010, 4); len(months) < 134; m++ {
		months = append(months, m)
	}
	n := 0
	s := importedStore(b, &charter.Import{Kind: charter.KindCrimeCounts, Source: "bench", Checksum: "bench", Format: "test"},
		func(x *store.ImportTx) error {
			if _, err := x.SetCrimeCountFile(charter.LevelWard, months); err != nil {
				return err
			}
			for w := range 600 {
				code, name := fmt.Sprintf("E0501%04d", w), fmt.Sprintf("Ward %d", w)
				for c := range 10 {
					minor := fmt.Sprintf("Minor category %d", c)
					for _, m := range months {
						cc := charter.CrimeCount{Level: charter.LevelWard, AreaCode: code, AreaName: name, Unit: "Lambeth", Month: m,
							Major: fmt.Sprintf("Major category %d", c/3), Minor: minor, Count: 1 + (w+c+int(m))%9}
						if err := x.AddCrimeCount(&cc); err != nil {
							return err
						}
						n++
					}
				}
			}
			return nil
		})
	b.Run("ScanCrimeCounts", func(b *testing.B) {
		for b.Loop() {
			got := 0
			if err := s.ScanCrimeCounts(ctx, func(_, _, _, _ []byte, _, _ int64) error { got++; return nil }); err != nil || got != n {
				b.Fatalf("scanned %d of %d: %v", got, n, err)
			}
		}
	})
	b.Run("six columns", func(b *testing.B) {
		for b.Loop() {
			rows, err := s.DB().QueryContext(ctx, `SELECT level, area_code, major_key, minor, month, count FROM crime_counts`)
			if err != nil {
				b.Fatal(err)
			}
			var level, code, major, minor sql.RawBytes
			var month, count int64
			got := 0
			for rows.Next() {
				if err := rows.Scan(&level, &code, &major, &minor, &month, &count); err != nil {
					b.Fatal(err)
				}
				got++
			}
			if err := rows.Close(); err != nil || got != n {
				b.Fatalf("scanned %d of %d: %v", got, n, err)
			}
		}
	})
}
