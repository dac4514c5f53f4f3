// Package public computes, and keeps, the figures the public site and
// Charter's own API show: area profiles, ward views, precision and the map
// layers. Pages and API answers are the same numbers, so both ask here, and
// each figure is computed once per version of the data.
package public

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/report"
	"github.com/stopsearch/charter/internal/store"
)

// Snapshots is where figures are computed from: the read model, which
// follows the store, or one fixed snapshot (a *readmodel.Snapshot is its
// own source).
type Snapshots interface {
	Snapshot() *readmodel.Snapshot
}

// Figures answers with cached figures, each computed once per version of
// the read model's snapshot.
type Figures struct {
	// St is the store, for what is streamed rather than computed (the
	// downloads of published stops) and the workflows.
	St  *store.Store
	src Snapshots
	// Force is the force the site opens on (the dashboard's "London").
	Force string

	mu        sync.Mutex
	at        int64
	memo      map[string]*entry
	published atomic.Int64
}

type entry struct {
	once sync.Once
	val  any
	err  error
}

// New returns Figures over a store and its read model.
func New(st *store.Store, src Snapshots, force string) *Figures {
	return &Figures{St: st, src: src, Force: force, memo: map[string]*entry{}}
}

// Snapshot is the current snapshot of the read model.
func (f *Figures) Snapshot() *readmodel.Snapshot { return f.src.Snapshot() }

// Version is the version of what public pages show: the snapshot's
// version plus the accountability content published since start (findings,
// deployments; see Published). HTTP caches key on it (ETag).
func (f *Figures) Version() int64 { return f.src.Snapshot().Version + f.published.Load() }

// Published notes that content public pages show beside the figures (a
// panel's finding, a deployment) was published or withdrawn, so that kept
// pages move on; the figures themselves, which do not depend on it, stay.
func (f *Figures) Published() { f.published.Add(1) }

// memoise computes fn once per key and snapshot version, from that
// snapshot. Concurrent callers of one key wait for the first, so a burst of
// requests computes a figure once. fn runs without the caller's
// cancellation: the figure is for everyone waiting, and one client going
// away must not fail the others.
func memoise[T any](ctx context.Context, f *Figures, key string, fn func(ctx context.Context, s *readmodel.Snapshot) (T, error)) (T, error) {
	s := f.src.Snapshot()
	f.mu.Lock()
	if f.at != s.Version {
		f.memo, f.at = map[string]*entry{}, s.Version
	}
	e := f.memo[key]
	if e == nil {
		e = &entry{}
		f.memo[key] = e
	}
	f.mu.Unlock()
	e.once.Do(func() { e.val, e.err = fn(context.WithoutCancel(ctx), s) })
	if e.err != nil {
		f.mu.Lock()
		if f.memo[key] == e {
			delete(f.memo, key) // a failure is not kept: the next request tries again
		}
		f.mu.Unlock()
		var zero T
		return zero, e.err
	}
	return e.val.(T), nil
}

// Period is the default period of the site's force (report.DefaultPeriod).
func (f *Figures) Period(ctx context.Context) (from, to charter.Month, err error) {
	type period struct{ from, to charter.Month }
	p, err := memoise(ctx, f, "period", func(_ context.Context, s *readmodel.Snapshot) (period, error) {
		from, to, _ := report.DefaultPeriod(s, f.Force)
		return period{from, to}, nil
	})
	return p.from, p.to, err
}

// Resolve fills an empty period with the default one.
func (f *Figures) Resolve(ctx context.Context, fl Filter) (Filter, error) {
	if fl.From == 0 && fl.To == 0 {
		from, to, err := f.Period(ctx)
		if err != nil {
			return fl, err
		}
		fl.From, fl.To = from, to
	}
	return fl, nil
}

// Profile is the profile of an area (report.NewProfile).
func (f *Figures) Profile(ctx context.Context, area string, fl Filter) (*report.Profile, error) {
	return memoise(ctx, f, "profile|"+area+"|"+fl.Key(), func(_ context.Context, s *readmodel.Snapshot) (*report.Profile, error) {
		return report.NewProfile(s, report.ProfileQuery{Area: area, From: fl.From, To: fl.To, Where: fl.Where()})
	})
}

// Precision is the force-wide precision report over wards, every ward ranked.
func (f *Figures) Precision(ctx context.Context, fl Filter) (*report.Precision, error) {
	return memoise(ctx, f, "precision|"+fl.Key(), func(_ context.Context, s *readmodel.Snapshot) (*report.Precision, error) {
		return report.NewPrecision(s, report.PrecisionQuery{Area: f.Force, From: fl.From, To: fl.To,
			Unit: "ward", Rank: 100000, Where: fl.Where()})
	})
}

// Options lists the values the filters offer: every legislation and object
// of search in the data, and the months with stops.
type Options struct {
	Legislation []string `json:"legislation"`
	Object      []string `json:"object"`
	Months      []string `json:"months"`
}

// FilterOptions returns the filter choices.
func (f *Figures) FilterOptions(ctx context.Context) (*Options, error) {
	return memoise(ctx, f, "options", func(_ context.Context, s *readmodel.Snapshot) (*Options, error) {
		o := &Options{}
		for _, d := range []struct {
			dim index.Dim
			to  *[]string
		}{{index.DimLegislation, &o.Legislation}, {index.DimObject, &o.Object}, {index.DimMonth, &o.Months}} {
			rows, err := s.Stops.Count(index.Query{GroupBy: []index.Dim{d.dim}})
			if err != nil {
				return nil, err
			}
			*d.to = []string{}
			for _, r := range rows {
				if r.Values[0] != "" {
					*d.to = append(*d.to, r.Values[0])
				}
			}
		}
		return o, nil
	})
}
