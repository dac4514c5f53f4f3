// Package panel is independent scrutiny (PRODUCT.md S3): panels, their
// members and areas, anonymised random samples of records rated with the
// supervision rubric, and published findings with the force's response.
package panel

import (
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
	// SampleSize is how many records a meeting's sample holds unless the
	// meeting asks for another number (default 10).
	SampleSize int
	// Pick chooses k distinct indexes below n for a sample (default:
	// uniformly at random); tests make it deterministic.
	Pick func(n, k int) []int
}

// DefaultSampleSize is the sample of a meeting when none is asked for.
const DefaultSampleSize = 10

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
	if opts.SampleSize <= 0 {
		opts.SampleSize = DefaultSampleSize
	}
	if opts.Pick == nil {
		opts.Pick = randomPick
	}
	return &Service{st: st, rec: rec, opts: opts}
}

// SampleSize is the default number of records in a meeting's sample.
func (s *Service) SampleSize() int { return s.opts.SampleSize }

// randomPick is k indexes below n drawn uniformly without replacement, in
// increasing order (the sample is then read in the order of the records).
func randomPick(n, k int) []int {
	p := rand.Perm(n)[:k]
	out := make([]int, k)
	copy(out, p)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
