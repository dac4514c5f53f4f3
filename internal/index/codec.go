package index

import (
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"unsafe"

	"github.com/stopsearch/charter"
)

// The binary files of the indexes (see Index.WriteTo and Crimes.WriteTo)
// share one codec: little-endian, a magic and a format number first, columns
// as raw arrays in large blocks so that reading is a copy from the page
// cache, and a CRC-32C of everything before it last, so a damaged file is an
// error rather than wrong answers. Every length read is checked against a
// limit before anything is allocated for it, and large arrays grow only as
// the input proves to hold them, so a damaged length cannot make a reader
// allocate gigabytes.

// Limits of what a file may declare.
const (
	maxRows      = 1<<31 - 1 // counts are int32 per group
	maxDictBytes = 1 << 26   // bytes of one dictionary's values
	maxPoints    = 1<<32 - 1 // point codes are uint32
	firstBlock   = 1 << 22   // bytes allocated before the input proves longer
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// littleEndian is whether the machine's own layout is the file's, so that
// columns are written and read as they lie in memory.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// errDamaged is wrapped by every error of a file that does not read.
var errDamaged = errors.New("damaged or truncated")

func damaged(what string, args ...any) error {
	e := charter.Errorf(charter.EINVALID, "index file "+what, args...)
	e.Err = errDamaged
	return e
}

// encoder writes the file's values, counting bytes and summing them.
type encoder struct {
	w   io.Writer
	crc hash.Hash32
	n   int64
	err error
	buf [8]byte
}

func newEncoder(w io.Writer, magic string, format uint32) *encoder {
	e := &encoder{w: w, crc: crc32.New(crcTable)}
	e.bytes([]byte(magic))
	e.u32(format)
	return e
}

func (e *encoder) bytes(p []byte) {
	if e.err != nil {
		return
	}
	e.crc.Write(p)
	n, err := e.w.Write(p)
	e.n += int64(n)
	e.err = err
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.bytes(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.bytes(e.buf[:8])
}

// finish writes the checksum.
func (e *encoder) finish() (int64, error) {
	sum := e.crc.Sum32()
	e.u32(sum)
	return e.n, e.err
}

// fixed are the element types written as raw arrays.
type fixed interface {
	~uint8 | ~uint16 | ~uint32 | ~int32 | ~int64 | ~float64
}

// asBytes is the memory of s as bytes, no copy.
func asBytes[T fixed](s []T) []byte {
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

// width is the size of one value of T.
func width[T fixed]() int {
	var z T
	return int(unsafe.Sizeof(z))
}

// swap reverses each w-byte scalar of p in place: the file is
// little-endian, a big-endian machine turns its values around.
func swap(p []byte, w int) {
	for i := 0; i+w <= len(p); i += w {
		for a, b := i, i+w-1; a < b; a, b = a+1, b-1 {
			p[a], p[b] = p[b], p[a]
		}
	}
}

// writeColumn writes a count and then the array raw.
func writeColumn[T fixed](e *encoder, s []T) {
	e.u64(uint64(len(s)))
	raw := asBytes(s)
	if !littleEndian {
		raw = append([]byte(nil), raw...)
		swap(raw, width[T]())
	}
	e.bytes(raw)
}

// strs writes strings as their lengths and then their bytes, two blocks.
func strs(e *encoder, vs []string) {
	lens := make([]uint32, len(vs))
	total := 0
	for i, v := range vs {
		lens[i] = uint32(len(v))
		total += len(v)
	}
	writeColumn(e, lens)
	all := make([]byte, 0, total)
	for _, v := range vs {
		all = append(all, v...)
	}
	e.bytes(all)
}

// decoder reads what encoder wrote, summing as it goes; the first error
// sticks and every later read is a no-op.
type decoder struct {
	r   io.Reader
	crc hash.Hash32
	err error
	buf [8]byte
}

func newDecoder(r io.Reader, magic string, format uint32) *decoder {
	d := &decoder{r: r, crc: crc32.New(crcTable)}
	got := make([]byte, len(magic))
	d.read(got)
	if d.err == nil && string(got) != magic {
		d.err = damaged("does not start with %q", magic)
	}
	if v := d.u32(); d.err == nil && v != format {
		d.err = charter.Errorf(charter.EINVALID, "index file is format %d, this program reads format %d: rebuild it from the database", v, format)
	}
	return d
}

func (d *decoder) read(p []byte) {
	if d.err != nil {
		return
	}
	if _, err := io.ReadFull(d.r, p); err != nil {
		d.err = damaged("ends early (%v)", err)
		return
	}
	d.crc.Write(p)
}

func (d *decoder) u32() uint32 {
	d.read(d.buf[:4])
	if d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint32(d.buf[:4])
}

func (d *decoder) u64() uint64 {
	d.read(d.buf[:8])
	if d.err != nil {
		return 0
	}
	return binary.LittleEndian.Uint64(d.buf[:8])
}

// fail records a damage found by a check of the caller's.
func (d *decoder) fail(what string, args ...any) {
	if d.err == nil {
		d.err = damaged(what, args...)
	}
}

// finish checks the checksum.
func (d *decoder) finish() error {
	if d.err != nil {
		return d.err
	}
	want := d.crc.Sum32()
	var b [4]byte
	if _, err := io.ReadFull(d.r, b[:]); err != nil {
		return damaged("ends before its checksum (%v)", err)
	}
	if binary.LittleEndian.Uint32(b[:]) != want {
		return damaged("checksum mismatch")
	}
	return nil
}

// readColumn reads what writeColumn wrote: a count no more than limit, then the
// array, allocated in blocks that double only as the input holds them.
func readColumn[T fixed](d *decoder, limit uint64) []T {
	n := d.u64()
	if d.err != nil {
		return nil
	}
	if n > limit {
		d.fail("declares %d values where at most %d are allowed", n, limit)
		return nil
	}
	return readArray[T](d, int(n))
}

// readArray reads n values of T raw.
func readArray[T fixed](d *decoder, n int) []T {
	first := firstBlock / width[T]()
	if r, ok := d.r.(interface{ Len() int }); ok {
		// Reading from memory (a persisted read model), the input's
		// length is known: a column that fits in it is allocated once,
		// and a forged length larger than the input still fails at its
		// end without a huge allocation.
		first = max(first, r.Len()/width[T]())
	}
	s := make([]T, 0, min(n, first))
	for d.err == nil && len(s) < n {
		if len(s) == cap(s) {
			grown := make([]T, len(s), min(n, 2*cap(s)))
			copy(grown, s)
			s = grown
		}
		m := cap(s)
		raw := asBytes(s[len(s):m])
		d.read(raw)
		if !littleEndian {
			swap(raw, width[T]())
		}
		s = s[:m]
	}
	if d.err != nil {
		return nil
	}
	return s
}

// readStrs reads what strs wrote: at most limit strings of at most
// maxDictBytes in all, cut from one allocation.
func readStrs(d *decoder, limit uint64) []string {
	lens := readColumn[uint32](d, limit)
	total := uint64(0)
	for _, l := range lens {
		total += uint64(l)
	}
	if d.err != nil {
		return nil
	}
	if total > maxDictBytes {
		d.fail("declares %d bytes of values", total)
		return nil
	}
	all := string(readArray[uint8](d, int(total)))
	if d.err != nil {
		return nil
	}
	out := make([]string, len(lens))
	at := 0
	for i, l := range lens {
		out[i] = all[at : at+int(l)]
		at += int(l)
	}
	return out
}

// readDict reads a dictionary: "" first, no value twice.
func readDict(d *decoder) *dict {
	vs := readStrs(d, 1<<16)
	if d.err != nil {
		return nil
	}
	if len(vs) == 0 || vs[0] != "" {
		d.fail("has a dictionary without its empty value first")
		return nil
	}
	dc := &dict{codes: make(map[string]uint16, len(vs)), values: vs}
	for i, v := range vs {
		if _, dup := dc.codes[v]; dup {
			d.fail("has %q twice in a dictionary", v)
			return nil
		}
		dc.codes[v] = uint16(i)
	}
	return dc
}

// checkCodes fails unless every code of col is below n.
func checkCodes[T uint8 | uint16 | uint32](d *decoder, col []T, n int, what string) {
	var hi T
	for _, c := range col {
		hi = max(hi, c)
	}
	if len(col) > 0 && int(hi) >= n {
		d.fail("has a %s code %d beyond its %d values", what, hi, n)
	}
}
