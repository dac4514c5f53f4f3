package store

import "context"

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
