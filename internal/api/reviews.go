package api

import (
	"errors"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/stats"
)

// ReviewRequest is a supervisor's review of a record: a mark for each
// question of the rubric and a comment for the officer.
type ReviewRequest struct {
	// Marks are by question: grounds, gowisely, video, respect; each
	// "met", "partly met", "not met" or "not assessed" (a question left out
	// is not assessed).
	Marks   map[string]string `json:"marks"`
	Comment string            `json:"comment"`
}

// ReviewAnswer is one review of a record.
type ReviewAnswer struct {
	ID        int64  `json:"id"`
	RecordID  int64  `json:"record_id"`
	Reference string `json:"reference"`
	Reviewer  string `json:"reviewer"`
	// Marks are by question (grounds, gowisely, video, respect), in words.
	Marks map[string]string `json:"marks"`
	// Score is the share of the assessed questions' points earned (met 1,
	// partly met ½, not met 0), 0 to 1; null when nothing was assessed.
	Score   *float64  `json:"score"`
	Comment string    `json:"comment"`
	Created time.Time `json:"created"`
	// SeenByOfficer is when the record's officer first read the review;
	// null until then.
	SeenByOfficer *time.Time `json:"seen_by_officer"`
}

// Reviews lists reviews.
type Reviews struct {
	Reviews []ReviewAnswer `json:"reviews"`
}

// QueueRisk is one reason a record is in a review queue.
type QueueRisk struct {
	Risk        string `json:"risk"` // short_grounds, copied_grounds, strip_search, no_suspicion, use_of_force, repeated, complaint
	Description string `json:"description"`
}

// QueueEntry is one record of a review queue and why it is there.
type QueueEntry struct {
	RecordID  int64       `json:"record_id"`
	Reference string      `json:"reference"`
	Datetime  time.Time   `json:"datetime"`
	Officer   string      `json:"officer"`
	Sampled   bool        `json:"sampled"`
	Risks     []QueueRisk `json:"risks"`
}

// Queue is a supervisor's review queue.
type Queue struct {
	// SampleRate is the share of the team's records drawn at random.
	SampleRate float64      `json:"sample_rate"`
	Records    []QueueEntry `json:"records"`
}

// Limits are funnel-plot limits round the force's rate.
type Limits struct {
	Lower *float64 `json:"lower"`
	Upper *float64 `json:"upper"`
}

// FunnelFigure is a proportion of an officer or a team with its 95% Wilson
// interval and where it falls against the funnel limits round the force's
// proportion for a unit of its size.
type FunnelFigure struct {
	Count    int      `json:"count"`
	Of       int      `json:"of"`
	Value    *float64 `json:"value"`
	Lower    *float64 `json:"lower"` // 95% interval
	Upper    *float64 `json:"upper"`
	Force    *float64 `json:"force"` // the force's proportion
	Limits95 Limits   `json:"limits_95"`
	// Limits998 are the 99.8% limits: outside them is an outlier.
	Limits998 Limits `json:"limits_99_8"`
	// Position is "within", "above" or "below" the 99.8% limits
	// ("unclassified" with no searches).
	Position string `json:"position"`
	// Flag says in words where the figure falls when outside the 95%
	// limits; "" within them.
	Flag string `json:"flag"`
}

// MeanFigure is a mean with its 95% t interval, of N answers or reviews.
type MeanFigure struct {
	Mean  *float64 `json:"mean"`
	Lower *float64 `json:"lower"`
	Upper *float64 `json:"upper"`
	N     int      `json:"n"`
}

// UnitFigures are an officer's, a team's or the force's figures.
type UnitFigures struct {
	Name      string `json:"name"`
	OfficerID int64  `json:"officer_id,omitempty"`
	Searches  int    `json:"searches"`
	// ArrestRate: arrests of all searches. FindRate: outcomes linked to
	// the object of search, of searches where that was recorded.
	// BlackShare: searches of people who described themselves as Black,
	// of searches where the person stated their ethnicity.
	ArrestRate FunnelFigure `json:"arrest_rate"`
	FindRate   FunnelFigure `json:"find_rate"`
	BlackShare FunnelFigure `json:"black_share"`
	// Feedback is the people's survey answers, 1 to 5; ReviewScore the
	// reviews' rubric scores, 0 to 1.
	Feedback    MeanFigure `json:"feedback"`
	ReviewScore MeanFigure `json:"review_score"`
	// Outlier is true when a figure is outside its 99.8% limits.
	Outlier bool     `json:"outlier"`
	Flags   []string `json:"flags"`
}

