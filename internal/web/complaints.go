package web

import (
	"context"
	"net/http"
)

// registerComplaints adds the pages of complaints (S2): lodging from a receipt or the site, the complaints team's workflow, the community trigger.
func (s *Site) registerComplaints(mux *http.ServeMux) {}

// complaintsSection is what the complaints add to the page of area code (nil: nothing).
func (s *Site) complaintsSection(ctx context.Context, code string) (any, error) { return nil, nil }
