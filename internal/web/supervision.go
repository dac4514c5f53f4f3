package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/stats"
)

// registerSupervision adds the pages of supervision (S1): the supervisor's
// review queue and rubric, team and officer views. The officer's side (the
// reviews of their records) is on their record page and /officer.
func (s *Site) registerSupervision(mux *http.ServeMux) {
	need := func(p charter.Permission, h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(p, h) }
	mux.Handle("GET /supervision", need(charter.PermReview, s.reviewQueue))
	mux.Handle("GET /supervision/records/{id}", need(charter.PermReview, s.reviewRecord))
	mux.Handle("POST /supervision/records/{id}", need(charter.PermReview, s.saveReview))
	mux.Handle("GET /supervision/team", need(charter.PermOutliers, s.teamView))
	mux.Handle("GET /supervision/officers/{id}", need(charter.PermOutliers, s.officerView))
}

// queueRow is one record of the queue, in words.
type queueRow struct {
	recordRow
	Officer string
	Sampled bool
	Risks   []string // each risk in a few words
}

type queuePage struct {
	Rows       []queueRow
	SampleRate string
	Team       string
	Saved      string // the reference just reviewed
}

func (s *Site) reviewQueue(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	q, err := s.enc.Reviews.Queue(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := queuePage{SampleRate: charter.FormatShare(ptr(s.enc.Reviews.SampleRate())), Team: review.TeamName(u.Team), Saved: r.URL.Query().Get("saved")}
	for _, e := range q {
		row := queueRow{recordRow: rowOf(e.Record), Officer: e.Officer, Sampled: e.Sampled}
		for _, k := range e.Risks {
			row.Risks = append(row.Risks, k.Short())
		}
		d.Rows = append(d.Rows, row)
	}
	s.renderStatus(w, r, http.StatusOK, "supervision", &page{Title: "Review queue", Data: d})
}

func ptr(v float64) *float64 { return &v }

// markChoice is one answer of a rubric question on the form.
type markChoice struct {
	Value, Label string
	Checked      bool
}

// rubricQuestion is one question of the form, with its answers.
type rubricQuestion struct {
	Name, Question string
	Choices        []markChoice
	Problem        string
}

// reviewShown is a review in words, for the officer and the supervisor.
type reviewShown struct {
	Reference, When, Reviewer, Score, Comment string
	RecordID                                  int64
	Marks                                     []struct{ Question, Mark string }
	New                                       bool // not seen by the officer before
}

// showReview puts a review in words.
func showReview(v charter.Review) reviewShown {
	out := reviewShown{Reference: v.Reference, RecordID: v.RecordID, When: when(v.Created), Reviewer: v.Reviewer,
		Comment: v.Rubric.Comment, New: v.Seen.IsZero(), Score: "nothing could be assessed"}
	if sc, ok := v.Rubric.Score(); ok {
		out.Score = strconv.Itoa(int(math.Round(sc*100))) + " out of 100"
	}
	for _, c := range charter.Criteria {
		out.Marks = append(out.Marks, struct{ Question, Mark string }{c.Question(), v.Rubric.Marks[c].String()})
	}
	return out
}

type reviewPage struct {
	Row       recordRow
	Record    charter.Record
	Officer   string
	Why       []string
	Questions []rubricQuestion
	Comment   string
	Problems  []string
	Done      *reviewShown
}

var markValues = []charter.Mark{charter.MarkMet, charter.MarkPartly, charter.MarkNotMet, charter.MarkNotAssessed}

func (s *Site) reviewRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderReview(w, r, id, http.StatusOK, nil, nil)
}

// renderReview shows record id for review; v, when not nil, is a refused
// rubric to show as it was typed, with its problems.
func (s *Site) renderReview(w http.ResponseWriter, r *http.Request, id int64, status int, v url.Values, fe charter.FieldErrors) {
	e, err := s.enc.Reviews.ForReview(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := reviewPage{Row: rowOf(e.Record), Record: e.Record, Officer: e.Officer, Why: e.Why(), Comment: v.Get("comment")}
	if e.Review != nil {
		sh := showReview(*e.Review)
		d.Done = &sh
	}
	problem := map[string]string{}
	for _, f := range fe {
		problem[f.Field] = f.Reason
		d.Problems = append(d.Problems, f.Reason)
	}
	for _, c := range charter.Criteria {
		q := rubricQuestion{Name: string(c), Question: c.Question(), Problem: problem["marks."+string(c)]}
		for _, m := range markValues {
			label := m.String()
			q.Choices = append(q.Choices, markChoice{Value: label, Label: strings.ToUpper(label[:1]) + label[1:], Checked: v.Get(string(c)) == m.String()})
		}
		d.Questions = append(d.Questions, q)
	}
	s.renderStatus(w, r, status, "supervisionrecord", &page{Title: "Review of record " + e.Record.Reference, Data: d})
}

// saveReview stores the rubric posted for a record.
func (s *Site) saveReview(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	rub := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{}, Comment: v.Get("comment")}
	var fe charter.FieldErrors
	for _, c := range charter.Criteria {
		m, err := charter.ParseMark(v.Get(string(c)))
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "marks." + string(c), Reason: "choose met, partly met, not met or not assessed"})
		}
		rub.Marks[c] = m
	}
	if len(fe) > 0 {
		s.renderReview(w, r, id, http.StatusUnprocessableEntity, v, fe)
		return
	}
	rv, err := s.enc.Reviews.Review(r.Context(), user(r), id, rub)
	if fe, ok := fieldErrors(err); ok {
		s.renderReview(w, r, id, http.StatusUnprocessableEntity, v, fe)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/supervision?saved="+url.QueryEscape(rv.Reference), http.StatusSeeOther)
}

