// Package web serves the public site: the dashboard (force, borough and ward
// views), the rights page and the downloads. Pages are html/template over
// embedded templates; every page is complete HTML that works without
// JavaScript, and the vendored scripts only draw charts and maps from the
// tables already on the page.
package web

import (
	"bytes"
	"context"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/auth"
	"github.com/stopsearch/charter/internal/complaint"
	"github.com/stopsearch/charter/internal/deploy"
	"github.com/stopsearch/charter/internal/httpx"
	"github.com/stopsearch/charter/internal/panel"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/record"
	"github.com/stopsearch/charter/internal/review"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/training"
)

// Site is the public web site.
type Site struct {
	fig    *public.Figures
	assets *Assets
	pages  map[string]*template.Template
	log    *slog.Logger
	csvs   csvCache // the record CSVs, built once per data version
	enc    Encounter
}

// Encounter is what the pages of the encounter need: the officer's record
// and the person's receipt and feedback (Records), sign-in (Auth). Without
// it (nil fields) those pages are not served.
type Encounter struct {
	Auth    *auth.Auth
	Records *record.Service
	// Heads lists the audit chain's published daily heads (the public
	// page /audit).
	Heads func(context.Context) ([]store.AuditHead, error)
	// The accountability workflows; each one's pages are served when its
	// service is set.
	Reviews     *review.Service    // supervision.go
	Complaints  *complaint.Service // complaints.go
	Panels      *panel.Service     // panels.go
	Training    *training.Service  // training.go
	Deployments *deploy.Service    // deployments.go
}

// SetEncounter turns on the encounter's pages; call before Register.
func (s *Site) SetEncounter(e Encounter) { s.enc = e }

// New parses the templates (each page with the layout and the shared
// partials) and hashes the static files.
func New(fig *public.Figures, log *slog.Logger) (*Site, error) {
	assets, err := NewAssets()
	if err != nil {
		return nil, err
	}
	s := &Site{fig: fig, assets: assets, pages: map[string]*template.Template{}, log: log}
	// Every page gets the layout, the shared partials and the sections the
	// accountability workflows add to pages (templates/parts, one file each).
	base, err := template.New("").Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return nil, err
		}
		s.pages[name] = t
	}
	return s, nil
}

// Assets is the static file server, for the server's routes.
func (s *Site) Assets() *Assets { return s.assets }

// Register adds the pages to mux.
func (s *Site) Register(mux *http.ServeMux) {
	mux.Handle("GET /static/{hash}/{path...}", s.assets)
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /forces/{id}", s.force)
	mux.HandleFunc("GET /boroughs/{code}", s.borough)
	mux.HandleFunc("GET /wards/{code}", s.ward)
	mux.HandleFunc("GET /rights", s.rights)
	mux.HandleFunc("GET /downloads", s.downloads)
	s.registerDocs(mux) // /methodology, /docs/api
	if s.enc.Auth != nil {
		s.registerSignIn(mux) // signin.go
	}
	if s.enc.Heads != nil {
		mux.HandleFunc("GET /audit", s.auditHeads) // audit.go
	}
	if s.enc.Auth != nil && s.enc.Records != nil {
		s.registerEncounter(mux) // encounter.go
		if s.enc.Reviews != nil {
			s.registerSupervision(mux) // supervision.go
		}
		if s.enc.Complaints != nil {
			s.registerComplaints(mux) // complaints.go
		}
		if s.enc.Panels != nil {
			s.registerPanels(mux) // panels.go
		}
		if s.enc.Training != nil {
			s.registerTraining(mux) // training.go
		}
		if s.enc.Deployments != nil {
			s.registerDeployments(mux) // deployments.go
		}
		s.registerPacks(mux)                      // packs.go
		mux.HandleFunc("GET /staff", s.staffHome) // staff.go
	}
	mux.HandleFunc("GET /downloads/stops.csv", s.stopsCSV)
	mux.HandleFunc("GET /downloads/{layer}", s.geojson)
	mux.Handle("/", s.unmatched(mux))
}

// page is what every template gets.
type page struct {
	Title   string
	Path    string
	Filter  public.Filter
	Options *public.Options
	Query   string // the filter as a query string, for links that keep it
	Data    any
	// Sections are what the accountability workflows add to a borough or
	// ward page (its community trigger, complaints, deployments, packs), by
	// workflow; see areaSections.
	Sections map[string]any
}

// render executes a page template into a buffer first, so that a template
// error becomes a clean 500 rather than half a page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		s.fail(w, r, charter.Errorf(charter.EINTERNAL, "no page template %q", name))
		return
	}
	p.Path = r.URL.Path
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// Fail answers with the site's error page for err, for refusals made
// outside the site's own handlers (sign-in's 401 and 403).
func (s *Site) Fail(w http.ResponseWriter, r *http.Request, err error) { s.fail(w, r, err) }

// fail answers with an error page whose status comes from the error's code
// (httpx.StatusOf); the cause goes to the log only.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.StatusOf(err)
	if status == http.StatusNotFound {
		s.notFound(w, r)
		return
	}
	if status >= 500 {
		// Logged once, with the request id, in the request's own log line.
		httpx.NoteError(w, err)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	t := s.pages["error"]
	p := &page{Title: http.StatusText(status), Path: r.URL.Path, Data: map[string]any{"Status": status, "Message": charter.ErrorMessage(err)}}
	if t == nil || t.ExecuteTemplate(w, "layout", p) != nil {
		_, _ = w.Write([]byte(http.StatusText(status)))
	}
}

// filter reads the page filters from the query, with the default period
// filled in, and the filter choices.
func (s *Site) filter(ctx context.Context, r *http.Request) (public.Filter, *public.Options, error) {
	fl, err := public.ParseFilter(r.URL.Query())
	if err != nil {
		return fl, nil, err
	}
	if fl, err = s.fig.Resolve(ctx, fl); err != nil {
		return fl, nil, err
	}
	opts, err := s.fig.FilterOptions(ctx)
	return fl, opts, err
}
