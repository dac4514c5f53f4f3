package readmodel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

// Options configure a Model.
type Options struct {
	// Path is the file the model is persisted to and started from; empty
	// means the model is neither read from nor written to a file.
	Path string
	// Delay is how long after the last followed write the file is written
	// (a burst of imports is written once); zero means DefaultDelay.
	Delay time.Duration
	// Logger receives what went wrong while following or persisting; nil
	// means slog.Default().
	Logger *slog.Logger
}

// DefaultDelay is how long the model waits after a write before persisting.
const DefaultDelay = 2 * time.Second

// Model is the read model of one store: the current Snapshot, following
// every write the store commits, persisted to a file when configured.
type Model struct {
	st  *store.Store
	opt Options
	log *slog.Logger
	cur atomic.Pointer[Snapshot]

	// mu serialises following and persisting: a write of the file sees the
	// model between two followed changes, never during one.
	mu    sync.Mutex
	known map[int64]bool // the imports whose effects the model holds
	stale error          // why the last change could not be followed
	dirty bool           // followed a change not yet persisted
	from  string         // where the model was loaded from, in words

	unsubscribe func()
	timer       *time.Timer
	writing     sync.WaitGroup
	closed      bool
}

// Open loads the read model of st — from the file at opt.Path when it holds
// exactly the store's current data, from the store otherwise — and follows
// st's writes from then on. A file that is missing, stale or damaged is
// never used: the model is rebuilt from the store and the file rewritten.
func Open(ctx context.Context, st *store.Store, opt Options) (*Model, error) {
	m := &Model{st: st, opt: opt, log: opt.Logger}
	if m.log == nil {
		m.log = slog.Default()
	}
	if m.opt.Delay <= 0 {
		m.opt.Delay = DefaultDelay
	}
	commits := st.Commits()
	dv, err := st.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	var s *Snapshot
	if opt.Path != "" {
		var why error
		if s, why = readFile(opt.Path, dv.Key); why == nil {
			m.from = "file"
		} else {
			m.from = why.Error()
			if !errors.Is(why, errMissing) {
				m.log.Warn("the persisted read model is not used; rebuilding it from the store", "path", opt.Path, "reason", why.Error())
			}
		}
	} else {
		m.from = "store"
	}
	if s == nil {
		if s, err = build(ctx, st); err != nil {
			return nil, err
		}
		m.dirty = opt.Path != ""
	}
	s.Version = 1
	m.known = idSet(dv.Imports)
	m.cur.Store(s)
	m.unsubscribe = st.OnCommit(m.follow)
	if st.Commits() != commits {
		// A write committed between reading the data version and
		// subscribing: neither loaded for sure nor announced to us.
		if err := m.Rebuild(ctx); err != nil {
			m.Close()
			return nil, err
		}
	}
	if m.dirty {
		// Built from the store: written after the usual delay, not at once,
		// so that the first requests do not wait behind encoding it.
		m.schedule(m.opt.Delay)
	}
	return m, nil
}

// build reads the whole model from the store, its parts side by side.
func build(ctx context.Context, st *store.Store) (*Snapshot, error) {
	var ix *index.Index
	var cr *index.Crimes
	var p parts
	var ixErr, crErr, pErr error
	var wg sync.WaitGroup
	wg.Go(func() { cr, crErr = index.LoadCrimes(ctx, st) })
	wg.Go(func() { p, pErr = readParts(ctx, st, parts{}, charter.Change{Areas: true, Population: true}) })
	ix, ixErr = index.Load(ctx, st)
	wg.Wait()
	if err := errors.Join(ixErr, crErr, pErr); err != nil {
		return nil, fmt.Errorf("load the read model: %w", err)
	}
	return newSnapshot(0, ix, cr, p), nil
}

// readParts re-reads from the store the plain parts a change touched,
// keeping the others of old.
func readParts(ctx context.Context, st *store.Store, old parts, c charter.Change) (parts, error) {
	p := old
	var err error
	if c.Areas {
		if p.Areas, err = st.Areas(ctx, true); err != nil {
			return old, err
		}
	}
	if c.Population || c.Areas {
		if p.Pops, err = st.Populations(ctx); err != nil {
			return old, err
		}
	}
	switch {
	case c.Areas || p.Months == nil:
		if p.Months, err = st.MonthCounts(ctx); err != nil {
			return old, err
		}
	case len(c.Stops) > 0:
		// The months whose stops the change carried come counted with it;
		// only the others are read from the store.
		rest := c.Stops
		if len(c.CarriedCounts) > 0 {
			rest = slices.DeleteFunc(slices.Clone(c.Stops), func(fm charter.ForceMonth) bool {
				_, carried := slices.BinarySearchFunc(c.CarriedMonths, fm, charter.CompareForceMonths)
				return carried
			})
		}
		fresh, err := st.MonthCountsOf(ctx, rest)
		if err != nil {
			return old, err
		}
		fresh = append(fresh, c.CarriedCounts...)
		p.Months = mergeMonths(old.Months, c.Stops, fresh)
	}
	return p, nil
}

// mergeMonths is old with the force-months of changed replaced by fresh
// (their counts read again; a force-month absent from fresh has no counted
// stop now), in force and month order. old is not modified: a published
// snapshot holds it.
func mergeMonths(old []charter.MonthCounts, changed []charter.ForceMonth, fresh []charter.MonthCounts) []charter.MonthCounts {
	drop := make(map[charter.ForceMonth]bool, len(changed))
	for _, fm := range changed {
		drop[fm] = true
	}
	out := make([]charter.MonthCounts, 0, len(old)+len(fresh))
	for _, c := range old {
		if !drop[c.ForceMonth()] {
			out = append(out, c)
		}
	}
	out = append(out, fresh...)
	slices.SortFunc(out, charter.CompareMonthCounts)
	return out
}

