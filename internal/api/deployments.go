package api

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/stopsearch/charter"
)

// Deployments are the published plans of focused searching touching an
// area, newest start first.
type Deployments struct {
	Deployments []DeploymentSummary `json:"deployments"`
}

// DeploymentSummary is a plan in a list: what, where, when and its state.
type DeploymentSummary struct {
	wireCharterDeployment
	// Status is "planned", "under way" or "ended".
	Status string `json:"status"`
}

// DeploymentAnswer is one published plan with its evidence, the approved
// residents' comments with the police's answers (no names: residents are
// not asked for one), and after the period what happened.
type DeploymentAnswer struct {
	DeploymentSummary
	Comments []charter.DeploymentComment `json:"comments"`
	// Outcome is null until the period has ended.
	Outcome *wireDeployOutcome `json:"outcome"`
}

func (a *API) deploymentOps() []encOp {
	dep := a.acc.Deployments
	return []encOp{
		{method: "GET", path: "/api/v1/deployments", id: "listDeployments", summary: "Planned focused searching",
			desc:   "The published plans of focused searching (precision hotspot patrols, operations) touching an area: a ward, any ward of a borough, or a force's; every published plan without an area. Each gives where, when, why with the weapon-crime figures attached when it was planned, and how residents can respond.",
			params: []param{{name: "area", in: "query", desc: "a ward (E05…) or borough (E09…) GSS code, or a force id; empty: every plan"}},
			status: http.StatusOK, answer: reflect.TypeFor[Deployments](),
			errs: map[int]string{400: "the area is not a ward, borough or force", 404: "no such area"},
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				noStore(w)
				list, err := dep.ForArea(r.Context(), strings.TrimSpace(r.URL.Query().Get("area")), time.Time{}, time.Time{})
				if err != nil {
					return nil, err
				}
				out := Deployments{Deployments: []DeploymentSummary{}}
				for _, d := range list {
					out.Deployments = append(out.Deployments, DeploymentSummary{deploymentWire(d), d.Status(dep.Now())})
				}
				return out, nil
			}},
		{method: "GET", path: "/api/v1/deployments/{id}", id: "getDeployment", summary: "One plan of focused searching",
			desc:   "A published plan with the residents' questions and comments a moderator has approved and the police's answers beside them, and, once its period has ended, what happened in its wards over the months it touched: searches with their rate per month before and during, arrests and finds with intervals, weapon-enabled crime, feedback and complaints.",
			params: []param{idParam("deployment")}, status: http.StatusOK, answer: reflect.TypeFor[DeploymentAnswer](),
			errs: map[int]string{400: "the id is not a number", 404: "no such published plan"},
			run: func(w http.ResponseWriter, r *http.Request, u *charter.User) (any, error) {
				noStore(w)
				id, err := pathID(r, "a deployment")
				if err != nil {
					return nil, err
				}
				ctx := r.Context()
				// The public answer: drafts and unmoderated comments are
				// not in it, whoever asks.
				d, err := dep.Get(ctx, nil, id)
				if err != nil {
					return nil, err
				}
				ans := DeploymentAnswer{DeploymentSummary: DeploymentSummary{deploymentWire(d), d.Status(dep.Now())}}
				cs, err := dep.Comments(ctx, nil, d)
				if err != nil {
					return nil, err
				}
				ans.Comments = nonNil(cs)
				if d.Ended(dep.Now()) {
					o, err := dep.Outcome(ctx, a.fig, d)
					if err != nil {
						return nil, err
					}
					ans.Outcome = ptrTo(o, outcomeWire)
				}
				return ans, nil
			}},
	}
}

// noStore keeps the answer out of the server's response cache, which keys
// on the data version: a plan's status, comments and answers change
// without the published figures changing.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }
