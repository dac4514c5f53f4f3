package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// Complaints (PRODUCT.md S2): complaints, their history and the community
// triggers (migration 0009). Every change is audited in its transaction;
// the complainant's contact and words never go into the audit trail.

// Complaint is one complaint as the store keeps it. Contact is personal
// data: the service shows it to the complaints team only.
type Complaint struct {
	ID        int64
	Reference string
	RecordID  int64 // the search it is about; 0: lodged without a receipt
	OfficerID int64 // the record's officer (0 without a record); never public
	Force     string
	Borough   string
	Ward      string
	Month     charter.Month // the London month it was lodged
	Lodged    time.Time
	Via       string // "receipt", "site" or "api"
	Anonymous bool
	Contact   string
	Text      string
	Status    charter.ComplaintStatus
	Category  charter.ComplaintCategory
	// AssigneeID is the complaints handler who owns it (0: none yet).
	AssigneeID int64
	Outcome    charter.ComplaintOutcome
	Learning   string
	// Released is when the officer was allowed to see it (zero: not yet).
	Released, Decided, Closed time.Time
	// The deadlines of the time limits, set when it was lodged (DueClose
	// when its outcome was decided).
	DueTriage, DueAssign, DueOutcome, DueStatutory, DueClose time.Time
	// TriggerID is the community trigger it counted towards (0: none).
	TriggerID int64
	Updated   time.Time
}

// ComplaintEvent is one step of a complaint's history.
type ComplaintEvent struct {
	At     time.Time
	ByID   int64 // 0: the complainant or the system
	Action string
	Status charter.ComplaintStatus
	Note   string
}

// Trigger is a community trigger: the complaints about searches in one
// ward that reached the threshold within the window, and the force's
// explanation to the area's scrutiny panel.
type Trigger struct {
	ID          int64
	Force       string
	Borough     string
	Ward        string
	WindowStart time.Time
	Fired       time.Time
	Count       int
	Complaints  []string // the references; staff only
	PanelID     int64    // the panel notified; 0 when no panel covers the ward
	// RequiredAt is when the panel required an explanation (zero: not yet).
	RequiredAt  time.Time
	RequiredBy  int64
	Explanation string
	ExplainedAt time.Time
	ExplainedBy int64
	// Published is true once the explanation is public beside the trigger.
	Published bool
}

func complaintSubject(id int64) string { return fmt.Sprintf("complaint:%d", id) }
func triggerSubject(id int64) string   { return fmt.Sprintf("trigger:%d", id) }

// complaintAudit is what the audit trail keeps of a complaint: never the
// contact or the words.
func complaintAudit(c *Complaint) string {
	b, _ := json.Marshal(map[string]any{"reference": c.Reference, "record_id": c.RecordID, "ward": c.Ward,
		"via": c.Via, "anonymous": c.Anonymous, "contact_given": c.Contact != "", "status": c.Status,
		"category": c.Category, "assignee_id": c.AssigneeID, "outcome": c.Outcome, "released": !c.Released.IsZero(),
		"trigger_id": c.TriggerID})
	return string(b)
}

func triggerAudit(tr *Trigger) string {
	b, _ := json.Marshal(map[string]any{"ward": tr.Ward, "count": tr.Count, "complaints": tr.Complaints,
		"panel_id": tr.PanelID, "explanation_required": !tr.RequiredAt.IsZero(), "explained": !tr.ExplainedAt.IsZero(),
		"published": tr.Published})
	return string(b)
}

// timeOrZero reads a Unix-seconds column where 0 is "not yet".
func timeOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return unix(v)
}

// newComplaintReference is "C-" and eight characters no one misreads.
func newComplaintReference() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "C-" + string(b)
}

