package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/store"
)

// Complaints (PRODUCT S2): anyone lodges a complaint from their receipt or
// from the site; the complaints team triages, assigns, investigates,
// decides with learning, releases to the officer and closes; the community
// trigger is shown on the area's page, to its scrutiny panel, and answered
// by the force.

// registerComplaints adds the pages of complaints (S2): lodging from a receipt or the site, the complaints team's workflow, the community trigger.
func (s *Site) registerComplaints(mux *http.ServeMux) {
	need := func(p charter.Permission, h http.HandlerFunc) http.Handler { return s.enc.Auth.Require(p, h) }
	mux.HandleFunc("GET /r/{token}/complaint", s.receiptComplaintForm)
	mux.HandleFunc("POST /r/{token}/complaint", s.lodgeFromReceipt)
	mux.HandleFunc("GET /complaints/new", s.complaintForm)
	mux.HandleFunc("POST /complaints/new", s.lodgeComplaint)
	mux.HandleFunc("GET /complaints/lodged", s.complaintLodged)
	mux.HandleFunc("GET /complaints", s.complaintFigures)
	mux.Handle("GET /complaints/queue", need(charter.PermComplaintsManage, s.complaintQueue))
	mux.Handle("GET /complaints/{id}", need(charter.PermComplaintsManage, s.complaintCase))
	mux.Handle("POST /complaints/{id}/{action}", need(charter.PermComplaintsManage, s.complaintStep))
	mux.Handle("GET /complaints/triggers", need(charter.PermTriggerExplain, s.forceTriggers))
	mux.Handle("GET /complaints/triggers/{id}", need(charter.PermTriggerExplain, s.forceTrigger))
	mux.Handle("POST /complaints/triggers/{id}", need(charter.PermTriggerExplain, s.explainTrigger))
	mux.Handle("GET /panel/triggers", need(charter.PermPanelReview, s.panelTriggers))
	mux.Handle("POST /panel/triggers/{id}/require", need(charter.PermPanelReview, s.requireExplanation))
}

// complaintFormPage is the complaint form, from a receipt or the site.
type complaintFormPage struct {
	Token     string // from a receipt; "" on the site
	Reference string // the receipt's reference
	Values    url.Values
	Message   string
	Errors    map[string]string
	Places    []wardGroup
	Boroughs  []boroughOption
}

// boroughOption is a borough in the form's list.
type boroughOption struct{ Code, Name string }

