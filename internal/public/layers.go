package public

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/report"
)

// Layer returns a GeoJSON FeatureCollection of the sub-areas of an area (the
// boroughs of a force, the wards of a borough) with the figures of its
// profile as feature properties: what the choropleth maps draw and what the
// GeoJSON download holds. Areas without a boundary are left out.
func (f *Figures) Layer(ctx context.Context, area string, fl Filter) ([]byte, error) {
	return memoise(ctx, f, "layer|"+area+"|"+fl.Key(), func(ctx context.Context, _ *readmodel.Snapshot) ([]byte, error) {
		p, err := f.Profile(ctx, area, fl)
		if err != nil {
			return nil, err
		}
		if p.SubLevel == "" {
			return nil, charter.Errorf(charter.EINVALID, "%s has no sub-areas to map", area)
		}
		bounds, err := f.boundaries(ctx)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		buf.WriteString(`{"type":"FeatureCollection","properties":`)
		meta, _ := json.Marshal(map[string]any{"area": p.Area, "level": p.SubLevel, "from": p.From, "to": p.To,
			"flags": p.Flags, "source": "Charter; contains public sector information licensed under the Open Government Licence v3.0"})
		buf.Write(meta)
		buf.WriteString(`,"features":[`)
		n := 0
		for _, sa := range p.SubAreas {
			geom := bounds[p.SubLevel+"|"+sa.Code]
			if len(geom) == 0 {
				continue
			}
			if n > 0 {
				buf.WriteByte(',')
			}
			n++
			props, err := json.Marshal(layerProperties(sa))
			if err != nil {
				return nil, err
			}
			buf.WriteString(`{"type":"Feature","properties":`)
			buf.Write(props)
			buf.WriteString(`,"geometry":`)
			buf.Write(geom)
			buf.WriteByte('}')
		}
		buf.WriteString("]}")
		return buf.Bytes(), nil
	})
}

// layerFeature is a sub-area's properties in the GeoJSON downloads and
// layers, in the shape they have always had: the rate and its interval as
// [lower, upper].
type layerFeature struct {
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Searches     int       `json:"searches"`
	Population   *int      `json:"population"`
	Rate         *float64  `json:"rate_per_1000"`
	RateCI       []float64 `json:"rate_ci"`
	WeaponCrimes *int      `json:"weapon_crimes"`
}

func layerProperties(sa report.SubArea) layerFeature {
	return layerFeature{Code: sa.Code, Name: sa.Name, Searches: sa.Searches, Population: sa.Population,
		Rate: sa.Rate.Ptr(), RateCI: sa.Rate.Pair(), WeaponCrimes: sa.WeaponCrimes}
}

// boundaries maps level|code to the GeoJSON geometry of every area with one.
func (f *Figures) boundaries(ctx context.Context) (map[string][]byte, error) {
	return memoise(ctx, f, "boundaries", func(_ context.Context, s *readmodel.Snapshot) (map[string][]byte, error) {
		areas := s.CurrentAreas(true)
		out := map[string][]byte{}
		for _, a := range areas {
			if len(a.Boundary) > 0 && json.Valid(a.Boundary) {
				out[a.Level.String()+"|"+a.Code] = a.Boundary
			}
		}
		return out, nil
	})
}