// figureCell is one figure of a unit in words.
type figureCell struct {
	Value, Limits, Flag string
	Outlier, Watch      bool
}

func cellOf(f review.Figure) figureCell {
	c := figureCell{Flag: f.Flag(), Outlier: f.Outlier(), Watch: f.Watch()}
	if f.Of == 0 {
		c.Value = "none recorded"
		return c
	}
	c.Value = FormatInt(f.Count) + " of " + FormatInt(f.Of)
	share := f.Estimate.Figure(charter.ScaleShare)
	if share.HasValue() {
		c.Value += ", " + share.String()
	}
	if share.HasInterval() {
		c.Value += " (95% interval " + share.Interval() + ")"
	}
	if !math.IsNaN(f.Lower998) {
		// Funnel limits are round the force's proportion, not an interval
		// of the unit's: each is written as a share on its own.
		pct := charter.FormatShare
		c.Limits = "force " + pct(&f.Target) + "; for this many searches 95% limits " + pct(&f.Lower95) + " to " + pct(&f.Upper95) +
			", 99.8% limits " + pct(&f.Lower998) + " to " + pct(&f.Upper998)
	}
	return c
}

// meanWords is a mean of n things with its interval, scaled by scale and
// written with digits decimals, or "none yet".
func meanWords(est stats.Estimate, n int, what string, scale float64, digits int) string {
	if n == 0 || !est.HasValue() {
		return "none yet"
	}
	f := func(x float64) string { return strconv.FormatFloat(x*scale, 'f', digits, 64) }
	out := f(est.Value)
	if est.HasInterval() {
		out += " (95% interval " + f(est.Lower) + " to " + f(est.Upper) + ")"
	}
	if n == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	return out + " from " + FormatInt(n) + " " + what
}

// unitRow is one officer, team or the force in a table.
type unitRow struct {
	Name, Link, Searches  string
	Arrests, Finds, Black figureCell
	Feedback, ReviewScore string
	Flags                 []string
	Outlier               bool
}

func rowOfUnit(u review.Unit, link string) unitRow {
	return unitRow{Name: u.Name, Link: link, Searches: FormatInt(u.Searches), Arrests: cellOf(u.Arrests), Finds: cellOf(u.Finds),
		Black: cellOf(u.Black), Feedback: meanWords(u.Feedback, u.FeedbackN, "answers", 1, 2),
		ReviewScore: meanWords(u.ReviewScore, u.Reviews, "reviews", 100, 0), Flags: u.Flags(), Outlier: u.Outlier()}
}

// unitTable is a table of units with its caption.
type unitTable struct {
	Caption string
	Rows    []unitRow
}

type teamPage struct {
	Heading, Period string
	Tables          []unitTable
	// Analyst: the force's teams are listed.
	Analyst bool
}

// period is a view's period in words.
func period(from, to time.Time) string {
	return from.Format("2 January 2006") + " to " + to.Format("2 January 2006")
}

func (s *Site) teamView(w http.ResponseWriter, r *http.Request) {
	u := user(r)
	q := r.URL.Query()
	if !u.Can(charter.PermReview) && !q.Has("team") {
		fv, err := s.enc.Reviews.Teams(r.Context(), u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d := teamPage{Heading: "Teams of " + charter.ForceName(u.Force), Period: period(fv.From, fv.To), Analyst: true}
		teams := unitTable{Caption: "Each team against the force"}
		for _, t := range fv.Teams {
			row := rowOfUnit(t, "/supervision/team?team="+url.QueryEscape(t.Name))
			row.Name = review.TeamName(t.Name)
			teams.Rows = append(teams.Rows, row)
		}
		d.Tables = []unitTable{teams, forceTable(fv.All)}
		s.renderStatus(w, r, http.StatusOK, "supervisionteam", &page{Title: d.Heading, Data: d})
		return
	}
	team := u.Team
	if !u.Can(charter.PermReview) {
		team = q.Get("team")
	}
	v, err := s.enc.Reviews.Team(r.Context(), u, team)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := teamPage{Heading: review.TeamName(team), Period: period(v.From, v.To)}
	officers := unitTable{Caption: "Each officer against the force"}
	for _, o := range v.Officers {
		officers.Rows = append(officers.Rows, rowOfUnit(o, "/supervision/officers/"+strconv.FormatInt(o.OfficerID, 10)))
	}
	d.Tables = []unitTable{officers, {Caption: "The team as a whole against the force", Rows: []unitRow{rowOfUnit(v.Whole, "")}}, forceTable(v.All)}
	s.renderStatus(w, r, http.StatusOK, "supervisionteam", &page{Title: d.Heading, Data: d})
}

// forceTable is the force's row: the rates the limits are drawn round.
func forceTable(all review.Unit) unitTable {
	return unitTable{Caption: "The force (the rates the limits are drawn round)", Rows: []unitRow{rowOfUnit(all, "")}}
}

type officerViewPage struct {
	Name, Team, Period string
	Table              unitTable
	Reviews            []reviewShown
}

func (s *Site) officerView(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v, err := s.enc.Reviews.Officer(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := officerViewPage{Name: v.Officer.Name, Team: review.TeamName(v.Officer.Team), Period: period(v.From, v.To),
		Table: unitTable{Caption: "The officer, the team and the force", Rows: []unitRow{rowOfUnit(v.Unit, ""),
			rowOfUnit(v.Team, "/supervision/team?team="+url.QueryEscape(v.Officer.Team)), rowOfUnit(v.All, "")}}}
	for _, rv := range v.Reviews {
		d.Reviews = append(d.Reviews, showReview(rv))
	}
	s.renderStatus(w, r, http.StatusOK, "supervisionofficer", &page{Title: "Officer " + v.Officer.Name, Data: d})
}
