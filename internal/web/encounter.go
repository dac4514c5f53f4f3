package web

import "net/http"

// registerEncounter adds the officer's pages, the receipt, feedback and the
// authorisation register (the web helper builds them).
func (s *Site) registerEncounter(mux *http.ServeMux) {}
