package store

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/stopsearch/charter"
)

// ownImports remembers the imports this process committed, so that Watch
// can tell them from another process's.
type ownImports struct {
	mu  sync.Mutex
	ids map[int64]bool
}

func (o *ownImports) add(id int64) {
	o.mu.Lock()
	if o.ids == nil {
		o.ids = map[int64]bool{}
	}
	o.ids[id] = true
	o.mu.Unlock()
}

func (o *ownImports) has(id int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.ids[id]
}

// Watch looks every interval for imports committed by another process (a
// `charter import` run beside `charter serve`, another server on the same
// PostgreSQL database), which this store's OnCommit never hears of. When it
// finds one it reloads the label vocabulary and announces a change of
// everything, since it cannot tell what the import changed: every follower
// (the indexes, cached figures, MonthCounts) then reloads. The returned stop
// ends watching.
func (s *Store) Watch(ctx context.Context, every time.Duration) (stop func(), err error) {
	known, err := s.importIDs(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if err := s.checkOthers(ctx, known); err != nil && ctx.Err() == nil {
				slog.Error("watching the store for other writers", "err", err)
			}
		}
	}()
	return func() { cancel(); <-done }, nil
}

// checkOthers is one look: it announces when an import is new and not ours.
func (s *Store) checkOthers(ctx context.Context, known map[int64]bool) error {
	ids, err := s.importIDs(ctx)
	if err != nil {
		return err
	}
	var others []int64
	for id := range ids {
		if !known[id] {
			known[id] = true
			if !s.own.has(id) {
				others = append(others, id)
			}
		}
	}
	if len(others) == 0 {
		return nil
	}
	v, err := loadVocab(ctx, s.db)
	if err != nil {
		return err
	}
	es := make([]vocabEntry, 0, len(v.labels))
	for _, e := range v.labels {
		es = append(es, e)
	}
	s.vocab.merge(es)
	s.areasChanged()
	slices.Sort(others)
	s.announce(charter.Change{Areas: true, StreetCrimes: true, CrimeCounts: true, Population: true, Imports: others})
	return nil
}

// importIDs is every committed import's id. The table holds one row per
// source file, so reading it whole is cheap, and unlike "ids above the last
// seen" it cannot miss an import whose id was taken before another's but
// committed after it (PostgreSQL sequences).
func (s *Store) importIDs(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM imports`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return ids, rows.Err()
}
