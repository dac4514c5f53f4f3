package api

// complaintOps are the operations of the complaints workflow.
func (a *API) complaintOps() []encOp { return nil }
