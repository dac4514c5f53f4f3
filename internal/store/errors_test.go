package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

// A driver's error is in Charter's codes on both databases: a unique key
// taken twice is a conflict, not an internal error.
func TestDriverErrorsTranslated(t *testing.T) {
	s := storetest.Open(t)
	ins := `INSERT INTO imports (kind, source, checksum, format, coverage, started_at, finished_at) VALUES ('stops', 'a', 'same', '', '', 0, 0) RETURNING id`
	errs := s.ScanInTx(context.Background(), ins, ins)
	if len(errs) != 2 || errs[0] != nil {
		t.Fatalf("first insert: %v", errs)
	}
	if charter.ErrorCode(errs[1]) != charter.ECONFLICT {
		t.Errorf("a unique key taken twice: %v (code %q), want a conflict", errs[1], charter.ErrorCode(errs[1]))
	}
	if charter.ErrorCode(store.Translate(errors.New("other"))) != charter.EINTERNAL {
		t.Error("an unknown error is no longer internal")
	}
}
