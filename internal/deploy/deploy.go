// Package deploy is ward engagement on deployments: planned focused
// searching published on the ward page before it starts, residents'
// moderated questions and the police's answers, and the plan shown beside
// what happened after it.
package deploy

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/store"
)

// Options tune the service; zero fields take the defaults.
type Options struct {
	Now func() time.Time // default time.Now
	Log *slog.Logger
	// Complaints counts the complaints about searches in wards made between
	// two times; nil until the complaints workflow provides it, and then
	// the outcome says complaints are not counted here.
	Complaints func(ctx context.Context, wards []string, from, to time.Time) (int, error)
}

// Service is the workflow's business logic over the store. Every change
// and every read of personal data is audited in the same transaction.
type Service struct {
	st   *store.Store
	rec  *record.Service
	opts Options
}

// New returns the service over st; rec is the encounter's record service
// (receipts, records and their places).
func New(st *store.Store, rec *record.Service, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Service{st: st, rec: rec, opts: opts}
}

// Now is the service's clock, for pages that say whether a plan has begun.
func (s *Service) Now() time.Time { return s.opts.Now() }

func forbidden(msg string) error { return charter.Errorf(charter.EFORBIDDEN, "%s", msg) }

// Plan is what a supervisor gives for a new plan.
type Plan struct {
	Kind, Title string
	Wards       []string
	Start, End  time.Time
	Why         string
	Respond     string
}

// Create stores u's plan as a draft of u's force, checked, with the
// precision figures of its wards attached as the evidence (fig: the
// published figures). Publish puts it on the ward pages.
func (s *Service) Create(ctx context.Context, u *charter.User, fig *public.Figures, p Plan) (charter.Deployment, error) {
	if !u.Can(charter.PermDeploymentPlan) {
		return charter.Deployment{}, forbidden("only supervisors plan deployments")
	}
	d := charter.Deployment{Force: u.Force, Kind: p.Kind, Title: strings.TrimSpace(p.Title), Wards: p.Wards,
		Start: p.Start.UTC().Truncate(time.Second), End: p.End.UTC().Truncate(time.Second),
		Why: strings.TrimSpace(p.Why), Respond: strings.TrimSpace(p.Respond), PlannedBy: u.ID}
	fe := charter.CheckDeployment(d, s.opts.Now())
	for _, w := range d.Wards {
		a, err := s.st.AreaByCode(ctx, w)
		if charter.ErrorCode(err) == charter.ENOTFOUND || err == nil && a.Level != charter.LevelWard {
			fe = append(fe, charter.FieldError{Field: "wards", Value: w, Reason: "not a ward code: " + w})
			continue
		} else if err != nil {
			return d, err
		}
		if f, _ := charter.BoroughForce(a.ParentCode); f != u.Force {
			fe = append(fe, charter.FieldError{Field: "wards", Value: w, Reason: "not a ward of the " + charter.ForceName(u.Force) + " area: " + a.Name})
		}
	}
	if err := charter.Invalid(fe); err != nil {
		return d, err
	}
	ev, err := Evidence(ctx, fig, d.Wards)
	if err != nil {
		return d, err
	}
	d.Evidence = ev
	return s.st.InsertDeployment(ctx, store.ActorOf(u), d)
}

// Publish publishes a draft of u's force on its wards' pages; a plan whose
// start has passed is refused, saying why.
func (s *Service) Publish(ctx context.Context, u *charter.User, id int64) (charter.Deployment, error) {
	if !u.Can(charter.PermDeploymentPlan) {
		return charter.Deployment{}, forbidden("only supervisors publish deployments")
	}
	return s.st.PublishDeployment(ctx, store.ActorOf(u), id, func(d *charter.Deployment) error {
		if d.Force != u.Force {
			return charter.Errorf(charter.ENOTFOUND, "no deployment %d in your force", id)
		}
		if d.Published != nil {
			return charter.Errorf(charter.ECONFLICT, "this plan is already published")
		}
		if now := s.opts.Now(); !d.Start.After(now) {
			return charter.Errorf(charter.EINVALID, "this plan started on %s: a plan is published before it starts, so that residents can respond first; make a new plan with a later start",
				d.Start.In(charter.London).Format("2 January 2006 at 15:04"))
		}
		return nil
	})
}

// staff reports whether u may see u's force's drafts and pending comments.
func staff(u *charter.User) bool {
	return u != nil && (u.Can(charter.PermDeploymentPlan) || u.Can(charter.PermDeploymentModerate))
}

// Get returns a plan: published plans to anyone, drafts to their force's
// planners and moderators only (to others: not found).
func (s *Service) Get(ctx context.Context, u *charter.User, id int64) (charter.Deployment, error) {
	d, err := s.st.Deployment(ctx, id)
	if err != nil {
		return d, err
	}
	if d.Published == nil && !(staff(u) && u.Force == d.Force) {
		return charter.Deployment{}, charter.Errorf(charter.ENOTFOUND, "no deployment %d", id)
	}
	return d, nil
}

