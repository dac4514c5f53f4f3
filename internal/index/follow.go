package index

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/stopsearch/charter"
)

// Notifier announces every committed write of a store (*store.Store is
// one). It is the one hook for everything derived from the store: the stop
// index follows stop force-months and areas through it, and the crime index
// subscribes the same way for the StreetCrimes and CrimeCounts of a Change,
// which the stop index leaves alone.
type Notifier interface {
	OnCommit(fn func(charter.Change)) (cancel func())
	// Commits counts the changes announced so far, so that a follower can
	// tell it missed one between loading and subscribing.
	Commits() int64
}

// Followed is a store an index can follow: it reads the stops and announces
// the writes.
type Followed interface {
	Source
	Notifier
}

// monthScanner is a Source that can read the indexed fields of some
// force-months only (the store can).
type monthScanner interface {
	ScanAnalyticMonths(ctx context.Context, fms []charter.ForceMonth, fn func(*charter.Stop) error) error
}

// committer is a Source that counts its announced changes; Load notes the
// count so that Follow can detect a write it would otherwise miss.
type committer interface{ Commits() int64 }

// Follow keeps the index current with every write st commits from now on,
// so the index stays equal to the store without reloading. ix must have been
// loaded from st; if st announced a write since, ix is rebuilt first. The
// returned stop ends following. A change that fails to apply (the store
// unreachable) leaves the index marked stale (see Stale) and the next change
// rebuilds it whole.
func (ix *Index) Follow(ctx context.Context, st Followed) (stop func(), err error) {
	stop = st.OnCommit(func(c charter.Change) {
		// The write has committed whatever the writer's context does now, so
		// following must not depend on it.
		if err := ix.Apply(context.Background(), st, c); err != nil {
			slog.Error("analytic index could not follow a write; it will be rebuilt at the next one", "err", err)
		}
	})
	ix.applyMu.Lock()
	missed := st.Commits() != ix.loadedAt
	ix.applyMu.Unlock()
	if missed {
		if err := ix.Rebuild(ctx, st); err != nil {
			stop()
			return nil, err
		}
	}
	return stop, nil
}

// Stale returns why the index last failed to follow a write, or nil when it
// is current. Health checks report it.
func (ix *Index) Stale() error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	return ix.stale
}

// Apply brings the index up to date with one committed change of src: the
// rows of each changed force-month are replaced by the store's counted stops
// of that month, and a change of areas (stops re-assigned) rebuilds the index
// whole. Queries running meanwhile see the index before or after the change,
// never between. Crime fields of c are not the stop index's concern.
func (ix *Index) Apply(ctx context.Context, src Source, c charter.Change) error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	if c.Areas || ix.stale != nil {
		return ix.rebuild(ctx, src)
	}
	if len(c.Stops) == 0 {
		return nil
	}
	// Applies are serialised. The stops the writer carried are taken as they
	// are: they are current, because the store announces changes in the
	// order they committed. The other force-months are read back from the
	// store, after the commit, so they hold its latest state.
	fresh := New()
	cd := newCoder(fresh)
	n := 0
	for _, chunk := range c.Carried {
		n += len(chunk)
	}
	cd.grow(n)
	add := cd.add
	var err error
	for _, chunk := range c.Carried {
		for i := 0; i < len(chunk) && err == nil; i++ {
			err = add(&chunk[i])
		}
	}
	read := c.Stops
	if len(c.CarriedMonths) > 0 {
		read = slices.DeleteFunc(slices.Clone(c.Stops), func(fm charter.ForceMonth) bool {
			_, carried := slices.BinarySearchFunc(c.CarriedMonths, fm, charter.CompareForceMonths)
			return carried
		})
	}
	switch m, ok := src.(monthScanner); {
	case err != nil || len(read) == 0:
	case ok:
		err = m.ScanAnalyticMonths(ctx, read, add)
	default:
		for _, fm := range read {
			f := charter.StopFilter{Force: fm.Force, From: fm.Month, To: fm.Month, AnyOrder: true}
			if err = src.FindStops(ctx, f, add); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = ix.replaceMonths(c.Stops, fresh)
	}
	if err != nil {
		ix.stale = fmt.Errorf("apply %d force-months: %w", len(c.Stops), err)
	}
	return err
}