// Snapshot is the current snapshot.
func (m *Model) Snapshot() *Snapshot { return m.cur.Load() }

// Version is the current snapshot's version.
func (m *Model) Version() int64 { return m.cur.Load().Version }

// LoadedFrom says where the model was loaded from at Open: "file", "store"
// (no file configured), or why the file was not used.
func (m *Model) LoadedFrom() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.from
}

// Stale returns why the model failed to follow a write, or nil when it is
// current. Health checks report it; the next write rebuilds what failed.
func (m *Model) Stale() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stale != nil {
		return m.stale
	}
	return m.cur.Load().Stops.Stale()
}

// follow brings the model up to date with one committed change of the
// store and publishes the next snapshot.
func (m *Model) follow(c charter.Change) {
	// The write has committed whatever the writer's context does now.
	ctx := context.Background()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	old := m.cur.Load()
	if m.stale != nil {
		// The last change failed part-way: rebuild everything.
		c = charter.Change{Areas: true, StreetCrimes: true, CrimeCounts: true, Population: true, Imports: c.Imports}
	}
	err := old.Stops.Apply(ctx, m.st, c)
	err = errors.Join(err, old.Crimes.Apply(ctx, m.st, c))
	p, perr := readParts(ctx, m.st, old.parts(), c)
	if err = errors.Join(err, perr); err != nil {
		m.stale = err
		m.log.Error("the read model could not follow a write; it is rebuilt at the next one", "err", err)
	} else {
		m.stale = nil
	}
	for _, id := range c.Imports {
		m.known[id] = true
	}
	m.cur.Store(newSnapshot(old.Version+1, old.Stops, old.Crimes, p))
	m.dirty = true
	m.schedule(m.opt.Delay)
}

// Rebuild reloads the whole model from the store and publishes it as the
// next version.
func (m *Model) Rebuild(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dv, err := m.st.DataVersion(ctx)
	if err != nil {
		return err
	}
	old := m.cur.Load()
	if err := old.Stops.Rebuild(ctx, m.st); err != nil {
		return err
	}
	if err := old.Crimes.Reload(ctx, m.st); err != nil {
		return err
	}
	p, err := readParts(ctx, m.st, parts{}, charter.Change{Areas: true, Population: true})
	if err != nil {
		return err
	}
	m.known, m.stale, m.dirty = idSet(dv.Imports), nil, true
	m.cur.Store(newSnapshot(old.Version+1, old.Stops, old.Crimes, p))
	m.schedule(0)
	return nil
}

// Close stops following the store and writes the file if the model changed
// since it was last written.
func (m *Model) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	if m.timer != nil && m.timer.Stop() {
		m.writing.Done()
	}
	m.mu.Unlock()
	if m.unsubscribe != nil {
		m.unsubscribe()
	}
	m.writing.Wait()
	return m.persist(true)
}

// Flush writes the file now if the model changed since it was last written.
func (m *Model) Flush() error { return m.persist(false) }

// schedule writes the file after d, unless a later change reschedules it.
// The caller holds mu.
func (m *Model) schedule(d time.Duration) {
	if m.opt.Path == "" || m.closed {
		return
	}
	if m.timer != nil && m.timer.Stop() {
		m.writing.Done() // the write it replaces will not run
	}
	m.writing.Add(1)
	m.timer = time.AfterFunc(d, func() {
		defer m.writing.Done()
		if err := m.persist(false); err != nil {
			m.log.Error("write the read model beside the database", "path", m.opt.Path, "err", err)
		}
	})
}

// persist writes the file when the model holds exactly one state of the
// store that can be named: every import the store has committed has been
// followed, none is half-followed, and nothing failed. Otherwise it writes
// nothing (the file, if any, stays stale and will not be trusted).
func (m *Model) persist(closing bool) error {
	if m.opt.Path == "" {
		return nil
	}
	m.mu.Lock()
	if !m.dirty || (m.closed && !closing) {
		m.mu.Unlock()
		return nil
	}
	s := m.cur.Load()
	if m.stale != nil || s.Stops.Stale() != nil {
		m.mu.Unlock()
		return nil
	}
	// Read under mu: a write committing now waits to be followed, so the
	// store can be ahead of the model here but never behind it.
	dv, err := m.st.DataVersion(context.Background())
	if err != nil {
		m.mu.Unlock()
		return err
	}
	if !sameSet(dv.Imports, m.known) {
		// An import committed that the model has not followed yet (its
		// change is on its way, or another process wrote): the next
		// followed change schedules another write.
		m.mu.Unlock()
		return nil
	}
	body, err := encode(dv.Key, s)
	m.dirty = false
	m.mu.Unlock()
	if err != nil {
		return err
	}
	return writeFile(m.opt.Path, body)
}

func idSet(ids []int64) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

func sameSet(ids []int64, set map[int64]bool) bool {
	if len(ids) != len(set) {
		return false
	}
	return !slices.ContainsFunc(ids, func(id int64) bool { return !set[id] })
}

// Read builds a snapshot of st without following it: for a one-off
// question (a test, a command that answers and exits without a file).
func Read(ctx context.Context, st *store.Store) (*Snapshot, error) {
	s, err := build(ctx, st)
	if err != nil {
		return nil, err
	}
	s.Version = 1
	return s, nil
}
