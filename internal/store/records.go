package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
)

// StoredRecord is a first-hand record with what the store keeps beside it.
type StoredRecord struct {
	charter.Record
	Borough, Ward  string // the areas its point was placed in at submission
	ReceiptExpires time.Time
	FeedbackGiven  bool
}

// NewRecord is a record to store: the record (its Reference set), where it
// was placed, and its receipt.
type NewRecord struct {
	Record         charter.Record
	Borough, Ward  string
	ReceiptHash    string // SHA-256 of the receipt's token
	ReceiptExpires time.Time
}

func recordSubject(id int64) string { return fmt.Sprintf("record:%d", id) }

func recordJSON(r *charter.Record) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// InsertRecord stores a new record by officer by (created at
// nr.Record.Created, or now when zero), audited as
// "record.create" in the same transaction. key is the Idempotency-Key (""
// for none): a key the officer has used before returns that record's id
// with replayed true and stores nothing. Two submissions of one key at once
// store one record: the loser's transaction fails on the key's unique index
// and is answered from the winner's.
func (s *Store) InsertRecord(ctx context.Context, by Actor, key string, nr NewRecord) (id int64, replayed bool, err error) {
	for attempt := 0; ; attempt++ {
		id, replayed, err = s.insertRecord(ctx, by, key, nr)
		if err == nil || key == "" || attempt > 0 || charter.ErrorCode(err) != charter.ECONFLICT {
			return id, replayed, err
		}
	}
}

