package store

import (
	"context"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
)

// auditLock is the PostgreSQL advisory lock (held to the end of the
// transaction) that orders appends to the audit chain: two writers must not
// both read the same head and link to it. SQLite's single writer connection
// orders them already.
const auditLock = 72381003

// Now is the store's clock for audit events and the encounter's times;
// tests replace it.
var Now = time.Now

// audit appends ev to the chain inside the transaction, so the event is
// stored if and only if the change it records is. It fills Seq, At (when
// zero), Prev and Hash.
func (t *tx) audit(ev *charter.AuditEvent) error {
	if t.pgTx != nil {
		if _, err := t.exec(`SELECT pg_advisory_xact_lock($1)`, auditLock); err != nil {
			return fmt.Errorf("audit: lock the chain: %w", err)
		}
	}
	var seq int64
	var prev string
	err := t.queryRow(`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("audit: read the head: %w", err)
	}
	if ev.At.IsZero() {
		ev.At = Now()
	}
	ev.At = time.UnixMicro(ev.At.UTC().UnixMicro()).UTC()
	if ev.Actor == "" {
		ev.Actor = "system"
	}
	ev.Seq, ev.Prev = seq+1, prev
	ev.Hash = ev.ComputeHash()
	_, err = t.exec(`INSERT INTO audit_events (seq, at, actor_id, actor, action, subject, before, after, prev, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ev.Seq, ev.At.UnixMicro(), ev.ActorID, ev.Actor, ev.Action, ev.Subject, ev.Before, ev.After, ev.Prev, ev.Hash)
	if err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	return nil
}

// Audit appends one event in a transaction of its own, for what is not a
// change of the store: a failed sign-in, a read of a record.
func (s *Store) Audit(ctx context.Context, ev charter.AuditEvent) error {
	return s.inTx(ctx, func(t *tx) error { return t.audit(&ev) })
}

// inTx runs fn in one write transaction: committed when fn returns nil,
// rolled back otherwise.
func (s *Store) inTx(ctx context.Context, fn func(*tx) error) error {
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := fn(t); err != nil {
		return err
	}
	return t.commit()
}

// AuditEvents calls fn with each event from seq from on, in chain order.
func (s *Store) AuditEvents(ctx context.Context, from int64, fn func(charter.AuditEvent) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor_id, actor, action, subject, before, after, prev, hash
		FROM audit_events WHERE seq >= $1 ORDER BY seq`, from)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ev charter.AuditEvent
		var at int64
		if err := rows.Scan(&ev.Seq, &at, &ev.ActorID, &ev.Actor, &ev.Action, &ev.Subject, &ev.Before, &ev.After, &ev.Prev, &ev.Hash); err != nil {
			return err
		}
		ev.At = time.UnixMicro(at).UTC()
		if err := fn(ev); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditHead is the chain's last event as published for one day.
type AuditHead struct {
	Day       string // YYYY-MM-DD, UTC
	Seq       int64
	Hash      string
	Published time.Time
}

// AuditHeads lists the published heads, newest first.
func (s *Store) AuditHeads(ctx context.Context) ([]AuditHead, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, seq, hash, published_at FROM audit_heads ORDER BY day DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditHead
	for rows.Next() {
		var h AuditHead
		var at int64
		if err := rows.Scan(&h.Day, &h.Seq, &h.Hash, &at); err != nil {
			return nil, err
		}
		h.Published = time.Unix(at, 0).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// PublishAuditHead records the chain's current head as the head of day
// (YYYY-MM-DD), once: a day already published keeps its head. It returns
// the day's head and whether this call published it. An empty chain
// publishes nothing.
func (s *Store) PublishAuditHead(ctx context.Context, day string) (AuditHead, bool, error) {
	var h AuditHead
	var added bool
	err := s.inTx(ctx, func(t *tx) error {
		var at int64
		err := t.queryRow(`SELECT day, seq, hash, published_at FROM audit_heads WHERE day = $1`, day).Scan(&h.Day, &h.Seq, &h.Hash, &at)
		if err == nil {
			h.Published = time.Unix(at, 0).UTC()
			return nil
		}
		if !isNoRows(err) {
			return err
		}
		err = t.queryRow(`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		h.Day, h.Published = day, Now().UTC().Truncate(time.Second)
		_, err = t.exec(`INSERT INTO audit_heads (day, seq, hash, published_at) VALUES ($1, $2, $3, $4)`, h.Day, h.Seq, h.Hash, h.Published.Unix())
		added = err == nil
		return err
	})
	return h, added, err
}