const complaintCols = `c.id, c.reference, COALESCE(c.record_id, 0), COALESCE(r.officer_id, 0), c.force, c.borough, c.ward,
	c.month, c.lodged_at, c.via, c.anonymous, c.contact, c.text, c.status, c.category, c.assignee_id, c.outcome,
	c.learning, c.released_at, c.decided_at, c.closed_at, c.due_triage, c.due_assign, c.due_outcome, c.due_statutory,
	c.due_close, c.trigger_id, c.updated_at`

const complaintFrom = ` FROM complaints c LEFT JOIN records r ON r.id = c.record_id`

func scanComplaint(sc scanner) (Complaint, error) {
	var c Complaint
	var month int
	var anon int64
	var lodged, rel, dec, clo, dt, da, do, ds, dc, upd int64
	var status, cat, outcome string
	err := sc.Scan(&c.ID, &c.Reference, &c.RecordID, &c.OfficerID, &c.Force, &c.Borough, &c.Ward, &month, &lodged,
		&c.Via, &anon, &c.Contact, &c.Text, &status, &cat, &c.AssigneeID, &outcome, &c.Learning, &rel, &dec, &clo,
		&dt, &da, &do, &ds, &dc, &c.TriggerID, &upd)
	if err != nil {
		return c, err
	}
	c.Month, c.Lodged, c.Anonymous = charter.MonthFromYYYYMM(month), unix(lodged), anon != 0
	c.Status, c.Category, c.Outcome = charter.ComplaintStatus(status), charter.ComplaintCategory(cat), charter.ComplaintOutcome(outcome)
	c.Released, c.Decided, c.Closed = timeOrZero(rel), timeOrZero(dec), timeOrZero(clo)
	c.DueTriage, c.DueAssign, c.DueOutcome, c.DueStatutory, c.DueClose = timeOrZero(dt), timeOrZero(da), timeOrZero(do), timeOrZero(ds), timeOrZero(dc)
	c.Updated = unix(upd)
	return c, nil
}

