package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/pack"
	"github.com/stopsearch/charter/internal/public"
)

// registerPacks adds the pages of the monthly community packs (A5), downloadable from area pages.
func (s *Site) registerPacks(mux *http.ServeMux) {
	mux.HandleFunc("GET /packs/{code}/{month}", s.packPage)
}

// packSources are the sections the site's packs are made of: the same
// list as `charter report pack`.
func (s *Site) packSources() pack.Sources {
	src := pack.Sources{Fig: s.fig, Rec: s.enc.Records, FlagText: FlagText}
	return src.With(s.enc.Deployments, s.enc.Complaints, s.enc.Panels)
}

// pdfSlots bounds the packs printed at once: each print is a tab, and a
// renderer process, of the printing browser, and a burst of downloads must
// not open dozens. The printer keeps as many tabs between prints.
var pdfSlots = make(chan struct{}, 2)

// packPage serves /packs/{code}/{YYYY-MM} (the HTML pack) and
// /packs/{code}/{YYYY-MM}.pdf (the same page printed by Chromium). Packs are
// public: they hold aggregate figures only.
func (s *Site) packPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name, isPDF := strings.CutSuffix(r.PathValue("month"), ".pdf")
	m, err := charter.ParseMonth(name)
	if err != nil || len(name) != 7 {
		s.fail(w, r, charter.Errorf(charter.ENOTFOUND, "no pack for %q: a pack's address ends with its month, as 2024-09", name))
		return
	}
	p, err := pack.Make(ctx, s.packSources(), r.PathValue("code"), m, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := pack.HTML(p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !isPDF {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(b)
		return
	}
	select {
	case pdfSlots <- struct{}{}:
		defer func() { <-pdfSlots }()
	case <-ctx.Done():
		return
	}
	if b, err = pack.PDF(ctx, b); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="charter-pack-`+p.Area.Code+"-"+m.String()+`.pdf"`)
	_, _ = w.Write(b)
}

// packLinks is what an area page lists: the area's packs for its recent
// months with searches.
type packLinks struct {
	Code, Name string
	Months     []packMonth
}

// packMonth is one month's pack.
type packMonth struct{ Month, Name string }

// packMonthsListed is how many recent months an area page offers packs for.
const packMonthsListed = 6

// packsSection is what the packs add to the page of area code (nil: nothing).
func (s *Site) packsSection(ctx context.Context, code string) (any, error) {
	if s.enc.Records == nil {
		return nil, nil
	}
	fl, err := s.fig.Resolve(ctx, public.Filter{})
	if err != nil {
		return nil, err
	}
	// A pack for any recent month with searches: a profile's trend covers
	// every month whatever its period, so the profile of the default
	// period, which the unfiltered page has computed already, serves.
	p, err := s.fig.Profile(ctx, code, fl)
	if err != nil {
		return nil, err
	}
	d := packLinks{Code: p.Area.Code, Name: p.Area.Name}
	for i := len(p.Trend) - 1; i >= 0 && len(d.Months) < packMonthsListed; i-- {
		t := p.Trend[i]
		if t.Searches == nil || *t.Searches == 0 {
			continue
		}
		if m, err := charter.ParseMonth(t.Month); err == nil {
			d.Months = append(d.Months, packMonth{Month: t.Month, Name: pack.MonthName(m)})
		}
	}
	if len(d.Months) == 0 {
		return nil, nil
	}
	return d, nil
}
