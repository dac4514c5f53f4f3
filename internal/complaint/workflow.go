package complaint

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

// Item is a complaint in the complaints team's queue: no words, no
// contact, so a list can be shown without reading each complaint.
type Item struct {
	ID        int64
	Reference string
	Lodged    time.Time
	Status    charter.ComplaintStatus
	Category  charter.ComplaintCategory
	Ward      string
	Borough   string
	Linked    bool // about a recorded search
	Released  bool
	Assignee  string
	// Overdue are the time limits it has passed.
	Overdue []charter.TimeLimit
}

// Case is one complaint as its handler sees it: everything, the
// complainant's contact included, with its history.
type Case struct {
	store.Complaint
	Events   []store.ComplaintEvent
	Overdue  []charter.TimeLimit
	Assignee string
	// Deadlines are the time limits with their deadlines, in order.
	Deadlines []Deadline
}

// Deadline is one time limit of a complaint and when it falls.
type Deadline struct {
	charter.TimeLimit
	Due time.Time
	Met bool // the stage was reached
}

func (s *Service) manager(u *charter.User) error {
	if !u.Can(charter.PermComplaintsManage) {
		return forbidden("complaints are handled by the complaints team")
	}
	return nil
}

// Queue lists the open complaints of the user's force, oldest first, with
// the time limits each has passed.
func (s *Service) Queue(ctx context.Context, u *charter.User) ([]Item, error) {
	if err := s.manager(u); err != nil {
		return nil, err
	}
	cs, err := s.st.Complaints(ctx, store.ComplaintFilter{Force: u.Force, Open: true})
	if err != nil {
		return nil, err
	}
	names := s.userNames(ctx)
	now := s.opts.Now()
	out := make([]Item, 0, len(cs))
	for _, c := range cs {
		out = append(out, Item{ID: c.ID, Reference: c.Reference, Lodged: c.Lodged, Status: c.Status, Category: c.Category,
			Ward: c.Ward, Borough: c.Borough, Linked: c.RecordID != 0, Released: !c.Released.IsZero(),
			Assignee: names[c.AssigneeID], Overdue: s.opts.Limits.Overdue(c.Status, c.Lodged, c.Decided, now)})
	}
	return out, nil
}

// Overdue lists the open complaints that have passed a time limit.
func (s *Service) Overdue(ctx context.Context, u *charter.User) ([]Item, error) {
	q, err := s.Queue(ctx, u)
	var out []Item
	for _, it := range q {
		if len(it.Overdue) > 0 {
			out = append(out, it)
		}
	}
	return out, err
}

// userNames maps user ids to names (empty on a failure: the queue still
// shows).
func (s *Service) userNames(ctx context.Context) map[int64]string {
	m := map[int64]string{}
	us, err := s.st.Users(ctx)
	if err != nil {
		return m
	}
	for _, u := range us {
		m[u.ID] = u.Name
	}
	return m
}

// Handlers are the users a complaint may be assigned to: the complaints
// team of the user's force.
func (s *Service) Handlers(ctx context.Context, u *charter.User) ([]charter.User, error) {
	if err := s.manager(u); err != nil {
		return nil, err
	}
	us, err := s.st.Users(ctx)
	var out []charter.User
	for _, h := range us {
		if h.Role == charter.RoleComplaints && !h.Disabled && (u.Force == "" || h.Force == u.Force) {
			out = append(out, h)
		}
	}
	return out, err
}

// Case reads complaint id for its handler (an audited read of personal
// data). A complaint of another force is not found.
func (s *Service) Case(ctx context.Context, u *charter.User, id int64) (Case, error) {
	if err := s.manager(u); err != nil {
		return Case{}, err
	}
	c, evs, err := s.st.ReadComplaint(ctx, store.ActorOf(u), id)
	if err != nil {
		return Case{}, err
	}
	if u.Force != "" && c.Force != u.Force {
		return Case{}, charter.Errorf(charter.ENOTFOUND, "no such complaint")
	}
	cs := Case{Complaint: c, Events: evs, Overdue: s.opts.Limits.Overdue(c.Status, c.Lodged, c.Decided, s.opts.Now())}
	cs.Assignee = s.userNames(ctx)[c.AssigneeID]
	l := s.opts.Limits
	for _, d := range []struct {
		l   charter.TimeLimit
		due time.Time
	}{{l.Triage, c.DueTriage}, {l.Assign, c.DueAssign}, {l.Outcome, c.DueOutcome}, {l.Statutory, c.DueStatutory}, {l.Close, c.DueClose}} {
		if d.due.IsZero() {
			continue
		}
		cs.Deadlines = append(cs.Deadlines, Deadline{TimeLimit: d.l, Due: d.due, Met: stageReached(c.Status, d.l.Stage)})
	}
	return cs, nil
}

// stageReached reports whether a complaint at status has reached stage
// (or passed it by, as a complaint decided at triage passes assignment).
func stageReached(status, stage charter.ComplaintStatus) bool {
	return status == stage || rank(status) > rank(stage)
}

func rank(st charter.ComplaintStatus) int {
	for i, s := range charter.ComplaintStatuses {
		if s == st {
			return i
		}
	}
	return -1
}

