package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// ReviewRecord is a first-hand record with what supervision needs beside
// it: its officer, its review (nil when not reviewed) and the person's
// survey answers (nil when none).
type ReviewRecord struct {
	StoredRecord
	OfficerName, OfficerTeam, OfficerForce string
	Review                                 *charter.Review
	Survey                                 *Scores
}

// withExtra scans a row whose first columns are recordCols into
// scanRecord and the rest into extra.
type withExtra struct {
	sc    scanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.extra...)...) }

// reviewRecordSQL selects a record with its officer, its review and its
// survey; callers add the WHERE clause.
const reviewRecordSQL = `SELECT ` + recordCols + `, u.name, u.team, u.force,
	COALESCE(v.id, 0), COALESCE(v.reviewer_id, 0), COALESCE(rv.name, ''), COALESCE(v.marks, ''), COALESCE(v.comment, ''),
	COALESCE(v.created_at, 0), COALESCE(v.seen_by_officer_at, 0),
	CASE WHEN f.record_id IS NULL THEN 0 ELSE 1 END,
	COALESCE(f.listened, 0), COALESCE(f.explained, 0), COALESCE(f.respect, 0), COALESCE(f.debriefed, 0), COALESCE(f.trust, 0)
	FROM records r JOIN users u ON u.id = r.officer_id
	LEFT JOIN reviews v ON v.record_id = r.id
	LEFT JOIN users rv ON rv.id = v.reviewer_id
	LEFT JOIN feedback f ON f.record_id = r.id `

func scanReviewRecord(sc scanner) (ReviewRecord, error) {
	var rr ReviewRecord
	var v charter.Review
	var marks string
	var created, seen, survey int64
	var sv Scores
	sr, err := scanRecord(withExtra{sc, []any{&rr.OfficerName, &rr.OfficerTeam, &rr.OfficerForce,
		&v.ID, &v.ReviewerID, &v.Reviewer, &marks, &v.Rubric.Comment, &created, &seen,
		&survey, &sv.Listened, &sv.Explained, &sv.Respect, &sv.Debriefed, &sv.Trust}})
	if err != nil {
		return rr, err
	}
	rr.StoredRecord = sr
	if v.ID != 0 {
		if err := json.Unmarshal([]byte(marks), &v.Rubric.Marks); err != nil {
			return rr, fmt.Errorf("review %d: %w", v.ID, err)
		}
		v.RecordID, v.Reference, v.OfficerID = sr.ID, sr.Reference, sr.OfficerID
		v.Created = unix(created)
		if seen != 0 {
			v.Seen = unix(seen)
		}
		rr.Review = &v
	}
	if survey != 0 {
		rr.Survey = &sv
	}
	return rr, nil
}

// ForceRecords lists a force's records searched from from (inclusive) to
// to (exclusive), oldest first, each with its officer, review and survey:
// what the review queue and the team and officer views are computed from.
// It is not audited here: the service audits each view of it.
func (s *Store) ForceRecords(ctx context.Context, force string, from, to time.Time) ([]ReviewRecord, error) {
	rows, err := s.db.QueryContext(ctx, reviewRecordSQL+`WHERE r.force = $1 AND r.searched_at >= $2 AND r.searched_at < $3
		ORDER BY r.searched_at, r.id`, force, from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReviewRecord
	for rows.Next() {
		rr, err := scanReviewRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rr)
	}
	return out, rows.Err()
}

func reviewSubject(id int64) string { return fmt.Sprintf("review:%d", id) }

