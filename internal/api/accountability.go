package api

import (
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/training"
)

// Accountability is the services of the accountability workflows (PRODUCT.md
// S1–S4 and ward engagement); a nil service's operations are neither routed
// nor documented.
type Accountability struct {
	Reviews     *review.Service
	Complaints  *complaint.Service
	Panels      *panel.Service
	Training    *training.Service
	Deployments *deploy.Service
}

// SetAccountability adds the workflows' operations to the encounter's
// table (one gate, one document); call it after SetRecords and before
// Register.
func (a *API) SetAccountability(acc Accountability) {
	a.acc = acc
	if acc.Reviews != nil {
		a.enc = append(a.enc, a.reviewOps()...) // reviews.go
	}
	if acc.Complaints != nil {
		a.enc = append(a.enc, a.complaintOps()...) // complaints.go
	}
	if acc.Panels != nil {
		a.enc = append(a.enc, a.panelOps()...) // panels.go
	}
	if acc.Training != nil {
		a.enc = append(a.enc, a.trainingOps()...) // training.go
	}
	if acc.Deployments != nil {
		a.enc = append(a.enc, a.deploymentOps()...) // deployments.go
	}
}