// Rebuild loads the index again from src and swaps it in at once, for when
// the stops may have changed anywhere (areas re-assigned, a missed write).
func (ix *Index) Rebuild(ctx context.Context, src Source) error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	return ix.rebuild(ctx, src)
}

// rebuild is Rebuild with applyMu held.
func (ix *Index) rebuild(ctx context.Context, src Source) error {
	fresh, err := Load(ctx, src)
	if err != nil {
		ix.stale = fmt.Errorf("rebuild: %w", err)
		return err
	}
	ix.mu.Lock()
	ix.n, ix.cols, ix.dicts, ix.point, ix.points, ix.pcode, ix.hex = fresh.n, fresh.cols, fresh.dicts, fresh.point, fresh.points, fresh.pcode, fresh.hex
	ix.dropBuilt()
	ix.mu.Unlock()
	ix.loadedAt, ix.stale = fresh.loadedAt, nil
	return nil
}

// replaceMonths drops the rows of fms and appends the rows of fresh (an index
// of exactly those force-months), under the write lock.
func (ix *Index) replaceMonths(fms []charter.ForceMonth, fresh *Index) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.dropBuilt()
	// Codes first: running out of them must fail before any row moves.
	var trans [numStored][]uint16
	for d := range trans {
		trans[d] = make([]uint16, len(fresh.dicts[d].values))
		for c, v := range fresh.dicts[d].values {
			var err error
			if trans[d][c], err = ix.dicts[d].code(v); err != nil {
				return fmt.Errorf("index %s: %w", Dim(d), err)
			}
		}
	}
	ptrans := make([]uint32, len(fresh.points))
	for pc := 1; pc < len(fresh.points); pc++ {
		ptrans[pc] = ix.pointCode(fresh.points[pc])
	}

	// Which (force, month) codes go. A value the dictionary lacks has no
	// rows; the two bool tables keep the per-row test off the map for the
	// months and forces not touched at all.
	forces, months := ix.dicts[DimForce], ix.dicts[DimMonth]
	fHit := make([]bool, len(forces.values))
	mHit := make([]bool, len(months.values))
	drop := map[[2]uint16]bool{}
	for _, fm := range fms {
		f, okF := forces.codes[fm.Force]
		m, okM := months.codes[fm.Month.String()]
		if okF && okM {
			fHit[f], mHit[m] = true, true
			drop[[2]uint16{f, m}] = true
		}
	}
	fcol, mcol := ix.cols[DimForce], ix.cols[DimMonth]
	kept := 0
	if len(drop) == 0 {
		kept = ix.n
	} else {
		for i := 0; i < ix.n; i++ {
			f, m := fcol[i], mcol[i]
			if fHit[f] && mHit[m] && drop[[2]uint16{f, m}] {
				continue
			}
			if kept != i {
				for d := range ix.cols {
					ix.cols[d][kept] = ix.cols[d][i]
				}
				ix.point[kept] = ix.point[i]
			}
			kept++
		}
	}
	n := kept + fresh.n
	for d := range ix.cols {
		col := fit(ix.cols[d][:kept], n)
		for i, c := range fresh.cols[d] {
			col[kept+i] = trans[d][c]
		}
		ix.cols[d] = col
	}
	ix.point = fit(ix.point[:kept], n)
	for i, pc := range fresh.point {
		ix.point[kept+i] = ptrans[pc]
	}
	ix.n = n
	return nil
}

// fit returns s extended to length n, in its own array while that holds n
// without more than a sixteenth to spare, else in a new array with a
// thirty-second to spare: appends of a month at a time would otherwise let
// capacity run a quarter over the rows and break the bytes-per-stop budget.
func fit[T uint16 | uint32](s []T, n int) []T {
	if c := cap(s); c >= n && c <= n+n/16+64 {
		return s[:n]
	}
	t := make([]T, n, n+n/32)
	copy(t, s)
	return t
}
