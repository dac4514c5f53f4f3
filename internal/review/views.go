package review

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// The levels of the funnel limits: 95% ("worth watching") and 99.8%
// ("outlier": early intervention), as Spiegelhalter's funnel plots use.
const (
	WatchLevel   = 0.95
	OutlierLevel = 0.998
)

// Figure is a proportion of a unit (an officer, a team) with its 95%
// Wilson interval and where it falls against funnel limits round the
// force's proportion for a unit of its size.
type Figure struct {
	Count, Of int
	stats.Estimate
	// Target is the force's proportion; the limits are its funnel limits
	// at Of trials.
	Target                  float64
	Lower95, Upper95        float64
	Lower998, Upper998      float64
	Position95, Position998 stats.Position
	Name                    string // what it counts, in words
	HighMeaning, LowMeaning string // what a flag above or below would mean
	highConcern, lowConcern bool
}

// Watch reports whether the figure is outside the 95% limits.
func (f Figure) Watch() bool { return f.Position95 == stats.Above || f.Position95 == stats.Below }

// Outlier reports whether the figure is outside the 99.8% limits.
func (f Figure) Outlier() bool { return f.Position998 == stats.Above || f.Position998 == stats.Below }

// Flag says in words where the figure falls, "" when within the 95% limits.
func (f Figure) Flag() string {
	side := "above"
	mean := f.HighMeaning
	if f.Position95 == stats.Below {
		side, mean = "below", f.LowMeaning
	}
	switch {
	case f.Outlier():
		return "Outlier: " + side + " the force's rate beyond the 99.8% limits (" + mean + ")"
	case f.Watch():
		return "Worth watching: " + side + " the force's rate beyond the 95% limits (" + mean + ")"
	}
	return ""
}

// figure is count out of of against the force's proportion target.
func figure(name, high, low string, count, of int, target float64) Figure {
	f := Figure{Name: name, HighMeaning: high, LowMeaning: low, Count: count, Of: of, Target: target,
		Estimate: stats.WilsonProportion(count, of, 0.95)}
	f.Lower95, f.Upper95 = stats.FunnelLimits(target, of, WatchLevel)
	f.Lower998, f.Upper998 = stats.FunnelLimits(target, of, OutlierLevel)
	v := math.NaN()
	if of > 0 {
		v = float64(count) / float64(of)
	}
	f.Position95 = stats.Classify(v, f.Lower95, f.Upper95)
	f.Position998 = stats.Classify(v, f.Lower998, f.Upper998)
	return f
}

// Unit is the figures of an officer, a team or the force over the view's
// period, from first-hand records.
type Unit struct {
	Name      string
	OfficerID int64 // the officer's id; 0 for a team or the force
	Searches  int
	// Arrests: searches whose outcome is an arrest, of all searches.
	Arrests Figure
	// Finds: searches whose outcome was linked to the object searched for,
	// of the searches where the officer recorded whether it was.
	Finds Figure
	// Black: searches of people who described themselves as Black, of the
	// searches where the person stated their ethnicity.
	Black Figure
	// Feedback is the mean of the people's survey answers (each answer the
	// mean of its questions answered, 1 to 5) with a t interval, of
	// FeedbackN answers.
	Feedback  stats.Estimate
	FeedbackN int
	// ReviewScore is the mean rubric score of the reviews (0 to 1: met 1,
	// partly ½, not met 0 over the questions assessed) with a t interval,
	// of Reviews reviews.
	ReviewScore stats.Estimate
	Reviews     int
}

// Flags lists the unit's figures outside the 95% limits, in words.
func (u Unit) Flags() []string {
	var out []string
	for _, f := range []Figure{u.Arrests, u.Finds, u.Black} {
		if fl := f.Flag(); fl != "" {
			out = append(out, f.Name+": "+fl)
		}
	}
	return out
}

// Outlier reports whether any figure is outside the 99.8% limits.
func (u Unit) Outlier() bool { return u.Arrests.Outlier() || u.Finds.Outlier() || u.Black.Outlier() }

// counts are the tallies a Unit is made from.
type counts struct {
	searches, arrests, finds, findsOf, black, blackOf int
	feedback, scores                                  []float64
}

