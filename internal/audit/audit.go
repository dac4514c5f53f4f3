// Package audit checks the hash-chained audit trail and publishes its head.
// Events are appended by the store inside the transaction of the change or
// read they record (see store.Store.Audit); this package only reads.
package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Broken says where the chain first fails to hold, and how.
type Broken struct {
	Seq    int64  // the first event that does not hold (for a deleted one, the event after the gap)
	Reason string // in words
}

func (b *Broken) Error() string { return fmt.Sprintf("audit event %d: %s", b.Seq, b.Reason) }

// Result is what Verify found.
type Result struct {
	Events int64  // events checked
	Head   string // hash of the last event
	Heads  int    // published daily heads checked against the chain
}

// Verify walks the whole chain from the first event: every event's number
// follows the one before (no deletion), its Prev is the hash of the one
// before (no reordering or insertion), and its Hash is the hash of its own
// fields (no edit). Then every published daily head must be an event of
// the chain with that hash (no rewrite of the whole chain). A broken chain
// is a *Broken error naming the first bad event.
func Verify(ctx context.Context, st *store.Store) (Result, error) {
	var res Result
	want := int64(1)
	prev := charter.AuditGenesis
	hashes := map[int64]string{}
	heads, err := st.AuditHeads(ctx)
	if err != nil {
		return res, err
	}
	for _, h := range heads {
		hashes[h.Seq] = ""
	}
	err = st.AuditEvents(ctx, 1, func(ev charter.AuditEvent) error {
		switch {
		case ev.Seq != want:
			if ev.Seq > want {
				return &Broken{Seq: ev.Seq, Reason: fmt.Sprintf("events %d to %d are missing (deleted)", want, ev.Seq-1)}
			}
			return &Broken{Seq: ev.Seq, Reason: "numbered out of order"}
		case ev.Prev != prev:
			return &Broken{Seq: ev.Seq, Reason: "does not link to the event before it (the one before was changed, or this one was)"}
		case ev.ComputeHash() != ev.Hash:
			return &Broken{Seq: ev.Seq, Reason: "its contents do not match its hash (it was edited)"}
		}
		if _, ok := hashes[ev.Seq]; ok {
			hashes[ev.Seq] = ev.Hash
		}
		prev = ev.Hash
		want++
		res.Events++
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Head = prev
	// Newest first: the first published head that no longer matches is
	// reported by the event it names.
	for i := len(heads) - 1; i >= 0; i-- {
		h := heads[i]
		got := hashes[h.Seq]
		switch {
		case h.Seq > res.Events:
			return res, &Broken{Seq: h.Seq, Reason: fmt.Sprintf("the head published for %s names an event the chain no longer holds (the end of the chain was removed)", h.Day)}
		case got != h.Hash:
			return res, &Broken{Seq: h.Seq, Reason: fmt.Sprintf("differs from the head published for %s (the chain was rewritten)", h.Day)}
		}
		res.Heads++
	}
	return res, nil
}

// IsBroken reports whether err is a broken chain (not a failure to read it).
func IsBroken(err error) bool {
	var b *Broken
	return errors.As(err, &b)
}

// Day is the day a head is published for: the UTC date.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// PublishDaily publishes the chain's head for each new day until ctx ends:
// at once, and then every hour (a head is published once per day; later
// calls the same day change nothing).
func PublishDaily(ctx context.Context, st *store.Store, now func() time.Time, log func(error)) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if _, _, err := st.PublishAuditHead(ctx, Day(now())); err != nil && ctx.Err() == nil {
			log(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
