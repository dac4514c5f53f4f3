package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// The store of independent scrutiny (S3): panels, their meetings, the
// anonymised samples drawn for them, members' ratings and the published
// findings with the force's response.

func panelSubject(id int64) string   { return fmt.Sprintf("panel:%d", id) }
func meetingSubject(id int64) string { return fmt.Sprintf("panel_meeting:%d", id) }

func panelAudit(p *charter.Panel) string {
	b, _ := json.Marshal(p)
	return string(b)
}

// CreatePanel stores a new panel (checked by charter.CheckPanel), audited
// "panel.create". A name already taken is a conflict.
func (s *Store) CreatePanel(ctx context.Context, by Actor, p *charter.Panel) error {
	if err := charter.CheckPanel(p); err != nil {
		return err
	}
	p.Created = Now().UTC().Truncate(time.Second)
	return s.inTx(ctx, func(t *tx) error {
		err := t.queryRow(`INSERT INTO panels (force, name, areas, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			p.Force, p.Name, strings.Join(p.Areas, ","), p.Created.Unix()).Scan(&p.ID)
		if charter.ErrorCode(err) == charter.ECONFLICT {
			return &charter.Error{Code: charter.ECONFLICT, Message: fmt.Sprintf("there is already a panel called %q", p.Name), Err: err}
		}
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel.create", Subject: panelSubject(p.ID), After: panelAudit(p)})
	})
}

const panelCols = `p.id, p.force, p.name, p.areas, p.created_at`

func scanPanel(sc scanner) (*charter.Panel, error) {
	var p charter.Panel
	var areas string
	var created int64
	if err := sc.Scan(&p.ID, &p.Force, &p.Name, &areas, &created); err != nil {
		return nil, err
	}
	if areas != "" {
		p.Areas = strings.Split(areas, ",")
	}
	p.Created = unix(created)
	return &p, nil
}

// Panels lists every panel, by name.
func (s *Store) Panels(ctx context.Context) ([]charter.Panel, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+panelCols+` FROM panels p ORDER BY p.name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Panel
	for rows.Next() {
		p, err := scanPanel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Panel returns the panel with the id.
func (s *Store) Panel(ctx context.Context, id int64) (*charter.Panel, error) {
	p, err := scanPanel(s.db.QueryRowContext(ctx, `SELECT `+panelCols+` FROM panels p WHERE p.id = $1`, id))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no panel with id %d", id)
	}
	return p, err
}

// PanelByName returns the panel called name.
func (s *Store) PanelByName(ctx context.Context, name string) (*charter.Panel, error) {
	p, err := scanPanel(s.db.QueryRowContext(ctx, `SELECT `+panelCols+` FROM panels p WHERE p.name = $1`, strings.TrimSpace(name)))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no panel called %q", name)
	}
	return p, err
}

// PanelMembers counts the enabled users who sit on the panel.
func (s *Store) PanelMembers(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE panel_id = $1 AND disabled = 0`, id).Scan(&n)
	return n, err
}

// CreateMeeting stores a meeting of panel m.PanelID and draws its sample
// in the same transaction: of the first-hand records of the panel's force
// placed in its areas in the months m.From to m.To, pick chooses want (or
// all when there are fewer); each is stored anonymised with its ordinal.
// pick(n, k) returns k distinct indexes below n. Audited
// "panel_meeting.create", and "panel.sample_draw" naming the records read.
func (s *Store) CreateMeeting(ctx context.Context, by Actor, m *charter.Meeting, want int, pick func(n, k int) []int) error {
	if err := charter.CheckMeeting(m, want); err != nil {
		return err
	}
	m.Created = Now().UTC().Truncate(time.Second)
	y, mo, d := m.Date.Date()
	m.Date = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	return s.inTx(ctx, func(t *tx) error {
		p, err := scanPanel(t.queryRow(`SELECT `+panelCols+` FROM panels p WHERE p.id = $1`, m.PanelID))
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "there is no panel with id %d", m.PanelID)
		}
		if err != nil {
			return err
		}
		type cand struct {
			id            int64
			borough, ward string
		}
		var cands []cand
		err = t.query(`SELECT id, borough, ward FROM records WHERE force = $1 AND month >= $2 AND month <= $3 ORDER BY id`,
			func(sc scanner) error {
				var c cand
				if err := sc.Scan(&c.id, &c.borough, &c.ward); err != nil {
					return err
				}
				if p.Covers(c.borough, c.ward) {
					cands = append(cands, c)
				}
				return nil
			}, p.Force, m.From.YYYYMM(), m.To.YYYYMM())
		if err != nil {
			return err
		}
		k := min(want, len(cands))
		chosen := pick(len(cands), k)
		m.SampleSize = len(chosen)
		err = t.queryRow(`INSERT INTO panel_meetings (panel_id, meets_on, from_month, to_month, sample_size, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.PanelID, m.Date.Unix(), m.From.YYYYMM(), m.To.YYYYMM(), m.SampleSize, m.Created.Unix()).Scan(&m.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, k)
		for i, ci := range chosen {
			c := cands[ci]
			sr, err := scanRecord(t.queryRow(`SELECT `+recordCols+` FROM records r WHERE r.id = $1`, c.id))
			if err != nil {
				return err
			}
			view, _ := json.Marshal(charter.Anonymise(&sr.Record, sr.Ward, i+1))
			if _, err := t.exec(`INSERT INTO panel_samples (meeting_id, ordinal, record_id, view) VALUES ($1, $2, $3, $4)`,
				m.ID, i+1, c.id, string(view)); err != nil {
				return err
			}
			ids = append(ids, c.id)
		}
		after, _ := json.Marshal(map[string]any{"panel_id": m.PanelID, "date": m.Date.Format(time.DateOnly), "from": m.From.String(),
			"to": m.To.String(), "asked": want, "drawn": m.SampleSize})
		if err := t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel_meeting.create", Subject: meetingSubject(m.ID), After: string(after)}); err != nil {
			return err
		}
		// The sample reads personal data (the grounds, before redaction):
		// the trail keeps which records, so the force can answer for them.
		drawn, _ := json.Marshal(map[string]any{"records": ids})
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel.sample_draw", Subject: meetingSubject(m.ID), After: string(drawn)})
	})
}

