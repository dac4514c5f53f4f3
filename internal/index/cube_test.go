package index

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// plainCount answers q row by row from the dictionaries, without the scan,
// the cube or the processors' shares: the reference the fast paths must
// equal.
func plainCount(ix *Index, q Query) []Row {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	value := func(d Dim, i int) string {
		if d < numStored {
			return ix.dicts[d].values[ix.cols[d][i]]
		}
		t, _ := ix.derived(d)
		return ix.dicts[d].values[t[ix.point[i]]]
	}
	// Each condition's values as a set: areas lists hold hundreds of codes,
	// and comparing every row's with each of them was most of the time the
	// tests spent here.
	wanted := make([]map[string]bool, len(q.Where))
	for j, c := range q.Where {
		wanted[j] = map[string]bool{}
		for _, v := range c.Values {
			wanted[j][v] = true
		}
	}
	counts := map[string]int{}
rows:
	for i := 0; i < ix.n; i++ {
		if q.From != 0 || q.To != 0 {
			m, _ := charter.ParseMonth(value(DimMonth, i))
			if q.From != 0 && m < q.From || q.To != 0 && m > q.To {
				continue
			}
		}
		for j, c := range q.Where {
			if !wanted[j][value(c.Dim, i)] {
				continue rows
			}
		}
		var key []string
		for _, d := range q.GroupBy {
			key = append(key, value(d, i))
		}
		counts[strings.Join(key, "\x00")]++
	}
	var out []Row
	for k, n := range counts {
		vals := strings.Split(k, "\x00")
		if len(q.GroupBy) == 0 {
			vals = []string{}
		}
		out = append(out, Row{Values: vals, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i].Values, "\x00") < strings.Join(out[j].Values, "\x00") })
	return out
}

// assertPlain compares Count with plainCount over n random queries of dims.
func assertPlain(t *testing.T, ix *Index, dims []Dim, n int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 11))
	refused := 0
	for i := 0; i < n; i++ {
		q := queryOf(rng, ix, dims)
		got, err := ix.Count(q)
		if charter.ErrorCode(err) == charter.EINVALID && refused < n {
			refused, i = refused+1, i-1 // too many groups: another query
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := plainCount(ix, q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %d %+v:\n count %d groups %.300v\n plain %d groups %.300v", i, q, len(got), got, len(want), want)
		}
	}
}

// The cube and the shared scan answer exactly what counting row by row
// answers, on the real index and on it resampled large enough to split,
// and the cube follows additions.
func TestCubeAndSharesEqualPlainCount(t *testing.T) {
	_, ix := sharedMet(t)
	cubed := cubeDims[:]
	if _, err := ix.Count(Query{GroupBy: []Dim{DimBorough}}); err != nil {
		t.Fatal(err)
	}
	if s := ix.cube.Load(); s == nil || s.c == nil || len(s.c.w) == 0 || len(s.c.w) > ix.Len()/4 {
		t.Fatalf("no cube built for a cube query: %+v", s)
	}
	assertPlain(t, ix, cubed, 60, 1)
	all := make([]Dim, NumDims)
	for d := range all {
		all[d] = Dim(d)
	}
	assertPlain(t, ix, all, 40, 2)

	// Stops added drop the cube; the next cube query builds it again with
	// them. (The resampled index shares ix's dictionaries: ix is done with.)
	big := ix.Resample(3*minShare, 3)
	if err := big.Add(exampleStops(500)...); err != nil {
		t.Fatal(err)
	}
	assertPlain(t, big, cubed, 20, 4)
	before := big.cube.Load()
	if err := big.Add(exampleStops(1)...); err != nil {
		t.Fatal(err)
	}
	if big.cube.Load() != nil {
		t.Fatal("an addition left the cube in place")
	}
	assertPlain(t, big, cubed, 20, 5)
	if before == nil || big.cube.Load() == before {
		t.Fatal("the cube was not rebuilt after the addition")
	}
	assertPlain(t, big, all, 20, 6)
}

// exampleStops are n stops of a new month, in two forces' boroughs.
func exampleStops(n int) []*charter.Stop {
	var out []*charter.Stop
	for i := 0; i < n; i++ {
		st := &charter.Stop{Force: []string{"metropolitan", "city-of-london"}[i%2], Month: charter.NewMonth(2030, time.Month(1+i%3)),
			SelfDefinedEthnicity: "Black/African/Caribbean/Black British - African", OfficerDefinedEthnicity: "White", AgeRange: "18-24"}
		st.Areas[charter.LevelBorough] = int64(1 + i%5)
		out = append(out, st)
	}
	return out
}
