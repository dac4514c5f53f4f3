// Package training is training (PRODUCT.md S4): courses, who completed which
// when, and officers' records compared before and after training and
// against untrained officers in the same areas and months.
package training

import (
	"context"
	"log/slog"
	"time"

	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
	// Complaints counts the complaints about each of the officers about
	// searches from from to to (zero times: unbounded). Nil: complaints are
	// not available, and the report says so.
	Complaints func(ctx context.Context, officerIDs []int64, from, to time.Time) (map[int64]int, error)
	// ReviewScores lists each officer's supervision review scores (0 to
	// 1, the rubric's Score) of searches from from to to. Nil: review
	// scores are not available, and the report says so.
	ReviewScores func(ctx context.Context, officerIDs []int64, from, to time.Time) (map[int64][]float64, error)
	// Confidence is the level of the report's intervals (default 0.95).
	Confidence float64
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
	if opts.Confidence <= 0 || opts.Confidence >= 1 {
		opts.Confidence = 0.95
	}
	return &Service{st: st, rec: rec, opts: opts}
}
