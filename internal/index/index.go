// Package index is Charter's in-memory analytic index: one compact column per
// dimension of every counted stop, loaded from the store and answering counts
// under any filter, grouped by up to three dimensions, by scanning. It is what
// keeps aggregate questions fast and identical on SQLite and PostgreSQL.
package index

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// Dim is a dimension of a stop that can be filtered on and grouped by.
type Dim uint8

// The dimensions. Area dimensions hold the store's area id; the others hold
// the value as published (or, for the groups, the five-group name).
const (
	DimMonth Dim = iota
	DimForce
	DimBorough
	DimWard
	DimMSOA
	DimLSOA
	DimSelfGroup    // self-defined ethnicity, five groups plus not stated
	DimSelfDefined  // self-defined ethnicity, the 18+1 categories
	DimOfficerGroup // officer-defined ethnicity
	DimAge
	DimGender
	DimType
	DimLegislation
	DimObject
	DimOutcome
	DimLink    // outcome linked to object of search: True, False or empty
	DimRemoval // removal of more than outer clothing: True, False or empty
	// Derived from the location rather than stored per stop: whether there
	// is one, "located" or "not located", and the hex-grid cells of the
	// published location (geo.HexCell IDs in decimal), taken from each
	// distinct location point, so every grid is exact and costs nothing per
	// stop.
	DimLocated
	DimHex250
	DimHex500
	DimHex1000
	NumDims
)

// numStored is the number of dimensions held as a column per stop.
const numStored = DimLocated

// hexSizes are the grids of the derived dimensions.
var hexSizes = map[Dim]geo.HexSize{DimHex250: geo.Hex250, DimHex500: geo.Hex500, DimHex1000: geo.Hex1000}

var dimNames = [NumDims]string{"month", "force", "borough", "ward", "msoa", "lsoa", "self_group", "self_defined",
	"officer_group", "age", "gender", "type", "legislation", "object", "outcome", "link", "removal", "located",
	"hex250", "hex500", "hex1000"}

func (d Dim) String() string {
	if d < NumDims {
		return dimNames[d]
	}
	return "dim?"
}

// ParseDim reads a dimension name.
func ParseDim(s string) (Dim, error) {
	for i, n := range dimNames {
		if n == s {
			return Dim(i), nil
		}
	}
	return 0, charter.Errorf(charter.EINVALID, "unknown dimension %q", s)
}

// Source is where the index loads stops from (the store).
type Source interface {
	FindStops(ctx context.Context, f charter.StopFilter, fn func(*charter.Stop) error) error
}

// Index holds the columns. Each stored column has one uint16 code per stop;
// code 0 is "none" (empty field, no area) and codes index the dimension's
// dictionary. The location is one uint32 per stop, an index into the distinct
// points (0: not located). 2 bytes × 17 + 4 = 38 bytes per stop.
type Index struct {
	mu     sync.RWMutex
	n      int
	cols   [numStored][]uint16
	dicts  [NumDims]*dict
	point  []uint32
	points []orb.Point         // by point code; points[0] is unused
	pcode  map[pointKey]uint32 // point -> code
	hex    [NumDims][]uint32   // for derived dimensions: point code -> dictionary code

	// applyMu serialises following the store (Apply, Rebuild), which reads
	// the store outside mu and so must not interleave with itself.
	applyMu  sync.Mutex
	loadedAt int64 // the source's Commits() when loading began
	stale    error // why the last change failed to apply; the next rebuilds

	cubeMu sync.Mutex                // one cube build at a time
	cube   atomic.Pointer[cubeState] // see cube.go; nil after every change
	listMu sync.Mutex                // one area list build at a time
	lists  areaLists                 // see arealists.go; none after every change
}

// dict maps a dimension's values to dense codes.
type dict struct {
	codes  map[string]uint16
	values []string // by code; values[0] is ""
}

func newDict() *dict { return &dict{codes: map[string]uint16{"": 0}, values: []string{""}} }

func (d *dict) code(v string) (uint16, error) {
	if c, ok := d.codes[v]; ok {
		return c, nil
	}
	if len(d.values) == 1<<16 {
		return 0, fmt.Errorf("more than 65,535 distinct values")
	}
	c := uint16(len(d.values))
	d.codes[v] = c
	d.values = append(d.values, v)
	return c, nil
}

