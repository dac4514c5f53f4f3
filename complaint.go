package charter

import (
	"slices"
	"strings"
	"time"
)

// Complaints (PRODUCT.md S2): the stages a complaint passes through, its
// outcomes and categories, the time limits each stage is held to, and the
// community trigger's rule. The workflow itself is internal/complaint.

// ComplaintStatus is where a complaint is in its handling.
type ComplaintStatus string

// The stages, in order. A complaint moves forward only (see CanMoveTo).
const (
	ComplaintReceived      ComplaintStatus = "received"      // lodged and acknowledged with a reference
	ComplaintTriaged       ComplaintStatus = "triaged"       // read, given a category, handling decided
	ComplaintAssigned      ComplaintStatus = "assigned"      // a complaints handler owns it
	ComplaintInvestigating ComplaintStatus = "investigating" // the handler is finding out what happened
	ComplaintDecided       ComplaintStatus = "decided"       // the outcome and the learning are written
	ComplaintClosed        ComplaintStatus = "closed"        // the complainant has been told; nothing more to do
)

// ComplaintStatuses lists the stages in order.
var ComplaintStatuses = []ComplaintStatus{ComplaintReceived, ComplaintTriaged, ComplaintAssigned,
	ComplaintInvestigating, ComplaintDecided, ComplaintClosed}

var complaintStatusLabels = map[ComplaintStatus]string{
	ComplaintReceived: "received", ComplaintTriaged: "triaged", ComplaintAssigned: "assigned to a handler",
	ComplaintInvestigating: "being investigated", ComplaintDecided: "outcome decided", ComplaintClosed: "closed",
}

// Label is the stage in words.
func (s ComplaintStatus) Label() string { return complaintStatusLabels[s] }

// CanMoveTo reports whether a complaint at s may go to t. Stages go
// forward; triage may be followed straight by an outcome (a complaint
// resolved informally, or withdrawn, needs no investigator), and a
// complaint may be decided at any open stage (withdrawn).
func (s ComplaintStatus) CanMoveTo(t ComplaintStatus) bool {
	i, j := slices.Index(ComplaintStatuses, s), slices.Index(ComplaintStatuses, t)
	if i < 0 || j < 0 || j <= i {
		return false
	}
	switch t {
	case ComplaintTriaged:
		return s == ComplaintReceived
	case ComplaintAssigned:
		return s == ComplaintTriaged
	case ComplaintInvestigating:
		return s == ComplaintAssigned
	case ComplaintDecided:
		return true
	case ComplaintClosed:
		return s == ComplaintDecided
	}
	return false
}

// ComplaintOutcome is how a complaint ended.
type ComplaintOutcome string

// The outcomes.
const (
	OutcomeUpheld    ComplaintOutcome = "upheld"     // the service was not acceptable
	OutcomeNotUpheld ComplaintOutcome = "not-upheld" // the service was acceptable
	OutcomeResolved  ComplaintOutcome = "resolved"   // resolved informally, with a service improvement or an explanation
	OutcomeWithdrawn ComplaintOutcome = "withdrawn"  // the complainant withdrew it
	OutcomeNoFinding ComplaintOutcome = "no-finding" // could not be decided (for example no record and no contact)
)

// ComplaintOutcomes lists the outcomes, for forms.
var ComplaintOutcomes = []ComplaintOutcome{OutcomeUpheld, OutcomeNotUpheld, OutcomeResolved, OutcomeWithdrawn, OutcomeNoFinding}

var complaintOutcomeLabels = map[ComplaintOutcome]string{
	OutcomeUpheld: "upheld (the service was not acceptable)", OutcomeNotUpheld: "not upheld (the service was acceptable)",
	OutcomeResolved: "resolved informally (explained, or the service improved)", OutcomeWithdrawn: "withdrawn by the complainant",
	OutcomeNoFinding: "no finding could be made",
}

// Label is the outcome in words.
func (o ComplaintOutcome) Label() string { return complaintOutcomeLabels[o] }

// ParseComplaintOutcome reads an outcome by its code.
func ParseComplaintOutcome(s string) (ComplaintOutcome, bool) {
	o := ComplaintOutcome(strings.TrimSpace(s))
	return o, slices.Contains(ComplaintOutcomes, o)
}

// ComplaintCategory is what a complaint is about, set at triage.
type ComplaintCategory string

// The categories: the failings the IOPC's stop-and-search reviews name
// (domain.md §2.3) and the Code A duties.
const (
	CategoryGrounds     ComplaintCategory = "grounds"     // no good reason for the search
	CategoryConduct     ComplaintCategory = "conduct"     // rudeness, poor communication
	CategoryForce       ComplaintCategory = "force"       // handcuffs or other force
	CategoryStrip       ComplaintCategory = "strip"       // more than outer clothing removed
	CategoryBias        ComplaintCategory = "bias"        // treated differently because of who they are
	CategoryInformation ComplaintCategory = "information" // not told the grounds, the officer, the right to a record
	CategoryProperty    ComplaintCategory = "property"    // damage or loss
	CategoryOther       ComplaintCategory = "other"
)

// ComplaintCategories lists the categories, for forms.
var ComplaintCategories = []ComplaintCategory{CategoryGrounds, CategoryConduct, CategoryForce, CategoryStrip,
	CategoryBias, CategoryInformation, CategoryProperty, CategoryOther}

