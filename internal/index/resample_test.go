package index

import (
	"math"
	"testing"
)

// A resampled index has the size asked for and, within sampling error, the
// real data's distribution over a dimension.
func TestResample(t *testing.T) {
	_, ix := sharedMet(t)
	const n = 400_000
	big := ix.Resample(n, 7)
	if big.Len() != n || big.Bytes() != (2*int(numStored)+4)*n || numStored != 17 {
		t.Fatalf("resampled %d stops, %d bytes", big.Len(), big.Bytes())
	}
	base, err := ix.Count(Query{GroupBy: []Dim{DimSelfGroup}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := big.Count(Query{GroupBy: []Dim{DimSelfGroup}})
	if err != nil || len(got) != len(base) {
		t.Fatalf("%v %v", got, err)
	}
	total := 0
	for i, r := range got {
		total += r.Count
		p := float64(base[i].Count) / float64(ix.Len())
		// Five binomial standard deviations: fails only if sampling is wrong.
		if sd := math.Sqrt(n * p * (1 - p)); math.Abs(float64(r.Count)-n*p) > 5*sd+1 {
			t.Errorf("%s: %d, expected about %.0f", r.Values[0], r.Count, n*p)
		}
	}
	if total != n {
		t.Fatalf("counts add to %d", total)
	}
	if ix.Resample(10, 7).Len() != 10 || New().Resample(5, 1).Len() != 0 {
		t.Fatal("small resamples")
	}
}