// New returns an empty index.
func New() *Index {
	ix := &Index{points: []orb.Point{{}}, pcode: map[pointKey]uint32{}}
	for d := range ix.dicts {
		ix.dicts[d] = newDict()
	}
	return ix
}

// analyticScanner is a Source that can read just the indexed fields (the
// store can, much faster than FindStops).
type analyticScanner interface {
	ScanAnalytic(ctx context.Context, fn func(*charter.Stop) error) error
}

// Load builds an index of every counted stop in src.
func Load(ctx context.Context, src Source) (*Index, error) {
	ix := New()
	if c, ok := src.(committer); ok {
		ix.loadedAt = c.Commits()
	}
	add := newCoder(ix).add
	var err error
	if a, ok := src.(analyticScanner); ok {
		err = a.ScanAnalytic(ctx, add)
	} else {
		err = src.FindStops(ctx, charter.StopFilter{AnyOrder: true}, add)
	}
	if err != nil {
		return nil, err
	}
	for d := range ix.cols {
		ix.cols[d] = fit(ix.cols[d], ix.n)
	}
	ix.point = fit(ix.point, ix.n)
	return ix, nil
}

// Add appends stops (the store's new writes) to the index.
func (ix *Index) Add(stops ...*charter.Stop) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.dropBuilt()
	c := newCoder(ix)
	c.grow(len(stops))
	for _, st := range stops {
		if err := c.add(st); err != nil {
			return err
		}
	}
	return nil
}

func areaValue(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// pointCode returns the code of a location point, adding it if new.
func (ix *Index) pointCode(p orb.Point) uint32 {
	k := keyOf(p)
	pc, ok := ix.pcode[k]
	if !ok {
		pc = uint32(len(ix.points))
		ix.points = append(ix.points, p)
		ix.pcode[k] = pc
	}
	return pc
}

// pointKey is a point as the bits of its coordinates: a map hashes two
// words faster than two floats (about a sixth of coding a stop).
type pointKey [2]uint64

// keyOf is the key of p; -0 and 0 are one coordinate, as they are as
// floats. Located points are never NaN (the importer refuses them).
func keyOf(p orb.Point) pointKey {
	for i := range p {
		if p[i] == 0 {
			p[i] = 0
		}
	}
	return pointKey{math.Float64bits(p[0]), math.Float64bits(p[1])}
}

// derived returns, for a derived dimension, the dictionary code of every
// point code, extending it to points added since the last call. The caller
// holds the write lock or is the only user.
func (ix *Index) derived(d Dim) ([]uint32, error) {
	t := ix.hex[d]
	for pc := len(t); pc < len(ix.points); pc++ {
		v := ""
		switch {
		case d == DimLocated && pc > 0:
			v = "located"
		case d == DimLocated:
			v = "not located"
		case pc > 0:
			v = geo.HexOf(hexSizes[d], ix.points[pc][0], ix.points[pc][1]).String()
		}
		c, err := ix.dicts[d].code(v)
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", d, err)
		}
		t = append(t, uint32(c))
	}
	ix.hex[d] = t
	return t, nil
}

// Len is the number of stops indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.n
}

// Bytes is the memory the columns, the cube and the area lists hold (their
// capacity), for the budget of 40 bytes per stop.
func (ix *Index) Bytes() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := 4*cap(ix.point) + ix.cubeBytes() + ix.listBytes()
	for _, c := range ix.cols {
		b += 2 * cap(c)
	}
	return b
}

// Cond restricts a dimension to a set of values (as Values reports them;
// months as YYYY-MM, areas as store ids in decimal).
type Cond struct {
	Dim    Dim
	Values []string
}

// Query is a count request: stops matching every condition, counted by the
// values of up to three dimensions.
type Query struct {
	From, To charter.Month // month range, inclusive; zero is open
	Where    []Cond
	GroupBy  []Dim
}

// Row is one group of a result.
type Row struct {
	Values []string // one per GroupBy dimension
	Count  int
}

