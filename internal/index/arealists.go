package index

import "sync/atomic"

// Area lists: for each area dimension, the rows of every area. A ward's
// page asks a score of counts, each restricted to the ward (and its force);
// scanning every stop for each made an uncached ward profile cost 15–25 ms
// on 284,000 stops, nearly all of it rejecting other wards' rows. With the
// list, a query restricted to a few areas reads only their rows. The lists
// are built at the first such query after a change and dropped by every
// change (Add, Apply, Rebuild), as the cube is, so they are never stale;
// their memory counts in Bytes.
//
// A list holds each area's row numbers in order, as gaps from the previous
// one in 16 bits (a gap of 65,535 or more takes three), which keeps it near
// 2 bytes a stop instead of 4.

// areaListDims are the dimensions that have lists.
var areaListDims = [...]Dim{DimBorough, DimWard, DimMSOA, DimLSOA}

// hasAreaList says which dimensions have lists.
var hasAreaList = func() (has [NumDims]bool) {
	for _, d := range areaListDims {
		has[d] = true
	}
	return has
}()

// maxListShare is the share of the rows beyond which a query scans instead:
// reading rows through a list costs more per row than scanning them.
const maxListShare = 4 // a quarter

// gapEscape marks a gap too large for 16 bits; the next two hold it.
const gapEscape = 0xFFFF

type areaList struct {
	start []uint32 // by code: where its gaps begin in gaps; start[code+1] ends them
	count []uint32 // by code: its rows
	gaps  []uint16
}

// areaLists are the lists built since the last change, by dimension.
type areaLists [NumDims]atomic.Pointer[areaList]

// listFor returns the list of dimension d, building it when there is none.
// The caller holds mu for reading at least.
func (ix *Index) listFor(d Dim) *areaList {
	if l := ix.lists[d].Load(); l != nil {
		return l
	}
	ix.listMu.Lock()
	defer ix.listMu.Unlock()
	if l := ix.lists[d].Load(); l != nil {
		return l
	}
	l := buildAreaList(ix.cols[d][:ix.n], len(ix.dicts[d].values))
	ix.lists[d].Store(l)
	return l
}

// dropLists forgets the lists; the caller holds mu for writing.
func (ix *Index) dropLists() {
	for d := range ix.lists {
		ix.lists[d].Store(nil)
	}
}

// buildAreaList lists the rows of col by code, in two passes: the first
// sizes each code's gaps, the second writes them.
func buildAreaList(col []uint16, card int) *areaList {
	l := &areaList{start: make([]uint32, card+1), count: make([]uint32, card)}
	last := make([]int, card)
	for c := range last {
		last[c] = -1
	}
	size := make([]uint32, card)
	for i, c := range col {
		size[c] += gapWidth(i - last[c])
		last[c] = i
		l.count[c]++
	}
	for c := range card {
		l.start[c+1] = l.start[c] + size[c]
	}
	l.gaps = make([]uint16, l.start[card])
	pos := append([]uint32(nil), l.start[:card]...)
	for c := range last {
		last[c] = -1
	}
	for i, c := range col {
		gap, p := i-last[c], pos[c]
		if gap < gapEscape {
			l.gaps[p] = uint16(gap)
		} else {
			l.gaps[p], l.gaps[p+1], l.gaps[p+2] = gapEscape, uint16(gap>>16), uint16(gap)
		}
		pos[c] += gapWidth(gap)
		last[c] = i
	}
	return l
}

// gapWidth is the number of 16-bit words a gap takes.
func gapWidth(gap int) uint32 {
	if gap < gapEscape {
		return 1
	}
	return 3
}

// rows appends to sel the rows of every code that ok keeps, each code's in
// order.
func (l *areaList) rows(ok []bool, sel []uint32) []uint32 {
	for c, keep := range ok {
		if !keep || c >= len(l.count) {
			continue
		}
		row := -1
		g := l.gaps[l.start[c]:l.start[c+1]]
		for j := 0; j < len(g); j++ {
			if gap := g[j]; gap != gapEscape {
				row += int(gap)
			} else {
				row += int(g[j+1])<<16 | int(g[j+2])
				j += 2
			}
			sel = append(sel, uint32(row))
		}
	}
	return sel
}

// size is the number of rows of the codes ok keeps.
func (l *areaList) size(ok []bool) int {
	n := 0
	for c, keep := range ok {
		if keep && c < len(l.count) {
			n += int(l.count[c])
		}
	}
	return n
}

// bytes is the memory the list holds.
func (l *areaList) bytes() int {
	return 4*cap(l.start) + 4*cap(l.count) + 2*cap(l.gaps)
}

// listBytes is the memory of the index's lists, those built.
func (ix *Index) listBytes() int {
	b := 0
	for d := range ix.lists {
		if l := ix.lists[d].Load(); l != nil {
			b += l.bytes()
		}
	}
	return b
}

// selectRows picks the area condition that keeps the fewest rows and, when
// it keeps at most a quarter of them, returns those rows and the other
// conditions; otherwise nil and all of them. The caller holds mu for
// reading at least.
func (ix *Index) selectRows(conds []cond) ([]uint32, []cond) {
	best, bestN := -1, ix.n/maxListShare+1
	for i, c := range conds {
		if !hasAreaList[c.dim] {
			continue
		}
		if n := ix.listFor(c.dim).size(c.ok); n < bestN {
			best, bestN = i, n
		}
	}
	if best < 0 {
		return nil, conds
	}
	sel := ix.listFor(conds[best].dim).rows(conds[best].ok, make([]uint32, 0, bestN))
	rest := append(append([]cond(nil), conds[:best]...), conds[best+1:]...)
	return sel, rest
}

// dropBuilt forgets what queries build from the rows after a change (the
// cube, the area lists); the caller holds mu for writing.
func (ix *Index) dropBuilt() {
	ix.dropCube()
	ix.dropLists()
}