// Outliers is a team's officers (or, for an analyst without a team, the
// force's teams) against the force.
type Outliers struct {
	Force string    `json:"force"`
	Team  *string   `json:"team"` // null: the units are the force's teams
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	// All is the force as a whole, Whole the team (null for the force's teams).
	All   UnitFigures   `json:"force_figures"`
	Whole *UnitFigures  `json:"team_figures"`
	Units []UnitFigures `json:"units"`
}

func (a *API) reviewOps() []encOp {
	review, see := []charter.Permission{charter.PermReview}, []charter.Permission{charter.PermRecordReadOwn, charter.PermReview}
	return []encOp{
		{method: "GET", path: "/api/v1/reviews/queue", id: "getReviewQueue", summary: "The supervisor's review queue",
			desc:  "The records of the signed-in supervisor's team (searched in the last 90 days, not yet reviewed) drawn in the random sample or carrying a risk, newest first, each with why. Each read is audited.",
			perms: review, status: http.StatusOK, answer: reflect.TypeFor[Queue](), run: a.reviewQueue},
		{method: "POST", path: "/api/v1/records/{id}/reviews", id: "createReview", summary: "Review a record",
			desc:  "Stores the signed-in supervisor's review of a record of their team with the rubric's four marks and a comment for the officer. A record is reviewed once. Audited.",
			perms: review, params: []param{idParam("record")}, body: reflect.TypeFor[ReviewRequest](),
			status: http.StatusCreated, answer: reflect.TypeFor[ReviewAnswer](),
			errs: map[int]string{404: "no such record", 409: "the record has already been reviewed"}, run: a.createReview},
		{method: "GET", path: "/api/v1/records/{id}/reviews", id: "listReviews", summary: "The reviews of a record",
			desc:  "The reviews of a record, for its own officer (reading them marks them seen) or a supervisor of its force. Audited.",
			perms: see, params: []param{idParam("record")}, status: http.StatusOK, answer: reflect.TypeFor[Reviews](),
			errs: map[int]string{400: "the id is not a number", 404: "no such record"}, run: a.listReviews},
		{method: "GET", path: "/api/v1/teams/outliers", id: "getTeamOutliers", summary: "Officers and teams against the force",
			desc:   "Searches, arrest rate, find rate and the share of searches of Black people of each officer of a team (a supervisor: their own team) or of each team of the force (an analyst without team), each with its 95% interval and the funnel-plot limits at 95% and 99.8% round the force's rate; feedback and review scores with 95% intervals. Over the last 365 days of records made in Charter. Never public; audited.",
			perms:  []charter.Permission{charter.PermOutliers},
			params: []param{{name: "team", in: "query", desc: "for an analyst: the team (empty value: officers without a team); absent: every team. A supervisor always gets their own team."}},
			status: http.StatusOK, answer: reflect.TypeFor[Outliers](), run: a.teamOutliers},
	}
}

func (a *API) reviewQueue(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	q, err := a.acc.Reviews.Queue(r.Context(), u)
	if err != nil {
		return nil, err
	}
	out := Queue{SampleRate: a.acc.Reviews.SampleRate(), Records: []QueueEntry{}}
	for _, e := range q {
		qe := QueueEntry{RecordID: e.Record.ID, Reference: e.Record.Reference, Datetime: e.Record.Datetime, Officer: e.Officer,
			Sampled: e.Sampled, Risks: []QueueRisk{}}
		for _, k := range e.Risks {
			qe.Risks = append(qe.Risks, QueueRisk{Risk: string(k), Description: k.Description()})
		}
		out.Records = append(out.Records, qe)
	}
	return out, nil
}

func reviewAnswer(v charter.Review) ReviewAnswer {
	out := ReviewAnswer{ID: v.ID, RecordID: v.RecordID, Reference: v.Reference, Reviewer: v.Reviewer, Comment: v.Rubric.Comment,
		Created: v.Created, Marks: map[string]string{}}
	for _, c := range charter.Criteria {
		out.Marks[string(c)] = v.Rubric.Marks[c].String()
	}
	if sc, ok := v.Rubric.Score(); ok {
		out.Score = &sc
	}
	if !v.Seen.IsZero() {
		seen := v.Seen
		out.SeenByOfficer = &seen
	}
	return out
}

