package api

import (
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
)

// wireCharterDeployment is charter.Deployment on the wire (listDeployments
// and getDeployment embed it), without the planner's id.
type wireCharterDeployment struct {
	ID        int64                         `json:"id"`
	Force     string                        `json:"force"`
	Kind      string                        `json:"kind"`
	KindName  string                        `json:"kind_name"`
	Title     string                        `json:"title"`
	Wards     []string                      `json:"wards"`
	Start     time.Time                     `json:"start"`
	End       time.Time                     `json:"end"`
	Why       string                        `json:"why"`
	Evidence  wireCharterDeploymentEvidence `json:"evidence"`
	Respond   string                        `json:"respond"`
	Published *time.Time                    `json:"published"`
	Created   time.Time                     `json:"created"`
}

func deploymentWire(d charter.Deployment) wireCharterDeployment {
	return wireCharterDeployment{ID: d.ID, Force: d.Force, Kind: d.Kind, KindName: d.KindName, Title: d.Title, Wards: d.Wards,
		Start: d.Start, End: d.End, Why: d.Why, Evidence: evidenceWire(d.Evidence), Respond: d.Respond, Published: d.Published, Created: d.Created}
}

// wireCharterDeploymentEvidence is charter.DeploymentEvidence on the wire.
type wireCharterDeploymentEvidence struct {
	From       string                    `json:"from"`
	To         string                    `json:"to"`
	Period     string                    `json:"period"`
	Definition string                    `json:"weapon_crime"`
	Wards      []wireCharterWardEvidence `json:"wards"`
	Note       string                    `json:"note,omitempty"`
}

func evidenceWire(e charter.DeploymentEvidence) wireCharterDeploymentEvidence {
	return wireCharterDeploymentEvidence{From: e.From, To: e.To, Period: e.Period, Definition: e.Definition,
		Wards: each(e.Wards, wardEvidenceWire), Note: e.Note}
}

// wireCharterWardEvidence is charter.WardEvidence on the wire: crimes per
// month and its interval as [lower, upper].
type wireCharterWardEvidence struct {
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

func wardEvidenceWire(e charter.WardEvidence) wireCharterWardEvidence {
	return wireCharterWardEvidence{Code: e.Code, Name: e.Name, Ranked: e.Ranked, Rank: e.Rank, Units: e.Units, Hotspot: e.Hotspot,
		WeaponCrimes: e.WeaponCrimes, PerMonth: e.PerMonth.Ptr(), PerMonthCI: e.PerMonth.Pair(), Searches: e.Searches, WeaponSearches: e.WeaponSearches}
}

// wireDeployOutcome is deploy.Outcome on the wire: rates and shares with
// their intervals as [lower, upper].
type wireDeployOutcome struct {
	Period           string                  `json:"period"`
	Months           int                     `json:"months"`
	StopMonths       int                     `json:"stop_months"`
	Searches         int                     `json:"searches"`
	PerMonth         *float64                `json:"searches_per_month"`
	PerMonthCI       []float64               `json:"searches_per_month_ci"`
	BeforePerMonth   *float64                `json:"searches_per_month_before"`
	BeforePerMonthCI []float64               `json:"searches_per_month_before_ci"`
	Arrest           wireProportion          `json:"arrest"`
	Find             *wireProportion         `json:"find"`
	WeaponCrimes     *int                    `json:"weapon_crimes"`
	CrimeMonths      int                     `json:"crime_months"`
	Complaints       *int                    `json:"complaints"`
	Feedback         int                     `json:"feedback_responses"`
	Wards            []wireDeployWardOutcome `json:"wards"`
	Notes            []string                `json:"notes"`
}

// wireDeployWardOutcome is deploy.WardOutcome on the wire.
type wireDeployWardOutcome struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Searches     int    `json:"searches"`
	Arrests      int    `json:"arrests"`
	WeaponCrimes *int   `json:"weapon_crimes"`
}

func outcomeWire(o deploy.Outcome) wireDeployOutcome {
	return wireDeployOutcome{Period: o.Period, Months: o.Months, StopMonths: o.StopMonths, Searches: o.Searches,
		PerMonth: o.PerMonth.Ptr(), PerMonthCI: o.PerMonth.Pair(), BeforePerMonth: o.BeforePerMonth.Ptr(), BeforePerMonthCI: o.BeforePerMonth.Pair(),
		Arrest: proportionWire(o.Arrest), Find: ptrTo(o.Find, proportionWire), WeaponCrimes: o.WeaponCrimes, CrimeMonths: o.CrimeMonths,
		Complaints: o.Complaints, Feedback: o.Feedback, Notes: o.Notes,
		Wards: each(o.Wards, func(w deploy.WardOutcome) wireDeployWardOutcome {
			return wireDeployWardOutcome{Code: w.Code, Name: w.Name, Searches: w.Searches, Arrests: w.Arrests, WeaponCrimes: w.WeaponCrimes}
		})}
}
