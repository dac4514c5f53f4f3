package index

import (
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// benchDashboard is the dashboard aggregate of `charter bench analytics`:
// London-wide counts by borough and self-defined group over 12 months, on
// the real index resampled to n stops with ix.Resample. The first query,
// which builds the cube, is reported apart (build-ms). With scan, a
// condition that keeps every stop makes the same query scan the rows.
func benchDashboard(b *testing.B, n int, scan bool) {
	_, base := sharedMet(b)
	ix := base.Resample(n, 1)
	q := Query{From: charter.NewMonth(2021, 6), To: charter.NewMonth(2022, 5), GroupBy: []Dim{DimBorough, DimSelfGroup}}
	if scan {
		q.Where = []Cond{{Dim: DimGender, Values: ix.dicts[DimGender].values}}
	}
	start := time.Now()
	if _, err := ix.Count(q); err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Count(q); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(build.Microseconds())/1000, "build-ms")
	b.ReportMetric(float64(ix.Bytes())/float64(n), "bytes/stop")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/query")
}

func BenchmarkDashboard1M(b *testing.B)      { benchDashboard(b, 1_000_000, false) }
func BenchmarkDashboard10M(b *testing.B)     { benchDashboard(b, 10_000_000, false) }
func BenchmarkDashboardScan1M(b *testing.B)  { benchDashboard(b, 1_000_000, true) }
func BenchmarkDashboardScan10M(b *testing.B) { benchDashboard(b, 10_000_000, true) }

// benchWard is the counts an uncached ward page asks (see report.NewProfile):
// one breakdown after another of a ward's searches by its force over the
// whole period, on the real index resampled to n stops, ward after ward.
// The queries read the ward's rows from the area lists; bytes/stop counts
// the lists with the columns and the cube.
func benchWard(b *testing.B, n int) {
	_, base := sharedMet(b)
	ix := base.Resample(n, 1)
	wards := dimValues(ix, DimWard)
	by := []Dim{DimSelfGroup, DimOfficerGroup, DimAge, DimGender, DimLegislation, DimObject, DimOutcome, DimType}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		where := []Cond{{Dim: DimWard, Values: []string{wards[i%len(wards)]}}, {Dim: DimForce, Values: []string{"metropolitan"}}}
		for _, d := range by {
			if _, err := ix.Count(Query{Where: where, GroupBy: []Dim{d}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(ix.Bytes())/float64(n), "bytes/stop")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/ward")
}

func BenchmarkWard1M(b *testing.B)  { benchWard(b, 1_000_000) }
func BenchmarkWard10M(b *testing.B) { benchWard(b, 10_000_000) }
