package web

import (
	"context"
	"net/http"
)

// registerPacks adds the pages of the monthly community packs (A5), downloadable from area pages.
func (s *Site) registerPacks(mux *http.ServeMux) {}

// packsSection is what the packs add to the page of area code (nil: nothing).
func (s *Site) packsSection(ctx context.Context, code string) (any, error) { return nil, nil }
