package policeapi

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"sync"

	"github.com/stopsearch/charter"
)

// rawList is a JSON array already encoded, written as it is.
type rawList []byte

// monthStops is one month's counted stops, every force's, each already
// encoded in the API's shape, in source order (force, then import, then row)
// and with the located ones also sorted by latitude. A stops request is then
// a filter over memory and a concatenation of bytes: no query, no encoding.
// It is derived from the store and dropped when the store commits again.
type monthStops struct {
	once  sync.Once
	err   error
	recs  []stopRec
	byLat []int32 // indexes of the located records, by latitude
	bytes int     // encoded size, set by the reading
	size  int     // bytes, once read; under stopCache.mu
	used  int64   // the tick of its last use, for eviction; under stopCache.mu
}

type stopRec struct {
	force    string
	lat, lng float64
	located  bool
	street   int64
	json     []byte
}

// stopCache holds recently used months up to maxBytes of encoded records.
type stopCache struct {
	mu     sync.Mutex
	at     int64 // the store's commit count the months were read at
	months map[charter.Month]*monthStops
	tick   int64
}

// cacheBytes bounds the encoded records kept (a variable for tests): a busy Met month of the
// archive (18,000 stops) is about 13 MB.
var cacheBytes = 256 << 20

// stopsOf returns month m's stops, reading them on first use. Concurrent
// requests for a month being read wait for that one reading.
func (a *API) stopsOf(ctx context.Context, m charter.Month) (*monthStops, error) {
	c := &a.cache
	c.mu.Lock()
	if at := a.st.Commits(); c.months == nil || at != c.at {
		c.months, c.at = map[charter.Month]*monthStops{}, at
	}
	ms := c.months[m]
	if ms == nil {
		ms = &monthStops{}
		c.months[m] = ms
	}
	c.tick++
	ms.used = c.tick
	c.mu.Unlock()

	// The reading is not the first caller's: it must not end with that
	// caller's cancellation, as others are waiting on it.
	ms.once.Do(func() { ms.err = ms.read(context.WithoutCancel(ctx), a, m) })
	if ms.err != nil {
		c.mu.Lock()
		if c.months[m] == ms {
			delete(c.months, m) // let a later request try again
		}
		c.mu.Unlock()
		return nil, ms.err
	}
	c.mu.Lock()
	ms.size = ms.bytes
	c.evict(m)
	c.mu.Unlock()
	return ms, nil
}

// evict drops the least recently used months (never keep) while the cache
// holds more than cacheBytes. Months still being read count as empty.
func (c *stopCache) evict(keep charter.Month) {
	total := 0
	for _, ms := range c.months {
		total += ms.size
	}
	for total > cacheBytes {
		var oldest charter.Month
		var o *monthStops
		for m, ms := range c.months {
			if m != keep && ms.size > 0 && (o == nil || ms.used < o.used) {
				oldest, o = m, ms
			}
		}
		if o == nil {
			return
		}
		delete(c.months, oldest)
		total -= o.size
	}
}

func (ms *monthStops) read(ctx context.Context, a *API, m charter.Month) error {
	err := a.st.FindStops(ctx, charter.StopFilter{From: m, To: m}, func(st *charter.Stop) error {
		b, err := json.Marshal(stopOf(st))
		if err != nil {
			return err
		}
		r := stopRec{force: st.Force, json: b}
		if st.Location != nil {
			r.located, r.lat, r.lng, r.street = true, st.Location.Latitude, st.Location.Longitude, streetID(st.Location)
			ms.byLat = append(ms.byLat, int32(len(ms.recs)))
		}
		ms.recs = append(ms.recs, r)
		ms.bytes += len(b) + 64
		return nil
	})
	if err != nil {
		return err
	}
	sort.SliceStable(ms.byLat, func(i, j int) bool { return ms.recs[ms.byLat[i]].lat < ms.recs[ms.byLat[j]].lat })
	return nil
}

// list encodes the records at the indexes (in the order given) as a JSON array.
func (ms *monthStops) list(idx []int32) rawList {
	n := 2
	for _, i := range idx {
		n += len(ms.recs[i].json) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for k, i := range idx {
		if k > 0 {
			out = append(out, ',')
		}
		out = append(out, ms.recs[i].json...)
	}
	return append(out, ']')
}

// where lists, in source order, the records keep says yes to.
func (ms *monthStops) where(keep func(*stopRec) bool) []int32 {
	var idx []int32
	for i := range ms.recs {
		if keep(&ms.recs[i]) {
			idx = append(idx, int32(i))
		}
	}
	return idx
}

// inBox lists, in source order, the located records inside a box for which
// keep says yes; more than limit is refused as data.police.uk refuses a
// custom area holding too many.
func (ms *monthStops) inBox(b charter.Box, keep func(*stopRec) bool, limit int) ([]int32, error) {
	lo := sort.Search(len(ms.byLat), func(i int) bool { return ms.recs[ms.byLat[i]].lat >= b.MinLat })
	var idx []int32
	for _, i := range ms.byLat[lo:] {
		r := &ms.recs[i]
		if r.lat > b.MaxLat {
			break
		}
		if r.lng < b.MinLng || r.lng > b.MaxLng || !keep(r) {
			continue
		}
		if len(idx) >= limit {
			return nil, charter.Errorf(charter.ETOOLARGE, "the area holds more than %d stops: ask for a smaller one", limit)
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx, nil
}