// reviewAudit is a review as the audit trail keeps it: the marks in words
// and the score, and whether there is a comment (not the comment: it is
// about the officer's work and the trail is read by administrators).
func reviewAudit(recordID int64, r charter.Rubric) string {
	marks := map[string]string{}
	for c, m := range r.Marks {
		marks[string(c)] = m.String()
	}
	v := map[string]any{"record_id": recordID, "marks": marks, "comment_given": strings.TrimSpace(r.Comment) != ""}
	if sc, ok := r.Score(); ok {
		v["score"] = sc
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// readReviewRecord reads record id with its officer and review inside t.
func (t *tx) readReviewRecord(id int64) (ReviewRecord, error) {
	rr, err := scanReviewRecord(t.queryRow(reviewRecordSQL+`WHERE r.id = $1`, id))
	if isNoRows(err) {
		return rr, charter.Errorf(charter.ENOTFOUND, "no record %d", id)
	}
	return rr, err
}

// InsertReview stores a review of record recordID by by, after check has
// accepted the record (the reviewer's team and force), audited as
// "review.create" in the same transaction; a refusal is audited as
// "review.refused" and returned. A record is reviewed once: a second
// review is ECONFLICT.
func (s *Store) InsertReview(ctx context.Context, by Actor, recordID int64, r charter.Rubric, check func(*ReviewRecord) error) (charter.Review, error) {
	var v charter.Review
	var refused error
	err := s.inTx(ctx, func(t *tx) error {
		rr, err := t.readReviewRecord(recordID)
		if err != nil {
			return err
		}
		if refused = check(&rr); refused != nil {
			return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "review.refused", Subject: recordSubject(recordID)})
		}
		if rr.Review != nil {
			return charter.Errorf(charter.ECONFLICT, "record %s has already been reviewed", rr.Reference)
		}
		marks, _ := json.Marshal(r.Marks)
		now := Now().UTC().Truncate(time.Second)
		err = t.queryRow(`INSERT INTO reviews (record_id, reviewer_id, marks, comment, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			recordID, by.ID, string(marks), r.Comment, now.Unix()).Scan(&v.ID)
		if charter.ErrorCode(err) == charter.ECONFLICT {
			return charter.Errorf(charter.ECONFLICT, "record %s has already been reviewed", rr.Reference)
		}
		if err != nil {
			return err
		}
		v.RecordID, v.Reference, v.OfficerID, v.ReviewerID, v.Reviewer, v.Rubric, v.Created = recordID, rr.Reference, rr.OfficerID, by.ID, by.Name, r, now
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "review.create", Subject: reviewSubject(v.ID),
			After: reviewAudit(recordID, r)})
	})
	if err == nil && refused != nil {
		err = refused
	}
	return v, err
}

// ReadReviewRecord returns record id with its officer and review for by,
// after allow has accepted it, audited as "review.read" (or
// "review.read_refused", and the refusal returned) in the same
// transaction.
func (s *Store) ReadReviewRecord(ctx context.Context, by Actor, id int64, allow func(*ReviewRecord) error) (ReviewRecord, error) {
	var rr ReviewRecord
	var refused error
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if rr, err = t.readReviewRecord(id); err != nil {
			return err
		}
		action := "review.read"
		if refused = allow(&rr); refused != nil {
			action = "review.read_refused"
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: action, Subject: recordSubject(id)})
	})
	if err == nil && refused != nil {
		err = refused
	}
	if err != nil {
		return ReviewRecord{}, err
	}
	return rr, nil
}

// OfficerReviews lists the reviews of an officer's records, newest first,
// at most limit, audited as "review.read" of the officer by by.
func (s *Store) OfficerReviews(ctx context.Context, by Actor, officer int64, limit int) ([]charter.Review, error) {
	var out []charter.Review
	err := s.inTx(ctx, func(t *tx) error {
		err := t.query(reviewRecordSQL+`WHERE r.officer_id = $1 AND v.id IS NOT NULL ORDER BY v.created_at DESC, v.id DESC LIMIT $2`,
			func(sc scanner) error {
				rr, err := scanReviewRecord(sc)
				if err != nil {
					return err
				}
				out = append(out, *rr.Review)
				return nil
			}, officer, limit)
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "review.read", Subject: userSubject(officer)})
	})
	return out, err
}

// MarkReviewsSeen records that officer has seen the reviews of their
// record recordID (0: of all their records) not seen before, audited as
// "review.seen" when there were any; it returns how many.
func (s *Store) MarkReviewsSeen(ctx context.Context, by Actor, officer, recordID int64) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if recordID == 0 {
			n, err = t.exec(`UPDATE reviews SET seen_by_officer_at = $1 WHERE seen_by_officer_at = 0
				AND record_id IN (SELECT id FROM records WHERE officer_id = $2)`, Now().Unix(), officer)
		} else {
			n, err = t.exec(`UPDATE reviews SET seen_by_officer_at = $1 WHERE seen_by_officer_at = 0
				AND record_id IN (SELECT id FROM records WHERE officer_id = $2 AND id = $3)`, Now().Unix(), officer, recordID)
		}
		if err != nil || n == 0 {
			return err
		}
		subject := userSubject(officer)
		if recordID != 0 {
			subject = recordSubject(recordID)
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "review.seen", Subject: subject,
			After: fmt.Sprintf(`{"reviews":%d}`, n)})
	})
	return n, err
}

// ForceUsers lists the users of a force, by name.
func (s *Store) ForceUsers(ctx context.Context, force string) ([]charter.User, error) {
	all, err := s.Users(ctx)
	out := all[:0]
	for _, u := range all {
		if u.Force == force {
			out = append(out, u)
		}
	}
	return out, err
}
