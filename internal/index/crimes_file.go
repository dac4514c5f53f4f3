package index

import (
	"io"
	"sort"

	"github.com/stopsearch/charter"
)

// The crime index file: magic, format, the street crimes as columns (the
// forces as a dictionary), the count rows as columns with their two
// dictionaries, the covered months of each level, then the checksum (see
// codec.go). Bump crimesFormat whenever the layout changes.
const (
	crimesMagic  = "charter crimes\x00"
	crimesFormat = 1
)

// WriteTo writes the crime index in its binary file format, for a server to
// read back with ReadCrimes instead of loading from the store at start.
func (c *Crimes) WriteTo(w io.Writer) (int64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := newEncoder(w, crimesMagic, crimesFormat)

	n := len(c.street)
	month, cat, force := make([]charter.Month, n), make([]uint16, n), make([]uint16, n)
	borough, ward := make([]int64, n), make([]int64, n)
	lon, lat, located := make([]float64, n), make([]float64, n), make([]uint8, n)
	forces := newDict()
	for i, r := range c.street {
		month[i], cat[i], borough[i], ward[i], lon[i], lat[i] = r.month, r.cat, r.borough, r.ward, r.lon, r.lat
		if r.located {
			located[i] = 1
		}
		var err error
		if force[i], err = forces.code(r.force); err != nil {
			return 0, err
		}
	}
	strs(e, c.scats.values)
	strs(e, forces.values)
	writeColumn(e, month)
	writeColumn(e, cat)
	writeColumn(e, force)
	writeColumn(e, borough)
	writeColumn(e, ward)
	writeColumn(e, lon)
	writeColumn(e, lat)
	writeColumn(e, located)

	strs(e, c.careas.values)
	strs(e, c.ccats.values)
	writeColumn(e, c.cArea)
	writeColumn(e, c.cMonth)
	writeColumn(e, c.cCat)
	writeColumn(e, c.cCount)

	levels := make([]charter.Level, 0, len(c.months))
	for l := range c.months {
		levels = append(levels, l)
	}
	sort.Slice(levels, func(i, j int) bool { return levels[i] < levels[j] })
	e.u32(uint32(len(levels)))
	for _, l := range levels {
		e.u32(uint32(l))
		writeColumn(e, c.months[l])
	}
	return e.finish()
}

// ReadCrimes reads a crime index WriteTo wrote. It answers every query
// exactly as the written one did. A damaged, truncated or other-format
// input is an EINVALID error. As with ReadIndex, a caller that follows the
// store says which state the file holds with SetLoadedAt before Follow.
func ReadCrimes(r io.Reader) (*Crimes, error) {
	d := newDecoder(r, crimesMagic, crimesFormat)
	c := &Crimes{scats: readDict(d)}
	forces := readDict(d)
	month := readColumn[charter.Month](d, maxRows)
	n := uint64(len(month))
	cat := readColumn[uint16](d, n)
	force := readColumn[uint16](d, n)
	borough := readColumn[int64](d, n)
	ward := readColumn[int64](d, n)
	lon := readColumn[float64](d, n)
	lat := readColumn[float64](d, n)
	located := readColumn[uint8](d, n)
	if d.err == nil {
		for _, col := range []int{len(cat), len(force), len(borough), len(ward), len(lon), len(lat), len(located)} {
			if col != int(n) {
				d.fail("has street crime columns of %d and %d values", n, col)
			}
		}
		checkCodes(d, cat, len(c.scats.values), "street category")
		checkCodes(d, force, len(forces.values), "force")
		checkCodes(d, located, 2, "located")
	}

	c.careas = readDict(d)
	c.ccats = readDict(d)
	c.cArea = readColumn[uint16](d, maxRows)
	rows := uint64(len(c.cArea))
	c.cMonth = readColumn[charter.Month](d, rows)
	c.cCat = readColumn[uint16](d, rows)
	c.cCount = readColumn[int32](d, rows)
	if d.err == nil {
		if len(c.cMonth) != int(rows) || len(c.cCat) != int(rows) || len(c.cCount) != int(rows) {
			d.fail("has count columns of different lengths")
		}
		checkCodes(d, c.cArea, len(c.careas.values), "area")
		checkCodes(d, c.cCat, len(c.ccats.values), "category")
	}

	nl := d.u32()
	if d.err == nil && nl > uint32(charter.NumLevels) {
		d.fail("declares %d levels", nl)
	}
	c.months = map[charter.Level][]charter.Month{}
	for i := uint32(0); i < nl && d.err == nil; i++ {
		l := charter.Level(d.u32())
		if d.err == nil && l >= charter.NumLevels {
			d.fail("has level %d", l)
		}
		c.months[l] = readColumn[charter.Month](d, 1<<16)
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	c.orderByArea() // written in order: this notes where areas begin
	c.street = make([]streetCrime, n)
	for i := range c.street {
		c.street[i] = streetCrime{month: month[i], cat: cat[i], borough: borough[i], ward: ward[i],
			lon: lon[i], lat: lat[i], located: located[i] == 1, force: forces.values[force[i]]}
	}
	return c, nil
}

// SetLoadedAt records that the crime index holds the store's state after
// commits of its announced changes, as LoadCrimes records by itself; see
// Index.SetLoadedAt.
func (c *Crimes) SetLoadedAt(commits int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loadedAt = commits
}