var complaintCategoryLabels = map[ComplaintCategory]string{
	CategoryGrounds: "no good reason for the search", CategoryConduct: "how the officer behaved",
	CategoryForce: "force used", CategoryStrip: "clothing removed", CategoryBias: "treated unfairly because of who they are",
	CategoryInformation: "not told what the law requires", CategoryProperty: "property damaged or lost",
	CategoryOther: "something else",
}

// Label is the category in words.
func (c ComplaintCategory) Label() string { return complaintCategoryLabels[c] }

// ParseComplaintCategory reads a category by its code.
func ParseComplaintCategory(s string) (ComplaintCategory, bool) {
	c := ComplaintCategory(strings.TrimSpace(s))
	return c, slices.Contains(ComplaintCategories, c)
}

// TimeLimit is how long one stage of a complaint may take, counted from
// when the complaint was lodged (or, for closing, from the outcome).
type TimeLimit struct {
	// Stage is the stage the complaint must have reached by the deadline.
	Stage ComplaintStatus
	// Days is the length; WorkingDays counts Monday to Friday only (bank
	// holidays are not known to Charter and count as working days).
	Days        int
	WorkingDays bool
	// Statutory is true for a limit set by law or statutory guidance, false
	// for the force's own target.
	Statutory bool
	// Name and Reason say what the limit is and why it is set so, in words.
	Name, Reason string
}

// Deadline is the limit's deadline for something started at from.
func (l TimeLimit) Deadline(from time.Time) time.Time {
	if !l.WorkingDays {
		return from.AddDate(0, 0, l.Days)
	}
	return AddWorkingDays(from, l.Days)
}

// AddWorkingDays is t plus n working days (Monday to Friday), at the same
// time of day.
func AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.In(London).Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// TimeLimits are the limits a force holds complaints to.
type TimeLimits struct {
	Triage, Assign, Outcome, Statutory, Close TimeLimit
}

// DefaultTimeLimits are Charter's defaults; docs/methodology-complaints.md
// says why each is what it is. A force sets its own with serve's flags.
func DefaultTimeLimits() TimeLimits {
	return TimeLimits{
		Triage: TimeLimit{Stage: ComplaintTriaged, Days: 10, WorkingDays: true, Name: "triage",
			Reason: "the complainant should hear promptly how their complaint will be handled"},
		Assign: TimeLimit{Stage: ComplaintAssigned, Days: 15, WorkingDays: true, Name: "assignment",
			Reason: "a complaint that needs finding out should soon have a named handler"},
		Outcome: TimeLimit{Stage: ComplaintDecided, Days: 90, Name: "outcome (the force's target)",
			Reason: "the force's own target for deciding a complaint; by default three months, the community trigger's window"},
		Statutory: TimeLimit{Stage: ComplaintDecided, Days: 365, Statutory: true, Name: "outcome (statutory)",
			Reason: "a complaint still undecided after twelve months must be reported to the policing body and the IOPC"},
		Close: TimeLimit{Stage: ComplaintClosed, Days: 20, WorkingDays: true, Name: "closing",
			Reason: "the complainant should be told the outcome, and their right to a review, soon after the decision"},
	}
}

// Overdue names the limits a complaint at status, lodged at lodged and
// decided at decided (zero if not yet), has passed by now.
func (ls TimeLimits) Overdue(status ComplaintStatus, lodged, decided, now time.Time) []TimeLimit {
	at := slices.Index(ComplaintStatuses, status)
	var out []TimeLimit
	for _, l := range []TimeLimit{ls.Triage, ls.Assign, ls.Outcome, ls.Statutory} {
		// A complaint decided without an investigator skipped assignment.
		if at < slices.Index(ComplaintStatuses, l.Stage) && status != ComplaintDecided && now.After(l.Deadline(lodged)) {
			out = append(out, l)
		}
	}
	if status == ComplaintDecided && !decided.IsZero() && now.After(ls.Close.Deadline(decided)) {
		out = append(out, ls.Close)
	}
	return out
}

// TriggerRule is the community complaints trigger (BUSSS, domain.md
// §1.8): when Threshold complaints about searches in one ward are lodged
// within a rolling window of WindowMonths months, the force must explain
// its use of the powers there to the area's scrutiny panel.
type TriggerRule struct {
	Threshold    int
	WindowMonths int
}

// DefaultTrigger is three complaints in three months.
var DefaultTrigger = TriggerRule{Threshold: 3, WindowMonths: 3}

// WindowStart is the start of the window that ends at at: complaints
// lodged at or after it, and not after at, are in the window.
func (r TriggerRule) WindowStart(at time.Time) time.Time { return at.AddDate(0, -r.WindowMonths, 0) }

// Fires decides the trigger when a complaint is lodged at at: lodged are
// the times of the ward's complaints not yet counted by an earlier
// trigger, the new one included. It returns the indexes of lodged in the
// window and whether they reach the threshold. Each complaint counts
// towards one trigger at most, so after a trigger the count starts again
// from nought: the same complaints never fire twice.
func (r TriggerRule) Fires(lodged []time.Time, at time.Time) (in []int, fires bool) {
	start := r.WindowStart(at)
	for i, t := range lodged {
		if !t.Before(start) && !t.After(at) {
			in = append(in, i)
		}
	}
	return in, r.Threshold > 0 && len(in) >= r.Threshold
}