const meetingCols = `m.id, m.panel_id, m.meets_on, m.from_month, m.to_month, m.sample_size, m.findings, m.findings_at, m.response, m.response_at, m.created_at`

func scanMeeting(sc scanner) (*charter.Meeting, error) {
	var m charter.Meeting
	var on, from, to, fat, rat, created int64
	if err := sc.Scan(&m.ID, &m.PanelID, &on, &from, &to, &m.SampleSize, &m.Findings, &fat, &m.Response, &rat, &created); err != nil {
		return nil, err
	}
	m.Date, m.From, m.To, m.Created = unix(on), charter.MonthFromYYYYMM(int(from)), charter.MonthFromYYYYMM(int(to)), unix(created)
	if fat != 0 {
		m.FindingsAt = unix(fat)
	}
	if rat != 0 {
		m.ResponseAt = unix(rat)
	}
	return &m, nil
}

// Meeting returns the meeting with the id.
func (s *Store) Meeting(ctx context.Context, id int64) (*charter.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRowContext(ctx, `SELECT `+meetingCols+` FROM panel_meetings m WHERE m.id = $1`, id))
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no panel meeting %d", id)
	}
	return m, err
}

// Meetings lists the meetings of panel id (0: of every panel), latest
// first; published only lists those whose findings are written.
func (s *Store) Meetings(ctx context.Context, panelID int64, published bool) ([]charter.Meeting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+meetingCols+` FROM panel_meetings m
		WHERE ($1 = 0 OR m.panel_id = $1) AND ($2 = 0 OR m.findings_at <> 0) ORDER BY m.meets_on DESC, m.id DESC`, panelID, boolInt(published))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// Sample lists the anonymised records of a meeting's sample, by ordinal,
// read by by. The views were redacted when drawn; the read is audited all
// the same ("panel.sample_read"), since redaction may miss something.
func (s *Store) Sample(ctx context.Context, by Actor, meetingID int64) ([]charter.SampleRecord, error) {
	var out []charter.SampleRecord
	err := s.inTx(ctx, func(t *tx) error {
		err := t.query(`SELECT view FROM panel_samples WHERE meeting_id = $1 ORDER BY ordinal`, func(sc scanner) error {
			var v string
			if err := sc.Scan(&v); err != nil {
				return err
			}
			var sr charter.SampleRecord
			if err := json.Unmarshal([]byte(v), &sr); err != nil {
				return fmt.Errorf("meeting %d sample: %w", meetingID, err)
			}
			out = append(out, sr)
			return nil
		}, meetingID)
		if err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel.sample_read", Subject: meetingSubject(meetingID)})
	})
	return out, err
}

// Rating is one member's rubric for one sampled record.
type Rating struct {
	Ordinal int
	UserID  int64
	charter.Rubric
}

