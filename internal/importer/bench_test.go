package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stopsearch/charter/internal/store"
)

// BenchmarkImportMet imports the 13 real Met archive months into SQLite (or
// CHARTER_TEST_DATABASE) with London boroughs and wards loaded, and reports
// rows/s: validated, area-assigned and committed. `charter bench import`
// prints the same figure beside the sqlite3 shell's.
func BenchmarkImportMet(b *testing.B) { benchImport(b, true) }

// BenchmarkImportMetNoAreas is the same without boundaries: the cost of
// parsing, validating and storing alone.
func BenchmarkImportMetNoAreas(b *testing.B) { benchImport(b, false) }

func benchImport(b *testing.B, areas bool) {
	ctx := context.Background()
	var rows int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := store.Open(ctx, openDSN(b))
		if err != nil {
			b.Fatal(err)
		}
		im, _ := newImporter(b, s)
		if areas {
			bs, _ := filepath.Glob(boundaryDir + "*.geojson.gz")
			mustImport(b, im, bs...)
		}
		b.StartTimer()
		rs := mustImport(b, im, metZip)
		b.StopTimer()
		rows = Summarise(rs).Rows
		s.Close()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
