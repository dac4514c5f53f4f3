package store

import (
	"context"
	"fmt"
	"time"

	"github.com/stopsearch/charter"
)

// Scores are the answers of one procedural-justice survey, 1–5 each and 0
// where not answered.
type Scores struct {
	Listened, Explained, Respect, Debriefed, Trust int
}

// InsertFeedback stores the survey of record id's receipt, once: a second
// answer is ECONFLICT. The audit event holds the scores, not the comment.
func (s *Store) InsertFeedback(ctx context.Context, id int64, sc Scores, comment string) error {
	err := s.inTx(ctx, func(t *tx) error {
		if _, err := t.exec(`INSERT INTO feedback (record_id, listened, explained, respect, debriefed, trust, comment, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, sc.Listened, sc.Explained, sc.Respect, sc.Debriefed, sc.Trust,
			comment, Now().Unix()); err != nil {
			return err
		}
		after := fmt.Sprintf(`{"listened":%d,"explained":%d,"respect":%d,"debriefed":%d,"trust":%d,"comment_given":%t}`,
			sc.Listened, sc.Explained, sc.Respect, sc.Debriefed, sc.Trust, comment != "")
		return t.audit(&charter.AuditEvent{Actor: PublicActor.Name, Action: "feedback.create", Subject: recordSubject(id), After: after})
	})
	if charter.ErrorCode(err) == charter.ECONFLICT {
		return charter.Errorf(charter.ECONFLICT, "feedback has already been given for this receipt")
	}
	return err
}

// MonthScores are one survey answer with the month of its search.
type MonthScores struct {
	Month charter.Month
	Scores
}

// FeedbackOf lists every survey answer for searches in an area (a force id,
// a borough or a ward code) in the months from to to, without comments.
func (s *Store) FeedbackOf(ctx context.Context, area string, from, to charter.Month) ([]MonthScores, error) {
	col := "r.force"
	if lv, ok := charter.LevelOfCode(area); ok {
		switch lv {
		case charter.LevelBorough:
			col = "r.borough"
		case charter.LevelWard:
			col = "r.ward"
		default:
			return nil, charter.Errorf(charter.EINVALID, "feedback is published for a force, a borough or a ward, not for %s", area)
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.month, f.listened, f.explained, f.respect, f.debriefed, f.trust
		FROM feedback f JOIN records r ON r.id = f.record_id
		WHERE `+col+` = $1 AND r.month >= $2 AND r.month <= $3 ORDER BY r.month`, area, from.YYYYMM(), to.YYYYMM())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MonthScores
	for rows.Next() {
		var m int
		var ms MonthScores
		if err := rows.Scan(&m, &ms.Listened, &ms.Explained, &ms.Respect, &ms.Debriefed, &ms.Trust); err != nil {
			return nil, err
		}
		ms.Month = charter.MonthFromYYYYMM(m)
		out = append(out, ms)
	}
	return out, rows.Err()
}

// unix reads a Unix-seconds column as a UTC time.
func unix(v int64) time.Time { return time.Unix(v, 0).UTC() }
