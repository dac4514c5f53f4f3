package api

// deploymentOps are the operations of the deployments workflow.
func (a *API) deploymentOps() []encOp { return nil }
