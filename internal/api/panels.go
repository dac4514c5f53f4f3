package api

// panelOps are the operations of the panels workflow.
func (a *API) panelOps() []encOp { return nil }
