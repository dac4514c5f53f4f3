package record

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/store"
)

// placer places a record's point in a borough and a ward by the same rule
// imports use, and resolves a typed street to a point. It is rebuilt when
// the boundaries change (checked at most every placerCheck).
type placer struct {
	st *store.Store

	mu      sync.Mutex
	gen     int64
	checked time.Time
	loc     *geo.Locator
	codes   map[int64]string  // area id → code
	names   map[string]string // code → name
	parent  map[string]string
	streets map[string][]geo.StreetPoint // normalised street name → its published points
	points  *geo.Snapper                 // the published street points, for describe
}

const placerCheck = 10 * time.Second

// Place is where a point falls.
type Place struct {
	Borough, Ward string // GSS codes; "" where no boundary covers the point
}

func (p *placer) refresh(ctx context.Context) error {
	if p.loc != nil && time.Since(p.checked) < placerCheck {
		return nil
	}
	gen, err := p.st.AreaGeneration(ctx)
	if err != nil {
		return err
	}
	p.checked = time.Now()
	if p.loc != nil && gen == p.gen {
		return nil
	}
	loc, err := importer.NewLocator(ctx, p.st)
	if err != nil {
		return err
	}
	areas, err := p.st.Areas(ctx, false)
	if err != nil {
		return err
	}
	p.codes, p.parent, p.names = map[int64]string{}, map[string]string{}, map[string]string{}
	for _, a := range areas {
		p.codes[a.ID] = a.Code
		p.parent[a.Code] = a.ParentCode
		p.names[a.Code] = a.Name
	}
	p.loc, p.gen, p.streets, p.points = loc, gen, nil, nil
	return nil
}

// loadStreets reads the published street points once (until the
// boundaries change), for both resolving typed streets and describing
// places; call it with mu held.
func (p *placer) loadStreets(ctx context.Context) error {
	if p.streets != nil {
		return nil
	}
	pts, err := p.st.StreetPoints(ctx)
	if err != nil {
		return err
	}
	p.streets = map[string][]geo.StreetPoint{}
	for _, pt := range pts {
		if k := streetKey(pt.Name); k != "" {
			p.streets[k] = append(p.streets[k], pt)
		}
	}
	p.points = geo.NewSnapper(pts, 250)
	return nil
}

// describe says where a point is in words, for the person's receipt: the
// nearest street data.police.uk has published within 250 metres, and the
// ward and borough ("On or near Acre Lane, Brixton Acre Lane, Lambeth").
func (p *placer) describe(ctx context.Context, lat, lon float64, pl Place) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refresh(ctx); err != nil {
		return "", err
	}
	if err := p.loadStreets(ctx); err != nil {
		return "", err
	}
	var parts []string
	if pt, ok := p.points.Snap(lat, lon); ok && pt.Name != "" {
		parts = append(parts, pt.Name)
	}
	for _, code := range []string{pl.Ward, pl.Borough} {
		if n := p.names[code]; n != "" {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", "), nil
}

// place finds the borough and ward of a point.
func (p *placer) place(ctx context.Context, lat, lon float64) (Place, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refresh(ctx); err != nil {
		return Place{}, err
	}
	var ids charter.AreaIDs
	p.loc.Assign(lon, lat, &ids)
	return Place{Borough: p.codes[ids[charter.LevelBorough]], Ward: p.codes[ids[charter.LevelWard]]}, nil
}

// wardForce is the force that polices a ward, from its borough; "" when
// the ward is not stored or its borough's force is not known.
func (p *placer) wardForce(ctx context.Context, ward string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refresh(ctx); err != nil {
		return "", err
	}
	borough, ok := p.parent[ward]
	if !ok {
		return "", nil
	}
	f, _ := charter.BoroughForce(borough)
	return f, nil
}

// resolve turns a typed address into a point: the street named in it,
// matched against the street points data.police.uk has published, and the
// middle of that street's points. It refuses (ok false, with why) a street
// it does not know, or one name used by streets far apart.
func (p *placer) resolve(ctx context.Context, address string) (lat, lon float64, why string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.refresh(ctx); err != nil {
		return 0, 0, "", err
	}
	if err := p.loadStreets(ctx); err != nil {
		return 0, 0, "", err
	}
	pts := p.streets[streetKey(address)]
	if len(pts) == 0 {
		// "12 Brixton Road, London SW9" → try the part before the first comma
		// without its house number.
		first, _, _ := strings.Cut(address, ",")
		pts = p.streets[streetKey(strings.TrimLeft(first, "0123456789 -/"))]
	}
	if len(pts) == 0 {
		return 0, 0, "no street of that name is known here; use your position instead", nil
	}
	// "Acre Lane, Lambeth": a borough named in the address keeps that
	// borough's points of a name several boroughs have.
	for _, b := range charter.LondonBoroughs {
		if strings.Contains(strings.ToLower(address), strings.ToLower(b.Name)) {
			var in []geo.StreetPoint
			for _, pt := range pts {
				var ids charter.AreaIDs
				p.loc.Assign(pt.Lng, pt.Lat, &ids)
				if p.codes[ids[charter.LevelBorough]] == b.Code {
					in = append(in, pt)
				}
			}
			if len(in) > 0 {
				pts = in
			}
			break
		}
	}
	for _, pt := range pts {
		lat += pt.Lat
		lon += pt.Lng
	}
	lat, lon = lat/float64(len(pts)), lon/float64(len(pts))
	for _, pt := range pts {
		if geo.Metres(lat, lon, pt.Lat, pt.Lng) > 1500 {
			return 0, 0, "streets of that name are in several places; add the borough, or use your position instead", nil
		}
	}
	return math.Round(lat*1e6) / 1e6, math.Round(lon*1e6) / 1e6, "", nil
}

// streetKey is a street's name as typed or published ("On or near Brixton
// Road") reduced for matching: lower case, without the "on or near" of
// police.uk and without punctuation.
func streetKey(s string) string {
	s = strings.ToLower(s)
	s = strings.TrimPrefix(strings.TrimSpace(s), "on or near ")
	var b strings.Builder
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}
