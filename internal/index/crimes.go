package index

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// CrimeSource is where the crime index loads from (the store).
type CrimeSource interface {
	ScanStreetCrimes(ctx context.Context, fn func(*charter.StreetCrime) error) error
	ScanCrimeCounts(ctx context.Context, fn func(level, areaCode, majorKey, minor []byte, month, count int64) error) error
	CrimeCountMonths(ctx context.Context) (map[charter.Level][]charter.Month, error)
}

// Crimes is the analytic index of recorded crime: data.police.uk street-level
// crime points and area-level monthly counts (the MPS ward and borough
// files). It answers the sums hotspot and precision analysis ask for, with
// the category test (what counts as weapon-enabled crime) applied once per
// distinct category rather than once per row.
type Crimes struct {
	mu sync.RWMutex

	street []streetCrime
	scats  *dict // street categories

	// Counts, one entry per stored row (a ward filed under two units has
	// two rows; sums add them up).
	cArea  []uint16 // code in careas
	cMonth []charter.Month
	cCat   []uint16 // code in ccats: major key and minor, "\x00"-joined
	cCount []int32
	careas *dict // "level\x00code"
	ccats  *dict
	// areaStart holds, by area code, where the area's rows begin: the rows
	// are kept in order of area (see orderByArea), so a page of one ward
	// sums its own few hundred rows rather than scanning every row.
	areaStart []uint32
	months    map[charter.Level][]charter.Month

	loadedAt int64 // the source's Commits() when loading began, if it counts them
}

type streetCrime struct {
	month         charter.Month
	cat           uint16
	borough, ward int64
	lon, lat      float64
	located       bool
	force         string
}

// codeBytes is code for a value held in a buffer the caller reuses: the
// lookup does not allocate, only a new value is copied.
func (d *dict) codeBytes(v []byte) (uint16, error) {
	if c, ok := d.codes[string(v)]; ok {
		return c, nil
	}
	return d.code(string(v))
}

// LoadCrimes builds the crime index from src.
func LoadCrimes(ctx context.Context, src CrimeSource) (*Crimes, error) {
	c := &Crimes{}
	if cm, ok := src.(committer); ok {
		c.loadedAt = cm.Commits()
	}
	if err := c.loadStreet(ctx, src); err != nil {
		return nil, err
	}
	if err := c.loadCounts(ctx, src); err != nil {
		return nil, err
	}
	return c, nil
}

// loadStreet reads the street-level crimes of src into c.
func (c *Crimes) loadStreet(ctx context.Context, src CrimeSource) error {
	c.scats = newDict()
	return src.ScanStreetCrimes(ctx, func(sc *charter.StreetCrime) error {
		cat, err := c.scats.code(sc.Category)
		if err != nil {
			return err
		}
		r := streetCrime{month: sc.Month, cat: cat, force: sc.FallsWithin,
			borough: sc.Areas[charter.LevelBorough], ward: sc.Areas[charter.LevelWard]}
		if l := sc.Location; l != nil {
			r.lon, r.lat, r.located = l.Longitude, l.Latitude, true
		}
		c.street = append(c.street, r)
		return nil
	})
}

// loadCounts reads the area-level counts of src, and the months they
// cover, into c.
func (c *Crimes) loadCounts(ctx context.Context, src CrimeSource) error {
	c.careas, c.ccats = newDict(), newDict()
	var key []byte
	err := src.ScanCrimeCounts(ctx, func(level, code, major, minor []byte, month, n int64) error {
		key = append(append(append(key[:0], level...), 0), code...)
		a, err := c.careas.codeBytes(key)
		if err != nil {
			return err
		}
		// Major keys are stored upper-cased (CategoryKey) already.
		key = append(append(append(key[:0], major...), 0), minor...)
		k, err := c.ccats.codeBytes(key)
		if err != nil {
			return err
		}
		c.cArea = append(c.cArea, a)
		c.cMonth = append(c.cMonth, charter.MonthFromYYYYMM(int(month)))
		c.cCat = append(c.cCat, k)
		c.cCount = append(c.cCount, int32(n))
		return nil
	})
	if err != nil {
		return err
	}
	if c.months, err = src.CrimeCountMonths(ctx); err != nil {
		return err
	}
	c.orderByArea()
	return nil
}

