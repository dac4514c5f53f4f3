// Package index is Charter's in-memory analytic index: one compact column per
// dimension of every counted stop, loaded from the store and answering counts
// under any filter, grouped by up to three dimensions, by scanning. It is what
// keeps aggregate questions fast and identical on SQLite and PostgreSQL.
package index

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/stopsearch/charter"
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
	DimLocated // "located" or "not located"
	NumDims
)

var dimNames = [NumDims]string{"month", "force", "borough", "ward", "msoa", "lsoa", "self_group", "self_defined",
	"officer_group", "age", "gender", "type", "legislation", "object", "outcome", "link", "removal", "located"}

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

// Index holds the columns. Each column has one uint16 code per stop; code 0
// is "none" (empty field, no area) and codes index the dimension's
// dictionary. 2 bytes × 18 dimensions = 36 bytes per stop.
type Index struct {
	mu    sync.RWMutex
	n     int
	cols  [NumDims][]uint16
	dicts [NumDims]*dict
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
	ix := &Index{}
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
	add := func(st *charter.Stop) error { return ix.add(st) }
	var err error
	if a, ok := src.(analyticScanner); ok {
		err = a.ScanAnalytic(ctx, add)
	} else {
		err = src.FindStops(ctx, charter.StopFilter{AnyOrder: true}, add)
	}
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// Add appends stops (the store's new writes) to the index.
func (ix *Index) Add(stops ...*charter.Stop) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, st := range stops {
		if err := ix.add(st); err != nil {
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

// values returns the value of every dimension of a stop.
func values(st *charter.Stop) [NumDims]string {
	located := "not located"
	if st.Location != nil {
		located = "located"
	}
	self, _ := charter.LookupSelfDefined(st.SelfDefinedEthnicity)
	return [NumDims]string{
		st.Month.String(), st.Force,
		areaValue(st.Areas[charter.LevelBorough]), areaValue(st.Areas[charter.LevelWard]),
		areaValue(st.Areas[charter.LevelMSOA]), areaValue(st.Areas[charter.LevelLSOA]),
		st.SelfGroup().String(), self.Code, st.OfficerGroup().String(),
		st.AgeRange, st.Gender, st.Type, st.Legislation, st.ObjectOfSearch, st.Outcome,
		st.OutcomeLinked.CSV(), st.Removal.CSV(), located,
	}
}

func (ix *Index) add(st *charter.Stop) error {
	for d, v := range values(st) {
		c, err := ix.dicts[d].code(v)
		if err != nil {
			return fmt.Errorf("index %s: %w", Dim(d), err)
		}
		ix.cols[d] = append(ix.cols[d], c)
	}
	ix.n++
	return nil
}

// Len is the number of stops indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.n
}

// Bytes is the memory the columns hold (their capacity), for the budget of
// 48 bytes per stop.
func (ix *Index) Bytes() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	b := 0
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
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	type cond struct {
		col []uint16
		ok  []bool
	}
	var conds []cond
	addCond := func(d Dim, keep func(v string) bool) {
		ok := make([]bool, len(ix.dicts[d].values))
		for c, v := range ix.dicts[d].values {
			ok[c] = keep(v)
		}
		conds = append(conds, cond{ix.cols[d], ok})
	}
	if q.From != 0 || q.To != 0 {
		addCond(DimMonth, func(v string) bool {
			m, err := charter.ParseMonth(v)
			return err == nil && (q.From == 0 || m >= q.From) && (q.To == 0 || m <= q.To)
		})
	}
	for _, c := range q.Where {
		if c.Dim >= NumDims {
			return nil, charter.Errorf(charter.EINVALID, "unknown dimension %d", c.Dim)
		}
		set := map[string]bool{}
		for _, v := range c.Values {
			set[v] = true
		}
		addCond(c.Dim, func(v string) bool { return set[v] })
	}
	groups := make([][]uint16, len(q.GroupBy))
	card := make([]int, len(q.GroupBy))
	size := 1
	for i, d := range q.GroupBy {
		if d >= NumDims {
			return nil, charter.Errorf(charter.EINVALID, "unknown dimension %d", d)
		}
		groups[i] = ix.cols[d]
		card[i] = len(ix.dicts[d].values)
		size *= card[i]
	}
	if size > 1<<24 {
		return nil, charter.Errorf(charter.EINVALID, "too many groups (%d): filter first", size)
	}
	counts := make([]int32, size)
rows:
	for i := 0; i < ix.n; i++ {
		for _, c := range conds {
			if !c.ok[c.col[i]] {
				continue rows
			}
		}
		k := 0
		for g, col := range groups {
			k = k*card[g] + int(col[i])
		}
		counts[k]++
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