func (s *Site) receiptComplaintForm(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	rc, err := s.enc.Records.Receipt(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderComplaintForm(w, r, http.StatusOK, complaintFormPage{Token: r.PathValue("token"), Reference: rc.Reference, Values: url.Values{}})
}

func (s *Site) complaintForm(w http.ResponseWriter, r *http.Request) {
	s.renderComplaintForm(w, r, http.StatusOK, complaintFormPage{Values: url.Values{}})
}

func (s *Site) renderComplaintForm(w http.ResponseWriter, r *http.Request, status int, d complaintFormPage) {
	if d.Token == "" {
		book := s.wards(r.Context())
		d.Places = book.groups
		for _, b := range charter.LondonBoroughs {
			d.Boroughs = append(d.Boroughs, boroughOption{Code: b.Code, Name: b.Name})
		}
	}
	s.renderStatus(w, r, status, "complaintform", &page{Title: "Make a complaint", Data: d})
}

// lodgingOf reads the form.
func lodgingOf(v url.Values) complaint.Lodging {
	return complaint.Lodging{Ward: v.Get("ward"), Borough: v.Get("borough"), Anonymous: v.Get("anonymous") != "",
		Contact: v.Get("contact"), Text: v.Get("text")}
}

func (s *Site) lodgeFromReceipt(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token")
	ack, err := s.enc.Complaints.LodgeFromReceipt(r.Context(), token, lodgingOf(v))
	d := complaintFormPage{Token: token, Values: v}
	if err != nil {
		// The form shown again names the search it is about, as it did
		// the first time.
		if rc, rerr := s.enc.Records.Receipt(r.Context(), token); rerr == nil {
			d.Reference = rc.Reference
		}
	}
	s.lodged(w, r, ack, err, d)
}

func (s *Site) lodgeComplaint(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	in := lodgingOf(v)
	in.Via = "site"
	ack, err := s.enc.Complaints.Lodge(r.Context(), in)
	s.lodged(w, r, ack, err, complaintFormPage{Values: v})
}

// lodged answers a lodging: the acknowledgement, or the form again with
// what was wrong beside each field.
func (s *Site) lodged(w http.ResponseWriter, r *http.Request, ack complaint.Acknowledgement, err error, d complaintFormPage) {
	if err == nil {
		q := url.Values{"ref": {ack.Reference}, "by": {day(ack.TriageBy)}}
		if ack.Reply {
			q.Set("reply", "1")
		}
		http.Redirect(w, r, "/complaints/lodged?"+q.Encode(), http.StatusSeeOther)
		return
	}
	if fe, ok := fieldErrors(err); ok {
		d.Errors = map[string]string{}
		for _, f := range fe {
			d.Errors[f.Field] = f.Reason
		}
		d.Message = "Please check the form: " + charter.ErrorMessage(err)
		s.renderComplaintForm(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	s.fail(w, r, err)
}

// complaintRef is the shape of a complaint's reference.
var complaintRef = regexp.MustCompile(`^C-[A-Z2-9]{8}$`)

// lodgedPage acknowledges a complaint.
type lodgedPage struct {
	Reference, By string
	Reply         bool
}

func (s *Site) complaintLodged(w http.ResponseWriter, r *http.Request) {
	noStorePrivate(w)
	// The page is built from its address alone, so it shows only what has
	// the shape of a reference and a date: a link made elsewhere cannot put
	// other words on it.
	q := r.URL.Query()
	ref := q.Get("ref")
	if !complaintRef.MatchString(ref) {
		s.notFound(w, r)
		return
	}
	by := q.Get("by")
	if _, err := time.Parse("2 January 2006", by); err != nil {
		by = ""
	}
	s.renderStatus(w, r, http.StatusOK, "complaintlodged", &page{Title: "Your complaint has been received",
		Data: lodgedPage{Reference: ref, By: by, Reply: q.Get("reply") != ""}})
}

// figuresPage is the public complaint figures.
type figuresPage struct {
	Figures  complaint.Figures
	Names    map[string]string
	Triggers []triggerView
	Rule     charter.TriggerRule
}

// triggerView is a trigger in words.
type triggerView struct {
	complaint.PublicTrigger
	WardName, BoroughName  string
	FiredDay, WindowDay    string
	RequiredDay, ExplDay   string
	Refs                   []string // staff only
	Required, Explained    bool
	Explanation, PanelWord string
}

func (s *Site) triggerView(names map[string]string, t complaint.PublicTrigger) triggerView {
	v := triggerView{PublicTrigger: t, WardName: wardName(t.Ward, names), BoroughName: wardName(t.Borough, names),
		FiredDay: day(t.Fired), WindowDay: day(t.WindowStart), Explanation: t.Explanation}
	if t.ExplanationRequired != nil {
		v.Required, v.RequiredDay = true, day(*t.ExplanationRequired)
	}
	if t.Explained != nil {
		v.Explained, v.ExplDay = true, day(*t.Explained)
	}
	return v
}

func (s *Site) complaintFigures(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	to := charter.MonthOf(now().In(charter.London))
	f, err := s.enc.Complaints.Figures(ctx, s.enc.Complaints.Force(), to.Add(-11), to)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ts, err := s.enc.Complaints.Triggers(ctx, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(ctx)
	d := figuresPage{Figures: f, Names: names, Rule: s.enc.Complaints.Rule()}
	for _, t := range ts {
		d.Triggers = append(d.Triggers, s.triggerView(names, t))
	}
	s.render(w, r, "complaints", &page{Title: "Complaints about stop and search", Data: d})
}

// complaintsSection is what the complaints add to the page of area code
// (nil: nothing): the community triggers that fired there, with the
// force's explanations, and the trigger's rule.
func (s *Site) complaintsSection(ctx context.Context, code string) (any, error) {
	lv, ok := charter.LevelOfCode(code)
	if !ok || lv != charter.LevelWard && lv != charter.LevelBorough {
		return nil, nil
	}
	ts, err := s.enc.Complaints.Triggers(ctx, code)
	if err != nil {
		return nil, err
	}
	names := s.wardNames(ctx)
	d := figuresPage{Rule: s.enc.Complaints.Rule(), Names: names}
	for _, t := range ts {
		d.Triggers = append(d.Triggers, s.triggerView(names, t))
	}
	return d, nil
}

// complaintQueuePage is the complaints team's queue.
type complaintQueuePage struct {
	Items   []complaintQueueRow
	Overdue int
}

// complaintQueueRow is a complaint in the queue, in words.
type complaintQueueRow struct {
	complaint.Item
	LodgedDay, Place, StatusWord, CategoryWord string
	OverdueWords                               []string
}

func (s *Site) complaintQueue(w http.ResponseWriter, r *http.Request) {
	items, err := s.enc.Complaints.Queue(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(r.Context())
	var d complaintQueuePage
	for _, it := range items {
		row := complaintQueueRow{Item: it, LodgedDay: day(it.Lodged), Place: placeOf(it.Ward, it.Borough, names),
			StatusWord: it.Status.Label(), CategoryWord: it.Category.Label()}
		for _, l := range it.Overdue {
			row.OverdueWords = append(row.OverdueWords, l.Name)
		}
		if len(it.Overdue) > 0 {
			d.Overdue++
		}
		d.Items = append(d.Items, row)
	}
	s.renderStatus(w, r, http.StatusOK, "complaintqueue", &page{Title: "Complaints", Data: d})
}

// placeOf is a complaint's place in words.
func placeOf(ward, borough string, names map[string]string) string {
	switch {
	case ward != "":
		return wardName(ward, names) + ", " + wardName(borough, names)
	case borough != "":
		return wardName(borough, names)
	}
	return "not given"
}

// casePage is one complaint for its handler.
type casePage struct {
	complaint.Case
	LodgedDay, Place, StatusWord, CategoryWord, OutcomeWord, ReleasedDay string
	Events                                                               []eventRow
	Deadlines                                                            []deadlineRow
	Handlers                                                             []charter.User
	Categories                                                           []option
	Outcomes                                                             []option
	Message                                                              string
	// What may be done next.
	CanTriage, CanAssign, CanInvestigate, CanDecide, CanClose, CanRelease bool
}

type option struct{ Value, Label string }

type eventRow struct{ When, Action, Status, Note string }

type deadlineRow struct {
	Name, Due, Reason string
	Statutory, Met    bool
	Late              bool
}

func (s *Site) complaintCase(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderCase(w, r, id, http.StatusOK, "")
}

func (s *Site) renderCase(w http.ResponseWriter, r *http.Request, id int64, status int, msg string) {
	ctx := r.Context()
	u := user(r)
	c, err := s.enc.Complaints.Case(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hs, err := s.enc.Complaints.Handlers(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(ctx)
	d := casePage{Case: c, LodgedDay: when(c.Lodged), Place: placeOf(c.Ward, c.Borough, names), StatusWord: c.Status.Label(),
		CategoryWord: c.Category.Label(), OutcomeWord: c.Outcome.Label(), ReleasedDay: day(c.Released), Handlers: hs, Message: msg,
		CanTriage: c.Status.CanMoveTo(charter.ComplaintTriaged), CanAssign: c.Status.CanMoveTo(charter.ComplaintAssigned),
		CanInvestigate: c.Status.CanMoveTo(charter.ComplaintInvestigating), CanDecide: c.Status.CanMoveTo(charter.ComplaintDecided),
		CanClose: c.Status.CanMoveTo(charter.ComplaintClosed), CanRelease: c.RecordID != 0 && c.Released.IsZero()}
	for _, e := range c.Events {
		d.Events = append(d.Events, eventRow{When: when(e.At), Action: e.Action, Status: e.Status.Label(), Note: e.Note})
	}
	at := now()
	for _, dl := range c.Deadlines {
		d.Deadlines = append(d.Deadlines, deadlineRow{Name: dl.Name, Due: day(dl.Due), Reason: dl.Reason, Statutory: dl.Statutory,
			Met: dl.Met, Late: !dl.Met && at.After(dl.Due)})
	}
	for _, cat := range charter.ComplaintCategories {
		d.Categories = append(d.Categories, option{string(cat), cat.Label()})
	}
	for _, o := range charter.ComplaintOutcomes {
		d.Outcomes = append(d.Outcomes, option{string(o), o.Label()})
	}
	s.renderStatus(w, r, status, "complaintcase", &page{Title: "Complaint " + c.Reference, Data: d})
}

// complaintStep is one of the case page's forms.
func (s *Site) complaintStep(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	ctx, u, svc := r.Context(), user(r), s.enc.Complaints
	var err error
	switch r.PathValue("action") {
	case "triage":
		err = svc.Triage(ctx, u, id, v.Get("category"), v.Get("note"))
	case "assign":
		h, _ := strconv.ParseInt(v.Get("assignee"), 10, 64)
		err = svc.Assign(ctx, u, id, h)
	case "investigate":
		err = svc.Investigate(ctx, u, id, v.Get("note"))
	case "decide":
		err = svc.Decide(ctx, u, id, v.Get("outcome"), v.Get("learning"))
	case "release":
		err = svc.Release(ctx, u, id)
	case "close":
		err = svc.Close(ctx, u, id, v.Get("note"))
	default:
		s.notFound(w, r)
		return
	}
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/complaints/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case charter.EFIELDS, charter.EINVALID:
		s.renderCase(w, r, id, http.StatusUnprocessableEntity, charter.ErrorMessage(err))
	case charter.ECONFLICT:
		s.renderCase(w, r, id, http.StatusConflict, charter.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// triggersPage lists triggers for the force or a panel.
type triggersPage struct {
	Triggers []triggerView
	Panel    bool
	Rule     charter.TriggerRule
	Message  string
}

func (s *Site) forceTriggers(w http.ResponseWriter, r *http.Request) {
	ts, err := s.enc.Complaints.ForceTriggers(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(r.Context())
	d := triggersPage{Rule: s.enc.Complaints.Rule()}
	for _, t := range ts {
		d.Triggers = append(d.Triggers, s.staffTrigger(names, t))
	}
	s.renderStatus(w, r, http.StatusOK, "complainttriggers", &page{Title: "Community triggers", Data: d})
}

// staffTrigger is a trigger as the force sees it: with the complaints'
// references and the explanation even before it is published.
func (s *Site) staffTrigger(names map[string]string, t store.Trigger) triggerView {
	v := s.triggerView(names, complaint.PublicView(t))
	v.Refs, v.Explanation = t.Complaints, t.Explanation
	return v
}

func (s *Site) forceTrigger(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	s.renderTrigger(w, r, id, http.StatusOK, "")
}

func (s *Site) renderTrigger(w http.ResponseWriter, r *http.Request, id int64, status int, msg string) {
	t, err := s.enc.Complaints.ForceTrigger(r.Context(), user(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := triggersPage{Triggers: []triggerView{s.staffTrigger(s.wardNames(r.Context()), t)}, Rule: s.enc.Complaints.Rule(), Message: msg}
	s.renderStatus(w, r, status, "complainttrigger", &page{Title: "Community trigger", Data: d})
}

func (s *Site) explainTrigger(w http.ResponseWriter, r *http.Request) {
	id, v, ok := s.idForm(w, r)
	if !ok {
		return
	}
	err := s.enc.Complaints.Explain(r.Context(), user(r), id, v.Get("explanation"))
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/complaints/triggers/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case charter.EFIELDS, charter.EINVALID:
		s.renderTrigger(w, r, id, http.StatusUnprocessableEntity, charter.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

func (s *Site) panelTriggers(w http.ResponseWriter, r *http.Request) {
	s.renderPanelTriggers(w, r, http.StatusOK, "")
}

func (s *Site) renderPanelTriggers(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ts, err := s.enc.Complaints.PanelTriggers(r.Context(), user(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.wardNames(r.Context())
	d := triggersPage{Panel: true, Rule: s.enc.Complaints.Rule(), Message: msg}
	for _, t := range ts {
		d.Triggers = append(d.Triggers, s.triggerView(names, t))
	}
	s.renderStatus(w, r, status, "paneltriggers", &page{Title: "Community triggers in your area", Data: d})
}

func (s *Site) requireExplanation(w http.ResponseWriter, r *http.Request) {
	id, _, ok := s.idForm(w, r)
	if !ok {
		return
	}
	err := s.enc.Complaints.RequireExplanation(r.Context(), user(r), id)
	switch charter.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/panel/triggers", http.StatusSeeOther)
	case charter.ECONFLICT:
		s.renderPanelTriggers(w, r, http.StatusConflict, charter.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// officerComplaint is a released complaint on the officer's page.
type officerComplaint struct {
	complaint.OfficerView
	LodgedDay, StatusWord, CategoryWord, OutcomeWord string
}

// releasedComplaints are the complaints about the officer's searches the
// complaints team has released to them (none when complaints are off).
func (s *Site) releasedComplaints(ctx context.Context, u *charter.User) ([]officerComplaint, error) {
	if s.enc.Complaints == nil {
		return nil, nil
	}
	vs, err := s.enc.Complaints.Released(ctx, u)
	var out []officerComplaint
	for _, v := range vs {
		out = append(out, officerComplaint{OfficerView: v, LodgedDay: day(v.Lodged), StatusWord: v.Status.Label(),
			CategoryWord: v.Category.Label(), OutcomeWord: v.Outcome.Label()})
	}
	return out, err
}