// step moves complaint id to status to with change, as action.
func (s *Service) step(ctx context.Context, u *charter.User, id int64, to charter.ComplaintStatus, action, note string,
	change func(*store.Complaint) error) error {
	if err := s.manager(u); err != nil {
		return err
	}
	if utf8.RuneCountInString(note) > MaxText {
		return charter.Invalid(charter.FieldErrors{{Field: "note", Reason: "a note is limited to 5,000 characters"}})
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	_, err := s.st.UpdateComplaint(ctx, store.ActorOf(u), id, now, action, strings.TrimSpace(note), func(c *store.Complaint) error {
		if u.Force != "" && c.Force != u.Force {
			return charter.Errorf(charter.ENOTFOUND, "no such complaint")
		}
		if to != "" {
			if !c.Status.CanMoveTo(to) {
				return charter.Errorf(charter.ECONFLICT, "a complaint that is %s cannot be marked %s", c.Status.Label(), to.Label())
			}
			c.Status = to
		}
		if change != nil {
			return change(c)
		}
		return nil
	})
	return err
}

// Triage gives a received complaint its category.
func (s *Service) Triage(ctx context.Context, u *charter.User, id int64, category, note string) error {
	cat, ok := charter.ParseComplaintCategory(category)
	if !ok {
		return charter.Invalid(charter.FieldErrors{{Field: "category", Reason: "choose what the complaint is about"}})
	}
	return s.step(ctx, u, id, charter.ComplaintTriaged, "triage", note, func(c *store.Complaint) error {
		c.Category = cat
		return nil
	})
}

// Assign gives a triaged complaint to a handler of the complaints team.
func (s *Service) Assign(ctx context.Context, u *charter.User, id, handler int64) error {
	h, err := s.st.UserByID(ctx, handler)
	if err != nil || h.Role != charter.RoleComplaints || h.Disabled || u.Force != "" && h.Force != u.Force {
		return charter.Invalid(charter.FieldErrors{{Field: "assignee", Reason: "choose a handler from the complaints team"}})
	}
	return s.step(ctx, u, id, charter.ComplaintAssigned, "assign", "", func(c *store.Complaint) error {
		c.AssigneeID = h.ID
		return nil
	})
}

// Investigate marks an assigned complaint as being investigated.
func (s *Service) Investigate(ctx context.Context, u *charter.User, id int64, note string) error {
	return s.step(ctx, u, id, charter.ComplaintInvestigating, "investigate", note, nil)
}

// Decide writes a complaint's outcome and what the force learned from it.
// Learning is required unless the complaint was withdrawn: even a
// complaint not upheld can teach something.
func (s *Service) Decide(ctx context.Context, u *charter.User, id int64, outcome, learning string) error {
	var fe charter.FieldErrors
	o, ok := charter.ParseComplaintOutcome(outcome)
	if !ok {
		fe = append(fe, charter.FieldError{Field: "outcome", Reason: "choose the outcome"})
	}
	learning = strings.TrimSpace(learning)
	switch {
	case learning == "" && o != charter.OutcomeWithdrawn:
		fe = append(fe, charter.FieldError{Field: "learning", Reason: "say what was learned, for the officer and the force"})
	case utf8.RuneCountInString(learning) > MaxText:
		fe = append(fe, charter.FieldError{Field: "learning", Reason: "the learning is limited to 5,000 characters"})
	}
	if err := charter.Invalid(fe); err != nil {
		return err
	}
	now := s.opts.Now().UTC().Truncate(time.Second)
	return s.step(ctx, u, id, charter.ComplaintDecided, "decide", "", func(c *store.Complaint) error {
		c.Outcome, c.Learning, c.Decided, c.DueClose = o, learning, now, s.opts.Limits.Close.Deadline(now)
		return nil
	})
}

// Close closes a decided complaint once the complainant has been told.
func (s *Service) Close(ctx context.Context, u *charter.User, id int64, note string) error {
	now := s.opts.Now().UTC().Truncate(time.Second)
	return s.step(ctx, u, id, charter.ComplaintClosed, "close", note, func(c *store.Complaint) error {
		c.Closed = now
		return nil
	})
}

// Release lets the officer whose search a complaint is about see it (on
// their page, without the complainant's contact). The complaints team
// decides when: releasing early could let an officer approach the
// complainant or shape their account.
func (s *Service) Release(ctx context.Context, u *charter.User, id int64) error {
	now := s.opts.Now().UTC().Truncate(time.Second)
	return s.step(ctx, u, id, "", "release", "", func(c *store.Complaint) error {
		switch {
		case c.RecordID == 0:
			return charter.Errorf(charter.ECONFLICT, "this complaint is not linked to a recorded search, so there is no officer to release it to")
		case !c.Released.IsZero():
			return charter.Errorf(charter.ECONFLICT, "this complaint has already been released to the officer")
		}
		c.Released = now
		return nil
	})
}

// OfficerView is a released complaint as the officer sees it: what was
// said and decided, never who said it or how to reach them.
type OfficerView struct {
	Reference string
	RecordID  int64
	Lodged    time.Time
	Status    charter.ComplaintStatus
	Category  charter.ComplaintCategory
	Text      string
	Outcome   charter.ComplaintOutcome
	Learning  string
}

// Released lists the complaints about the officer's own searches that the
// complaints team has released to them, newest first (an audited read).
// What the complainant wrote reaches the officer with names and numbers
// redacted, as a panel's sample does, so that a complainant who named
// themselves or gave a number is not identified through it.
func (s *Service) Released(ctx context.Context, u *charter.User) ([]OfficerView, error) {
	if !u.Can(charter.PermRecordReadOwn) {
		return nil, forbidden("only officers see complaints about their searches")
	}
	cs, err := s.st.Complaints(ctx, store.ComplaintFilter{Officer: u.ID})
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	out := make([]OfficerView, 0, len(cs))
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		out = append(out, OfficerView{Reference: c.Reference, RecordID: c.RecordID, Lodged: c.Lodged, Status: c.Status,
			Category: c.Category, Text: charter.Redact(c.Text), Outcome: c.Outcome, Learning: c.Learning})
	}
	return out, s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "complaint.read_released",
		Subject: "user:" + strconv.FormatInt(u.ID, 10)})
}
