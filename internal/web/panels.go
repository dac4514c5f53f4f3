package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/panel"
)

// Independent scrutiny (S3). A panel member's pages show only their own
// panel's anonymised samples: no reference, officer or person. Those who
// manage panels set them up and call meetings; the force answers the
// findings; everyone reads the findings and the answers on /scrutiny and on
// the pages of the areas the panel covers.

// registerPanels adds the pages of independent scrutiny (S3): the panel's samples and ratings, published findings and the force's response.
func (s *Site) registerPanels(mux *http.ServeMux) {
	need := func(p charter.Permission, h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(p, h) }
	mux.Handle("GET /panel", need(charter.PermPanelReview, s.panelHome))
	mux.Handle("GET /panel/meetings/{id}", need(charter.PermPanelReview, s.panelMeeting))
	mux.Handle("POST /panel/meetings/{id}", need(charter.PermPanelReview, s.ratePanelSample))
	mux.Handle("GET /panel/meetings/{id}/findings", need(charter.PermPanelReview, s.panelFindingsForm))
	mux.Handle("POST /panel/meetings/{id}/findings", need(charter.PermPanelReview, s.writePanelFindings))
	mux.Handle("GET /panels", s.needAny(s.panelsAdmin, charter.PermPanelManage, charter.PermPanelRespond))
	mux.Handle("POST /panels", need(charter.PermPanelManage, s.createPanel))
	mux.Handle("POST /panels/meetings", need(charter.PermPanelManage, s.createPanelMeeting))
	mux.Handle("POST /panels/meetings/{id}/response", need(charter.PermPanelRespond, s.respondToPanel))
	mux.HandleFunc("GET /scrutiny", s.scrutiny)
}

// panelHomePage is a member's panel and its meetings.
type panelHomePage struct {
	*panel.PanelMeetings
	AreaNames []string
}

func (s *Site) panelHome(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	pm, err := s.enc.Panels.Home(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "panelhome", &page{Title: pm.Panel.Name, Data: panelHomePage{PanelMeetings: pm, AreaNames: s.areaNames(r.Context(), pm.Panel.Areas)}})
}

// areaNames names area codes for people.
func (s *Site) areaNames(ctx context.Context, codes []string) []string {
	names := s.wardNames(ctx)
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = wardName(c, names)
	}
	return out
}

// sampleCard is one sampled record on the member's page.
type sampleCard struct {
	charter.SampleRecord
	WardName string
	Rated    bool
}

// panelMeetingPage is one record of a meeting's sample with the rubric.
type panelMeetingPage struct {
	Meeting   charter.Meeting
	Panel     charter.Panel
	Cards     []sampleCard
	Current   *sampleCard
	Prev      int
	Next      int
	Rated     int
	Questions []charter.Criterion
	Marks     []charter.Mark
	Rubric    charter.Rubric
	Message   string
	Saved     bool
}

// Is says whether question c holds mark m in the form.
func (p panelMeetingPage) Is(c charter.Criterion, m charter.Mark) bool { return p.Rubric.Marks[c] == m }

func (s *Site) panelMeeting(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	s.renderPanelMeeting(w, r, http.StatusOK, id, n, nil, "")
}

