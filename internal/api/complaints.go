package api

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/complaint"
)

// ComplaintRequest is a complaint as its complainant lodges it: from a
// receipt (its token: the complaint is linked to the record and its ward),
// or naming the ward or borough of the search.
type ComplaintRequest struct {
	// ReceiptToken is the token of the receipt's address (/r/{token});
	// empty when lodged without a receipt.
	ReceiptToken string `json:"receipt_token,omitempty"`
	Ward         string `json:"ward,omitempty"`    // 2022 ward GSS code (E05…)
	Borough      string `json:"borough,omitempty"` // borough GSS code (E09…), when the ward is not known
	Anonymous    bool   `json:"anonymous,omitempty"`
	// Contact is how to tell the complainant the outcome; never published,
	// never shown to the officer.
	Contact string `json:"contact,omitempty"`
	Text    string `json:"text"`
}

// CommunityTriggers are the community triggers of an area, newest first.
type CommunityTriggers struct {
	Threshold    int                       `json:"threshold"`
	WindowMonths int                       `json:"window_months"`
	Triggers     []complaint.PublicTrigger `json:"triggers"`
}

// ComplaintQueue is the complaints team's open complaints, oldest first.
type ComplaintQueue struct {
	Complaints []ComplaintItem `json:"complaints"`
}

// ComplaintItem is an open complaint: no words, no contact.
type ComplaintItem struct {
	ID        int64     `json:"id"`
	Reference string    `json:"reference"`
	Lodged    time.Time `json:"lodged"`
	Status    string    `json:"status"`
	Category  string    `json:"category"`
	Ward      string    `json:"ward"`
	Borough   string    `json:"borough"`
	Linked    bool      `json:"linked"`
	Released  bool      `json:"released"`
	// Overdue names the time limits it has passed.
	Overdue []string `json:"overdue"`
}

