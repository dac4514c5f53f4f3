package public

import (
	"context"
	"fmt"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/report"
)

// Comparison is one line of the ward page's table: a measure for the ward,
// its borough and the whole force area, each with its interval (unknown
// where the area has none: no population, a field the force does not
// publish).
type Comparison struct {
	Measure string         `json:"measure"`
	Kind    string         `json:"kind"` // "rate" (per 1,000 residents) or "share"
	Unit    string         `json:"unit"` // the unit in words
	Ward    charter.Figure `json:"ward"`
	Borough charter.Figure `json:"borough"`
	Force   charter.Figure `json:"force"`
}

// WardView is what a ward page shows (PRODUCT U2): the ward's profile, how
// it compares with its borough and the force area, and whether it is a
// weapon-crime hotspot with how precise the searching there is.
type WardView struct {
	Ward       *report.Profile `json:"ward"`
	Borough    *report.Profile `json:"borough"`
	Force      *report.Profile `json:"force"`
	Comparison []Comparison    `json:"comparison"`
	// Hotspot is the ward's line in the force-wide precision ranking (nil
	// when the ward has no weapon-enabled crime counts in the period).
	Hotspot *report.PrecisionUnit `json:"hotspot"`
	// Units is how many wards are ranked; Top the hotspot share of them.
	Units         int                `json:"units"`
	Hotspots      int                `json:"hotspots"`
	Top           float64            `json:"top"`
	Score         *report.Proportion `json:"force_score"`
	HotspotCrime  float64            `json:"force_hotspot_crime_share"`
	PrecisionNote string             `json:"precision_note,omitempty"`
	// ForceSearches are the force area's searches in the period, of which
	// ForcePlaced are in a ranked ward; the rest (no location, or outside
	// every ward) are in no share, and the page says so beside the score.
	ForceSearches int `json:"force_searches"`
	ForcePlaced   int `json:"force_searches_placed"`
	// PrecisionNotes are the force-wide report's notes: what the ranking
	// leaves out and how hotspots are chosen.
	PrecisionNotes []string `json:"precision_notes"`
}

// Ward computes the view of one ward.
func (f *Figures) Ward(ctx context.Context, code string, fl Filter) (*WardView, error) {
	return memoise(ctx, f, "ward|"+code+"|"+fl.Key(), func(ctx context.Context, _ *readmodel.Snapshot) (*WardView, error) {
		w, err := f.Profile(ctx, code, fl)
		if err != nil {
			return nil, err
		}
		if w.Area.Level != charter.LevelWard.String() {
			return nil, charter.Errorf(charter.ENOTFOUND, "%s is not a ward", code)
		}
		v := &WardView{Ward: w}
		for _, p := range w.Parents {
			prof, err := f.Profile(ctx, p.Code, fl)
			if err != nil {
				return nil, err
			}
			switch p.Level {
			case charter.LevelBorough.String():
				v.Borough = prof
			case charter.LevelForce.String():
				v.Force = prof
			}
		}
		v.compare()
		if err := f.hotspot(ctx, v, code, fl); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// compare fills the comparison table from the three profiles.
func (v *WardView) compare() {
	type get func(p *report.Profile) charter.Figure
	rate := func(p *report.Profile) charter.Figure { return p.Rate }
	weapon := func(p *report.Profile) charter.Figure {
		if p.WeaponCrime == nil || p.WeaponCrime.Months == 0 {
			return charter.Figure{}
		}
		return p.WeaponCrime.PerThousand
	}
	share := func(pp func(p *report.Profile) *report.Proportion) get {
		return func(p *report.Profile) charter.Figure {
			if q := pp(p); q != nil {
				return q.Rate
			}
			return charter.Figure{Scale: charter.ScaleShare}
		}
	}
	lines := []struct {
		name, kind, unit string
		fn               get
	}{
		{"Searches", "rate", "per 1,000 residents", rate},
		{"Weapon-enabled crime", "rate", "per 1,000 residents", weapon},
		{"Searches ending in arrest", "share", "share of searches", share(func(p *report.Profile) *report.Proportion { return &p.Arrest })},
		{"Outcome linked to object of search (find rate)", "share", "share of searches where recorded", share(func(p *report.Profile) *report.Proportion { return p.Find })},
		{"More than outer clothing removed", "share", "share of searches where recorded", share(func(p *report.Profile) *report.Proportion { return p.StripSearch })},
	}
	if wc := v.Ward.WeaponCrime; wc != nil && wc.Months > 0 {
		lines[1].unit = fmt.Sprintf("per 1,000 residents over the %d months of the period the crime counts cover", wc.Months)
	}
	for _, l := range lines {
		c := Comparison{Measure: l.name, Kind: l.kind, Unit: l.unit, Ward: l.fn(v.Ward)}
		if v.Borough != nil {
			c.Borough = l.fn(v.Borough)
		}
		if v.Force != nil {
			c.Force = l.fn(v.Force)
		}
		v.Comparison = append(v.Comparison, c)
	}
}

// hotspot finds the ward in the force-wide precision ranking.
func (f *Figures) hotspot(ctx context.Context, v *WardView, code string, fl Filter) error {
	p, err := f.Precision(ctx, fl)
	if err != nil {
		if charter.ErrorCode(err) == charter.EINVALID || charter.ErrorCode(err) == charter.ENOTFOUND {
			v.PrecisionNote = charter.ErrorMessage(err)
			return nil
		}
		return err
	}
	v.Units, v.Hotspots, v.Top, v.HotspotCrime, v.PrecisionNotes = p.Units, p.Hotspots, p.Top, p.HotspotCrimeShare, p.Notes
	v.ForceSearches, v.ForcePlaced = p.Searches, p.SearchesPlaced
	score := p.Score
	v.Score = &score
	for i := range p.Ranked {
		if p.Ranked[i].Code == code {
			u := p.Ranked[i]
			v.Hotspot = &u
			return nil
		}
	}
	v.PrecisionNote = "this ward has no weapon-enabled crime counts in the period, so it is not ranked"
	return nil
}