// orderByArea puts the count rows in order of their area, keeping the order
// within each area (a counting sort), and notes where each area's begin.
// Rows read from a file were written in order: then only the starts are
// noted.
func (c *Crimes) orderByArea() {
	start := make([]uint32, len(c.careas.values)+1)
	for _, a := range c.cArea {
		start[a+1]++
	}
	for a := 1; a < len(start); a++ {
		start[a] += start[a-1]
	}
	c.areaStart = start
	if slices.IsSorted(c.cArea) {
		return
	}
	pos := append([]uint32(nil), start[:len(start)-1]...)
	n := len(c.cArea)
	area, month, cat, count := make([]uint16, n), make([]charter.Month, n), make([]uint16, n), make([]int32, n)
	for i, a := range c.cArea {
		j := pos[a]
		pos[a]++
		area[j], month[j], cat[j], count[j] = a, c.cMonth[i], c.cCat[i], c.cCount[i]
	}
	c.cArea, c.cMonth, c.cCat, c.cCount = area, month, cat, count
}

// CountMonths are the months the counts of a level cover, in order. A month
// outside them is unknown, not zero.
func (c *Crimes) CountMonths(l charter.Level) []charter.Month {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]charter.Month(nil), c.months[l]...)
}

// AreaMonth is one figure of a crime sum.
type AreaMonth struct {
	Area  string        // area code, hex cell id, or area id, by the query
	Month charter.Month // zero unless the query asked by month
	Count int
}

// CountQuery asks for sums of area-level counts.
type CountQuery struct {
	Level    charter.Level
	From, To charter.Month // inclusive; zero is open
	Areas    []string      // area codes; empty means every area of the level
	Match    func(major, minor string) bool
	ByMonth  bool
}

// Counts sums area-level counts of the categories Match accepts, per area
// (and month). Areas and months without offences are absent.
func (c *Crimes) Counts(q CountQuery) []AreaMonth {
	c.mu.RLock()
	defer c.mu.RUnlock()
	prefix := q.Level.String() + "\x00"
	areaOK := make([]bool, len(c.careas.values))
	want := map[string]bool{}
	for _, a := range q.Areas {
		want[a] = true
	}
	for code, v := range c.careas.values {
		areaOK[code] = len(v) > len(prefix) && v[:len(prefix)] == prefix && (len(want) == 0 || want[v[len(prefix):]])
	}
	catOK := make([]bool, len(c.ccats.values))
	for code, v := range c.ccats.values {
		major, minor, _ := cut(v)
		catOK[code] = code > 0 && (q.Match == nil || q.Match(major, minor))
	}
	type key struct {
		area uint16
		m    charter.Month
	}
	sums := map[key]int{}
	add := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a, m := c.cArea[i], c.cMonth[i]
			if !areaOK[a] || !catOK[c.cCat[i]] || q.From != 0 && m < q.From || q.To != 0 && m > q.To {
				continue
			}
			k := key{area: a}
			if q.ByMonth {
				k.m = m
			}
			sums[k] += int(c.cCount[i])
		}
	}
	if len(want) == 0 {
		add(0, len(c.cArea))
	} else {
		// Only the rows of the areas asked for (see orderByArea).
		for a, ok := range areaOK {
			if ok {
				add(int(c.areaStart[a]), int(c.areaStart[a+1]))
			}
		}
	}
	out := make([]AreaMonth, 0, len(sums))
	for k, n := range sums {
		if n != 0 {
			out = append(out, AreaMonth{Area: c.careas.values[k.area][len(prefix):], Month: k.m, Count: n})
		}
	}
	sortAreaMonths(out)
	return out
}

func cut(v string) (string, string, bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == 0 {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

func sortAreaMonths(out []AreaMonth) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Month < out[j].Month
	})
}

// StreetQuery asks for counts of street-level crimes.
type StreetQuery struct {
	From, To charter.Month
	// Force, Borough and Ward restrict to a force ("Falls within" name or
	// id as stored) or an area (store ids); zero values do not restrict.
	Force   string
	Borough int64
	Ward    int64
	Match   func(category string) bool
	// By is DimHex250, DimHex500, DimHex1000, DimBorough or DimWard: what
	// a row's Area holds (a hex cell id, or an area id in decimal).
	By      Dim
	ByMonth bool
}

