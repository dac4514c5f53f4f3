package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// Independent scrutiny (S3): the public reads the panels' published
// findings; a panel member reads their panel's meetings and anonymised
// samples and rates each sampled search. Nothing here names a person, an
// officer or a record: sampled searches are known by their meeting and
// their number in its sample.

// Findings are the published findings of the scrutiny panels, latest
// meeting first.
type Findings struct {
	Area     string             `json:"area"` // "" for every panel
	Findings []wirePanelFinding `json:"findings"`
}

// PanelMeeting is one meeting of the member's panel.
type PanelMeeting struct {
	ID         int64  `json:"id"`
	Date       string `json:"date"` // YYYY-MM-DD
	From       string `json:"from"` // YYYY-MM
	To         string `json:"to"`
	SampleSize int    `json:"sample_size"`
	Published  bool   `json:"findings_published"`
	Responded  bool   `json:"force_responded"`
}

// PanelMeetings is the member's panel and its meetings.
type PanelMeetings struct {
	Panel    string         `json:"panel"`
	Areas    []string       `json:"areas"`
	Meetings []PanelMeeting `json:"meetings"`
}

// PanelRating is a member's rating of one sampled search: a mark per
// question (met, partly met, not met or not assessed) and a comment.
type PanelRating struct {
	Ordinal int               `json:"ordinal"`
	Marks   map[string]string `json:"marks"`
	Comment string            `json:"comment"`
	// Score is the share of the assessed questions' points earned (met 1,
	// partly ½), null when nothing was assessed.
	Score *float64 `json:"score"`
}

// RatingRequest is a rating to store.
type RatingRequest struct {
	Marks   map[string]string `json:"marks"`
	Comment string            `json:"comment"`
}

// PanelSample is a meeting's anonymised sample and the member's ratings.
type PanelSample struct {
	Meeting PanelMeeting           `json:"meeting"`
	Sample  []charter.SampleRecord `json:"sample"`
	Ratings []PanelRating          `json:"ratings"`
}

// panelOps are the operations of the panels workflow.
func (a *API) panelOps() []encOp {
	member := []charter.Permission{charter.PermPanelReview}
	meeting := map[int]string{404: "no such meeting", 403: "the meeting is another panel's"}
	return []encOp{
		{method: "GET", path: "/api/v1/scrutiny/findings", id: "listScrutinyFindings", summary: "Scrutiny panels' findings",
			desc:   "The published findings of the independent scrutiny panels, latest meeting first, each with the force's response (empty until it answers) and the panel's ratings in aggregate: per question of the review, the ratings that found it met among those that assessed it, with a 95% Wilson interval. No member, officer, person or record is named.",
			params: []param{{name: "area", in: "query", desc: "a borough (E09…) or ward (E05…) code: only panels scrutinising it; empty: every panel"}},
			status: http.StatusOK, answer: reflect.TypeFor[Findings](), errs: map[int]string{400: "area is not a borough or ward code"},
			run: a.scrutinyFindings},
		{method: "GET", path: "/api/v1/panel/meetings", id: "listPanelMeetings", summary: "Your panel's meetings",
			desc:  "The signed-in panel member's panel, its areas and its meetings, latest first.",
			perms: member, status: http.StatusOK, answer: reflect.TypeFor[PanelMeetings](), run: a.panelMeetings},
		{method: "GET", path: "/api/v1/panel/meetings/{id}/sample", id: "getPanelSample", summary: "A meeting's anonymised sample",
			desc:  "The searches picked at random for a meeting of the member's panel, anonymised (the day, the ward, the power, what was searched for, the grounds with names and numbers taken out, the outcome, the person's age range, gender and self-described ethnicity, whether body-worn video was used), each known only by its number in the sample, with the member's own ratings.",
			perms: member, params: []param{idParam("meeting")}, status: http.StatusOK, answer: reflect.TypeFor[PanelSample](), errs: meeting,
			run: a.panelSample},
		{method: "PUT", path: "/api/v1/panel/meetings/{id}/sample/{ordinal}/rating", id: "ratePanelSample", summary: "Rate a sampled search",
			desc:  "Stores the member's rating of one sampled search with the review's questions (grounds, gowisely, video, respect), each met, partly met, not met or not assessed, and a comment. A second rating replaces the first; ratings close when the panel publishes its findings.",
			perms: member, params: []param{idParam("meeting"), {name: "ordinal", in: "path", required: true, desc: "the search's number in the sample, from 1"}},
			body: reflect.TypeFor[RatingRequest](), status: http.StatusOK, answer: reflect.TypeFor[PanelRating](),
			errs: map[int]string{404: "no such meeting or search in its sample", 403: "the meeting is another panel's", 409: "the findings are published: ratings are closed"},
			run:  a.ratePanelSample},
	}
}

