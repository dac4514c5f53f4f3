// Package readmodel is what every figure is computed from: the areas, the
// census populations, the counts of stops by force and month and the
// analytic and crime indexes, held in memory as one versioned snapshot.
// Reports are functions of a snapshot and a query, with no store reads, so
// a figure is the same wherever it appears and caches key on the
// snapshot's one version. The model follows every write of the store and is
// persisted beside the database, so that a server starts from the file in
// well under a second instead of re-reading every stop (see persist.go).
package readmodel

import (
	"sync"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

// Snapshot is one version of the read model. Its areas, populations and
// month counts never change once published; the indexes are followed in
// place (each answers a query from one consistent state), and a new
// Snapshot with a higher Version is published after they have followed a
// write, so a figure cached under a version is never older than it.
type Snapshot struct {
	// Version increases with every write the model follows; it is what
	// caches of figures, pages and API answers key on.
	Version int64
	Stops   *index.Index
	Crimes  *index.Crimes

	areas   []charter.Area // every stored area with its boundary, by level then code
	current []charter.Area // charter.Current(areas)
	byCode  map[string]int // code → index in areas of AreaByCode's answer
	pops    map[popKey]*store.AreaPopulation
	months  []charter.MonthCounts
	quality func() []charter.MonthQuality // see Quality
}

type popKey struct {
	level charter.Level
	code  string
}

// parts are the plain (non-index) parts of a snapshot, as read from the
// store or a persisted file.
type parts struct {
	Areas  []charter.Area
	Pops   []store.AreaPopulation
	Months []charter.MonthCounts
}

// newSnapshot indexes the parts for lookup.
func newSnapshot(version int64, ix *index.Index, cr *index.Crimes, p parts) *Snapshot {
	s := &Snapshot{Version: version, Stops: ix, Crimes: cr, areas: p.Areas, current: charter.Current(p.Areas),
		byCode: make(map[string]int, len(p.Areas)), pops: make(map[popKey]*store.AreaPopulation, len(p.Pops)), months: p.Months}
	s.quality = sync.OnceValue(func() []charter.MonthQuality { return charter.AssessQuality(p.Months) })
	for i, a := range p.Areas {
		// As the store answers: of the areas with a code (one per level),
		// the one of the lowest level.
		if j, ok := s.byCode[a.Code]; !ok || a.Level < p.Areas[j].Level {
			s.byCode[a.Code] = i
		}
	}
	for i := range p.Pops {
		s.pops[popKey{p.Pops[i].Level, p.Pops[i].Code}] = &p.Pops[i]
	}
	return s
}

// parts returns what newSnapshot was given, for persisting.
func (s *Snapshot) parts() parts {
	p := parts{Areas: s.areas, Months: s.months, Pops: make([]store.AreaPopulation, 0, len(s.pops))}
	for _, a := range s.pops {
		p.Pops = append(p.Pops, *a)
	}
	return p
}

// AreaByCode returns the area with a code (without its boundary), as the
// store's AreaByCode does, with the same error when there is none.
func (s *Snapshot) AreaByCode(code string) (charter.Area, error) {
	i, ok := s.byCode[code]
	if !ok {
		return charter.Area{}, charter.Errorf(charter.ENOTFOUND, "no area with code %q (import its boundaries, census or crime counts first)", code)
	}
	a := s.areas[i]
	a.Boundary = nil
	return a, nil
}

// CurrentAreas lists the areas of the boundary vintage in use at each level,
// as the store's CurrentAreas does. The slice is the caller's; the
// boundaries are shared and must not be modified.
func (s *Snapshot) CurrentAreas(withBoundary bool) []charter.Area {
	return clip(s.current, withBoundary)
}

// Areas lists every stored area, current or not, by level then code.
func (s *Snapshot) Areas(withBoundary bool) []charter.Area { return clip(s.areas, withBoundary) }

func clip(as []charter.Area, withBoundary bool) []charter.Area {
	out := make([]charter.Area, len(as))
	copy(out, as)
	if !withBoundary {
		for i := range out {
			out[i].Boundary = nil
		}
	}
	return out
}

// PopulationByArea returns the census population by ethnic group of each of
// the areas of one level with population, keyed by code, and the latest
// census year among them, as the store's PopulationByArea does. The maps
// are the caller's.
func (s *Snapshot) PopulationByArea(level charter.Level, codes []string) (map[string]map[charter.EthnicGroup]int, int) {
	out := map[string]map[charter.EthnicGroup]int{}
	census := 0
	for _, c := range codes {
		p := s.pops[popKey{level, c}]
		if p == nil {
			continue
		}
		m := make(map[charter.EthnicGroup]int, len(p.ByGroup))
		for g, n := range p.ByGroup {
			m[g] = n
		}
		out[c] = m
		census = max(census, p.Census)
	}
	return out, census
}

// PopulationByGroup returns the census population of one area by ethnic
// group and its census year; an area without population gives an empty map.
func (s *Snapshot) PopulationByGroup(level charter.Level, code string) (map[charter.EthnicGroup]int, int) {
	by, census := s.PopulationByArea(level, []string{code})
	if by[code] == nil {
		return map[charter.EthnicGroup]int{}, census
	}
	return by[code], census
}

// PopulationSum is the population of a union of areas of one level, with
// the latest census year and the codes that have no population (the sum is
// the union's population only when there are none).
func (s *Snapshot) PopulationSum(level charter.Level, codes []string) (sum map[charter.EthnicGroup]int, census int, missing []string) {
	by, census := s.PopulationByArea(level, codes)
	sum = map[charter.EthnicGroup]int{}
	for _, c := range codes {
		if by[c] == nil {
			missing = append(missing, c)
		}
		for g, n := range by[c] {
			sum[g] += n
		}
	}
	return sum, census, missing
}

// MonthCounts are the counted stops of every force and month with the
// counts the data-quality flags are assessed from. Shared: read only.
func (s *Snapshot) MonthCounts() []charter.MonthCounts { return s.months }

// Quality is the data-quality assessment of the month counts
// (charter.AssessQuality), made once per snapshot: every area's page asks
// for it, and it is the same for all of them. Callers must not change it.
func (s *Snapshot) Quality() []charter.MonthQuality {
	if s.quality == nil { // a Snapshot not made by newSnapshot
		return charter.AssessQuality(s.months)
	}
	return s.quality()
}

// Snapshot returns s itself, so that a fixed snapshot serves wherever the
// model's current one is asked for (public.Snapshots).
func (s *Snapshot) Snapshot() *Snapshot { return s }
