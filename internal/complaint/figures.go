package complaint

import (
	"context"
	"slices"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/stats"
)

// Count is a published count of complaints: Suppressed when it is above
// nought and below the minimum (then Count is 0 and not the true count).
type Count struct {
	Count      int  `json:"count"`
	Suppressed bool `json:"suppressed"`
}

// Figure is the complaints of one area and month (or period).
type Figure struct {
	Area  string `json:"area"`
	Month string `json:"month,omitempty"` // YYYY-MM; "" for a whole period
	// Lodged counts complaints lodged; Linked those lodged from a
	// receipt (about a recorded search); Decided those with an outcome;
	// Upheld those of Decided that were upheld.
	Lodged  Count `json:"lodged"`
	Linked  Count `json:"linked"`
	Decided Count `json:"decided"`
	Upheld  Count `json:"upheld"`
	// UpheldShare is Upheld out of Decided with its 95% Wilson interval;
	// unknown (not published) unless both counts are published.
	UpheldShare charter.Figure `json:"upheld_share"`
}

// Figures are the public complaint figures of an area: month by month,
// and (for a force or borough) by borough over the whole period.
type Figures struct {
	Area     string   `json:"area"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	MinCount int      `json:"min_count"`
	Months   []Figure `json:"months"`
	Boroughs []Figure `json:"boroughs"`
}

type tally struct{ lodged, linked, decided, upheld int }

// Figures counts the complaints lodged in area (a force id, borough or
// ward code) in the months from to to.
func (s *Service) Figures(ctx context.Context, area string, from, to charter.Month) (Figures, error) {
	if to < from {
		return Figures{}, charter.Errorf(charter.EINVALID, "the months run backwards (%s to %s)", from, to)
	}
	if to-from >= 120 {
		return Figures{}, charter.Errorf(charter.EINVALID, "ask for at most ten years of months")
	}
	rows, err := s.st.ComplaintCounts(ctx, area, from, to)
	if err != nil {
		return Figures{}, err
	}
	byMonth, byBorough := map[charter.Month]tally{}, map[string]tally{}
	add := func(t tally, lodged, linked, decided, upheld int) tally {
		return tally{t.lodged + lodged, t.linked + linked, t.decided + decided, t.upheld + upheld}
	}
	for _, r := range rows {
		byMonth[r.Month] = add(byMonth[r.Month], r.Lodged, r.Linked, r.Decided, r.Upheld)
		if r.Borough != "" {
			byBorough[r.Borough] = add(byBorough[r.Borough], r.Lodged, r.Linked, r.Decided, r.Upheld)
		}
	}
	f := Figures{Area: area, From: from.String(), To: to.String(), MinCount: s.opts.MinCount, Months: []Figure{}, Boroughs: []Figure{}}
	for m := from; m <= to; m++ {
		f.Months = append(f.Months, s.figure(area, m.String(), byMonth[m]))
	}
	if lv, ok := charter.LevelOfCode(area); !ok || lv == charter.LevelBorough {
		codes := make([]string, 0, len(byBorough))
		for b := range byBorough {
			codes = append(codes, b)
		}
		slices.Sort(codes)
		for _, b := range codes {
			f.Boroughs = append(f.Boroughs, s.figure(b, "", byBorough[b]))
		}
	}
	return f, nil
}

func (s *Service) figure(area, month string, t tally) Figure {
	count := func(n int) Count {
		if n > 0 && n < s.opts.MinCount {
			return Count{Suppressed: true}
		}
		return Count{Count: n}
	}
	f := Figure{Area: area, Month: month, Lodged: count(t.lodged), Linked: count(t.linked), Decided: count(t.decided), Upheld: count(t.upheld)}
	if t.decided > 0 && !f.Decided.Suppressed && !f.Upheld.Suppressed {
		if e := stats.WilsonProportion(t.upheld, t.decided, 0.95); e.HasInterval() {
			f.UpheldShare = e.Figure(charter.ScaleShare)
		}
	}
	return f
}