// Street counts street-level crimes of the categories Match accepts, by cell
// or area (and month). Crimes without a location are in no cell.
func (c *Crimes) Street(q StreetQuery) ([]AreaMonth, error) {
	size, isHex := hexSizes[q.By]
	if !isHex && q.By != DimBorough && q.By != DimWard {
		return nil, charter.Errorf(charter.EINVALID, "street crimes are counted by hex cell, borough or ward, not %s", q.By)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	catOK := make([]bool, len(c.scats.values))
	for code, v := range c.scats.values {
		catOK[code] = code > 0 && (q.Match == nil || q.Match(v))
	}
	type key struct {
		area string
		m    charter.Month
	}
	sums := map[key]int{}
	for _, r := range c.street {
		if !catOK[r.cat] || q.From != 0 && r.month < q.From || q.To != 0 && r.month > q.To ||
			q.Force != "" && r.force != q.Force || q.Borough != 0 && r.borough != q.Borough || q.Ward != 0 && r.ward != q.Ward {
			continue
		}
		var k key
		switch {
		case isHex:
			if !r.located {
				continue
			}
			k.area = geo.HexOf(size, r.lon, r.lat).String()
		case q.By == DimBorough:
			k.area = areaValue(r.borough)
		default:
			k.area = areaValue(r.ward)
		}
		if k.area == "" {
			continue
		}
		if q.ByMonth {
			k.m = r.month
		}
		sums[k]++
	}
	out := make([]AreaMonth, 0, len(sums))
	for k, n := range sums {
		out = append(out, AreaMonth{Area: k.area, Month: k.m, Count: n})
	}
	sortAreaMonths(out)
	return out, nil
}

// StreetMonths are the months that hold street-level crimes of a force
// (all forces when force is empty), in order.
func (c *Crimes) StreetMonths(force string) []charter.Month {
	c.mu.RLock()
	defer c.mu.RUnlock()
	seen := map[charter.Month]bool{}
	for _, r := range c.street {
		if force == "" || r.force == force {
			seen[r.month] = true
		}
	}
	out := make([]charter.Month, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// StreetLen and CountLen are the rows held, for tests and status.
func (c *Crimes) StreetLen() int { c.mu.RLock(); defer c.mu.RUnlock(); return len(c.street) }

// CountLen is the number of count rows held.
func (c *Crimes) CountLen() int { c.mu.RLock(); defer c.mu.RUnlock(); return len(c.cCount) }

// FollowedCrimes is a store the crime index can follow: it reads crimes and
// announces the writes.
type FollowedCrimes interface {
	CrimeSource
	Notifier
}

// Follow keeps the crime index current with every write st commits from now
// on (see Apply): each part a change touches is read again whole, which is
// simpler than patching and as correct, since crime files are few and a
// part loads in at most a second. The returned stop ends following.
func (c *Crimes) Follow(ctx context.Context, st FollowedCrimes) (stop func(), err error) {
	stop = st.OnCommit(func(ch charter.Change) {
		if err := c.Apply(context.Background(), st, ch); err != nil {
			slog.Error("crime index could not follow a write", "err", err)
		}
	})
	// A write between loading and subscribing would be missed: reload.
	c.mu.RLock()
	at := c.loadedAt
	c.mu.RUnlock()
	if st.Commits() != at {
		if err := c.Reload(ctx, st); err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}

// Apply follows a change of src: the part of the index it touches is read
// again whole and swapped in (street crimes after street crimes or areas
// changed, since boundaries place them; counts after counts changed), so
// queries see the old or the new state, never a half one. A street-crime
// file no longer re-reads every count of every ward, nor a count file every
// street crime.
func (c *Crimes) Apply(ctx context.Context, src CrimeSource, ch charter.Change) error {
	street, counts := ch.StreetCrimes || ch.Areas, ch.CrimeCounts
	if !street && !counts {
		return nil
	}
	n := &Crimes{}
	if cm, ok := src.(committer); ok {
		n.loadedAt = cm.Commits()
	}
	if street {
		if err := n.loadStreet(ctx, src); err != nil {
			return err
		}
	}
	if counts {
		if err := n.loadCounts(ctx, src); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if street {
		c.street, c.scats = n.street, n.scats
	}
	if counts {
		c.cArea, c.cMonth, c.cCat, c.cCount, c.careas, c.ccats, c.months = n.cArea, n.cMonth, n.cCat, n.cCount, n.careas, n.ccats, n.months
		c.areaStart = n.areaStart
	}
	c.loadedAt = n.loadedAt
	return nil
}

// Reload rebuilds the crime index from src and swaps it in.
func (c *Crimes) Reload(ctx context.Context, src CrimeSource) error {
	return c.Apply(ctx, src, charter.Change{StreetCrimes: true, CrimeCounts: true})
}
