package web

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/readmodel"
)

// Wards by name for the encounter's pages: authorisations name their
// locality by ward codes, and people read ward names. The names come from
// the stored areas, read again only when an import changes them.

// wardBook is the stored wards, for one version of the areas.
type wardBook struct {
	snap   *readmodel.Snapshot // what it was read from
	names  map[string]string   // ward or borough code → name, every boundary vintage
	groups []wardGroup         // the current wards by borough, for the form
}

// wardGroup is a borough and its current wards.
type wardGroup struct {
	Borough string
	Wards   []charter.Area
}

var wardsCache struct {
	sync.Mutex
	book *wardBook
}

// wards returns the stored wards, from the read model's snapshot (the book
// is kept until the snapshot changes).
func (s *Site) wards(ctx context.Context) *wardBook {
	snap := s.fig.Snapshot()
	wardsCache.Lock()
	defer wardsCache.Unlock()
	if b := wardsCache.book; b != nil && b.snap == snap {
		return b
	}
	b := &wardBook{snap: snap, names: map[string]string{}}
	all := snap.Areas(false)
	for _, a := range all {
		if a.Level == charter.LevelWard || a.Level == charter.LevelBorough {
			b.names[a.Code] = a.Name
		}
	}
	byBorough := map[string][]charter.Area{}
	for _, a := range charter.Current(all) {
		if a.Level == charter.LevelWard {
			byBorough[a.ParentCode] = append(byBorough[a.ParentCode], a)
		}
	}
	for code, ws := range byBorough {
		slices.SortFunc(ws, func(x, y charter.Area) int { return cmp.Compare(x.Name, y.Name) })
		b.groups = append(b.groups, wardGroup{Borough: cmp.Or(b.names[code], code), Wards: ws})
	}
	slices.SortFunc(b.groups, func(x, y wardGroup) int { return cmp.Compare(x.Borough, y.Borough) })
	wardsCache.book = b
	return b
}

// wardNames maps ward (and borough) codes to names.
func (s *Site) wardNames(ctx context.Context) map[string]string { return s.wards(ctx).names }

// wardName is a ward's name, or its code when it has none stored.
func wardName(code string, names map[string]string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// when writes a time as people in London read it: "Sat 5 Dec 2026, 14:30".
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(charter.London).Format("Mon 2 Jan 2006, 15:04")
}
