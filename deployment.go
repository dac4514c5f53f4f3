package charter

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Deployment is a plan of focused searching in some wards for a while (a
// precision hotspot patrol, an operation), published on the wards' pages
// before it starts so that residents can ask about it and say what they
// think; after it ends it is shown beside what happened.
type Deployment struct {
	ID    int64  `json:"id"`
	Force string `json:"force"`
	// Kind is one of DeploymentKinds; KindName says it in words.
	Kind     string `json:"kind"`
	KindName string `json:"kind_name"`
	// Title names the plan for people ("Brixton town centre patrols").
	Title string `json:"title"`
	// Wards are the 2022 ward codes (E05…) the searching is focused on.
	Wards []string  `json:"wards"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Why is the police's reason in their words; Evidence the weapon-crime
	// figures of the wards attached when the plan was made.
	Why      string             `json:"why"`
	Evidence DeploymentEvidence `json:"evidence"`
	// Respond says how residents can respond beside this page's form (a
	// meeting, a phone number for the neighbourhood team).
	Respond string `json:"respond"`
	// PlannedBy is the supervisor's user id; never public.
	PlannedBy int64 `json:"-"`
	// Published is when the plan was published; nil while a draft.
	Published *time.Time `json:"published"`
	Created   time.Time  `json:"created"`
}

// DeploymentEvidence are the precision report's figures for the planned
// wards over a period before the plan: how much weapon-enabled crime each
// had and where it ranks, so that readers see the reason in numbers.
type DeploymentEvidence struct {
	From string `json:"from"` // YYYY-MM
	To   string `json:"to"`
	// Period is the months the figures cover, in words.
	Period     string         `json:"period"`
	Definition string         `json:"weapon_crime"`
	Wards      []WardEvidence `json:"wards"`
	Note       string         `json:"note,omitempty"`
}

// WardEvidence is one planned ward's line of the precision ranking. It is
// stored with its plan, and written to the audit trail, in the JSON plans
// have always been stored in (wardEvidenceJSON), so that every stored plan
// reads the same.
type WardEvidence struct {
	Code string
	Name string
	// Ranked is false when the ward has no weapon-enabled crime counts.
	Ranked       bool
	Rank         int
	Units        int // wards ranked
	Hotspot      bool
	WeaponCrimes int
	// PerMonth is weapon-enabled crimes per month with its exact Poisson
	// interval over the crime months of the period, at the site's 95%.
	PerMonth       Figure
	Searches       int
	WeaponSearches int
}

// wardEvidenceJSON is WardEvidence as it is stored: crimes per month beside
// its interval as [lower, upper].
type wardEvidenceJSON struct {
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	Ranked         bool      `json:"ranked"`
	Rank           int       `json:"rank"`
	Units          int       `json:"of_wards"`
	Hotspot        bool      `json:"hotspot"`
	WeaponCrimes   int       `json:"weapon_crimes"`
	PerMonth       *float64  `json:"per_month"`
	PerMonthCI     []float64 `json:"per_month_ci"`
	Searches       int       `json:"searches"`
	WeaponSearches int       `json:"weapon_searches"`
}

// evidenceLevel is the level of the intervals of stored evidence: the
// site's figures, which plans carry, are at 95%.
const evidenceLevel = 0.95

// MarshalJSON writes the ward's line as plans are stored.
func (e WardEvidence) MarshalJSON() ([]byte, error) {
	return json.Marshal(wardEvidenceJSON{Code: e.Code, Name: e.Name, Ranked: e.Ranked, Rank: e.Rank, Units: e.Units, Hotspot: e.Hotspot,
		WeaponCrimes: e.WeaponCrimes, PerMonth: e.PerMonth.Ptr(), PerMonthCI: e.PerMonth.Pair(), Searches: e.Searches, WeaponSearches: e.WeaponSearches})
}

// UnmarshalJSON reads a ward's line as plans are stored.
func (e *WardEvidence) UnmarshalJSON(b []byte) error {
	var in wardEvidenceJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = WardEvidence{Code: in.Code, Name: in.Name, Ranked: in.Ranked, Rank: in.Rank, Units: in.Units, Hotspot: in.Hotspot,
		WeaponCrimes: in.WeaponCrimes, Searches: in.Searches, WeaponSearches: in.WeaponSearches}
	if in.PerMonth != nil {
		e.PerMonth = NewFigure(ScaleRate, *in.PerMonth)
		if len(in.PerMonthCI) == 2 {
			e.PerMonth = e.PerMonth.Within(in.PerMonthCI[0], in.PerMonthCI[1], evidenceLevel)
		}
	}
	return nil
}

// The kinds of deployment.
const (
	DeploymentHotspot   = "hotspot"
	DeploymentOperation = "operation"
)

// DeploymentKinds names each kind for people.
var DeploymentKinds = map[string]string{
	DeploymentHotspot:   "Precision hotspot patrol",
	DeploymentOperation: "Operation",
}

// Limits of a plan.
const (
	MaxDeploymentWards = 20
	MaxDeploymentDays  = 92
	MinDeploymentWhy   = 20
	MaxDeploymentText  = 4000
	MaxCommentText     = 2000
	MinCommentText     = 3
)

// Status of a deployment at a time, for people.
func (d *Deployment) Status(now time.Time) string {
	switch {
	case d.Published == nil:
		return "draft, not published"
	case now.Before(d.Start):
		return "planned"
	case now.Before(d.End):
		return "under way"
	}
	return "ended"
}

// Ended reports whether the deployment's period is over at now.
func (d *Deployment) Ended(now time.Time) bool { return !now.Before(d.End) }

// CheckDeployment checks a plan as its planner gives it: every problem,
// each naming its field.
func CheckDeployment(d Deployment, now time.Time) FieldErrors {
	var fe FieldErrors
	if _, ok := DeploymentKinds[d.Kind]; !ok {
		fe = append(fe, FieldError{Field: "kind", Value: d.Kind, Reason: "choose a precision hotspot patrol or an operation"})
	}
	if t := strings.TrimSpace(d.Title); t == "" || utf8.RuneCountInString(t) > 120 {
		fe = append(fe, FieldError{Field: "title", Reason: "give the plan a name of up to 120 characters, as residents will know it"})
	}
	if len(d.Wards) == 0 {
		fe = append(fe, FieldError{Field: "wards", Reason: "choose at least one ward"})
	} else if len(d.Wards) > MaxDeploymentWards {
		fe = append(fe, FieldError{Field: "wards", Reason: "a plan covers at most 20 wards: focused searching is focused"})
	}
	seen := map[string]int{}
	for _, w := range d.Wards {
		if seen[w]++; seen[w] == 2 {
			fe = append(fe, FieldError{Field: "wards", Value: w, Reason: "a ward is given twice: " + w})
		}
	}
	switch {
	case d.Start.IsZero():
		fe = append(fe, FieldError{Field: "start", Reason: "give when the searching starts"})
	case d.End.IsZero():
		fe = append(fe, FieldError{Field: "end", Reason: "give when the searching ends"})
	case !d.End.After(d.Start):
		fe = append(fe, FieldError{Field: "end", Reason: "the end must come after the start"})
	case d.End.Sub(d.Start) > MaxDeploymentDays*24*time.Hour:
		fe = append(fe, FieldError{Field: "end", Reason: "a plan lasts at most 92 days; publish a new plan for a further period"})
	case !d.Start.After(now):
		fe = append(fe, FieldError{Field: "start", Reason: "the start has passed: a plan is published before it starts, so that residents can respond first"})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(d.Why)); n < MinDeploymentWhy || n > MaxDeploymentText {
		fe = append(fe, FieldError{Field: "why", Reason: "say why in 20 to 4,000 characters: what is happening in these wards that searching should help with"})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(d.Respond)); n == 0 || n > MaxDeploymentText {
		fe = append(fe, FieldError{Field: "respond", Reason: "say how residents can respond: a meeting, the neighbourhood team's contact, or this page's form"})
	}
	return fe
}

// DeploymentComment is a resident's question or comment on a plan,
// published only once a moderator approves it, with the police's answer
// beside it. It carries no name: residents are not asked for one.
type DeploymentComment struct {
	ID           int64  `json:"id"`
	DeploymentID int64  `json:"deployment_id"`
	Body         string `json:"comment"`
	// Status is one of CommentPending, CommentApproved, CommentHidden.
	Status     string     `json:"-"`
	Created    time.Time  `json:"created"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredAt *time.Time `json:"answered,omitempty"`
}

// The states of a comment: only approved comments are public.
const (
	CommentPending  = "pending"
	CommentApproved = "approved"
	CommentHidden   = "hidden"
)

// CheckComment checks a resident's comment.
func CheckComment(body string) FieldErrors {
	n := utf8.RuneCountInString(strings.TrimSpace(body))
	if n < MinCommentText || n > MaxCommentText {
		return FieldErrors{{Field: "comment", Reason: "write your question or comment in 3 to 2,000 characters"}}
	}
	return nil
}