func (c *counts) add(rr *store.ReviewRecord) {
	r := &rr.Record
	c.searches++
	if o, ok := charter.LookupOutcome(r.Outcome); ok && o.Arrest {
		c.arrests++
	}
	if r.OutcomeLinkedToObjectOfSearch != nil {
		c.findsOf++
		if *r.OutcomeLinkedToObjectOfSearch {
			c.finds++
		}
	}
	if e, ok := charter.LookupSelfDefined(r.SelfDefinedEthnicity); ok && e.Group != charter.GroupNotStated && e.Group != charter.GroupUnknown {
		c.blackOf++
		if e.Group == charter.GroupBlack {
			c.black++
		}
	}
	if sv := rr.Survey; sv != nil {
		var sum float64
		n := 0
		for _, v := range []int{sv.Listened, sv.Explained, sv.Respect, sv.Debriefed, sv.Trust} {
			if v > 0 {
				sum += float64(v)
				n++
			}
		}
		if n > 0 {
			c.feedback = append(c.feedback, sum/float64(n))
		}
	}
	if rr.Review != nil {
		if sc, ok := rr.Review.Rubric.Score(); ok {
			c.scores = append(c.scores, sc)
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// unit makes the figures of c against the force's tallies f.
func unit(name string, id int64, c, f *counts) Unit {
	return Unit{Name: name, OfficerID: id, Searches: c.searches,
		Arrests: figure("Arrest rate", "more searches end in arrest than across the force",
			"fewer searches end in arrest than across the force: the grounds may be weaker", c.arrests, c.searches, ratio(f.arrests, f.searches)),
		Finds: figure("Find rate", "more searches find what was searched for than across the force",
			"fewer searches find what was searched for than across the force: the grounds may be weaker", c.finds, c.findsOf, ratio(f.finds, f.findsOf)),
		Black: figure("Share of searches of Black people", "a larger share of this unit's searches are of Black people than across the force",
			"a smaller share of this unit's searches are of Black people than across the force", c.black, c.blackOf, ratio(f.black, f.blackOf)),
		Feedback:  stats.MeanScore(c.feedback, 1, 5, 0.95),
		FeedbackN: len(c.feedback), ReviewScore: stats.MeanScore(c.scores, 0, 1, 0.95), Reviews: len(c.scores)}
}

// TeamView is a team's figures with each officer's, against the force's.
type TeamView struct {
	Force    string
	Team     string
	From, To time.Time
	All      Unit // the force as a whole: the targets
	Whole    Unit // the team as a whole
	Officers []Unit
}

// ForceView is every team of a force, for analysts.
type ForceView struct {
	Force    string
	From, To time.Time
	All      Unit
	Teams    []Unit // Name is the team's name ("" for officers without a team)
}

// mayView checks that u may see the views of team in their force:
// supervisors their own team, analysts any team of their force.
func mayView(u *charter.User, team string) error {
	switch {
	case !u.Can(charter.PermOutliers) || u.Force == "":
		return forbidden("team and officer figures are for supervisors and analysts of a force")
	case u.Can(charter.PermReview) && team != u.Team:
		return forbidden("supervisors see their own team's figures")
	}
	return nil
}

// period reads the force's records of the view's period, with its bounds.
func (s *Service) period(ctx context.Context, force string) ([]store.ReviewRecord, time.Time, time.Time, error) {
	to := s.opts.Now().UTC()
	from := to.Add(-s.opts.ViewPeriod)
	all, err := s.st.ForceRecords(ctx, force, from, to.Add(time.Second))
	return all, from, to, err
}

// Team is the figures of team (of u's force) and its officers; the read is
// audited as a read of personal data.
func (s *Service) Team(ctx context.Context, u *charter.User, team string) (TeamView, error) {
	if err := mayView(u, team); err != nil {
		return TeamView{}, err
	}
	all, from, to, err := s.period(ctx, u.Force)
	if err != nil {
		return TeamView{}, err
	}
	users, err := s.st.ForceUsers(ctx, u.Force)
	if err != nil {
		return TeamView{}, err
	}
	var force, whole counts
	by := map[int64]*counts{}
	for _, m := range users {
		if m.Team == team && m.Role.Can(charter.PermRecordCreate) {
			by[m.ID] = &counts{}
		}
	}
	for i := range all {
		rr := &all[i]
		force.add(rr)
		if c := by[rr.OfficerID]; c != nil && rr.OfficerTeam == team {
			c.add(rr)
			whole.add(rr)
		}
	}
	v := TeamView{Force: u.Force, Team: team, From: from, To: to, All: unit("The force", 0, &force, &force),
		Whole: unit(teamName(team), 0, &whole, &force)}
	for _, m := range users {
		// Supervisors record searches too; they are listed when they have.
		if c := by[m.ID]; c != nil && (m.Role == charter.RoleOfficer || c.searches > 0) {
			v.Officers = append(v.Officers, unit(m.Name, m.ID, c, &force))
		}
	}
	return v, s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "figures.outliers.read", Subject: "team:" + u.Force + "/" + team})
}

// teamName is how pages name a team.
func teamName(team string) string {
	if team == "" {
		return "Officers without a team"
	}
	return "Team " + team
}

// TeamName is how pages name a team ("" is the officers without one).
func TeamName(team string) string { return teamName(team) }

// Teams is every team of u's force against the force, for analysts; the
// read is audited.
func (s *Service) Teams(ctx context.Context, u *charter.User) (ForceView, error) {
	if !u.Can(charter.PermOutliers) || u.Can(charter.PermReview) || u.Force == "" {
		return ForceView{}, forbidden("the force's teams are for analysts; supervisors see their own team")
	}
	all, from, to, err := s.period(ctx, u.Force)
	if err != nil {
		return ForceView{}, err
	}
	var force counts
	teams := map[string]*counts{}
	for i := range all {
		rr := &all[i]
		force.add(rr)
		c := teams[rr.OfficerTeam]
		if c == nil {
			c = &counts{}
			teams[rr.OfficerTeam] = c
		}
		c.add(rr)
	}
	v := ForceView{Force: u.Force, From: from, To: to, All: unit("The force", 0, &force, &force)}
	names := make([]string, 0, len(teams))
	for t := range teams {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		un := unit(teamName(t), 0, teams[t], &force)
		un.Name = t
		v.Teams = append(v.Teams, un)
	}
	return v, s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "figures.outliers.read", Subject: "force:" + u.Force})
}

