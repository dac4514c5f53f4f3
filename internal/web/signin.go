package web

import "net/http"

// registerSignIn adds the sign-in pages (the auth helper builds them).
func (s *Site) registerSignIn(mux *http.ServeMux) {}