func (s *Store) insertRecord(ctx context.Context, by Actor, key string, nr NewRecord) (id int64, replayed bool, err error) {
	r := nr.Record
	err = s.inTx(ctx, func(t *tx) error {
		if key != "" {
			err := t.queryRow(`SELECT record_id FROM idempotency WHERE user_id = $1 AND key = $2`, by.ID, key).Scan(&id)
			if err == nil {
				replayed = true
				return nil
			}
			if !isNoRows(err) {
				return err
			}
		}
		now := Now().UTC().Truncate(time.Second)
		if !r.Created.IsZero() {
			now = r.Created.UTC().Truncate(time.Second)
		}
		r.Created, r.Updated, r.Version = now, now, 1
		month := charter.MonthOf(r.Datetime.In(charter.London)).YYYYMM()
		var auth any
		if r.AuthorisationID != 0 {
			auth = r.AuthorisationID
		}
		body := recordJSON(&r)
		err := t.queryRow(`INSERT INTO records (reference, force, month, officer_id, version, authorisation_id, borough, ward,
			searched_at, body, receipt_hash, receipt_expires, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			r.Reference, r.Force, month, r.OfficerID, auth, nr.Borough, nr.Ward, r.Datetime.Unix(), body,
			nr.ReceiptHash, nr.ReceiptExpires.Unix(), now.Unix()).Scan(&id)
		if err != nil {
			return err
		}
		// The body holds no id (its row's id column is the id), so it is
		// written once.
		if _, err := t.exec(`INSERT INTO record_versions (record_id, version, body, by_id, at) VALUES ($1, 1, $2, $3, $4)`,
			id, body, by.ID, now.Unix()); err != nil {
			return err
		}
		if key != "" {
			if _, err := t.exec(`INSERT INTO idempotency (user_id, key, record_id, created_at) VALUES ($1, $2, $3, $4)`,
				by.ID, key, id, now.Unix()); err != nil {
				return err
			}
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "record.create", Subject: recordSubject(id), After: body})
	})
	return id, replayed, err
}

const recordCols = `r.id, r.officer_id, r.borough, r.ward, r.body, r.receipt_expires,
	EXISTS (SELECT 1 FROM feedback f WHERE f.record_id = r.id)`

func scanRecord(sc scanner) (StoredRecord, error) {
	var sr StoredRecord
	var body string
	var expires int64
	var officer int64
	if err := sc.Scan(&sr.ID, &officer, &sr.Borough, &sr.Ward, &body, &expires, &sr.FeedbackGiven); err != nil {
		return sr, err
	}
	id := sr.ID
	if err := json.Unmarshal([]byte(body), &sr.Record); err != nil {
		return sr, fmt.Errorf("record %d: %w", id, err)
	}
	sr.ID, sr.OfficerID = id, officer
	sr.ReceiptExpires = time.Unix(expires, 0).UTC()
	return sr, nil
}

// ReadRecord returns record id and audits the read by by ("record.read")
// in the same transaction. allow decides, from the record, whether by may
// read it; a refusal is audited too ("record.read_refused") and returned.
func (s *Store) ReadRecord(ctx context.Context, by Actor, id int64, allow func(*StoredRecord) error) (StoredRecord, error) {
	var sr StoredRecord
	var refused error
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		sr, err = scanRecord(t.queryRow(`SELECT `+recordCols+` FROM records r WHERE r.id = $1`, id))
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "no record %d", id)
		}
		if err != nil {
			return err
		}
		action := "record.read"
		if refused = allow(&sr); refused != nil {
			action = "record.read_refused"
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: action, Subject: recordSubject(id)})
	})
	if err != nil {
		return StoredRecord{}, err
	}
	if refused != nil {
		return StoredRecord{}, refused
	}
	return sr, nil
}

// ReadReceipt returns the record whose receipt token hashes to hash,
// audited as a public read ("receipt.read"). An unknown hash is ENOTFOUND.
func (s *Store) ReadReceipt(ctx context.Context, hash string) (StoredRecord, error) {
	var sr StoredRecord
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		sr, err = scanRecord(t.queryRow(`SELECT `+recordCols+` FROM records r WHERE r.receipt_hash = $1`, hash))
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "no such receipt")
		}
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{Actor: PublicActor.Name, Action: "receipt.read", Subject: recordSubject(sr.ID)})
	})
	return sr, err
}

// RecordsOfOfficer lists an officer's records, newest first, at most limit.
func (s *Store) RecordsOfOfficer(ctx context.Context, officer int64, limit int) ([]StoredRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+recordCols+` FROM records r WHERE r.officer_id = $1 ORDER BY r.id DESC LIMIT $2`, officer, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StoredRecord
	for rows.Next() {
		sr, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// CorrectRecord stores r as the next version of its record, by by, after
// check has accepted the current version (the officer and the correction
// window); the earlier version stays in record_versions and the audit event
// holds both.
func (s *Store) CorrectRecord(ctx context.Context, by Actor, r charter.Record, borough, ward string, check func(*StoredRecord) error) (charter.Record, error) {
	err := s.inTx(ctx, func(t *tx) error {
		cur, err := scanRecord(t.queryRow(`SELECT `+recordCols+` FROM records r WHERE r.id = $1`, r.ID))
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "no record %d", r.ID)
		}
		if err != nil {
			return err
		}
		if err := check(&cur); err != nil {
			return err
		}
		now := Now().UTC().Truncate(time.Second)
		if !r.Updated.IsZero() {
			now = r.Updated.UTC().Truncate(time.Second)
		}
		r.Reference, r.Force, r.OfficerID, r.Created = cur.Reference, cur.Force, cur.OfficerID, cur.Created
		r.Version, r.Updated = cur.Version+1, now
		body := recordJSON(&r)
		var auth any
		if r.AuthorisationID != 0 {
			auth = r.AuthorisationID
		}
		month := charter.MonthOf(r.Datetime.In(charter.London)).YYYYMM()
		if _, err := t.exec(`UPDATE records SET version = $1, body = $2, month = $3, authorisation_id = $4, borough = $5, ward = $6,
			searched_at = $7, updated_at = $8 WHERE id = $9`,
			r.Version, body, month, auth, borough, ward, r.Datetime.Unix(), now.Unix(), r.ID); err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO record_versions (record_id, version, body, by_id, at) VALUES ($1, $2, $3, $4, $5)`,
			r.ID, r.Version, body, by.ID, now.Unix()); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "record.correct", Subject: recordSubject(r.ID),
			Before: recordJSON(&cur.Record), After: body})
	})
	return r, err
}

// RecordVersions lists every version of a record, oldest first.
func (s *Store) RecordVersions(ctx context.Context, id int64) ([]charter.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM record_versions WHERE record_id = $1 ORDER BY version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Record
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var r charter.Record
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, err
		}
		r.ID = id
		out = append(out, r)
	}
	return out, rows.Err()
}

// AuditRecordEvent appends an event about a record that changes nothing
// stored (a receipt sent).
func (s *Store) AuditRecordEvent(ctx context.Context, by Actor, id int64, action, after string) error {
	return s.Audit(ctx, charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: action, Subject: recordSubject(id), After: after})
}

// Setting returns a server setting, storing value first when there is
// none, so that every instance of the server shares the first value stored.
func (s *Store) Setting(ctx context.Context, name, value string) (string, error) {
	var got string
	err := s.inTx(ctx, func(t *tx) error {
		err := t.queryRow(`SELECT value FROM settings WHERE name = $1`, name).Scan(&got)
		if err == nil || !isNoRows(err) {
			return err
		}
		got = value
		_, err = t.exec(`INSERT INTO settings (name, value) VALUES ($1, $2)`, name, value)
		return err
	})
	if charter.ErrorCode(err) == charter.ECONFLICT {
		err = s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&got)
	}
	return got, err
}
