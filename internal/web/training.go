package web

import "net/http"

// registerTraining adds the pages of training (S4): courses and completions.
func (s *Site) registerTraining(mux *http.ServeMux) {}