// ForArea lists the published plans touching an area (a ward, a borough:
// any of its wards, or a force id), newest start first; from and to, when
// not zero, keep those overlapping that time.
func (s *Service) ForArea(ctx context.Context, area string, from, to time.Time) ([]charter.Deployment, error) {
	f := store.DeploymentFilter{Published: true, From: from, To: to}
	if area != "" {
		a, err := s.st.AreaByCode(ctx, area)
		if err != nil {
			return nil, err
		}
		switch a.Level {
		case charter.LevelForce:
			f.Force = a.Code
		case charter.LevelWard:
			f.Wards = []string{a.Code}
		case charter.LevelBorough:
			areas, err := s.st.CurrentAreas(ctx, false)
			if err != nil {
				return nil, err
			}
			for _, w := range areas {
				if w.Level == charter.LevelWard && w.ParentCode == a.Code {
					f.Wards = append(f.Wards, w.Code)
				}
			}
			if len(f.Wards) == 0 {
				return nil, nil
			}
		default:
			return nil, charter.Errorf(charter.EINVALID, "%s is a %s: give a ward, a borough or a force", a.Code, a.Level)
		}
	}
	return s.st.Deployments(ctx, f)
}

// Staff lists every plan of u's force, drafts included, for its planners
// and moderators.
func (s *Service) Staff(ctx context.Context, u *charter.User) ([]charter.Deployment, error) {
	if !staff(u) {
		return nil, forbidden("only supervisors see the plans being made")
	}
	return s.st.Deployments(ctx, store.DeploymentFilter{Force: u.Force})
}

// Comment takes a resident's question or comment on a published plan that
// has not ended; it is public only once a moderator approves it.
func (s *Service) Comment(ctx context.Context, id int64, body string) (charter.DeploymentComment, error) {
	body = strings.TrimSpace(body)
	if err := charter.Invalid(charter.CheckComment(body)); err != nil {
		return charter.DeploymentComment{}, err
	}
	d, err := s.Get(ctx, nil, id)
	if err != nil {
		return charter.DeploymentComment{}, err
	}
	if d.Ended(s.opts.Now()) {
		return charter.DeploymentComment{}, charter.Errorf(charter.ECONFLICT, "this plan has ended, so it takes no new comments")
	}
	return s.st.InsertDeploymentComment(ctx, id, body)
}

// Comments lists a plan's comments: approved ones for everyone; every one,
// pending and hidden too, for its force's moderators and planners.
func (s *Service) Comments(ctx context.Context, u *charter.User, d charter.Deployment) ([]charter.DeploymentComment, error) {
	all := staff(u) && u.Force == d.Force
	return s.st.DeploymentComments(ctx, d.ID, !all)
}

// Moderate approves (publishes) or hides a comment; a moderator of the
// plan's force only.
func (s *Service) Moderate(ctx context.Context, u *charter.User, id int64, approve bool) (charter.DeploymentComment, error) {
	if !u.Can(charter.PermDeploymentModerate) {
		return charter.DeploymentComment{}, forbidden("only moderators approve or hide comments")
	}
	status := charter.CommentHidden
	if approve {
		status = charter.CommentApproved
	}
	return s.st.UpdateDeploymentComment(ctx, store.ActorOf(u), id, "deployment.moderate",
		func(c *charter.DeploymentComment, d *charter.Deployment) error { return ofForce(u, id, d) },
		func(c *charter.DeploymentComment) { c.Status = status })
}

// Answer puts the police's answer beside an approved comment.
func (s *Service) Answer(ctx context.Context, u *charter.User, id int64, answer string) (charter.DeploymentComment, error) {
	if !u.Can(charter.PermDeploymentPlan) {
		return charter.DeploymentComment{}, forbidden("only supervisors answer residents")
	}
	answer = strings.TrimSpace(answer)
	if n := len([]rune(answer)); n < charter.MinCommentText || n > charter.MaxDeploymentText {
		return charter.DeploymentComment{}, charter.Invalid(charter.FieldErrors{{Field: "answer", Reason: "write the answer in 3 to 4,000 characters"}})
	}
	at := s.opts.Now().UTC().Truncate(time.Second)
	return s.st.UpdateDeploymentComment(ctx, store.ActorOf(u), id, "deployment.answer",
		func(c *charter.DeploymentComment, d *charter.Deployment) error {
			if err := ofForce(u, id, d); err != nil {
				return err
			}
			if c.Status != charter.CommentApproved {
				return charter.Errorf(charter.ECONFLICT, "approve the comment before answering it: answers are published beside it")
			}
			return nil
		},
		func(c *charter.DeploymentComment) { c.Answer, c.AnsweredAt = answer, &at })
}

func ofForce(u *charter.User, id int64, d *charter.Deployment) error {
	if d.Force != u.Force {
		return charter.Errorf(charter.ENOTFOUND, "no comment %d in your force", id)
	}
	return nil
}

// WardNames names a plan's wards for people, in the plan's order.
func (s *Service) WardNames(ctx context.Context, d charter.Deployment) []string {
	names := make([]string, 0, len(d.Wards))
	for _, w := range d.Wards {
		if i := slices.IndexFunc(d.Evidence.Wards, func(e charter.WardEvidence) bool { return e.Code == w && e.Name != "" }); i >= 0 {
			names = append(names, d.Evidence.Wards[i].Name)
		} else if a, err := s.st.AreaByCode(ctx, w); err == nil {
			names = append(names, a.Name)
		} else {
			names = append(names, w)
		}
	}
	return names
}