func (a *API) createReview(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a record")
	if err != nil {
		return nil, err
	}
	var in ReviewRequest
	fe, err := readBody(w, r, &in, "a review")
	if err != nil {
		return nil, err
	}
	rub := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{}, Comment: strings.TrimSpace(in.Comment)}
	for k, v := range in.Marks {
		m, err := charter.ParseMark(v)
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "marks." + k, Value: v, Reason: "the mark must be met, partly met, not met or not assessed"})
			continue
		}
		rub.Marks[charter.Criterion(k)] = m
	}
	if len(fe) > 0 {
		// Whose record it is comes first: the service refuses another
		// team's record (403) whatever the body; a body that cannot be
		// read is then reported field by field.
		if _, err := a.acc.Reviews.ForReview(r.Context(), u, id); err != nil {
			return nil, err
		}
		return nil, charter.Invalid(withChecks(fe, rubricFields(charter.CheckRubric(rub))))
	}
	v, err := a.acc.Reviews.Review(r.Context(), u, id, rub)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Location", "/api/v1/records/"+strconv.FormatInt(id, 10)+"/reviews")
	return reviewAnswer(v), nil
}

// rubricFields is the per-field problems of a check's error (none for nil).
func rubricFields(err error) charter.FieldErrors {
	var fe charter.FieldErrors
	errors.As(err, &fe)
	return fe
}

func (a *API) listReviews(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a record")
	if err != nil {
		return nil, err
	}
	vs, err := a.acc.Reviews.ReviewsOf(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	out := Reviews{Reviews: []ReviewAnswer{}}
	for _, v := range vs {
		out.Reviews = append(out.Reviews, reviewAnswer(v))
	}
	return out, nil
}

func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func funnelFigure(f review.Figure) FunnelFigure {
	out := FunnelFigure{Count: f.Count, Of: f.Of, Force: num(f.Target), Position: f.Position998.String(), Flag: f.Flag(),
		Limits95: Limits{num(f.Lower95), num(f.Upper95)}, Limits998: Limits{num(f.Lower998), num(f.Upper998)}}
	if f.HasValue() {
		out.Value = num(f.Value)
	}
	if f.HasInterval() {
		out.Lower, out.Upper = num(f.Lower), num(f.Upper)
	}
	return out
}

func meanFigure(e stats.Estimate, n int) MeanFigure {
	out := MeanFigure{N: n}
	if e.HasValue() {
		out.Mean = num(e.Value)
	}
	if e.HasInterval() {
		out.Lower, out.Upper = num(e.Lower), num(e.Upper)
	}
	return out
}

func unitFigures(u review.Unit) UnitFigures {
	return UnitFigures{Name: u.Name, OfficerID: u.OfficerID, Searches: u.Searches, ArrestRate: funnelFigure(u.Arrests),
		FindRate: funnelFigure(u.Finds), BlackShare: funnelFigure(u.Black), Feedback: meanFigure(u.Feedback, u.FeedbackN),
		ReviewScore: meanFigure(u.ReviewScore, u.Reviews), Outlier: u.Outlier(), Flags: nonNil(u.Flags())}
}

func (a *API) teamOutliers(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	q := r.URL.Query()
	if !u.Can(charter.PermReview) && !q.Has("team") {
		fv, err := a.acc.Reviews.Teams(r.Context(), u)
		if err != nil {
			return nil, err
		}
		out := Outliers{Force: fv.Force, From: fv.From, To: fv.To, All: unitFigures(fv.All), Units: []UnitFigures{}}
		for _, t := range fv.Teams {
			out.Units = append(out.Units, unitFigures(t))
		}
		return out, nil
	}
	team := u.Team
	if !u.Can(charter.PermReview) {
		team = q.Get("team")
	}
	v, err := a.acc.Reviews.Team(r.Context(), u, team)
	if err != nil {
		return nil, err
	}
	whole := unitFigures(v.Whole)
	out := Outliers{Force: v.Force, Team: &team, From: v.From, To: v.To, All: unitFigures(v.All), Whole: &whole, Units: []UnitFigures{}}
	for _, o := range v.Officers {
		out.Units = append(out.Units, unitFigures(o))
	}
	return out, nil
}