// InsertComplaint stores a new complaint lodged by by (the public, or a
// signed-in user) and checks the community trigger in the same
// transaction: when the ward's complaints not yet counted by a trigger
// reach rule's threshold within its window, a trigger fires (returned,
// else nil), those complaints are marked as counted, and the panel whose
// areas hold the ward or its borough is noted for notification. A
// complaint about a record takes the record's force, borough and ward.
// c's Reference, ID and TriggerID are set here.
func (s *Store) InsertComplaint(ctx context.Context, by Actor, c Complaint, rule charter.TriggerRule) (Complaint, *Trigger, error) {
	var fired *Trigger
	err := s.inTx(ctx, func(t *tx) error {
		fired = nil
		var recordID any
		if c.RecordID != 0 {
			recordID = c.RecordID
			if err := t.queryRow(`SELECT force, borough, ward, officer_id FROM records WHERE id = $1`, c.RecordID).
				Scan(&c.Force, &c.Borough, &c.Ward, &c.OfficerID); err != nil {
				if isNoRows(err) {
					return charter.Errorf(charter.ENOTFOUND, "no such record")
				}
				return err
			}
		}
		c.Reference = newComplaintReference()
		c.Month = charter.MonthOf(c.Lodged.In(charter.London))
		c.Status, c.Updated = charter.ComplaintReceived, c.Lodged
		err := t.queryRow(`INSERT INTO complaints (reference, record_id, force, borough, ward, month, lodged_at, via, anonymous,
			contact, text, status, due_triage, due_assign, due_outcome, due_statutory, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
			c.Reference, recordID, c.Force, c.Borough, c.Ward, c.Month.YYYYMM(), c.Lodged.Unix(), c.Via, boolInt(c.Anonymous),
			c.Contact, c.Text, string(c.Status), unixOrZero(c.DueTriage), unixOrZero(c.DueAssign), unixOrZero(c.DueOutcome), unixOrZero(c.DueStatutory),
			c.Lodged.Unix()).Scan(&c.ID)
		if err != nil {
			return err
		}
		if err := t.complaintEvent(c.ID, by.ID, c.Lodged, "lodged", c.Status, ""); err != nil {
			return err
		}
		// The audit takes PostgreSQL's chain lock, so two complaints lodged
		// at once in one ward are counted one after the other below: the
		// trigger cannot fire twice, nor be missed, for them.
		if err := t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, At: c.Lodged, Action: "complaint.create",
			Subject: complaintSubject(c.ID), After: complaintAudit(&c)}); err != nil {
			return err
		}
		if c.Ward == "" {
			return nil
		}
		fired, err = t.checkTrigger(&c, rule)
		return err
	})
	return c, fired, err
}

func (t *tx) complaintEvent(id, by int64, at time.Time, action string, status charter.ComplaintStatus, note string) error {
	_, err := t.exec(`INSERT INTO complaint_events (complaint_id, n, at, by_id, action, status, note)
		VALUES ($1, (SELECT COALESCE(MAX(n), 0) + 1 FROM complaint_events WHERE complaint_id = $1), $2, $3, $4, $5, $6)`,
		id, at.Unix(), by, action, string(status), note)
	return err
}

// checkTrigger fires the community trigger for c's ward if its uncounted
// complaints reach the rule's threshold within the window ending now.
func (t *tx) checkTrigger(c *Complaint, rule charter.TriggerRule) (*Trigger, error) {
	var ids []int64
	var refs []string
	var lodged []time.Time
	err := t.query(`SELECT id, reference, lodged_at FROM complaints WHERE ward = $1 AND trigger_id = 0 AND lodged_at >= $2
		ORDER BY lodged_at, id`, func(sc scanner) error {
		var id, at int64
		var ref string
		if err := sc.Scan(&id, &ref, &at); err != nil {
			return err
		}
		ids, refs, lodged = append(ids, id), append(refs, ref), append(lodged, unix(at))
		return nil
	}, c.Ward, rule.WindowStart(c.Lodged).Unix())
	if err != nil {
		return nil, err
	}
	in, fires := rule.Fires(lodged, c.Lodged)
	if !fires {
		return nil, nil
	}
	tr := &Trigger{Force: c.Force, Borough: c.Borough, Ward: c.Ward, WindowStart: rule.WindowStart(c.Lodged),
		Fired: c.Lodged, Count: len(in)}
	for _, i := range in {
		tr.Complaints = append(tr.Complaints, refs[i])
	}
	if tr.PanelID, err = t.panelCovering(c.Ward, c.Borough); err != nil {
		return nil, err
	}
	if err := t.queryRow(`INSERT INTO community_triggers (force, borough, ward, window_start, fired_at, count, complaint_refs, panel_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, tr.Force, tr.Borough, tr.Ward, tr.WindowStart.Unix(),
		tr.Fired.Unix(), tr.Count, strings.Join(tr.Complaints, ","), tr.PanelID).Scan(&tr.ID); err != nil {
		return nil, err
	}
	for _, i := range in {
		if _, err := t.exec(`UPDATE complaints SET trigger_id = $1 WHERE id = $2`, tr.ID, ids[i]); err != nil {
			return nil, err
		}
	}
	c.TriggerID = tr.ID
	return tr, t.audit(&charter.AuditEvent{Actor: SystemActor.Name, At: c.Lodged, Action: "trigger.fire",
		Subject: triggerSubject(tr.ID), After: triggerAudit(tr)})
}

// panelCovering is the first panel whose areas hold the ward or its
// borough (0: none).
func (t *tx) panelCovering(ward, borough string) (int64, error) {
	var found int64
	err := t.query(`SELECT id, areas FROM panels ORDER BY id`, func(sc scanner) error {
		var id int64
		var areas string
		if err := sc.Scan(&id, &areas); err != nil {
			return err
		}
		for _, a := range strings.Split(areas, ",") {
			a = strings.TrimSpace(a)
			if found == 0 && a != "" && (a == ward || a == borough) {
				found = id
			}
		}
		return nil
	})
	return found, err
}

// complaint reads complaint id in the transaction.
func (t *tx) complaint(id int64) (Complaint, error) {
	c, err := scanComplaint(t.queryRow(`SELECT `+complaintCols+complaintFrom+` WHERE c.id = $1`, id))
	if isNoRows(err) {
		return c, charter.Errorf(charter.ENOTFOUND, "no such complaint")
	}
	return c, err
}

// ReadComplaint returns complaint id with its history, and audits the
// read by by ("complaint.read") in the same transaction: it holds the
// complainant's words and contact.
func (s *Store) ReadComplaint(ctx context.Context, by Actor, id int64) (Complaint, []ComplaintEvent, error) {
	var c Complaint
	var evs []ComplaintEvent
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if c, err = t.complaint(id); err != nil {
			return err
		}
		evs = nil
		if err := t.query(`SELECT at, by_id, action, status, note FROM complaint_events WHERE complaint_id = $1 ORDER BY n`,
			func(sc scanner) error {
				var e ComplaintEvent
				var at int64
				var st string
				if err := sc.Scan(&at, &e.ByID, &e.Action, &st, &e.Note); err != nil {
					return err
				}
				e.At, e.Status = unix(at), charter.ComplaintStatus(st)
				evs = append(evs, e)
				return nil
			}, id); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "complaint.read", Subject: complaintSubject(id)})
	})
	return c, evs, err
}