// Count answers a query, groups in order of their values.
func (ix *Index) Count(q Query) ([]Row, error) {
	if len(q.GroupBy) > 3 {
		return nil, charter.Errorf(charter.EINVALID, "group by at most three dimensions")
	}
	for _, c := range q.Where {
		if c.Dim >= NumDims {
			return nil, charter.Errorf(charter.EINVALID, "unknown dimension %d", c.Dim)
		}
	}
	for _, d := range q.GroupBy {
		if d >= NumDims {
			return nil, charter.Errorf(charter.EINVALID, "unknown dimension %d", d)
		}
	}
	// Derived dimensions may extend their tables: take the write lock then.
	derivedUsed := false
	for _, c := range q.Where {
		derivedUsed = derivedUsed || c.Dim >= numStored
	}
	for _, d := range q.GroupBy {
		derivedUsed = derivedUsed || d >= numStored
	}
	if derivedUsed {
		ix.mu.Lock()
		defer ix.mu.Unlock()
	} else {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
	}
	// A query of the cube's dimensions only is summed over the cube.
	var cb *cube
	if !derivedUsed {
		dims := append([]Dim{DimMonth}, q.GroupBy...)
		for _, c := range q.Where {
			dims = append(dims, c.Dim)
		}
		cb = ix.cubeFor(dims)
	}
	col := func(d Dim) (column, error) {
		if cb != nil {
			return column{u16: cb.cols[cubeIndex[d]]}, nil
		}
		if d < numStored {
			return column{u16: ix.cols[d]}, nil
		}
		t, err := ix.derived(d)
		return column{tab: t}, err
	}
	var conds []cond
	addCond := func(d Dim, keep func(v string) bool) error {
		c, err := col(d)
		if err != nil {
			return err
		}
		ok := make([]bool, len(ix.dicts[d].values))
		for code, v := range ix.dicts[d].values {
			ok[code] = keep(v)
		}
		conds = append(conds, cond{c, ok, d})
		return nil
	}
	if q.From != 0 || q.To != 0 {
		addCond(DimMonth, func(v string) bool {
			m, err := charter.ParseMonth(v)
			return err == nil && (q.From == 0 || m >= q.From) && (q.To == 0 || m <= q.To)
		})
	}
	for _, c := range q.Where {
		set := map[string]bool{}
		for _, v := range c.Values {
			set[v] = true
		}
		if err := addCond(c.Dim, func(v string) bool { return set[v] }); err != nil {
			return nil, err
		}
	}
	groups := make([]column, len(q.GroupBy))
	card := make([]int, len(q.GroupBy))
	size := 1
	for i, d := range q.GroupBy {
		c, err := col(d)
		if err != nil {
			return nil, err
		}
		groups[i] = c
		card[i] = len(ix.dicts[d].values)
		size *= card[i]
	}
	if size > 1<<24 {
		return nil, charter.Errorf(charter.EINVALID, "too many groups (%d): filter first", size)
	}
	counts := make([]int32, size)
	var sel []uint32 // the rows of the areas asked for, when few (see arealists.go)
	if cb == nil {
		sel, conds = ix.selectRows(conds)
	}
	switch {
	case cb != nil:
		scan(len(cb.w), nil, conds16(conds), groups16(groups), card, counts, cb.w)
	case !derivedUsed:
		// The common case, kept free of the derived-column branch.
		scan(ix.n, sel, conds16(conds), groups16(groups), card, counts, nil)
	default:
		countAny(ix.n, sel, ix.point, conds, groups, card, counts)
	}
	var out []Row
	for k, n := range counts {
		if n == 0 {
			continue
		}
		vals := make([]string, len(groups))
		for g := len(groups) - 1; g >= 0; g-- {
			vals[g] = ix.dicts[q.GroupBy[g]].values[k%card[g]]
			k /= card[g]
		}
		out = append(out, Row{Values: vals, Count: int(n)})
	}
	sort.Slice(out, func(i, j int) bool {
		for g := range out[i].Values {
			if out[i].Values[g] != out[j].Values[g] {
				return out[i].Values[g] < out[j].Values[g]
			}
		}
		return false
	})
	return out, nil
}

