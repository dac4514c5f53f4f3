package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

func deploymentSubject(id int64) string { return fmt.Sprintf("deployment:%d", id) }

func deploymentJSON(d *charter.Deployment) string {
	b, _ := json.Marshal(struct {
		*charter.Deployment
		PlannedBy int64 `json:"planned_by"`
	}{d, d.PlannedBy})
	return string(b)
}

// InsertDeployment stores a plan as a draft, audited as
// "deployment.create". Ward codes not stored as wards are refused, naming
// the field.
func (s *Store) InsertDeployment(ctx context.Context, by Actor, d charter.Deployment) (charter.Deployment, error) {
	ev, err := json.Marshal(d.Evidence)
	if err != nil {
		return d, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		for _, w := range d.Wards {
			var n int
			if err := t.queryRow(`SELECT count(*) FROM areas WHERE level = 'ward' AND code = $1`, w).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return charter.Invalid(charter.FieldErrors{{Field: "wards", Value: w, Reason: "not a ward code: " + w}})
			}
		}
		d.Created, d.Published, d.KindName = Now().UTC().Truncate(time.Second), nil, charter.DeploymentKinds[d.Kind]
		if err := t.queryRow(`INSERT INTO deployments (force, kind, title, wards, start_at, end_at, why, evidence, respond, planned_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			d.Force, d.Kind, d.Title, strings.Join(d.Wards, ","), d.Start.Unix(), d.End.Unix(), d.Why, string(ev), d.Respond, d.PlannedBy,
			d.Created.Unix()).Scan(&d.ID); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "deployment.create", Subject: deploymentSubject(d.ID), After: deploymentJSON(&d)})
	})
	return d, err
}

// PublishDeployment publishes a draft after check accepts it as stored,
// audited as "deployment.publish".
func (s *Store) PublishDeployment(ctx context.Context, by Actor, id int64, check func(*charter.Deployment) error) (charter.Deployment, error) {
	var d charter.Deployment
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if d, err = scanDeployment(t.queryRow(`SELECT `+deploymentCols+` FROM deployments WHERE id = $1`, id)); isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "no deployment %d", id)
		} else if err != nil {
			return err
		}
		if err := check(&d); err != nil {
			return err
		}
		before := deploymentJSON(&d)
		now := Now().UTC().Truncate(time.Second)
		if _, err := t.exec(`UPDATE deployments SET published_at = $1 WHERE id = $2`, now.Unix(), id); err != nil {
			return err
		}
		d.Published = &now
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "deployment.publish", Subject: deploymentSubject(id), Before: before, After: deploymentJSON(&d)})
	})
	return d, err
}

const deploymentCols = `id, force, kind, title, wards, start_at, end_at, why, evidence, respond, planned_by, published_at, created_at`

func scanDeployment(sc scanner) (charter.Deployment, error) {
	var d charter.Deployment
	var wards, ev string
	var start, end, created int64
	var published sql.NullInt64
	if err := sc.Scan(&d.ID, &d.Force, &d.Kind, &d.Title, &wards, &start, &end, &d.Why, &ev, &d.Respond, &d.PlannedBy, &published, &created); err != nil {
		return d, err
	}
	if wards != "" {
		d.Wards = strings.Split(wards, ",")
	}
	d.KindName = charter.DeploymentKinds[d.Kind]
	d.Start, d.End, d.Created = unix(start), unix(end), unix(created)
	if published.Valid {
		p := unix(published.Int64)
		d.Published = &p
	}
	if err := json.Unmarshal([]byte(ev), &d.Evidence); err != nil {
		return d, fmt.Errorf("deployment %d evidence: %w", d.ID, err)
	}
	return d, nil
}

// Deployment reads one plan, draft or published.
func (s *Store) Deployment(ctx context.Context, id int64) (charter.Deployment, error) {
	d, err := scanDeployment(s.db.QueryRowContext(ctx, `SELECT `+deploymentCols+` FROM deployments WHERE id = $1`, id))
	if isNoRows(err) {
		return d, charter.Errorf(charter.ENOTFOUND, "no deployment %d", id)
	}
	return d, err
}

// DeploymentFilter narrows a list of plans.
type DeploymentFilter struct {
	Force string // "" for every force
	// Published leaves drafts out.
	Published bool
	// Ward keeps plans that include one of these wards (none: every plan).
	Wards []string
	// Overlapping keeps plans whose period overlaps [From, To) (zero: any).
	From, To time.Time
}

// Deployments lists plans newest start first.
func (s *Store) Deployments(ctx context.Context, f DeploymentFilter) ([]charter.Deployment, error) {
	q := `SELECT ` + deploymentCols + ` FROM deployments WHERE ($1 = '' OR force = $1) AND ($2 = 0 OR published_at IS NOT NULL)
		AND ($3 = 0 OR end_at > $3) AND ($4 = 0 OR start_at < $4) ORDER BY start_at DESC, id DESC`
	rows, err := s.db.QueryContext(ctx, q, f.Force, boolInt(f.Published), unixOrZero(f.From), unixOrZero(f.To))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, w := range f.Wards {
		want[w] = true
	}
	var out []charter.Deployment
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return nil, err
		}
		if len(want) > 0 && !anyIn(d.Wards, want) {
			continue
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func anyIn(xs []string, set map[string]bool) bool {
	for _, x := range xs {
		if set[x] {
			return true
		}
	}
	return false
}

func commentSubject(id int64) string { return fmt.Sprintf("deployment-comment:%d", id) }

// InsertDeploymentComment stores a resident's comment as pending, audited
// as "deployment.comment" by the public; a comment on a plan that is not
// published is refused.
func (s *Store) InsertDeploymentComment(ctx context.Context, deployment int64, body string) (charter.DeploymentComment, error) {
	c := charter.DeploymentComment{DeploymentID: deployment, Body: body, Status: charter.CommentPending}
	err := s.inTx(ctx, func(t *tx) error {
		var published sql.NullInt64
		if err := t.queryRow(`SELECT published_at FROM deployments WHERE id = $1`, deployment).Scan(&published); isNoRows(err) || err == nil && !published.Valid {
			return charter.Errorf(charter.ENOTFOUND, "no deployment %d", deployment)
		} else if err != nil {
			return err
		}
		c.Created = Now().UTC().Truncate(time.Second)
		if err := t.queryRow(`INSERT INTO deployment_comments (deployment_id, body, status, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			deployment, body, c.Status, c.Created.Unix()).Scan(&c.ID); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{Actor: "public", Action: "deployment.comment", Subject: commentSubject(c.ID),
			After: fmt.Sprintf(`{"deployment":%d,"status":%q}`, deployment, c.Status)})
	})
	return c, err
}

