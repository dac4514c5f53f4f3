package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Vocabulary fields: the coded stop fields stored as small integers.
const (
	fType        = "type"
	fGender      = "gender"
	fAge         = "age"
	fSelfEth     = "self_eth"
	fOfficerEth  = "officer_eth"
	fLegislation = "legislation"
	fObject      = "object"
	fOutcome     = "outcome"
)

type vocabKey struct{ field, label string }

type vocabEntry struct {
	id                 int64
	field, label, code string
}

// vocab caches the vocab table. Labels new to the store are added inside the
// import transaction and reach the shared cache only when it commits, so a
// rolled-back import leaves no id behind that the database does not hold.
type vocab struct {
	mu     sync.RWMutex
	ids    map[vocabKey]int64
	labels map[int64]vocabEntry
}

func loadVocab(ctx context.Context, db *sql.DB) (*vocab, error) {
	v := &vocab{ids: map[vocabKey]int64{}, labels: map[int64]vocabEntry{}}
	rows, err := db.QueryContext(ctx, `SELECT id, field, label, code FROM vocab`)
	if err != nil {
		return nil, fmt.Errorf("load vocab: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e vocabEntry
		if err := rows.Scan(&e.id, &e.field, &e.label, &e.code); err != nil {
			return nil, err
		}
		v.add(e)
	}
	return v, rows.Err()
}

func (v *vocab) add(e vocabEntry) {
	v.ids[vocabKey{e.field, e.label}] = e.id
	v.labels[e.id] = e
}

func (v *vocab) lookup(field, label string) (int64, bool) {
	v.mu.RLock()
	id, ok := v.ids[vocabKey{field, label}]
	v.mu.RUnlock()
	return id, ok
}

func (v *vocab) entry(id int64) vocabEntry {
	v.mu.RLock()
	e := v.labels[id]
	v.mu.RUnlock()
	return e
}

func (v *vocab) merge(es []vocabEntry) {
	v.mu.Lock()
	for _, e := range es {
		v.add(e)
	}
	v.mu.Unlock()
}