// column is read either directly (stored dimensions) or through the point
// code and a table (derived ones).
type column struct {
	u16 []uint16
	tab []uint32
}

type cond struct {
	column
	ok  []bool
	dim Dim
}

type cond16 struct {
	col []uint16
	ok  []bool
}

func conds16(cs []cond) []cond16 {
	out := make([]cond16, len(cs))
	for i, c := range cs {
		out[i] = cond16{c.u16, c.ok}
	}
	return out
}

func groups16(gs []column) [][]uint16 {
	out := make([][]uint16, len(gs))
	for i, g := range gs {
		out[i] = g.u16
	}
	return out
}

// scan counts the rows (weighted by w, if given) of stored columns: the
// rows in sel, or all n when sel is nil. Large scans are split among the
// processors, each counting its own share of the rows, and the counts
// summed.
func scan(n int, sel []uint32, conds []cond16, groups [][]uint16, card []int, counts []int32, w []int32) {
	if sel != nil {
		n = len(sel)
	}
	parts := min(runtime.GOMAXPROCS(0), n/minShare)
	if parts < 2 || len(counts) > maxShareGroups {
		countShare(0, n, sel, conds, groups, card, counts, w)
		return
	}
	shares := make([][]int32, parts)
	var wg sync.WaitGroup
	for p := range shares {
		shares[p] = make([]int32, len(counts))
		wg.Add(1)
		go func() {
			defer wg.Done()
			countShare(p*n/parts, (p+1)*n/parts, sel, conds, groups, card, shares[p], w)
		}()
	}
	wg.Wait()
	for _, share := range shares {
		for k, c := range share {
			counts[k] += c
		}
	}
}

// countShare counts rows lo to hi: of sel (unweighted), or of all.
func countShare(lo, hi int, sel []uint32, conds []cond16, groups [][]uint16, card []int, counts []int32, w []int32) {
	if sel != nil {
		countSel(sel[lo:hi], conds, groups, card, counts)
	} else {
		countRows(lo, hi, conds, groups, card, counts, w)
	}
}

// A scan is split only when each share has at least minShare rows and the
// counts of each share stay small beside the work.
const (
	minShare       = 1 << 16
	maxShareGroups = 1 << 16
)

// countRows is the scan of rows lo to hi over stored columns only.
func countRows(lo, hi int, conds []cond16, groups [][]uint16, card []int, counts []int32, w []int32) {
	for i := lo; i < hi; i++ {
		if k, ok := rowKey(i, conds, groups, card); ok {
			if w != nil {
				counts[k] += w[i]
			} else {
				counts[k]++
			}
		}
	}
}

// countSel is countRows over the rows in sel, unweighted.
func countSel(sel []uint32, conds []cond16, groups [][]uint16, card []int, counts []int32) {
	for _, i := range sel {
		if k, ok := rowKey(int(i), conds, groups, card); ok {
			counts[k]++
		}
	}
}

// rowKey is the group of row i over stored columns, if it meets conds
// (small enough to be inlined into the scans).
func rowKey(i int, conds []cond16, groups [][]uint16, card []int) (int, bool) {
	for _, c := range conds {
		if !c.ok[c.col[i]] {
			return 0, false
		}
	}
	k := 0
	for g, col := range groups {
		k = k*card[g] + int(col[i])
	}
	return k, true
}

// countAny is the scan when a derived (hex) dimension is involved, over the
// rows in sel or, when sel is nil, all n.
func countAny(n int, sel []uint32, point []uint32, conds []cond, groups []column, card []int, counts []int32) {
	if sel != nil {
		n = len(sel)
	}
rows:
	for j := 0; j < n; j++ {
		i := j
		if sel != nil {
			i = int(sel[j])
		}
		p := point[i]
		for _, c := range conds {
			var v uint32
			if c.u16 != nil {
				v = uint32(c.u16[i])
			} else {
				v = c.tab[p]
			}
			if !c.ok[v] {
				continue rows
			}
		}
		k := 0
		for g, c := range groups {
			var v int
			if c.u16 != nil {
				v = int(c.u16[i])
			} else {
				v = int(c.tab[p])
			}
			k = k*card[g] + v
		}
		counts[k]++
	}
}
