package geo

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/stopsearch/charter"
)

// Layer is one set of boundaries of one level and vintage, ready for
// assignment: IDs[i] is the area id of the polygon at position i of Index.
type Layer struct {
	Level charter.Level
	Year  int     // boundary vintage; only the newest layer of a level is used
	IDs   []int64 // area ids, one per polygon of Index, in the same order
	Index *Index
	// Parents[i], when Parents is set, is the id of the area that IDs[i]
	// nests in (a ward's borough), 0 where not known; a point is given the
	// area only when it was also placed in that parent. nil: no check.
	Parents []int64
}

// Locator assigns a point to an area at every level that has boundaries,
// by one rule at every level, so that the parts of an area add up to it:
//
//   - Each level uses one vintage, its newest layer: the May 2022 wards
//     once they are loaded, never a mixture of 2022 and 2018 wards (older
//     layers stay stored for their own data, and are not used to place).
//   - Levels are placed from coarse to fine, and a point is placed in an
//     area only if it was placed in the area's parent too: a search in a
//     borough is in one of that borough's wards or in none of them, never
//     in a neighbouring borough's ward where two publishers' edges differ.
//
// Published police locations are snapped to a fixed set of anonymous map
// points, so many records share exact coordinates; a Locator remembers recent
// answers in a small direct-mapped cache keyed by the exact (lon, lat) bits.
// Because of that cache a Locator must be used by one goroutine at a time;
// give each worker its own with Fork, which shares the (immutable) indexes.
type Locator struct {
	levels []levelLayers
	cache  []cacheEntry
	bits   uint // log2(len(cache)), 0 for no cache
}

type levelLayers struct {
	level charter.Level
	layer Layer // the newest of the level's layers
}

// cacheEntry is one cache slot; 64 bytes, one cache line.
type cacheEntry struct {
	lon, lat uint64
	ids      charter.AreaIDs
	ok       bool
}

// DefaultCacheEntries is the cache size of a new Locator: 64k slots (4 MiB),
// enough for the map points of a large force, small next to the indexes.
const DefaultCacheEntries = 1 << 16

// NewLocator bundles layers for assignment, keeping the newest layer of each
// level (ties in Year keep the first given). It panics if a layer's level is
// not a level, its Index is nil or its IDs or Parents do not match its Index:
// those are programming errors, not bad input.
func NewLocator(layers []Layer) *Locator {
	l := &Locator{}
	for _, ly := range layers {
		if ly.Level >= charter.NumLevels || ly.Index == nil || len(ly.IDs) != ly.Index.Len() ||
			(ly.Parents != nil && len(ly.Parents) != len(ly.IDs)) {
			panic(fmt.Sprintf("geo.NewLocator: bad layer (level %d, %d ids, %d parents, index %v)", ly.Level, len(ly.IDs), len(ly.Parents), ly.Index != nil))
		}
		i := slices.IndexFunc(l.levels, func(g levelLayers) bool { return g.level == ly.Level })
		switch {
		case i < 0:
			l.levels = append(l.levels, levelLayers{level: ly.Level, layer: ly})
		case ly.Year > l.levels[i].layer.Year:
			l.levels[i].layer = ly
		}
	}
	slices.SortFunc(l.levels, func(a, b levelLayers) int { return int(a.level) - int(b.level) })
	l.SetCacheSize(DefaultCacheEntries)
	return l
}

// Year is the vintage the Locator places points in at level, 0 when it has
// no layer of that level.
func (l *Locator) Year(level charter.Level) int {
	for _, g := range l.levels {
		if g.level == level {
			return g.layer.Year
		}
	}
	return 0
}

// SetCacheSize sets the number of cache slots, rounded up to a power of two;
// 0 turns the cache off (useful when every point is distinct). It empties the
// cache.
func (l *Locator) SetCacheSize(entries int) {
	if entries <= 0 {
		l.cache, l.bits = nil, 0
		return
	}
	b := uint(bits.Len(uint(entries - 1)))
	l.bits = max(b, 1)
	l.cache = nil // allocated on first use, so Fork and unused Locators cost nothing
}

// Fork returns a Locator with the same layers and an empty cache of the same
// size, for use by another goroutine.
func (l *Locator) Fork() *Locator {
	return &Locator{levels: l.levels, bits: l.bits}
}

// Levels lists the levels the Locator assigns, coarse to fine.
func (l *Locator) Levels() []charter.Level {
	out := make([]charter.Level, len(l.levels))
	for i, g := range l.levels {
		out[i] = g.level
	}
	return out
}

// Assign sets out[level] to the id of the area containing (lon, lat), or 0
// where no boundary of that level covers it, for every level that has a
// layer. Levels without layers (the force, which comes from the record) are
// left as they are.
func (l *Locator) Assign(lon, lat float64, out *charter.AreaIDs) {
	if l.bits == 0 {
		l.locate(lon, lat, out)
		return
	}
	if l.cache == nil {
		l.cache = make([]cacheEntry, 1<<l.bits)
	}
	kx, ky := math.Float64bits(lon), math.Float64bits(lat)
	// Multiplicative hashing; the top bits mix both coordinates' low bits,
	// which are where neighbouring map points differ.
	h := (kx*0x9E3779B97F4A7C15 ^ ky*0xC2B2AE3D27D4EB4F) * 0x94D049BB133111EB
	e := &l.cache[h>>(64-l.bits)]
	if !e.ok || e.lon != kx || e.lat != ky {
		e.lon, e.lat, e.ok = kx, ky, true
		l.locate(lon, lat, &e.ids)
	}
	for _, g := range l.levels {
		out[g.level] = e.ids[g.level]
	}
}

func (l *Locator) locate(lon, lat float64, out *charter.AreaIDs) {
	var placed [charter.NumLevels]int64 // the ids placed so far, coarse to fine
	n := 0
	for _, g := range l.levels {
		id := int64(0)
		ly := &g.layer
		i := -1
		if p := ly.Parents; p == nil {
			i = ly.Index.Locate(lon, lat)
		} else {
			// Only an area inside the parent the point was placed in: where
			// the outlines of two publishers overlap, the one that fits.
			i = ly.Index.LocateFunc(lon, lat, func(k int) bool { return p[k] == 0 || slices.Contains(placed[:n], p[k]) })
		}
		if i >= 0 {
			id = ly.IDs[i]
		}
		out[g.level] = id
		if id != 0 {
			placed[n] = id
			n++
		}
	}
}
