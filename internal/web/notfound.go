package web

import (
	"net/http"
	"strings"

	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/report"
)

// notFoundPage is the data of the page for an address that holds nothing.
type notFoundPage struct {
	What     string // what was not found, in a sentence
	Boroughs []report.SubArea
}

// unmatched answers every request no other route takes: the site's 404
// page, except under /api/, whose paths the APIs answer in their own way.
// A page that exists for GET, asked with another method, is 405 as the mux
// would have said.
func (s *Site) unmatched(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			if _, pattern := mux.Handler(get); pattern != "/" {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
				return
			}
		}
		s.notFound(w, r)
	}
}

// notFound answers 404 with a page in the site's layout that says what is
// not there and the ways back, the force's boroughs among them.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	d := notFoundPage{What: missing(r.URL.Path)}
	// The boroughs come from the dashboard's own figures, computed once per
	// data version; without them the page still shows the ways back.
	if fl, err := s.fig.Resolve(r.Context(), public.Filter{}); err == nil {
		if p, err := s.fig.Profile(r.Context(), s.fig.Force, fl); err == nil {
			d.Boroughs = p.SubAreas
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	p := &page{Title: "Page not found", Path: r.URL.Path, Data: d}
	if t := s.pages["notfound"]; t == nil || t.ExecuteTemplate(w, "layout", p) != nil {
		_, _ = w.Write([]byte("Page not found"))
	}
}

// missing says in words what a path asked for that is not there.
func missing(path string) string {
	kind, code, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if code != "" && !strings.Contains(code, "/") {
		switch kind {
		case "wards":
			return "There is no ward with the code " + code + "."
		case "boroughs":
			return "There is no borough with the code " + code + "."
		case "forces":
			return "There is no police force called " + code + " here."
		}
	}
	return "There is no page at this address."
}