// UpdateComplaint changes complaint id with change (given the complaint as
// stored; an error leaves it unchanged), records the step in its history
// as action with note, and audits it, in one transaction.
func (s *Store) UpdateComplaint(ctx context.Context, by Actor, id int64, at time.Time, action, note string, change func(*Complaint) error) (Complaint, error) {
	var c Complaint
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if c, err = t.complaint(id); err != nil {
			return err
		}
		before := complaintAudit(&c)
		if err := change(&c); err != nil {
			return err
		}
		c.Updated = at
		if _, err := t.exec(`UPDATE complaints SET status = $1, category = $2, assignee_id = $3, outcome = $4, learning = $5,
			released_at = $6, decided_at = $7, closed_at = $8, due_close = $9, updated_at = $10 WHERE id = $11`,
			string(c.Status), string(c.Category), c.AssigneeID, string(c.Outcome), c.Learning, unixOrZero(c.Released),
			unixOrZero(c.Decided), unixOrZero(c.Closed), unixOrZero(c.DueClose), at.Unix(), id); err != nil {
			return err
		}
		if err := t.complaintEvent(id, by.ID, at, action, c.Status, note); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, At: at, Action: "complaint." + action,
			Subject: complaintSubject(id), Before: before, After: complaintAudit(&c)})
	})
	return c, err
}

// ComplaintFilter chooses complaints to list.
type ComplaintFilter struct {
	Force string // "" every force
	// Open lists only complaints not closed.
	Open bool
	// Officer lists the complaints about this officer's records that have
	// been released to them (0: no such restriction).
	Officer int64
	Limit   int // default 500
}

// Complaints lists complaints, oldest lodged first. It is a list for the
// complaints team's queue and the officer's page; the service decides what
// each sees of it.
func (s *Store) Complaints(ctx context.Context, f ComplaintFilter) ([]Complaint, error) {
	var w conds
	if f.Force != "" {
		w.add("c.force = $%d", f.Force)
	}
	if f.Open {
		w.add("c.status <> $%d", string(charter.ComplaintClosed))
	}
	if f.Officer != 0 {
		w.add("r.officer_id = $%d AND c.released_at > 0", f.Officer)
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	q := `SELECT ` + complaintCols + complaintFrom + w.where()
	w.args = append(w.args, f.Limit)
	q += fmt.Sprintf(` ORDER BY c.lodged_at, c.id LIMIT $%d`, len(w.args))
	var out []Complaint
	err := s.readRows(ctx, q, func(sc scanner) error {
		c, err := scanComplaint(sc)
		out = append(out, c)
		return err
	}, w.args...)
	return out, err
}

// conds are the conditions of a WHERE clause and their arguments, each
// condition's placeholder numbered as it is added.
type conds struct {
	list []string
	args []any
}

func (c *conds) add(cond string, v any) {
	c.args = append(c.args, v)
	c.list = append(c.list, fmt.Sprintf(cond, len(c.args)))
}

// where is the clause, "" without conditions.
func (c *conds) where() string {
	if len(c.list) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.list, " AND ")
}

