package panel

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// need refuses a caller without p: the public is asked to sign in.
func need(u *charter.User, p charter.Permission) error {
	if u == nil {
		return charter.Errorf(charter.EUNAUTHORIZED, "please sign in first")
	}
	if !u.Can(p) {
		return charter.Errorf(charter.EFORBIDDEN, "your account may not do this")
	}
	return nil
}

// CreatePanel sets up a panel (PermPanelManage).
func (s *Service) CreatePanel(ctx context.Context, by *charter.User, p charter.Panel) (*charter.Panel, error) {
	if err := need(by, charter.PermPanelManage); err != nil {
		return nil, err
	}
	if err := s.st.CreatePanel(ctx, store.ActorOf(by), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// PanelMeetings is a panel with its meetings, latest first.
type PanelMeetings struct {
	Panel    charter.Panel
	Members  int
	Meetings []charter.Meeting
}

// Panels lists every panel with its meetings, for those who manage them
// and those who answer them (PermPanelManage or PermPanelRespond).
func (s *Service) Panels(ctx context.Context, by *charter.User) ([]PanelMeetings, error) {
	if err := need(by, charter.PermPanelManage); err != nil && !by.Can(charter.PermPanelRespond) {
		return nil, err
	}
	ps, err := s.st.Panels(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PanelMeetings, 0, len(ps))
	for _, p := range ps {
		pm, err := s.panelMeetings(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, *pm)
	}
	return out, nil
}

func (s *Service) panelMeetings(ctx context.Context, p charter.Panel) (*PanelMeetings, error) {
	ms, err := s.st.Meetings(ctx, p.ID, false)
	if err != nil {
		return nil, err
	}
	n, err := s.st.PanelMembers(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return &PanelMeetings{Panel: p, Members: n, Meetings: ms}, nil
}

// NewMeeting is a meeting to set up: the panel, the day, the months whose
// searches it looks at, and the sample's size (0: the default).
type NewMeeting struct {
	PanelID    int64
	Date       time.Time
	From, To   charter.Month
	SampleSize int
}

// CreateMeeting sets up a meeting and draws its sample once
// (PermPanelManage).
func (s *Service) CreateMeeting(ctx context.Context, by *charter.User, nm NewMeeting) (*charter.Meeting, error) {
	if err := need(by, charter.PermPanelManage); err != nil {
		return nil, err
	}
	if nm.SampleSize == 0 {
		nm.SampleSize = s.opts.SampleSize
	}
	m := &charter.Meeting{PanelID: nm.PanelID, Date: nm.Date, From: nm.From, To: nm.To}
	if err := s.st.CreateMeeting(ctx, store.ActorOf(by), m, nm.SampleSize, s.opts.Pick); err != nil {
		return nil, err
	}
	return m, nil
}

// Home is a member's panel and its meetings.
func (s *Service) Home(ctx context.Context, u *charter.User) (*PanelMeetings, error) {
	if err := need(u, charter.PermPanelReview); err != nil {
		return nil, err
	}
	if u.PanelID == 0 {
		return nil, charter.Errorf(charter.EFORBIDDEN, "your account does not sit on a panel yet: ask the panel's administrator")
	}
	p, err := s.st.Panel(ctx, u.PanelID)
	if err != nil {
		return nil, err
	}
	return s.panelMeetings(ctx, *p)
}

// MeetingSample is a meeting as its panel's member sees it: the sample,
// anonymised, and the member's own ratings by ordinal.
type MeetingSample struct {
	Panel   charter.Panel
	Meeting charter.Meeting
	Sample  []charter.SampleRecord
	Mine    map[int]charter.Rubric
}

// Rated counts the sampled records the member has rated.
func (m *MeetingSample) Rated() int { return len(m.Mine) }

// memberMeeting reads meeting id for member u: a member of another panel,
// or anyone else, is refused.
func (s *Service) memberMeeting(ctx context.Context, u *charter.User, id int64) (*charter.Meeting, *charter.Panel, error) {
	if err := need(u, charter.PermPanelReview); err != nil {
		return nil, nil, err
	}
	m, err := s.st.Meeting(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if u.PanelID == 0 || m.PanelID != u.PanelID {
		return nil, nil, charter.Errorf(charter.EFORBIDDEN, "this meeting is another panel's")
	}
	p, err := s.st.Panel(ctx, m.PanelID)
	if err != nil {
		return nil, nil, err
	}
	return m, p, nil
}

// Meeting returns meeting id's sample and the member's ratings.
func (s *Service) Meeting(ctx context.Context, u *charter.User, id int64) (*MeetingSample, error) {
	m, p, err := s.memberMeeting(ctx, u, id)
	if err != nil {
		return nil, err
	}
	sample, err := s.st.Sample(ctx, store.ActorOf(u), id)
	if err != nil {
		return nil, err
	}
	rs, err := s.st.Ratings(ctx, id, u.ID)
	if err != nil {
		return nil, err
	}
	mine := map[int]charter.Rubric{}
	for _, r := range rs {
		mine[r.Ordinal] = r.Rubric
	}
	return &MeetingSample{Panel: *p, Meeting: *m, Sample: sample, Mine: mine}, nil
}

// Rate stores the member's rubric for the ordinal'th record of meeting
// id's sample (a second rating replaces the first). Ratings close when the
// findings are written.
func (s *Service) Rate(ctx context.Context, u *charter.User, id int64, ordinal int, r charter.Rubric) error {
	m, _, err := s.memberMeeting(ctx, u, id)
	if err != nil {
		return err
	}
	if !m.FindingsAt.IsZero() {
		return charter.Errorf(charter.ECONFLICT, "the panel has published its findings for this meeting: its ratings are closed")
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if len(r.Comment) > 4000 {
		return charter.Invalid(charter.FieldErrors{{Field: "comment", Reason: "the comment is at most 4,000 characters"}})
	}
	if err := charter.CheckRubric(r); err != nil {
		return err
	}
	return s.st.RateSample(ctx, store.ActorOf(u), id, ordinal, r)
}

// WriteFindings stores and publishes the panel's findings for meeting id;
// any member of the panel may write or amend them.
func (s *Service) WriteFindings(ctx context.Context, u *charter.User, id int64, text string) error {
	if _, _, err := s.memberMeeting(ctx, u, id); err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return charter.Invalid(charter.FieldErrors{{Field: "findings", Reason: "write what the panel found"}})
	case len(text) > 20000:
		return charter.Invalid(charter.FieldErrors{{Field: "findings", Reason: "the findings are at most 20,000 characters"}})
	}
	// Findings are published: they pass through the same redaction as the
	// grounds, so a name a member typed is not published.
	return s.st.SetFindings(ctx, store.ActorOf(u), id, charter.Redact(text))
}

// Respond stores the force's response to meeting id's findings
// (PermPanelRespond; an officer of another force may not answer).
func (s *Service) Respond(ctx context.Context, u *charter.User, id int64, text string) error {
	if err := need(u, charter.PermPanelRespond); err != nil {
		return err
	}
	m, err := s.st.Meeting(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.st.Panel(ctx, m.PanelID)
	if err != nil {
		return err
	}
	if u.Force != "" && u.Force != p.Force {
		return charter.Errorf(charter.EFORBIDDEN, "this panel scrutinises another force")
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return charter.Invalid(charter.FieldErrors{{Field: "response", Reason: "write the force's response"}})
	case len(text) > 20000:
		return charter.Invalid(charter.FieldErrors{{Field: "response", Reason: "the response is at most 20,000 characters"}})
	}
	return s.st.SetResponse(ctx, store.ActorOf(u), id, text)
}

// Share is how many of the ratings that assessed a question found it met,
// with the share and its 95% Wilson interval (unknown when none assessed it).
type Share struct {
	Criterion charter.Criterion `json:"criterion"`
	Question  string            `json:"question"`
	Met       int               `json:"met"`
	Assessed  int               `json:"assessed"`
	Share     charter.Figure    `json:"share"`
}

// Finding is a meeting's published findings, the force's response and the
// aggregates of the panel's ratings: no member, record or officer named.
type Finding struct {
	MeetingID  int64      `json:"meeting_id"`
	Panel      string     `json:"panel"`
	Force      string     `json:"force"`
	Areas      []string   `json:"areas"`
	Date       string     `json:"date"`
	From       string     `json:"from"`
	To         string     `json:"to"`
	SampleSize int        `json:"sample_size"`
	Ratings    int        `json:"ratings"` // member-by-record ratings behind Shares
	Findings   string     `json:"findings"`
	FindingsAt time.Time  `json:"findings_at"`
	Response   string     `json:"response"`    // "" until the force answers
	ResponseAt *time.Time `json:"response_at"` // nil until the force answers
	Shares     []Share    `json:"shares"`
}

// Published lists the published findings of every panel, latest first,
// or, for an area (a borough or ward code), of the panels whose areas
// include it or the borough it lies in.
func (s *Service) Published(ctx context.Context, area string) ([]Finding, error) {
	var codes []string
	if area != "" {
		parents, err := s.st.ParentCodes(ctx, area)
		if err != nil {
			return nil, err
		}
		codes = append([]string{area}, parents...)
	}
	ps, err := s.st.Panels(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]charter.Panel{}
	for _, p := range ps {
		if len(codes) == 0 || slices.ContainsFunc(p.Areas, func(a string) bool { return slices.Contains(codes, a) }) {
			byID[p.ID] = p
		}
	}
	if len(byID) == 0 {
		return nil, nil
	}
	ms, err := s.st.Meetings(ctx, 0, true)
	if err != nil {
		return nil, err
	}
	var out []Finding
	for _, m := range ms {
		p, ok := byID[m.PanelID]
		if !ok {
			continue
		}
		f, err := s.finding(ctx, p, m)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Service) finding(ctx context.Context, p charter.Panel, m charter.Meeting) (Finding, error) {
	rs, err := s.st.Ratings(ctx, m.ID, 0)
	if err != nil {
		return Finding{}, err
	}
	return Finding{MeetingID: m.ID, Panel: p.Name, Force: p.Force, Areas: p.Areas, Date: m.Date.Format(time.DateOnly),
		From: m.From.String(), To: m.To.String(), SampleSize: m.SampleSize, Ratings: len(rs), Findings: m.Findings,
		FindingsAt: m.FindingsAt, Response: m.Response, ResponseAt: timeOrNil(m.ResponseAt), Shares: Shares(rs)}, nil
}

// Shares are, per rubric question, the ratings that found it met among
// those that assessed it ("partly met" counts as not met), with Wilson
// intervals. Every member's rating of every record counts once.
func Shares(rs []store.Rating) []Share {
	out := make([]Share, 0, len(charter.Criteria))
	for _, c := range charter.Criteria {
		sh := Share{Criterion: c, Question: c.Question()}
		for _, r := range rs {
			switch r.Marks[c] {
			case charter.MarkMet:
				sh.Met++
				sh.Assessed++
			case charter.MarkPartly, charter.MarkNotMet:
				sh.Assessed++
			}
		}
		sh.Share = stats.WilsonProportion(sh.Met, sh.Assessed, 0.95).Figure(charter.ScaleShare)
		out = append(out, sh)
	}
	return out
}

// MeetingShares are the aggregates of every member's ratings of meeting
// id so far, for its panel's members writing their findings, and how many
// ratings they count.
func (s *Service) MeetingShares(ctx context.Context, u *charter.User, id int64) ([]Share, int, error) {
	if _, _, err := s.memberMeeting(ctx, u, id); err != nil {
		return nil, 0, err
	}
	rs, err := s.st.Ratings(ctx, id, 0)
	if err != nil {
		return nil, 0, err
	}
	return Shares(rs), len(rs), nil
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