// renderPanelMeeting shows record n of meeting id's sample (0: the first
// the member has not rated); form, when not nil, is what they sent.
func (s *Site) renderPanelMeeting(w http.ResponseWriter, r *http.Request, status int, id int64, n int, form *charter.Rubric, msg string) {
	noStorePrivate(w)
	ms, err := s.enc.Panels.Meeting(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(r.Context())
	d := panelMeetingPage{Meeting: ms.Meeting, Panel: ms.Panel, Rated: ms.Rated(), Questions: charter.Criteria,
		Marks: []charter.Mark{charter.MarkMet, charter.MarkPartly, charter.MarkNotMet, charter.MarkNotAssessed}, Message: msg,
		Saved: r.URL.Query().Get("saved") != ""}
	for _, sr := range ms.Sample {
		_, rated := ms.Mine[sr.Ordinal]
		d.Cards = append(d.Cards, sampleCard{SampleRecord: sr, WardName: wardName(sr.Ward, names), Rated: rated})
	}
	if n == 0 {
		n = 1
		for _, c := range d.Cards {
			if !c.Rated {
				n = c.Ordinal
				break
			}
		}
	}
	if len(d.Cards) > 0 {
		if n < 1 || n > len(d.Cards) {
			// Past the last record (after rating it): the list.
			n = len(d.Cards)
		}
		d.Current = &d.Cards[n-1]
		d.Prev, d.Next = n-1, n+1
		if d.Next > len(d.Cards) {
			d.Next = 0
		}
		d.Rubric = ms.Mine[n]
		if form != nil {
			d.Rubric = *form
		}
	}
	s.renderStatus(w, r, status, "panelmeeting", &page{Title: "Meeting of " + ms.Meeting.Date.Format("2 January 2006"), Data: d})
}

// parseRubric reads the rubric's marks and comment from a form.
func parseRubric(v url.Values) (charter.Rubric, error) {
	rb := charter.Rubric{Marks: map[charter.Criterion]charter.Mark{}, Comment: strings.TrimSpace(v.Get("comment"))}
	var fe charter.FieldErrors
	for _, c := range charter.Criteria {
		m, err := charter.ParseMark(v.Get("mark-" + string(c)))
		if err != nil {
			fe = append(fe, charter.FieldError{Field: "marks." + string(c), Reason: err.Error()})
		}
		rb.Marks[c] = m
	}
	return rb, charter.Invalid(fe)
}

func (s *Site) ratePanelSample(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(v.Get("ordinal"))
	if err != nil || n < 1 {
		s.fail(w, r, charter.Errorf(charter.EINVALID, "the form does not say which record it rates"))
		return
	}
	rb, err := parseRubric(v)
	if err == nil {
		err = s.enc.Panels.Rate(r.Context(), user(r), id, n, rb)
	}
	switch charter.ErrorCode(err) {
	case "":
		next := n + 1
		if v.Get("then") == "stay" {
			next = n
		}
		http.Redirect(w, r, "/panel/meetings/"+strconv.FormatInt(id, 10)+"?saved=1&n="+strconv.Itoa(next), http.StatusSeeOther)
	case charter.EFIELDS, charter.EINVALID, charter.ECONFLICT:
		status := http.StatusUnprocessableEntity
		if charter.ErrorCode(err) == charter.ECONFLICT {
			status = http.StatusConflict
		}
		s.renderPanelMeeting(w, r, status, id, n, &rb, fieldMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// fieldMessage is an error's problems in one sentence.
func fieldMessage(err error) string {
	if fe, ok := fieldErrors(err); ok {
		msgs := make([]string, len(fe))
		for i, e := range fe {
			msgs[i] = e.Reason
		}
		return strings.Join(msgs, "; ")
	}
	return charter.ErrorMessage(err)
}

// panelFindingsPage is the form of a meeting's findings with the panel's
// own aggregates.
type panelFindingsPage struct {
	Meeting  charter.Meeting
	Panel    charter.Panel
	Shares   []panel.Share
	Ratings  int
	Findings string
	Message  string
}

func (s *Site) panelFindingsForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderPanelFindings(w, r, http.StatusOK, id, nil, "")
}

func (s *Site) renderPanelFindings(w http.ResponseWriter, r *http.Request, status int, id int64, text *string, msg string) {
	noStorePrivate(w)
	ms, err := s.enc.Panels.Meeting(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shares, n, err := s.enc.Panels.MeetingShares(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := panelFindingsPage{Meeting: ms.Meeting, Panel: ms.Panel, Shares: shares, Ratings: n, Findings: ms.Meeting.Findings, Message: msg}
	if text != nil {
		d.Findings = *text
	}
	s.renderStatus(w, r, status, "panelfindings", &page{Title: "The panel's findings", Data: d})
}

func (s *Site) writePanelFindings(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	text := v.Get("findings")
	err := s.enc.Panels.WriteFindings(r.Context(), user(r), id, text)
	switch charter.ErrorCode(err) {
	case "":
		s.published()
		http.Redirect(w, r, "/scrutiny#meeting-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case charter.EFIELDS, charter.EINVALID:
		s.renderPanelFindings(w, r, http.StatusUnprocessableEntity, id, &text, fieldMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// panelsPage is the administration of panels and the force's responses.
type panelsPage struct {
	Panels  []panel.PanelMeetings
	Manage  bool
	Respond bool
	Values  url.Values
	Message string
	Done    string
	Sample  int
}

func (s *Site) panelsAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderPanels(w, r, http.StatusOK, panelsPage{Done: r.URL.Query().Get("done")})
}

func (s *Site) renderPanels(w http.ResponseWriter, r *http.Request, status int, d panelsPage) {
	noStorePrivate(w)
	ps, err := s.enc.Panels.Panels(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Panels, d.Manage, d.Respond, d.Sample = ps, user(r).Can(charter.PermPanelManage), user(r).Can(charter.PermPanelRespond), s.enc.Panels.SampleSize()
	if d.Values == nil {
		d.Values = url.Values{}
	}
	s.renderStatus(w, r, status, "panels", &page{Title: "Scrutiny panels", Data: d})
}

// afterPanelChange answers a change on /panels: back to the page, or the
// page again with the problem.
func (s *Site) afterPanelChange(w http.ResponseWriter, r *http.Request, v url.Values, err error, done string) {
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/panels?done="+url.QueryEscape(done), http.StatusSeeOther)
	case charter.EFIELDS, charter.EINVALID, charter.ECONFLICT, charter.ENOTFOUND:
		s.renderPanels(w, r, http.StatusUnprocessableEntity, panelsPage{Values: v, Message: fieldMessage(err)})
	default:
		s.fail(w, r, err)
	}
}

func (s *Site) createPanel(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	areas := strings.FieldsFunc(v.Get("areas"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' })
	force := v.Get("force")
	if force == "" {
		force = user(r).Force
	}
	_, err := s.enc.Panels.CreatePanel(r.Context(), user(r), charter.Panel{Name: v.Get("name"), Force: force, Areas: areas})
	s.afterPanelChange(w, r, v, err, "panel")
}

func (s *Site) createPanelMeeting(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	pid, _ := strconv.ParseInt(v.Get("panel"), 10, 64)
	date, _ := time.Parse(time.DateOnly, strings.TrimSpace(v.Get("date")))
	from, _ := charter.ParseMonth(strings.TrimSpace(v.Get("from")))
	to, _ := charter.ParseMonth(strings.TrimSpace(v.Get("to")))
	size := 0
	if t := strings.TrimSpace(v.Get("sample")); t != "" {
		if size, _ = strconv.Atoi(t); size == 0 {
			size = -1 // refused with the sample's own words
		}
	}
	_, err := s.enc.Panels.CreateMeeting(r.Context(), user(r), panel.NewMeeting{PanelID: pid, Date: date, From: from, To: to, SampleSize: size})
	s.afterPanelChange(w, r, v, err, "meeting")
}

func (s *Site) respondToPanel(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	err := s.enc.Panels.Respond(r.Context(), user(r), id, v.Get("response"))
	if err == nil {
		s.published()
	}
	s.afterPanelChange(w, r, v, err, "response")
}

// published drops the public pages the server keeps (they key on the
// figures' version): /scrutiny and the area pages show the findings at
// once.
func (s *Site) published() { s.fig.Published() }

// findingView is a published finding as pages show it.
type findingView struct {
	panel.Finding
	AreaNames []string
	// The findings and the response as paragraphs, as their authors
	// separated them with blank lines.
	FindingsParas, ResponseParas []string
	Period                       string // the months looked at, in words
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Site) findingViews(ctx context.Context, fs []panel.Finding) []findingView {
	out := make([]findingView, len(fs))
	for i, f := range fs {
		from, _ := charter.ParseMonth(f.From)
		to, _ := charter.ParseMonth(f.To)
		out[i] = findingView{Finding: f, AreaNames: s.areaNames(ctx, f.Areas), FindingsParas: paragraphs(f.Findings), ResponseParas: paragraphs(f.Response),
			Period: charter.PeriodWords(from, to)}
	}
	return out
}

// scrutiny is every panel's published findings and the force's answers.
func (s *Site) scrutiny(w http.ResponseWriter, r *http.Request) {
	fs, err := s.enc.Panels.Published(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, "scrutiny", &page{Title: "Independent scrutiny", Data: s.findingViews(r.Context(), fs)})
}

// findingsSection is what the findings add to the page of area code (nil: nothing).
func (s *Site) findingsSection(ctx context.Context, code string) (any, error) {
	fs, err := s.enc.Panels.Published(ctx, code)
	if err != nil || len(fs) == 0 {
		return nil, err
	}
	return s.findingViews(ctx, fs), nil
}