// readRows runs a query on the read pool and calls fn for each row.
func (s *Store) readRows(ctx context.Context, q string, fn func(scanner) error, args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

const triggerCols = `id, force, borough, ward, window_start, fired_at, count, complaint_refs, panel_id,
	explanation_required_at, explanation_required_by, explanation, explained_at, explained_by, published`

func scanTrigger(sc scanner) (Trigger, error) {
	var tr Trigger
	var ws, fired, req, expl, pub int64
	var refs string
	if err := sc.Scan(&tr.ID, &tr.Force, &tr.Borough, &tr.Ward, &ws, &fired, &tr.Count, &refs, &tr.PanelID, &req,
		&tr.RequiredBy, &tr.Explanation, &expl, &tr.ExplainedBy, &pub); err != nil {
		return tr, err
	}
	tr.WindowStart, tr.Fired, tr.RequiredAt, tr.ExplainedAt, tr.Published = unix(ws), unix(fired), timeOrZero(req), timeOrZero(expl), pub != 0
	if refs != "" {
		tr.Complaints = strings.Split(refs, ",")
	}
	return tr, nil
}

// TriggerFilter chooses community triggers to list.
type TriggerFilter struct {
	Area    string // a ward or borough code; "" every area
	Force   string // "" every force
	PanelID int64  // 0: any panel
}

// Triggers lists community triggers, newest first.
func (s *Store) Triggers(ctx context.Context, f TriggerFilter) ([]Trigger, error) {
	var w conds
	if f.Area != "" {
		w.add("(ward = $%[1]d OR borough = $%[1]d)", f.Area)
	}
	if f.Force != "" {
		w.add("force = $%d", f.Force)
	}
	if f.PanelID != 0 {
		w.add("panel_id = $%d", f.PanelID)
	}
	var out []Trigger
	err := s.readRows(ctx, `SELECT `+triggerCols+` FROM community_triggers`+w.where()+` ORDER BY fired_at DESC, id DESC`, func(sc scanner) error {
		tr, err := scanTrigger(sc)
		out = append(out, tr)
		return err
	}, w.args...)
	return out, err
}

// ReadTrigger returns community trigger id.
func (s *Store) ReadTrigger(ctx context.Context, id int64) (Trigger, error) {
	tr, err := scanTrigger(s.db.QueryRowContext(ctx, `SELECT `+triggerCols+` FROM community_triggers WHERE id = $1`, id))
	if isNoRows(err) {
		return tr, charter.Errorf(charter.ENOTFOUND, "no such community trigger")
	}
	return tr, err
}

// UpdateTrigger changes trigger id with change and audits it as
// "trigger."+action, in one transaction.
func (s *Store) UpdateTrigger(ctx context.Context, by Actor, id int64, at time.Time, action string, change func(*Trigger) error) (Trigger, error) {
	var tr Trigger
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if tr, err = scanTrigger(t.queryRow(`SELECT `+triggerCols+` FROM community_triggers WHERE id = $1`, id)); err != nil {
			if isNoRows(err) {
				return charter.Errorf(charter.ENOTFOUND, "no such community trigger")
			}
			return err
		}
		before := triggerAudit(&tr)
		if err := change(&tr); err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE community_triggers SET explanation_required_at = $1, explanation_required_by = $2,
			explanation = $3, explained_at = $4, explained_by = $5, published = $6 WHERE id = $7`,
			unixOrZero(tr.RequiredAt), tr.RequiredBy, tr.Explanation, unixOrZero(tr.ExplainedAt), tr.ExplainedBy, boolInt(tr.Published), id); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, At: at, Action: "trigger." + action,
			Subject: triggerSubject(id), Before: before, After: triggerAudit(&tr)})
	})
	return tr, err
}

// ComplaintCount is the complaints lodged in one area and month.
type ComplaintCount struct {
	Month   charter.Month
	Borough string
	// Lodged are all complaints lodged; Linked those about a recorded
	// search (lodged from its receipt); Decided those whose outcome is
	// decided; Upheld those of Decided that were upheld.
	Lodged, Linked, Decided, Upheld int
}

// ComplaintCounts counts complaints lodged in area (a force id, a borough
// or a ward code) in the months from to to, by month and borough. Only
// counts leave the store: no complaint, no person.
func (s *Store) ComplaintCounts(ctx context.Context, area string, from, to charter.Month) ([]ComplaintCount, error) {
	col := "force"
	if lv, ok := charter.LevelOfCode(area); ok {
		switch lv {
		case charter.LevelBorough:
			col = "borough"
		case charter.LevelWard:
			col = "ward"
		default:
			return nil, charter.Errorf(charter.EINVALID, "complaint figures are for a force, a borough or a ward, not for %s", area)
		}
	}
	var out []ComplaintCount
	err := s.readRows(ctx, `SELECT month, borough, COUNT(*),
		SUM(CASE WHEN record_id IS NULL THEN 0 ELSE 1 END),
		SUM(CASE WHEN decided_at > 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN decided_at > 0 AND outcome = $4 THEN 1 ELSE 0 END)
		FROM complaints WHERE `+col+` = $1 AND month >= $2 AND month <= $3 GROUP BY month, borough ORDER BY month, borough`,
		func(sc scanner) error {
			var c ComplaintCount
			var m int
			if err := sc.Scan(&m, &c.Borough, &c.Lodged, &c.Linked, &c.Decided, &c.Upheld); err != nil {
				return err
			}
			c.Month = charter.MonthFromYYYYMM(m)
			out = append(out, c)
			return nil
		}, area, from.YYYYMM(), to.YYYYMM(), string(charter.OutcomeUpheld))
	return out, err
}

// ComplainedRecords says which of the records ids have a complaint about
// them (any status, released or not). Supervision uses it to put every
// complained-of record in the supervisor's review queue (S1).
func (s *Store) ComplainedRecords(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for chunk := range slices.Chunk(ids, 500) {
		ph := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		err := s.readRows(ctx, `SELECT DISTINCT record_id FROM complaints WHERE record_id IN (`+strings.Join(ph, ",")+`)`,
			func(sc scanner) error {
				var id int64
				err := sc.Scan(&id)
				out[id] = true
				return err
			}, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ComplaintsByOfficer counts, for each officer, the complaints about their
// records of searches made in the months from to to (the month of the
// search, so a count sits beside the searches of the same months; released
// or not). Officers without a complaint are absent. Training uses it to
// compare officers before and after a course (S4).
func (s *Store) ComplaintsByOfficer(ctx context.Context, force string, from, to charter.Month) (map[int64]int, error) {
	out := map[int64]int{}
	err := s.readRows(ctx, `SELECT r.officer_id, COUNT(*) FROM complaints c JOIN records r ON r.id = c.record_id
		WHERE r.force = $1 AND r.month >= $2 AND r.month <= $3 GROUP BY r.officer_id`,
		func(sc scanner) error {
			var id int64
			var n int
			err := sc.Scan(&id, &n)
			out[id] = n
			return err
		}, force, from.YYYYMM(), to.YYYYMM())
	return out, err
}
