package pack

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

// mapShades are the fill colours of the map, light (fewest searches) to
// dark; printable in grey too.
var mapShades = []string{"#eef3f8", "#c6d7e8", "#8fb1d3", "#4f82b5", "#1d4f80"}

// areaMap draws the month's searches over the area's sub-areas (a force's
// boroughs, a borough's wards) or, for a ward, over its borough's wards
// with the ward outlined. Drawn here from the stored boundaries: a pack
// fetches no map tiles.
func (src Sources) areaMap(ctx context.Context, area string, m charter.Month) (*Part, error) {
	a, err := src.Fig.St.AreaByCode(ctx, area)
	if err != nil {
		return nil, err
	}
	p := &Part{Title: "Where the searches were"}
	over, mark := area, ""
	if a.Level == charter.LevelWard {
		over, mark = a.ParentCode, a.Code
	}
	layer, err := src.Fig.Layer(ctx, over, monthFilter(m))
	if code := charter.ErrorCode(err); code == charter.EINVALID || code == charter.ENOTFOUND {
		p.Nothing = "No boundaries are held to draw " + a.Name + " with."
		return p, nil
	} else if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties struct {
				Code     string `json:"code"`
				Name     string `json:"name"`
				Searches int    `json:"searches"`
			} `json:"properties"`
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(layer, &fc); err != nil {
		return nil, err
	}
	type shape struct {
		code, name string
		n          int
		mp         orb.MultiPolygon
	}
	var shapes []shape
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	most := 0
	for _, f := range fc.Features {
		mp, err := geo.ParseGeometry(f.Geometry)
		if err != nil || len(mp) == 0 {
			continue
		}
		shapes = append(shapes, shape{f.Properties.Code, f.Properties.Name, f.Properties.Searches, mp})
		bound = bound.Union(mp.Bound())
		most = max(most, f.Properties.Searches)
	}
	if len(shapes) == 0 {
		p.Nothing = "No boundaries are held to draw " + a.Name + " with."
		return p, nil
	}
	// An equirectangular projection scaled by the cosine of the middle
	// latitude: true enough in shape over a city.
	const width = 600.0
	k := math.Cos(bound.Center().Lat() * math.Pi / 180)
	w, h := (bound.Max.Lon()-bound.Min.Lon())*k, bound.Max.Lat()-bound.Min.Lat()
	if w <= 0 || h <= 0 {
		p.Nothing = "The boundaries held for " + a.Name + " cannot be drawn."
		return p, nil
	}
	scale := width / w
	height := h * scale
	xy := func(pt orb.Point) (float64, float64) {
		return (pt.Lon() - bound.Min.Lon()) * k * scale, (bound.Max.Lat() - pt.Lat()) * scale
	}
	shade := func(n int) int {
		if most == 0 || n == 0 {
			return 0
		}
		return min(len(mapShades)-1, 1+int(float64(len(mapShades)-1)*float64(n-1)/float64(most)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="Map of searches in %s, %s">`,
		width, height, template.HTMLEscapeString(a.Name), MonthName(m))
	var marked string
	for _, s := range shapes {
		var d strings.Builder
		for _, poly := range s.mp {
			for _, ring := range poly {
				for i, pt := range ring {
					x, y := xy(pt)
					if i == 0 {
						fmt.Fprintf(&d, "M%.1f %.1f", x, y)
					} else {
						fmt.Fprintf(&d, "L%.1f %.1f", x, y)
					}
				}
				d.WriteString("Z")
			}
		}
		title := fmt.Sprintf("%s: %s", s.name, plural(s.n, "search", "searches"))
		fmt.Fprintf(&b, `<path d="%s" fill="%s" fill-rule="evenodd" stroke="#ffffff" stroke-width="0.8"><title>%s</title></path>`,
			d.String(), mapShades[shade(s.n)], template.HTMLEscapeString(title))
		if s.code == mark {
			marked = fmt.Sprintf(`<path d="%s" fill="none" stroke="#d4351c" stroke-width="3"/>`, d.String())
		}
	}
	b.WriteString(marked)
	b.WriteString(`</svg>`)
	p.Drawing = template.HTML(b.String())
	lead := fmt.Sprintf("Searches in %s by ward, %s: the darker the ward, the more searches.", a.Name, MonthName(m))
	if a.Level == charter.LevelForce {
		lead = fmt.Sprintf("Searches in %s by borough, %s: the darker the borough, the more searches.", a.Name, MonthName(m))
	}
	if mark != "" {
		lead = fmt.Sprintf("Searches in the wards around %s, %s: the darker the ward, the more searches; %s is outlined in red.", a.Name, MonthName(m), a.Name)
	}
	p.Paragraphs = append(p.Paragraphs, lead+fmt.Sprintf(" The busiest had %s.", plural(most, "search", "searches")))
	return p, nil
}
