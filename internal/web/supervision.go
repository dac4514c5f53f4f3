package web

import "net/http"

// registerSupervision adds the pages of supervision (S1): the supervisor's review queue and rubric, the officer's feedback, team and officer views.
func (s *Site) registerSupervision(mux *http.ServeMux) {}
