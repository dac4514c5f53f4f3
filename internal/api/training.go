package api

// trainingOps are the operations of the training workflow.
func (a *API) trainingOps() []encOp { return nil }
