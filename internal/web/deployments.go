package web

import (
	"context"
	"net/http"
)

// registerDeployments adds the pages of ward engagement on deployments: plans, residents' questions and answers.
func (s *Site) registerDeployments(mux *http.ServeMux) {}

// deploymentsSection is what the deployments add to the page of area code (nil: nothing).
func (s *Site) deploymentsSection(ctx context.Context, code string) (any, error) { return nil, nil }
