package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/deploy"
)

// Ward engagement on deployments: a supervisor's plan of focused searching
// (where, when, why with the weapon-crime figures, how to respond) is
// published on its wards' pages before it starts; residents ask and
// comment on /deployments/{id} without giving a name; a moderator approves
// each comment before it is shown, and the police answer beside it; after
// the period the plan is shown beside what happened.

// registerDeployments adds the pages of ward engagement on deployments: plans, residents' questions and answers.
func (s *Site) registerDeployments(mux *http.ServeMux) {
	need := func(p charter.Permission, h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(p, h) }
	mux.HandleFunc("GET /deployments/{id}", s.deploymentPage)
	mux.HandleFunc("POST /deployments/{id}/comments", s.postDeploymentComment)
	staff := func(h http.HandlerFunc) http.Handler {
		return s.needAny(h, charter.PermDeploymentPlan, charter.PermDeploymentModerate)
	}
	mux.Handle("GET /officer/deployments", staff(s.officerDeployments))
	mux.Handle("GET /officer/deployments/new", need(charter.PermDeploymentPlan, s.newDeployment))
	mux.Handle("POST /officer/deployments/new", need(charter.PermDeploymentPlan, s.createDeployment))
	mux.Handle("GET /officer/deployments/{id}", staff(s.officerDeployment))
	mux.Handle("POST /officer/deployments/{id}/publish", need(charter.PermDeploymentPlan, s.publishDeployment))
	mux.Handle("POST /officer/deployments/comments/{id}/moderate", need(charter.PermDeploymentModerate, s.moderateComment))
	mux.Handle("POST /officer/deployments/comments/{id}/answer", need(charter.PermDeploymentPlan, s.answerComment))
}

// deploymentView is one plan as the pages show it.
type deploymentView struct {
	charter.Deployment
	WardNames []string
	Status    string
	Live      bool // published and not ended: residents may still comment
	Outcome   *deploy.Outcome
	Comments  []charter.DeploymentComment
}

// Waiting counts the comments a moderator has not decided on yet.
func (v deploymentView) Waiting() int {
	n := 0
	for _, c := range v.Comments {
		if c.Status == charter.CommentPending {
			n++
		}
	}
	return n
}

// When writes the plan's period for people.
func (v deploymentView) When() string {
	f := "Monday 2 January 2006, 15:04"
	return v.Start.In(charter.London).Format(f) + " to " + v.End.In(charter.London).Format(f)
}

func (s *Site) deploymentView(ctx context.Context, u *charter.User, d charter.Deployment, withOutcome bool) (deploymentView, error) {
	dep := s.enc.Deployments
	t := dep.Now()
	v := deploymentView{Deployment: d, WardNames: dep.WardNames(ctx, d), Status: d.Status(t), Live: d.Published != nil && !d.Ended(t)}
	var err error
	if v.Comments, err = dep.Comments(ctx, u, d); err != nil {
		return v, err
	}
	if withOutcome && d.Published != nil && d.Ended(t) {
		if v.Outcome, err = dep.Outcome(ctx, s.fig, d); err != nil {
			return v, err
		}
	}
	return v, nil
}

// deploymentPage is the public page of a plan: the plan, its evidence,
// the approved comments with answers, the form, and after the period what
// happened.
func (s *Site) deploymentPage(w http.ResponseWriter, r *http.Request) {
	s.renderDeployment(w, r, http.StatusOK, "", "")
}