func (a *API) scrutinyFindings(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	area := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("area")))
	if area != "" {
		if lv, _ := charter.LevelOfCode(area); lv != charter.LevelBorough && lv != charter.LevelWard {
			return nil, charter.Errorf(charter.EINVALID, "area %q is not a borough (E09…) or ward (E05…) code", area)
		}
	}
	fs, err := a.acc.Panels.Published(r.Context(), area)
	if err != nil {
		return nil, err
	}
	return Findings{Area: area, Findings: nonNil(each(fs, findingWire))}, nil
}

func meetingOf(m charter.Meeting) PanelMeeting {
	return PanelMeeting{ID: m.ID, Date: m.Date.Format(time.DateOnly), From: m.From.String(), To: m.To.String(),
		SampleSize: m.SampleSize, Published: !m.FindingsAt.IsZero(), Responded: !m.ResponseAt.IsZero()}
}

func (a *API) panelMeetings(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	pm, err := a.acc.Panels.Home(r.Context(), u)
	if err != nil {
		return nil, err
	}
	out := PanelMeetings{Panel: pm.Panel.Name, Areas: nonNil(pm.Panel.Areas), Meetings: []PanelMeeting{}}
	for _, m := range pm.Meetings {
		out.Meetings = append(out.Meetings, meetingOf(m))
	}
	return out, nil
}

func ratingOf(ordinal int, rb charter.Rubric) PanelRating {
	pr := PanelRating{Ordinal: ordinal, Marks: map[string]string{}, Comment: rb.Comment}
	for _, c := range charter.Criteria {
		pr.Marks[string(c)] = rb.Marks[c].String()
	}
	if sc, ok := rb.Score(); ok {
		pr.Score = &sc
	}
	return pr
}

func (a *API) panelSample(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a meeting")
	if err != nil {
		return nil, err
	}
	ms, err := a.acc.Panels.Meeting(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	out := PanelSample{Meeting: meetingOf(ms.Meeting), Sample: nonNil(ms.Sample), Ratings: []PanelRating{}}
	for _, sr := range ms.Sample {
		if rb, ok := ms.Mine[sr.Ordinal]; ok {
			out.Ratings = append(out.Ratings, ratingOf(sr.Ordinal, rb))
		}
	}
	return out, nil
}

func (a *API) ratePanelSample(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a meeting")
	if err != nil {
		return nil, err
	}
	ord, err := strconv.Atoi(r.PathValue("ordinal"))
	if err != nil || ord < 1 {
		return nil, charter.Errorf(charter.EINVALID, "ordinal %q is not a search's number in the sample (1 or more)", r.PathValue("ordinal"))
	}
	var in RatingRequest
	fe, err := readBody(w, r, &in, "a rating")
	if err != nil {
		return nil, err
	}
	rb := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{}, Comment: in.Comment}
	for k, v := range in.Marks {
		m, err := charter.ParseMark(v)
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "marks." + k, Reason: err.Error()})
			continue
		}
		rb.Marks[charter.Criterion(k)] = m
	}
	if err := charter.Invalid(fe); err != nil {
		return nil, err
	}
	if err := a.acc.Panels.Rate(r.Context(), u, id, ord, rb); err != nil {
		return nil, err
	}
	return ratingOf(ord, rb), nil
}
