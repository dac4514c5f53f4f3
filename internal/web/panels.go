package web

import (
	"context"
	"net/http"
)

// registerPanels adds the pages of independent scrutiny (S3): the panel's samples and ratings, published findings and the force's response.
func (s *Site) registerPanels(mux *http.ServeMux) {}

// findingsSection is what the findings add to the page of area code (nil: nothing).
func (s *Site) findingsSection(ctx context.Context, code string) (any, error) { return nil, nil }