func (s *Site) renderDeployment(w http.ResponseWriter, r *http.Request, status int, typed, problem string) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	// A signed-in planner of the force may open a draft here; everyone
	// else sees only published plans and approved comments.
	u := auth.UserFrom(ctx)
	d, err := s.enc.Deployments.Get(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.deploymentView(ctx, nil, d, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := map[string]any{"D": v, "Sent": r.URL.Query().Get("sent") != "", "Typed": typed, "Problem": problem}
	s.renderStatus(w, r, status, "deployment", &page{Title: d.Title, Data: data})
}

func (s *Site) postDeploymentComment(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	_, err := s.enc.Deployments.Comment(r.Context(), id, v.Get("comment"))
	if fe, ok := fieldErrors(err); ok {
		s.renderDeployment(w, r, http.StatusUnprocessableEntity, v.Get("comment"), fe[0].Reason)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/deployments/%d?sent=1#respond", id), http.StatusSeeOther)
}

// officerDeployments lists the force's plans for planners and moderators.
func (s *Site) officerDeployments(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := s.enc.Deployments.Staff(ctx, user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var views []deploymentView
	for _, d := range list {
		v, err := s.deploymentView(ctx, user(r), d, false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		views = append(views, v)
	}
	data := map[string]any{"Plans": views, "CanPlan": user(r).Can(charter.PermDeploymentPlan), "Made": r.URL.Query().Get("made") != ""}
	s.renderStatus(w, r, http.StatusOK, "officerdeployments", &page{Title: "Deployments", Data: data})
}

// officerDeployment is one plan for staff: every comment, with the
// moderator's and the planner's forms.
func (s *Site) officerDeployment(w http.ResponseWriter, r *http.Request) {
	s.renderOfficerDeployment(w, r, http.StatusOK, "")
}

func (s *Site) renderOfficerDeployment(w http.ResponseWriter, r *http.Request, status int, problem string) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	d, err := s.enc.Deployments.Get(ctx, user(r), id)
	if err == nil && d.Force != user(r).Force {
		err = charter.Errorf(charter.ENOTFOUND, "no deployment %d in your force", id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.deploymentView(ctx, user(r), d, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := user(r)
	data := map[string]any{"D": v, "CanPlan": u.Can(charter.PermDeploymentPlan), "CanModerate": u.Can(charter.PermDeploymentModerate), "Problem": problem}
	s.renderStatus(w, r, status, "officerdeployment", &page{Title: d.Title, Data: data})
}

// deploymentForm is the form of a new plan: the authorisation form's
// values, problems and ward list, and the kinds of plan.
type deploymentForm struct {
	authorisationForm
	Kinds map[string]string
}

var deploymentFields = map[string]bool{"kind": true, "title": true, "wards": true, "start": true, "end": true, "why": true, "respond": true}

func (s *Site) newDeployment(w http.ResponseWriter, r *http.Request) {
	start := now().In(charter.London).Truncate(time.Hour).Add(7 * 24 * time.Hour)
	v := url.Values{"kind": {charter.DeploymentHotspot}, "start": {start.Format(dateTimeLayout)}, "end": {start.Add(14 * 24 * time.Hour).Format(dateTimeLayout)}}
	s.renderDeploymentForm(w, r, http.StatusOK, v, nil)
}

func (s *Site) renderDeploymentForm(w http.ResponseWriter, r *http.Request, status int, v url.Values, fe charter.FieldErrors) {
	f := &deploymentForm{authorisationForm: authorisationForm{Values: v, Errors: map[string]string{}, Groups: s.wards(r.Context()).groups},
		Kinds: charter.DeploymentKinds}
	for _, e := range fe {
		switch {
		case !deploymentFields[e.Field]:
			f.Others = append(f.Others, e.Reason)
		case f.Errors[e.Field] == "":
			f.Errors[e.Field] = e.Reason
		}
	}
	s.renderStatus(w, r, status, "deploymentform", &page{Title: "Plan a deployment", Data: f})
}

func (s *Site) createDeployment(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	p := deploy.Plan{Kind: v.Get("kind"), Title: v.Get("title"), Wards: v["wards"], Start: parseLocal(v.Get("start")), End: parseLocal(v.Get("end")),
		Why: v.Get("why"), Respond: v.Get("respond")}
	d, err := s.enc.Deployments.Create(r.Context(), user(r), s.fig, p)
	if fe, ok := fieldErrors(err); ok {
		s.renderDeploymentForm(w, r, http.StatusUnprocessableEntity, v, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/officer/deployments/%d", d.ID), http.StatusSeeOther)
}

// changed follows a change residents see: the public pages and the ward
// sections are cached per data version, so it moves on.
func (s *Site) changed() { s.fig.Published() }

func (s *Site) publishDeployment(w http.ResponseWriter, r *http.Request) {
	id, _, ok := s.idForm(w, r)
	if !ok {
		return
	}
	if _, err := s.enc.Deployments.Publish(r.Context(), user(r), id); charter.ErrorCode(err) == charter.EINVALID || charter.ErrorCode(err) == charter.ECONFLICT {
		s.renderOfficerDeployment(w, r, http.StatusUnprocessableEntity, charter.ErrorMessage(err))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.changed()
	http.Redirect(w, r, fmt.Sprintf("/officer/deployments/%d", id), http.StatusSeeOther)
}

func (s *Site) moderateComment(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	c, err := s.enc.Deployments.Moderate(r.Context(), user(r), id, v.Get("decision") == "approve")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.changed()
	http.Redirect(w, r, fmt.Sprintf("/officer/deployments/%d#c-%d", c.DeploymentID, c.ID), http.StatusSeeOther)
}

func (s *Site) answerComment(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	c, err := s.enc.Deployments.Answer(r.Context(), user(r), id, v.Get("answer"))
	if fe, ok := fieldErrors(err); ok {
		s.fail(w, r, charter.Errorf(charter.EINVALID, "%s", fe[0].Reason))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.changed()
	http.Redirect(w, r, fmt.Sprintf("/officer/deployments/%d#c-%d", c.DeploymentID, c.ID), http.StatusSeeOther)
}

// deploymentsSection is what the deployments add to the page of area code (nil: nothing).
func (s *Site) deploymentsSection(ctx context.Context, code string) (any, error) {
	list, err := s.enc.Deployments.ForArea(ctx, code, time.Time{}, time.Time{})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	const shown = 5
	var views []deploymentView
	t := s.enc.Deployments.Now()
	for _, d := range list[:min(len(list), shown)] {
		views = append(views, deploymentView{Deployment: d, WardNames: s.enc.Deployments.WardNames(ctx, d), Status: d.Status(t)})
	}
	return map[string]any{"Plans": views, "More": len(list) - len(views)}, nil
}