// ComplaintStep moves a complaint on: action is triage (with category),
// assign (with assignee, a user id of the complaints team), investigate,
// decide (with outcome and learning), release (to the officer) or close.
type ComplaintStep struct {
	Action   string `json:"action"`
	Category string `json:"category,omitempty"`
	Assignee int64  `json:"assignee,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	Learning string `json:"learning,omitempty"`
	Note     string `json:"note,omitempty"`
}

// ComplaintState is where a complaint is after a step.
type ComplaintState struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// complaintOps are the operations of the complaints workflow.
func (a *API) complaintOps() []encOp {
	manage := []charter.Permission{charter.PermComplaintsManage}
	return []encOp{
		{method: "POST", path: "/api/v1/complaints", id: "lodgeComplaint", summary: "Make a complaint",
			desc: "Lodges a complaint about a stop and search, from a receipt (give its token: the complaint is linked to the record and its ward) or naming the ward, or the borough when the ward is not known. Anonymous complaints give no contact. The answer is the reference to quote and when the complaint will have been triaged. The officer never sees the contact.",
			body: reflect.TypeFor[ComplaintRequest](), status: http.StatusCreated, answer: reflect.TypeFor[complaint.Acknowledgement](),
			errs: map[int]string{404: "the receipt does not exist or has expired"}, run: a.lodgeComplaint},
		{method: "GET", path: "/api/v1/community-triggers", id: "listCommunityTriggers", summary: "Community triggers",
			desc:   "The community triggers that fired: when the threshold of complaints about searches in one ward is reached within the window, the area's scrutiny panel is told and may require the force to explain; the explanation is published with the trigger. No complaint, person or officer is named.",
			params: []param{{name: "area", in: "query", desc: "a ward (E05…) or borough (E09…) GSS code; empty: every area"}},
			status: http.StatusOK, answer: reflect.TypeFor[CommunityTriggers](),
			errs: map[int]string{400: "the area is not a ward or borough code"}, run: a.communityTriggers},
		{method: "GET", path: "/api/v1/complaints/figures", id: "getComplaintFigures", summary: "Complaint figures",
			desc: "Counts of complaints lodged in an area, by month and (for a force or borough) by borough: lodged, from a receipt, decided, upheld, and the upheld share of decided complaints with its 95% Wilson interval. A count from 1 to min_count - 1 is suppressed (count 0, suppressed true); a share is given only when both its counts are shown.",
			params: []param{
				{name: "area", in: "query", required: true, desc: "a force id (metropolitan), a borough (E09…) or ward (E05…) GSS code"},
				{name: "from", in: "query", desc: "first month, YYYY-MM (with to; both empty: the latest 12 months)"},
				{name: "to", in: "query", desc: "last month, YYYY-MM"},
			},
			status: http.StatusOK, answer: reflect.TypeFor[wireComplaintFigures](),
			errs: map[int]string{400: "a parameter is wrong; detail names it"}, run: a.complaintFigures},
		{method: "GET", path: "/api/v1/complaints", id: "listComplaints", summary: "Open complaints",
			desc:  "The open complaints of the caller's force, oldest first, with the time limits each has passed; without the complainants' words or contacts.",
			perms: manage, status: http.StatusOK, answer: reflect.TypeFor[ComplaintQueue](), run: a.complaintQueue},
		{method: "POST", path: "/api/v1/complaints/{id}/steps", id: "stepComplaint", summary: "Move a complaint on",
			desc:  "Triages, assigns, starts the investigation of, decides (outcome and learning), releases to the officer or closes a complaint. A step out of order is refused (409).",
			perms: manage, params: []param{idParam("complaint")}, body: reflect.TypeFor[ComplaintStep](),
			status: http.StatusOK, answer: reflect.TypeFor[ComplaintState](),
			errs: map[int]string{404: "no such complaint", 409: "the step does not follow from where the complaint is"}, run: a.stepComplaint},
	}
}

func (a *API) lodgeComplaint(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	var in ComplaintRequest
	fe, err := readBody(w, r, &in, "a complaint")
	if err != nil {
		return nil, err
	}
	if err := charter.Invalid(fe); err != nil {
		return nil, err
	}
	l := complaint.Lodging{Ward: in.Ward, Borough: in.Borough, Anonymous: in.Anonymous, Contact: in.Contact, Text: in.Text, Via: "api"}
	svc := a.acc.Complaints
	if in.ReceiptToken != "" {
		return svc.LodgeFromReceipt(r.Context(), in.ReceiptToken, l)
	}
	return svc.Lodge(r.Context(), l)
}

func (a *API) communityTriggers(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	area := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("area")))
	if lv, ok := charter.LevelOfCode(area); area != "" && (!ok || lv != charter.LevelWard && lv != charter.LevelBorough) {
		return nil, charter.Errorf(charter.EINVALID, "area %q is not a ward (E05…) or borough (E09…) code", area)
	}
	ts, err := a.acc.Complaints.Triggers(r.Context(), area)
	rule := a.acc.Complaints.Rule()
	return CommunityTriggers{Threshold: rule.Threshold, WindowMonths: rule.WindowMonths, Triggers: nonNil(ts)}, err
}

func (a *API) complaintFigures(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	q := r.URL.Query()
	area, err := areaParam(q.Get("area"))
	if err != nil {
		return nil, err
	}
	from, to, err := monthsParam(q.Get("from"), q.Get("to"), charter.MonthOf(time.Now().In(charter.London)))
	if err != nil {
		return nil, err
	}
	f, err := a.acc.Complaints.Figures(r.Context(), area, from, to)
	if err != nil {
		return nil, err
	}
	return complaintFiguresWire(f), nil
}

func (a *API) complaintQueue(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	items, err := a.acc.Complaints.Queue(r.Context(), u)
	out := ComplaintQueue{Complaints: []ComplaintItem{}}
	for _, it := range items {
		ci := ComplaintItem{ID: it.ID, Reference: it.Reference, Lodged: it.Lodged, Status: string(it.Status), Category: string(it.Category),
			Ward: it.Ward, Borough: it.Borough, Linked: it.Linked, Released: it.Released, Overdue: []string{}}
		for _, l := range it.Overdue {
			ci.Overdue = append(ci.Overdue, l.Name)
		}
		out.Complaints = append(out.Complaints, ci)
	}
	return out, err
}

func (a *API) stepComplaint(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
	id, err := pathID(r, "a complaint")
	if err != nil {
		return nil, err
	}
	var in ComplaintStep
	fe, err := readBody(w, r, &in, "a step")
	if err != nil {
		return nil, err
	}
	if err := charter.Invalid(fe); err != nil {
		return nil, err
	}
	ctx, svc := r.Context(), a.acc.Complaints
	switch in.Action {
	case "triage":
		err = svc.Triage(ctx, u, id, in.Category, in.Note)
	case "assign":
		err = svc.Assign(ctx, u, id, in.Assignee)
	case "investigate":
		err = svc.Investigate(ctx, u, id, in.Note)
	case "decide":
		err = svc.Decide(ctx, u, id, in.Outcome, in.Learning)
	case "release":
		err = svc.Release(ctx, u, id)
	case "close":
		err = svc.Close(ctx, u, id, in.Note)
	default:
		return nil, charter.Invalid(charter.FieldErrors{{Field: "action", Reason: "give one of triage, assign, investigate, decide, release, close"}})
	}
	if err != nil {
		return nil, err
	}
	c, err := svc.Case(ctx, u, id)
	return ComplaintState{ID: id, Status: string(c.Status)}, err
}
