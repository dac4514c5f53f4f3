package web

import (
	"net/http"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/report"
)

// areaPage is the data of the force and borough pages.
type areaPage struct {
	Profile *report.Profile
	// Layer is the URL of the map's GeoJSON; Sub the path prefix of its
	// areas' pages.
	Layer, Sub string
}

// home is the dashboard of the site's force: London on the demo data.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	s.areaView(w, r, s.fig.Force, charter.LevelForce)
}

func (s *Site) force(w http.ResponseWriter, r *http.Request) {
	s.areaView(w, r, r.PathValue("id"), charter.LevelForce)
}

func (s *Site) borough(w http.ResponseWriter, r *http.Request) {
	s.areaView(w, r, r.PathValue("code"), charter.LevelBorough)
}

// areaView renders the force or borough view.
func (s *Site) areaView(w http.ResponseWriter, r *http.Request, code string, level charter.Level) {
	ctx := r.Context()
	fl, opts, err := s.filter(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.fig.Profile(ctx, code, fl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Area.Level != level.String() {
		s.fail(w, r, charter.Errorf(charter.ENOTFOUND, "%s is not a %s", code, level))
		return
	}
	d := areaPage{Profile: p}
	q := public.Encode(fl)
	switch level {
	case charter.LevelForce:
		d.Layer, d.Sub = "/downloads/boroughs.geojson?force="+code+ifEmpty(q, "&"+q), "/boroughs/"
	case charter.LevelBorough:
		d.Layer, d.Sub = "/downloads/wards.geojson?borough="+code+ifEmpty(q, "&"+q), "/wards/"
	}
	secs, err := s.areaSections(ctx, p.Area.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "area", &page{Title: p.Area.Name, Filter: fl, Options: opts, Query: q, Data: d, Sections: secs})
}

// ward renders a ward page (PRODUCT U2).
func (s *Site) ward(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fl, opts, err := s.filter(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.fig.Ward(ctx, r.PathValue("code"), fl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	secs, err := s.areaSections(ctx, v.Ward.Area.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "ward", &page{Title: v.Ward.Area.Name + " ward", Filter: fl, Options: opts, Query: public.Encode(fl), Data: v, Sections: secs})
}

func (s *Site) rights(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "rights", &page{Title: "Your rights"})
}

// downloadsPage lists what can be downloaded.
type downloadsPage struct {
	Force    string
	Months   []string
	Boroughs []report.SubArea
}

func (s *Site) downloads(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fl, opts, err := s.filter(ctx, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.fig.Profile(ctx, s.fig.Force, fl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := downloadsPage{Force: s.fig.Force, Boroughs: p.SubAreas}
	for _, t := range p.Trend {
		if t.Searches != nil && *t.Searches > 0 {
			d.Months = append(d.Months, t.Month)
		}
	}
	s.render(w, r, "downloads", &page{Title: "Open data", Filter: fl, Options: opts, Query: public.Encode(fl), Data: d})
}

// geojson serves boroughs.geojson?force= and wards.geojson?borough=.
func (s *Site) geojson(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	fl, err := public.ParseFilter(r.URL.Query())
	if err == nil {
		fl, err = s.fig.Resolve(ctx, fl)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var area string
	switch r.PathValue("layer") {
	case "boroughs.geojson":
		if area = r.URL.Query().Get("force"); area == "" {
			area = s.fig.Force
		}
	case "wards.geojson":
		if area = r.URL.Query().Get("borough"); area == "" {
			s.fail(w, r, charter.Errorf(charter.EINVALID, "wards.geojson needs ?borough=CODE"))
			return
		}
	default:
		s.fail(w, r, charter.Errorf(charter.ENOTFOUND, "no download %q", r.PathValue("layer")))
		return
	}
	b, err := s.fig.Layer(ctx, area, fl)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("layer")+`"`)
	}
	_, _ = w.Write(b)
}