// OfficerView is one officer's figures against their team's and the
// force's, with the reviews of their records.
type OfficerView struct {
	Officer  charter.User
	From, To time.Time
	All      Unit
	Team     Unit
	Unit     Unit
	Reviews  []charter.Review
}

// Officer is the figures of officer id for u (a supervisor of their team,
// an analyst of their force); the read is audited.
func (s *Service) Officer(ctx context.Context, u *charter.User, id int64) (OfficerView, error) {
	o, err := s.st.UserByID(ctx, id)
	if charter.ErrorCode(err) == charter.ENOTFOUND || err == nil && (o.Force != u.Force || !o.Role.Can(charter.PermRecordCreate)) {
		return OfficerView{}, charter.Errorf(charter.ENOTFOUND, "no officer %d in your force", id)
	}
	if err != nil {
		return OfficerView{}, err
	}
	if err := mayView(u, o.Team); err != nil {
		return OfficerView{}, err
	}
	all, from, to, err := s.period(ctx, u.Force)
	if err != nil {
		return OfficerView{}, err
	}
	var force, team, mine counts
	var reviews []charter.Review
	for i := range all {
		rr := &all[i]
		force.add(rr)
		if rr.OfficerTeam == o.Team {
			team.add(rr)
		}
		if rr.OfficerID == o.ID {
			mine.add(rr)
			if rr.Review != nil {
				reviews = append(reviews, *rr.Review)
			}
		}
	}
	slices.Reverse(reviews)
	v := OfficerView{Officer: *o, From: from, To: to, All: unit("The force", 0, &force, &force),
		Team: unit(teamName(o.Team), 0, &team, &force), Unit: unit(o.Name, o.ID, &mine, &force), Reviews: reviews}
	return v, s.st.Audit(ctx, charter.AuditEvent{ActorID: u.ID, Actor: u.Name, Action: "figures.outliers.read", Subject: "user:" + itoa(o.ID)})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
