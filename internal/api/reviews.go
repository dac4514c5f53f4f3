package api

// reviewOps are the operations of the reviews workflow.
func (a *API) reviewOps() []encOp { return nil }
