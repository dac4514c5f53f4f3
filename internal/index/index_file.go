package index

import (
	"io"
	"unsafe"

	"github.com/paulmach/orb"
)

// The index file: magic, format, the number of stops, the dictionary of
// each stored dimension, the distinct points, each stored column and the
// point column, then the checksum (see codec.go). The dimensions derived
// from the location are not stored: they derive from the points when first
// asked for, as after Load. Bump indexFormat whenever the layout changes
// (format 2: "located" derived, no longer a column).
const (
	indexMagic  = "charter index\x00"
	indexFormat = 2
)

// WriteTo writes the index in its binary file format, for a server to read
// back with ReadIndex instead of loading from the store at start. Queries
// may run meanwhile; changes wait until it is written.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := newEncoder(w, indexMagic, indexFormat)
	e.u64(uint64(ix.n))
	for d := Dim(0); d < numStored; d++ {
		strs(e, ix.dicts[d].values)
	}
	writeColumn(e, pointFloats(ix.points))
	for d := range ix.cols {
		writeColumn(e, ix.cols[d][:ix.n])
	}
	writeColumn(e, ix.point[:ix.n])
	return e.finish()
}

// pointFloats is the points' memory as longitude, latitude pairs, no copy.
func pointFloats(ps []orb.Point) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(ps))), 2*len(ps))
}

// ReadIndex reads an index WriteTo wrote. It answers every query exactly as
// the written one did. A damaged, truncated or other-format input is an
// EINVALID error, never a partial index. The index does not know which
// state of the store it holds: a caller that follows the store must say so
// with SetLoadedAt before Follow.
func ReadIndex(r io.Reader) (*Index, error) {
	d := newDecoder(r, indexMagic, indexFormat)
	n64 := d.u64()
	if d.err == nil && n64 > maxRows {
		d.fail("declares %d stops", n64)
	}
	n := int(n64)
	ix := New()
	for dim := Dim(0); dim < numStored && d.err == nil; dim++ {
		ix.dicts[dim] = readDict(d)
	}
	fs := readColumn[float64](d, 2*maxPoints)
	if d.err == nil && (len(fs) == 0 || len(fs)%2 != 0) {
		d.fail("has %d point coordinates", len(fs))
	}
	for dim := range ix.cols {
		if d.err == nil {
			ix.cols[dim] = readColumn[uint16](d, n64)
			if len(ix.cols[dim]) != n {
				d.fail("has %d values of %s for %d stops", len(ix.cols[dim]), Dim(dim), n)
			}
			checkCodes(d, ix.cols[dim], len(ix.dicts[dim].values), Dim(dim).String())
		}
	}
	if d.err == nil {
		ix.point = readColumn[uint32](d, n64)
		if len(ix.point) != n {
			d.fail("has %d locations for %d stops", len(ix.point), n)
		}
		checkCodes(d, ix.point, len(fs)/2, "point")
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	ix.n = n
	ix.points = unsafe.Slice((*orb.Point)(unsafe.Pointer(unsafe.SliceData(fs))), len(fs)/2)
	ix.pcode = make(map[pointKey]uint32, len(ix.points))
	for pc := 1; pc < len(ix.points); pc++ {
		ix.pcode[keyOf(ix.points[pc])] = uint32(pc)
	}
	return ix, nil
}

// SetLoadedAt records that the index holds the store's state after commits
// of its announced changes (its Commits()), as Load records by itself. A
// caller that reads an index from a file and knows the file holds the
// store's current state calls SetLoadedAt(store.Commits()) before Follow, so
// Follow rebuilds only if a write came between; left at zero, Follow
// rebuilds unless the store has announced nothing yet.
func (ix *Index) SetLoadedAt(commits int64) {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.loadedAt = commits
}
