package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// The store of training (S4): courses, completions, and the facts of
// officers' first-hand searches the training report compares.

func courseSubject(id int64) string { return fmt.Sprintf("training_course:%d", id) }

// CreateCourse stores a new course (charter.CheckCourse), audited
// "training.course_create". A name already taken is a conflict.
func (s *Store) CreateCourse(ctx context.Context, by Actor, c *charter.Course) error {
	if err := charter.CheckCourse(c); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error { return t.createCourse(by, c) })
}

func (t *tx) createCourse(by Actor, c *charter.Course) error {
	c.Created = Now().UTC().Truncate(time.Second)
	err := t.queryRow(`INSERT INTO training_courses (name, description, created_at) VALUES ($1, $2, $3) RETURNING id`,
		c.Name, c.Description, c.Created.Unix()).Scan(&c.ID)
	if charter.ErrorCode(err) == charter.ECONFLICT {
		return &charter.Error{Code: charter.ECONFLICT, Message: fmt.Sprintf("there is already a course called %q", c.Name), Err: err}
	}
	if err != nil {
		return err
	}
	after, _ := json.Marshal(c)
	return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "training.course_create", Subject: courseSubject(c.ID), After: string(after)})
}

// Courses lists the courses by name.
func (s *Store) Courses(ctx context.Context) ([]charter.Course, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, description, created_at FROM training_courses ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Course
	for rows.Next() {
		var c charter.Course
		var at int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Description, &at); err != nil {
			return nil, err
		}
		c.Created = unix(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CourseByName returns the course called name.
func (s *Store) CourseByName(ctx context.Context, name string) (*charter.Course, error) {
	var c charter.Course
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT id, name, description, created_at FROM training_courses WHERE name = $1`,
		strings.Join(strings.Fields(name), " ")).Scan(&c.ID, &c.Name, &c.Description, &at)
	if isNoRows(err) {
		return nil, charter.Errorf(charter.ENOTFOUND, "there is no course called %q", name)
	}
	c.Created = unix(at)
	return &c, err
}

// CompletionRow is one completion to store, by names as a form or a file
// gives them; Line is its line in the file (0 for a form).
type CompletionRow struct {
	Line    int
	Officer string // sign-in name
	Course  string
	Date    string // YYYY-MM-DD
}

// RowError is one problem of one row: its line and field.
type RowError struct {
	Line   int
	Field  string
	Reason string
}

// RowErrors are every problem of the rows of an import (EFIELDS when
// wrapped by charter.Invalid is not enough: each names its line).
type RowErrors []RowError

func (re RowErrors) Error() string {
	msgs := make([]string, len(re))
	for i, e := range re {
		msgs[i] = fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
	}
	return strings.Join(msgs, "; ")
}

// AddCompletions stores rows in one transaction, all or nothing: every
// row's officer (an officer or supervisor, by sign-in name), course (by
// name; created when newCourses, else it must exist) and day (not in the
// future) is checked first, and any problem stores nothing and comes back
// as RowErrors inside an EFIELDS error. A completion already stored is
// not stored twice. Audited "training.completion" per completion, and
// "training.course_create" per course created. It returns how many
// completions were new.
func (s *Store) AddCompletions(ctx context.Context, by Actor, rows []CompletionRow, newCourses bool) (int, error) {
	if len(rows) == 0 {
		return 0, charter.Errorf(charter.EINVALID, "there are no completions to record")
	}
	added := 0
	err := s.inTx(ctx, func(t *tx) error {
		var bad RowErrors
		officers := map[string]*charter.User{}
		courses := map[string]int64{}
		today := Now().UTC()
		type row struct {
			officer *charter.User
			course  string
			day     time.Time
		}
		var ok []row
		for _, r := range rows {
			var rw row
			good := true
			name := strings.TrimSpace(r.Officer)
			u, seen := officers[name]
			if !seen {
				u, _ = scanUser(t.queryRow(`SELECT `+userCols+` FROM users u WHERE u.name = $1`, name))
				officers[name] = u
			}
			switch {
			case name == "":
				bad, good = append(bad, RowError{r.Line, "officer", "the officer's sign-in name is missing"}), false
			case u == nil:
				bad, good = append(bad, RowError{r.Line, "officer", fmt.Sprintf("there is no user called %q", name)}), false
			case u.Role != charter.RoleOfficer && u.Role != charter.RoleSupervisor:
				bad, good = append(bad, RowError{r.Line, "officer", fmt.Sprintf("%q is not an officer or a supervisor", name)}), false
			}
			rw.officer = u
			c := &charter.Course{Name: r.Course}
			if err := charter.CheckCourse(c); err != nil {
				bad, good = append(bad, RowError{r.Line, "course", "the course's name is missing or longer than 100 characters"}), false
			} else if _, seen := courses[c.Name]; !seen {
				var id int64
				err := t.queryRow(`SELECT id FROM training_courses WHERE name = $1`, c.Name).Scan(&id)
				switch {
				case err == nil:
					courses[c.Name] = id
				case !isNoRows(err):
					return err
				case !newCourses:
					bad, good = append(bad, RowError{r.Line, "course", fmt.Sprintf("there is no course called %q", c.Name)}), false
				default:
					courses[c.Name] = 0 // created below, once
				}
			}
			rw.course = c.Name
			day, err := charter.ParseDay(r.Date)
			switch {
			case err != nil:
				bad, good = append(bad, RowError{r.Line, "date", fmt.Sprintf("%q is not a day written YYYY-MM-DD", r.Date)}), false
			case day.After(today):
				bad, good = append(bad, RowError{r.Line, "date", fmt.Sprintf("%s is in the future", r.Date)}), false
			}
			rw.day = day
			if good {
				ok = append(ok, rw)
			}
		}
		if len(bad) > 0 {
			return &charter.Error{Code: charter.EFIELDS, Message: bad.Error(), Err: bad}
		}
		for name, id := range courses {
			if id == 0 {
				c := &charter.Course{Name: name}
				if err := t.createCourse(by, c); err != nil {
					return err
				}
				courses[name] = c.ID
			}
		}
		now := Now().Unix()
		for _, r := range ok {
			cid := courses[r.course]
			n, err := t.exec(`INSERT INTO training_completions (officer_id, course_id, completed_on, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (officer_id, course_id, completed_on) DO NOTHING`, r.officer.ID, cid, r.day.Unix(), now)
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			added++
			after, _ := json.Marshal(map[string]any{"officer_id": r.officer.ID, "course_id": cid, "date": r.day.Format(time.DateOnly)})
			if err := t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "training.completion", Subject: userSubject(r.officer.ID), After: string(after)}); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// Completions lists the completions of a course (0: every course), latest
// first, with the officers' sign-in names, at most limit.
func (s *Store) Completions(ctx context.Context, courseID int64, limit int) ([]charter.Completion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.officer_id, u.name, c.course_id, k.name, c.completed_on, c.created_at
		FROM training_completions c JOIN users u ON u.id = c.officer_id JOIN training_courses k ON k.id = c.course_id
		WHERE ($1 = 0 OR c.course_id = $1) ORDER BY c.completed_on DESC, c.id DESC LIMIT $2`, courseID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []charter.Completion
	for rows.Next() {
		var c charter.Completion
		var on, at int64
		if err := rows.Scan(&c.ID, &c.OfficerID, &c.Officer, &c.CourseID, &c.Course, &on, &at); err != nil {
			return nil, err
		}
		c.Date, c.Created = unix(on), unix(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// FirstCompletions maps each officer who completed course id to the day
// of their first completion.
func (s *Store) FirstCompletions(ctx context.Context, courseID int64) (map[int64]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT officer_id, MIN(completed_on) FROM training_completions WHERE course_id = $1 GROUP BY officer_id`, courseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, on int64
		if err := rows.Scan(&id, &on); err != nil {
			return nil, err
		}
		out[id] = unix(on)
	}
	return out, rows.Err()
}

// SearchFacts are what the training report counts of one first-hand
// search: whose, when, where, its outcome and the survey's answers.
type SearchFacts struct {
	OfficerID int64
	At        time.Time
	Month     charter.Month
	Borough   string
	Arrest    bool
	// Linked is whether the outcome was linked to the object of the
	// search: nil when not recorded.
	Linked *bool
	// Feedback is the mean of the survey's answered questions (1–5), nil
	// without an answer.
	Feedback *float64
}

// SearchFactsOf lists the facts of every first-hand search of a force, by
// time. Reading the records for an aggregate report is audited once, as
// "records.read_aggregate" with what for.
func (s *Store) SearchFactsOf(ctx context.Context, by Actor, force, purpose string) ([]SearchFacts, error) {
	var out []SearchFacts
	err := s.inTx(ctx, func(t *tx) error {
		err := t.query(`SELECT r.officer_id, r.searched_at, r.month, r.borough, r.body,
			COALESCE(f.listened, 0), COALESCE(f.explained, 0), COALESCE(f.respect, 0), COALESCE(f.debriefed, 0), COALESCE(f.trust, 0)
			FROM records r LEFT JOIN feedback f ON f.record_id = r.id WHERE r.force = $1 ORDER BY r.searched_at, r.id`,
			func(sc scanner) error {
				var f SearchFacts
				var at int64
				var month int
				var body string
				var scores [5]int
				if err := sc.Scan(&f.OfficerID, &at, &month, &f.Borough, &body, &scores[0], &scores[1], &scores[2], &scores[3], &scores[4]); err != nil {
					return err
				}
				var r charter.Record
				if err := json.Unmarshal([]byte(body), &r); err != nil {
					return err
				}
				f.At, f.Month = unix(at), charter.MonthFromYYYYMM(month)
				f.Arrest, f.Linked = r.Outcome == "Arrest", r.OutcomeLinkedToObjectOfSearch
				sum, n := 0, 0
				for _, v := range scores {
					if v > 0 {
						sum, n = sum+v, n+1
					}
				}
				if n > 0 {
					m := float64(sum) / float64(n)
					f.Feedback = &m
				}
				out = append(out, f)
				return nil
			}, force)
		if err != nil {
			return err
		}
		after, _ := json.Marshal(map[string]any{"force": force, "purpose": purpose, "records": len(out)})
		return t.audit(&charter.AuditEvent{ActorID: by.ID, Actor: by.Name, Action: "records.read_aggregate", Subject: "records:" + force, After: string(after)})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}
