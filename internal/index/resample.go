package index

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// Resample returns an index of n stops drawn at random, with replacement,
// from ix: the benchmarks' way of building 1M- and 10M-stop indexes with the
// real data's distributions (areas, groups, objects, points). The result
// has its own copy of ix's dictionaries and points, so stops added to it
// leave ix as it was; do not Apply changes of a store to it.
func (ix *Index) Resample(n int, seed uint64) *Index {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := New()
	for d, src := range ix.dicts {
		out.dicts[d] = &dict{codes: maps.Clone(src.codes), values: slices.Clone(src.values)}
	}
	out.points, out.pcode = slices.Clone(ix.points), maps.Clone(ix.pcode)
	if ix.n == 0 {
		return out
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := make([]int32, n)
	for i := range pick {
		pick[i] = int32(rng.IntN(ix.n))
	}
	// Column by column, so each pass reads one source column.
	for d := range ix.cols {
		col, src := make([]uint16, n), ix.cols[d]
		for i, j := range pick {
			col[i] = src[j]
		}
		out.cols[d] = col
	}
	out.point = make([]uint32, n)
	for i, j := range pick {
		out.point[i] = ix.point[j]
	}
	out.n = n
	return out
}