// RateSample stores (or replaces) member by's rating of the ordinal'th
// record of the meeting's sample, audited "panel.rate" with the marks but
// not the comment.
func (s *Store) RateSample(ctx context.Context, by Actor, meetingID int64, ordinal int, r charter.Rubric) error {
	marks := func(c charter.Criterion) int64 { return int64(r.Marks[c]) }
	return s.inTx(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM panel_samples WHERE meeting_id = $1 AND ordinal = $2`, meetingID, ordinal).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return charter.Errorf(charter.ENOTFOUND, "the sample of meeting %d has no record %d", meetingID, ordinal)
		}
		if _, err := t.exec(`INSERT INTO panel_ratings (meeting_id, ordinal, user_id, grounds, gowisely, video, respect, comment, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (meeting_id, ordinal, user_id) DO UPDATE SET grounds = excluded.grounds, gowisely = excluded.gowisely,
			video = excluded.video, respect = excluded.respect, comment = excluded.comment, at = excluded.at`,
			meetingID, ordinal, by.ID, marks(charter.CriterionGrounds), marks(charter.CriterionGOWISELY), marks(charter.CriterionVideo),
			marks(charter.CriterionRespect), strings.TrimSpace(r.Comment), Now().Unix()); err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"ordinal": ordinal, "marks": r.Marks, "comment_given": strings.TrimSpace(r.Comment) != ""})
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel.rate", Subject: meetingSubject(meetingID), After: string(after)})
	})
}

// Ratings lists the ratings of a meeting's sample (of member userID only
// when not 0), by ordinal.
func (s *Store) Ratings(ctx context.Context, meetingID, userID int64) ([]Rating, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT ordinal, user_id, grounds, gowisely, video, respect, comment FROM panel_ratings
		WHERE meeting_id = $1 AND ($2 = 0 OR user_id = $2) ORDER BY ordinal, user_id`, meetingID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rating
	for rows.Next() {
		var rt Rating
		var g, w, v, r int
		if err := rows.Scan(&rt.Ordinal, &rt.UserID, &g, &w, &v, &r, &rt.Comment); err != nil {
			return nil, err
		}
		rt.Marks = map[charter.Criterion]charter.Mark{charter.CriterionGrounds: charter.Mark(g), charter.CriterionGOWISELY: charter.Mark(w),
			charter.CriterionVideo: charter.Mark(v), charter.CriterionRespect: charter.Mark(r)}
		out = append(out, rt)
	}
	return out, rows.Err()
}

// SetFindings stores the panel's findings for a meeting (replacing any
// earlier text), published from then on; audited "panel.findings".
func (s *Store) SetFindings(ctx context.Context, by Actor, meetingID int64, text string) error {
	return s.setMeetingText(ctx, by, meetingID, "findings", text, "")
}

// SetResponse stores the force's response to a meeting's findings,
// audited "panel.response". A meeting without findings is refused.
func (s *Store) SetResponse(ctx context.Context, by Actor, meetingID int64, text string) error {
	return s.setMeetingText(ctx, by, meetingID, "response", text, "findings_at <> 0")
}

func (s *Store) setMeetingText(ctx context.Context, by Actor, meetingID int64, col, text, need string) error {
	return s.inTx(ctx, func(t *tx) error {
		var before string
		var ok int64
		cond := "1"
		if need != "" {
			cond = "CASE WHEN " + need + " THEN 1 ELSE 0 END"
		}
		err := t.queryRow(`SELECT `+col+`, `+cond+` FROM panel_meetings WHERE id = $1`, meetingID).Scan(&before, &ok)
		if isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "there is no panel meeting %d", meetingID)
		}
		if err != nil {
			return err
		}
		if ok == 0 {
			return charter.Errorf(charter.ECONFLICT, "the panel has not written its findings for this meeting yet")
		}
		if _, err := t.exec(`UPDATE panel_meetings SET `+col+` = $1, `+col+`_at = $2 WHERE id = $3`, text, Now().Unix(), meetingID); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "panel." + col, Subject: meetingSubject(meetingID),
			Before: jsonString(before), After: jsonString(text)})
	})
}

func jsonString(s string) string {
	if s == "" {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// ParentCodes lists the areas containing area code (a ward's borough; two
// where boundary vintages differ), from the stored boundaries.
func (s *Store) ParentCodes(ctx context.Context, code string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT parent_code FROM areas WHERE code = $1 AND parent_code <> '' ORDER BY parent_code`, code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
