// Package review is supervision (PRODUCT.md S1): each supervisor's review
// queue of their team's records (a random sample and every record that
// carries a risk), the rubric and its feedback to the officer, and the team
// and officer views with funnel-plot limits against the force.
package review

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
	// SampleRate is the share of a team's records drawn for review beside
	// those with a risk, from 0 to 1; 0 takes charter.DefaultSampleRate and
	// NoSample draws none (only risky records are queued).
	SampleRate float64
	// SampleKey keys the sample's draw; default: a random key made once and
	// kept in the store, shared by every instance of the server.
	SampleKey []byte
	// Complained reports which of the records have had a complaint made
	// about them (the complaints workflow); nil: none have.
	Complained func(ctx context.Context, recordIDs []int64) (map[int64]bool, error)
	// QueueWindow is how far back a queue looks for records not yet
	// reviewed; default DefaultQueueWindow.
	QueueWindow time.Duration
	// ViewPeriod is the period the team and officer views count, back from
	// now; default DefaultViewPeriod.
	ViewPeriod time.Duration
}

// NoSample as Options.SampleRate samples nothing.
const NoSample = -1

// The defaults.
const (
	DefaultQueueWindow = 90 * 24 * time.Hour
	DefaultViewPeriod  = 365 * 24 * time.Hour
)

// Service is the workflow's business logic over the store. Every change
// and every read of personal data is audited in the same transaction.
type Service struct {
	st   *store.Store
	rec  *record.Service
	opts Options

	keyMu sync.Mutex // guards key, made or read on first use
	key   []byte
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
	switch {
	case opts.SampleRate == 0:
		opts.SampleRate = charter.DefaultSampleRate
	case opts.SampleRate < 0:
		opts.SampleRate = 0
	case opts.SampleRate > 1:
		opts.SampleRate = 1
	}
	if opts.QueueWindow <= 0 {
		opts.QueueWindow = DefaultQueueWindow
	}
	if opts.ViewPeriod <= 0 {
		opts.ViewPeriod = DefaultViewPeriod
	}
	return &Service{st: st, rec: rec, opts: opts, key: opts.SampleKey}
}

// SampleRate is the share of records sampled for review.
func (s *Service) SampleRate() float64 { return s.opts.SampleRate }

// SetComplained wires the complaints workflow in after both services are
// made; call before serving.
func (s *Service) SetComplained(fn func(ctx context.Context, recordIDs []int64) (map[int64]bool, error)) {
	s.opts.Complained = fn
}

// sampleKey returns the key of the sample's draw: the configured one, or
// the store's (made on first use).
func (s *Service) sampleKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	v, err := s.st.Setting(ctx, "review_sample_key", hex.EncodeToString(b[:]))
	if err != nil {
		return nil, err
	}
	if s.key, err = hex.DecodeString(v); err != nil {
		return nil, err
	}
	return s.key, nil
}

func forbidden(msg string) error { return charter.Errorf(charter.EFORBIDDEN, "%s", msg) }
