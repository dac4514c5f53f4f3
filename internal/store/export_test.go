package store

import (
	"context"

	"github.com/stopsearch/charter"
)

// ScanInTx runs each query (one row each) in one transaction, then rolls it
// back, and returns each query's error: tests of driver error translation.
func (s *Store) ScanInTx(ctx context.Context, qs ...string) []error {
	t, err := s.begin(ctx)
	if err != nil {
		return []error{err}
	}
	defer t.rollback()
	var errs []error
	for _, q := range qs {
		var v any
		errs = append(errs, t.queryRow(q).Scan(&v))
	}
	return errs
}

// Translate is translate, for tests.
var Translate = translate

// MonthCountsScanned is MonthCounts (or MonthCountsOf, for only) computed by
// grouping the table rather than by each batch's range of ids.
func (s *Store) MonthCountsScanned(ctx context.Context, only []charter.ForceMonth) ([]charter.MonthCounts, error) {
	return s.monthCounts(ctx, only, false)
}

// ScanAnalyticAs is scanAnalytic read packed or a column each, for tests
// that the two agree.
func (s *Store) ScanAnalyticAs(ctx context.Context, packed bool, fn func(*charter.Stop) error) error {
	return s.scanAnalytic(ctx, packed, "", nil, fn)
}

// IDsPackable is idsPackable, for tests.
func (s *Store) IDsPackable(ctx context.Context) (bool, error) { return s.idsPackable(ctx) }

// VocabIDLimit is the bound on vocabulary ids packed reading keeps to.
const VocabIDLimit = vocabIDLimit
