package index

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The lists decode to exactly each code's rows, in order, gaps of 65,535
// rows and more included.
func TestAreaListRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	col := make([]uint16, 300_000)
	for i := range col {
		col[i] = uint16(rng.IntN(40)) // common codes
	}
	// Code 41 is rare: its gaps need the escape.
	for _, i := range []int{0, 65_534, 65_535 + 65_534, 65_535 + 65_534 + 65_535, 299_999} {
		col[i] = 41
	}
	l := buildAreaList(col, 43)
	for c := range 43 {
		var want []uint32
		for i, v := range col {
			if int(v) == c {
				want = append(want, uint32(i))
			}
		}
		ok := make([]bool, 43)
		ok[c] = true
		got := l.rows(ok, nil)
		if !slices.Equal(got, want) || l.size(ok) != len(want) {
			t.Fatalf("code %d: %d rows listed (size %d), %d in the column", c, len(got), l.size(ok), len(want))
		}
	}
	if l.bytes() > 2*len(col)+4*3*44+2*3*5 {
		t.Errorf("the list holds %d bytes for %d rows", l.bytes(), len(col))
	}
}

// Queries restricted to a few areas, answered from the area lists, equal
// counting row by row, for every area dimension, with other conditions and
// groups (the hex grids' included), on the real index and on it resampled
// large enough to split; an addition drops the lists.
func TestAreaListsEqualPlainCount(t *testing.T) {
	_, ix := sharedMet(t)
	big := ix.Resample(3*minShare, 9)
	for _, x := range []*Index{ix, big} {
		rng := rand.New(rand.NewPCG(uint64(x.Len()), 3))
		for _, d := range areaListDims {
			// The fixture places stops in boroughs and wards only.
			vals := append(dimValues(x, d), "no such area")
			if (d == DimBorough || d == DimWard) && len(vals) < 30 {
				t.Fatalf("%s: only %d values", d, len(vals))
			}
			n := 6 // queries
			if x == big || len(vals) < 30 {
				n = 2
			}
			for i := range n {
				q := queryOf(rng, x, []Dim{DimMonth, DimForce, DimAge, DimObject, DimHex500, DimSelfGroup, DimLocated})
				pick := []string{vals[rng.IntN(len(vals))]}
				if i%2 == 1 {
					pick = append(pick, vals[rng.IntN(len(vals))])
				}
				q.Where = append(q.Where, Cond{Dim: d, Values: pick})
				got, err := x.Count(q)
				if err != nil {
					t.Fatal(err)
				}
				if want := plainCount(x, q); !slices.EqualFunc(got, want, rowEqual) {
					t.Fatalf("%s query %+v:\n count %d groups %v\n plain %d groups %v", d, q, len(got), got[:min(len(got), 5)], len(want), want[:min(len(want), 5)])
				}
			}
			if x.lists[d].Load() == nil {
				t.Errorf("%s: queries of a few areas built no list", d)
			}
		}
	}
	if err := big.Add(exampleStops(10)...); err != nil {
		t.Fatal(err)
	}
	for _, d := range areaListDims {
		if big.lists[d].Load() != nil {
			t.Fatalf("an addition left the %s list in place", d)
		}
	}
	assertPlain(t, big, []Dim{DimBorough, DimMonth, DimAge}, 20, 8)
}

func rowEqual(a, b Row) bool { return a.Count == b.Count && slices.Equal(a.Values, b.Values) }
