// Package complaint is complaints handling (PRODUCT.md S2): complaints
// lodged from a receipt or the public site, triage, assignment,
// investigation, outcome and learning with time limits, release to the
// officer, and the community trigger.
package complaint

import (
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
	// Trigger is the community trigger's rule; default three complaints in
	// one ward within three months.
	Trigger charter.TriggerRule
	// Limits are the time limits of each stage; default
	// charter.DefaultTimeLimits.
	Limits *charter.TimeLimits
	// MinCount is the smallest count of complaints the public figures
	// show; a smaller count above nought is shown as "fewer than MinCount".
	// Default 3.
	MinCount int
	// Force is the force of complaints lodged on the site without a
	// receipt; default metropolitan.
	Force string
}

// DefaultMinCount is the smallest published count of complaints.
const DefaultMinCount = 3

// Service is the workflow's business logic over the store. Every change
// and every read of personal data is audited in the same transaction.
type Service struct {
	st   *store.Store
	rec  *record.Service
	opts Options
	// changes counts the changes to what the public pages show of
	// complaints (Changes).
	changes atomic.Int64
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
	if opts.Trigger.Threshold <= 0 {
		opts.Trigger.Threshold = charter.DefaultTrigger.Threshold
	}
	if opts.Trigger.WindowMonths <= 0 {
		opts.Trigger.WindowMonths = charter.DefaultTrigger.WindowMonths
	}
	if opts.Limits == nil {
		l := charter.DefaultTimeLimits()
		opts.Limits = &l
	}
	if opts.MinCount <= 0 {
		opts.MinCount = DefaultMinCount
	}
	if opts.Force == "" {
		opts.Force = "metropolitan"
	}
	return &Service{st: st, rec: rec, opts: opts}
}

// Changes counts the changes this process made to what the public's pages
// show of complaints: triggers fired, explanations required and given. The
// server's cache of public pages (a ward's page carries its triggers) keys
// on it beside the data's version, so a trigger appears at once. Another
// instance's changes are not counted; its pages follow with the next
// change of data.
func (s *Service) Changes() int64 { return s.changes.Load() }

// Force is the force whose complaints the site's figures show.
func (s *Service) Force() string { return s.opts.Force }

// Rule is the community trigger's rule in force.
func (s *Service) Rule() charter.TriggerRule { return s.opts.Trigger }

// Limits are the time limits in force.
func (s *Service) Limits() charter.TimeLimits { return *s.opts.Limits }

// MinCount is the smallest count the public figures show.
func (s *Service) MinCount() int { return s.opts.MinCount }

func forbidden(msg string) error { return charter.Errorf(charter.EFORBIDDEN, "%s", msg) }