// UpdateDeploymentComment changes a comment after check accepts it as
// stored: a moderator's decision (status) or the police's answer, audited
// as action.
func (s *Store) UpdateDeploymentComment(ctx context.Context, by Actor, id int64, action string, check func(*charter.DeploymentComment, *charter.Deployment) error, change func(*charter.DeploymentComment)) (charter.DeploymentComment, error) {
	var c charter.DeploymentComment
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		if c, err = scanComment(t.queryRow(`SELECT `+commentCols+` FROM deployment_comments WHERE id = $1`, id)); isNoRows(err) {
			return charter.Errorf(charter.ENOTFOUND, "no comment %d", id)
		} else if err != nil {
			return err
		}
		d, err := scanDeployment(t.queryRow(`SELECT `+deploymentCols+` FROM deployments WHERE id = $1`, c.DeploymentID))
		if err != nil {
			return err
		}
		if err := check(&c, &d); err != nil {
			return err
		}
		before := commentState(&c)
		change(&c)
		var answeredAt any
		if c.AnsweredAt != nil {
			answeredAt = c.AnsweredAt.Unix()
		}
		var moderated, answered any
		if action == "deployment.moderate" {
			moderated = by.ID
		}
		if action == "deployment.answer" {
			answered = by.ID
		}
		if _, err := t.exec(`UPDATE deployment_comments SET status = $1, answer = $2, answered_at = $3,
			moderated_by = COALESCE($4, moderated_by), answered_by = COALESCE($5, answered_by) WHERE id = $6`,
			c.Status, c.Answer, answeredAt, moderated, answered, id); err != nil {
			return err
		}
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: action, Subject: commentSubject(id), Before: before, After: commentState(&c)})
	})
	return c, err
}

func commentState(c *charter.DeploymentComment) string {
	b, _ := json.Marshal(map[string]any{"deployment": c.DeploymentID, "status": c.Status, "answer": c.Answer})
	return string(b)
}

const commentCols = `id, deployment_id, body, status, created_at, answer, answered_at`

func scanComment(sc scanner) (charter.DeploymentComment, error) {
	var c charter.DeploymentComment
	var created int64
	var answered sql.NullInt64
	if err := sc.Scan(&c.ID, &c.DeploymentID, &c.Body, &c.Status, &created, &c.Answer, &answered); err != nil {
		return c, err
	}
	c.Created = unix(created)
	if answered.Valid {
		a := unix(answered.Int64)
		c.AnsweredAt = &a
	}
	return c, nil
}

// DeploymentComments lists a plan's comments oldest first: only approved
// ones when approvedOnly, every one otherwise (for moderators).
func (s *Store) DeploymentComments(ctx context.Context, deployment int64, approvedOnly bool) ([]charter.DeploymentComment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+commentCols+` FROM deployment_comments
		WHERE deployment_id = $1 AND ($2 = 0 OR status = 'approved') ORDER BY id`, deployment, boolInt(approvedOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.DeploymentComment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
