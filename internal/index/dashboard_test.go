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
	benchOnce.Do(func() { _, benchBase = loadMet(b) })
	ix := benchBase.Resample(n, 1)
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
