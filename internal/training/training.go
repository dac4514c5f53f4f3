// Package training is training (PRODUCT.md S4): courses, who completed which
// when, and officers' records compared before and after training and
// against untrained officers in the same areas and months.
package training

import (
	"log/slog"
	"time"

	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
}

// Service is the workflow's business logic over the store. Every change
// and every read of personal data is audited in the same transaction.
type Service struct {
	st   *store.Store
	rec  *record.Service
	opts Options
}

// New returns the service over st; rec is the encounter's record service
// (receipts, records and their places).
func New(st *store.Store, rec *record.Service, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Service{st: st, rec: rec, opts: opts}
}
