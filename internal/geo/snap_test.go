package geo

import (
	"math/rand/v2"
	"testing"
)

// TestSnapNearest compares the grid search with a scan of every point, for
// random points over London, and checks the distance limit.
func TestSnapNearest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var pts []StreetPoint
	for i := range 3000 {
		pts = append(pts, StreetPoint{Lat: 51.3 + rng.Float64()*0.4, Lng: -0.5 + rng.Float64()*0.7, ID: int64(i)})
	}
	const limit = 800
	s := NewSnapper(pts, limit)
	for range 2000 {
		lat, lng := 51.28+rng.Float64()*0.44, -0.52+rng.Float64()*0.74
		want, wantD := -1, 1e18
		for i, p := range pts {
			if d := Metres(lat, lng, p.Lat, p.Lng); d < wantD {
				want, wantD = i, d
			}
		}
		got, ok := s.Snap(lat, lng)
		if wantD > limit {
			if ok {
				t.Fatalf("(%f, %f): snapped %.0f m away, beyond the %d m limit", lat, lng, Metres(lat, lng, got.Lat, got.Lng), limit)
			}
			continue
		}
		if !ok || got.ID != pts[want].ID {
			t.Fatalf("(%f, %f): got %+v (%v), want point %d at %.0f m", lat, lng, got, ok, want, wantD)
		}
	}
	if _, ok := NewSnapper(nil, limit).Snap(51.5, -0.1); ok {
		t.Error("snapped with no street points")
	}
}

func TestMetres(t *testing.T) {
	// Trafalgar Square to St Paul's Cathedral: about 2.1 km.
	if d := Metres(51.5080, -0.1281, 51.5138, -0.0984); d < 2000 || d > 2200 {
		t.Errorf("Metres = %.0f, want about 2,100", d)
	}
}
