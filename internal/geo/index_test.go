package geo

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stopsearch/charter"
)

// The bounding box of the London layers (all of them share it to 1e-4°).
const londonMinLon, londonMinLat, londonMaxLon, londonMaxLat = -0.5104, 51.2867, 0.3341, 51.6919

func randomLondon(r *rand.Rand) (float64, float64) {
	return londonMinLon + r.Float64()*(londonMaxLon-londonMinLon), londonMinLat + r.Float64()*(londonMaxLat-londonMinLat)
}

// bruteForce is the reference: planar.MultiPolygonContains over every
// polygon in order. Polygons are bucketed into longitude strips by bounding
// box only so that 200,000 queries over 5,000 LSOAs take seconds, not minutes;
// each strip keeps the polygons in order, so "first" is unchanged.
type bruteForce struct {
	polys      []orb.MultiPolygon
	bounds     []orb.Bound
	minX, step float64
	strips     [][]int
}

const bruteStrips = 256

func newBruteForce(polys []orb.MultiPolygon) *bruteForce {
	bf := &bruteForce{polys: polys, strips: make([][]int, bruteStrips)}
	all := orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
	for _, p := range polys {
		b := p.Bound()
		bf.bounds = append(bf.bounds, b)
		if len(p) > 0 {
			if all.Min[0] > all.Max[0] {
				all = b
			}
			all = all.Union(b)
		}
	}
	bf.minX, bf.step = all.Min[0], (all.Max[0]-all.Min[0])/bruteStrips
	for i, b := range bf.bounds {
		if len(polys[i]) == 0 {
			continue
		}
		for s := bf.strip(b.Min[0]); s <= bf.strip(b.Max[0]); s++ {
			bf.strips[s] = append(bf.strips[s], i)
		}
	}
	return bf
}

func (bf *bruteForce) strip(x float64) int {
	if bf.step <= 0 {
		return 0
	}
	return max(0, min(bruteStrips-1, int((x-bf.minX)/bf.step)))
}

func (bf *bruteForce) all(lon, lat float64) []int {
	var out []int
	pt := orb.Point{lon, lat}
	for _, i := range bf.strips[bf.strip(lon)] {
		if bf.bounds[i].Contains(pt) && planar.MultiPolygonContains(bf.polys[i], pt) {
			out = append(out, i)
		}
	}
	return out
}

func (bf *bruteForce) first(lon, lat float64) int {
	if all := bf.all(lon, lat); len(all) > 0 {
		return all[0]
	}
	return -1
}

func codeAt(bs []Boundary, ix *Index, lon, lat float64) string {
	if i := ix.Locate(lon, lat); i >= 0 {
		return bs[i].Code
	}
	return ""
}

func TestLocateKnownPoints(t *testing.T) {
	lad := load(t, "london-lad22.geojson")
	wards := load(t, "london-wards-2018.geojson")
	pilot := load(t, "wd22_bgc_bd_pilot_wards_longbridge_northbury_thamesview.geojson")
	bd := load(t, "wd22_bgc_barking-dagenham_all_19_wards.geojson")

	// A point well inside the pilot ward Northbury: the centroid of its
	// largest part, checked against the polygon itself.
	var northbury orb.Point
	for _, b := range pilot {
		if b.Code == "E05014066" {
			best := 0.0
			for _, p := range b.Geometry {
				c, a := planar.CentroidArea(p)
				if a < 0 {
					a = -a
				}
				if a > best {
					best, northbury = a, c
				}
			}
			if !planar.MultiPolygonContains(b.Geometry, northbury) {
				t.Fatalf("Northbury centroid %v is not inside Northbury", northbury)
			}
		}
	}
	if northbury == (orb.Point{}) {
		t.Fatal("no Northbury (E05014066) in the pilot file")
	}

	layers := map[string][]Boundary{"lad22": lad, "wards2018": wards, "pilot": pilot, "bd22": bd}
	indexes := map[string]*Index{}
	for k, bs := range layers {
		indexes[k] = NewIndex(polysOf(bs))
	}
	tests := []struct {
		name     string
		layer    string
		lon, lat float64
		want     string // "" for outside every polygon
	}{
		{"Brixton is in Lambeth", "lad22", -0.1145, 51.4626, "E09000022"},
		{"Barking is in Barking and Dagenham", "lad22", 0.0808, 51.5395, "E09000002"},
		{"Dagenham Heathway is in Barking and Dagenham", "lad22", 0.1478, 51.5418, "E09000002"},
		{"Northbury centroid, borough", "lad22", northbury[0], northbury[1], "E09000002"},
		{"Northbury centroid, pilot wards", "pilot", northbury[0], northbury[1], "E05014066"},
		{"Northbury centroid, 2022 wards", "bd22", northbury[0], northbury[1], "E05014066"},
		{"Northbury centroid, 2018 wards: Abbey", "wards2018", northbury[0], northbury[1], "E05000026"},
		{"Trafalgar Square is in Westminster", "lad22", -0.1281, 51.5080, "E09000033"},
		{"Trafalgar Square 2018 ward St James's", "wards2018", -0.1281, 51.5080, "E05000644"},
		{"Bank is in the City", "lad22", -0.0886, 51.5133, "E09000001"},
		{"Bank is in the merged City ward", "wards2018", -0.0886, 51.5133, "E05009297"},
		{"Oxford is outside London", "lad22", -1.2577, 51.7520, ""},
		{"Sevenoaks is inside the bbox but outside London", "lad22", 0.19, 51.28, ""},
		{"Lambeth is outside the Barking wards", "bd22", -0.1145, 51.4626, ""},
		{"west of the grid", "lad22", -0.52, 51.5, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, ix := layers[tt.layer], indexes[tt.layer]
			got := codeAt(bs, ix, tt.lon, tt.lat)
			if got != tt.want {
				t.Errorf("Locate(%v, %v) in %s = %q, want %q", tt.lon, tt.lat, tt.layer, got, tt.want)
			}
			bf := newBruteForce(polysOf(bs))
			if i := bf.first(tt.lon, tt.lat); (i < 0) != (got == "") || i >= 0 && bs[i].Code != got {
				t.Errorf("brute force disagrees: %d", i)
			}
		})
	}
}

// TestLocateAgreesWithBruteForce checks the grid index against a plain
// point-in-polygon test over every polygon on random points across London.
func TestLocateAgreesWithBruteForce(t *testing.T) {
	tests := []struct {
		file string
		n    int
	}{
		{"london-lsoa21.geojson", 200_000},
		{"london-wards-2018.geojson", 100_000},
		{"london-lad22.geojson", 100_000},
		{"london-msoa21.geojson", 50_000},
		{"wd22_bgc_lambeth_all_wards.geojson", 50_000},
	}
	if testing.Short() {
		for i := range tests {
			tests[i].n /= 20
		}
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			bs := load(t, tt.file)
			polys := polysOf(bs)
			ix := NewIndex(polys)
			bf := newBruteForce(polys)
			r := rand.New(rand.NewPCG(1, 2))
			inside, overlaps, bad := 0, 0, 0
			for range tt.n {
				lon, lat := randomLondon(r)
				all := bf.all(lon, lat)
				want := -1
				if len(all) > 0 {
					want = all[0]
					inside++
				}
				if len(all) > 1 {
					overlaps++
				}
				if got := ix.Locate(lon, lat); got != want {
					bad++
					if bad <= 5 {
						t.Errorf("Locate(%v, %v) = %d, brute force %v", lon, lat, got, all)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d of %d points disagree", bad, tt.n)
			}
			t.Logf("%d points: %.2f%% inside a polygon, %d in more than one", tt.n, 100*float64(inside)/float64(tt.n), overlaps)
		})
	}
}

// TestLocateSynthetic covers holes, overlaps, shared edges, multi-part
// polygons and unclosed rings, which the real files barely exercise.
func TestLocateSynthetic(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	polys := []orb.MultiPolygon{
		// 0: a 10×10 square with a 2×2 hole at (4,4)
		{{sq(0, 0, 10, 10), sq(4, 4, 6, 6)}},
		// 1: inside the hole, an island
		{{sq(4.5, 4.5, 5.5, 5.5)}},
		// 2: overlaps 0 on x in [8,10]; shares nothing else
		{{sq(8, 2, 14, 8)}},
		// 3: two parts, and the first ring left open
		{{orb.Ring{{20, 0}, {22, 0}, {22, 2}, {20, 2}}}, {sq(24, 0, 26, 2)}},
		// 4: empty
		{},
		// 5: shares the edge x=26 with part 2 of 3
		{{sq(26, 0, 28, 2)}},
	}
	ix := NewIndex(polys)
	tests := []struct {
		x, y float64
		want int
	}{
		{1, 1, 0}, {5, 5, 1}, {4.2, 4.2, -1}, {5.8, 5.8, -1}, {3.9, 5, 0},
		{9, 5, 0},   // overlap: the first wins
		{12, 5, 2},  // only 2
		{21, 1, 3},  // first part of 3, ring not closed in the input
		{25, 1, 3},  // second part
		{23, 1, -1}, // between the parts
		{27, 1, 5},
		{-1, -1, -1}, {100, 100, -1},
	}
	for _, tt := range tests {
		if got := ix.Locate(tt.x, tt.y); got != tt.want {
			t.Errorf("Locate(%v, %v) = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}
	// A point on the shared edge x=26 goes to one of its two polygons, and
	// always the same one.
	on := ix.Locate(26, 1)
	if on != 3 && on != 5 {
		t.Errorf("point on a shared edge: %d", on)
	}
	for range 10 {
		if ix.Locate(26, 1) != on {
			t.Fatal("shared edge answer not deterministic")
		}
	}
	// Everything again against brute force, on a fine lattice that hits
	// vertices and edges as well as the inside.
	bf := newBruteForce(polys)
	for x := -1.0; x <= 30; x += 0.25 {
		for y := -1.0; y <= 15; y += 0.25 {
			got, all := ix.Locate(x+0.01, y+0.013), bf.all(x+0.01, y+0.013)
			want := -1
			if len(all) > 0 {
				want = all[0]
			}
			if got != want {
				t.Errorf("Locate(%v, %v) = %d, brute force %v", x+0.01, y+0.013, got, all)
			}
		}
	}
	if NewIndex(nil).Locate(0, 0) != -1 {
		t.Error("empty index found a polygon")
	}
}

// TestLocateSpiky uses shapes unlike real boundaries: long edges crossing
// the whole grid (a star with 4,000 spikes) and many overlapping polygons.
// The build must stay fast and the answers must still match brute force.
func TestLocateSpiky(t *testing.T) {
	const spikes = 2000
	star := orb.Ring{}
	for i := range 2 * spikes {
		a := 2 * math.Pi * float64(i) / (2 * spikes)
		rx, ry := 170.0, 80.0
		if i%2 == 1 {
			rx, ry = 1, 1
		}
		star = append(star, orb.Point{rx * math.Cos(a), ry * math.Sin(a)})
	}
	star = append(star, star[0])
	polys := []orb.MultiPolygon{{{star}}}
	r := rand.New(rand.NewPCG(7, 8))
	for range 300 { // random overlapping boxes
		x, y := r.Float64()*300-150, r.Float64()*140-70
		polys = append(polys, orb.MultiPolygon{{{{x, y}, {x + 20, y}, {x + 20, y + 10}, {x, y + 10}, {x, y}}}})
	}
	t0 := time.Now()
	ix := NewIndex(polys)
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("NewIndex took %v", d)
	}
	bf := newBruteForce(polys)
	for range 20_000 {
		x, y := r.Float64()*360-180, r.Float64()*180-90
		if got, want := ix.Locate(x, y), bf.first(x, y); got != want {
			t.Fatalf("Locate(%v, %v) = %d, brute force %d", x, y, got, want)
		}
	}
}

// TestSharedEdge checks that points on (or within rounding of) an edge two
// polygons share, listed in opposite directions as neighbours do, belong to
// exactly one of them.
func TestSharedEdge(t *testing.T) {
	a, b := orb.Point{-0.123457, 51.412347}, orb.Point{-0.098761, 51.437891}
	left := orb.MultiPolygon{{{a, b, {-0.2, 51.5}, a}}} // a→b
	right := orb.MultiPolygon{{{b, a, {0.0, 51.3}, b}}} // b→a
	li, ri := NewIndex([]orb.MultiPolygon{left}), NewIndex([]orb.MultiPolygon{right})
	both := NewIndex([]orb.MultiPolygon{left, right})
	counts := [2]int{}
	for i := 1; i < 10_000; i++ {
		tt := float64(i) / 10_000
		x, y := a[0]+tt*(b[0]-a[0]), a[1]+tt*(b[1]-a[1])
		inL, inR := li.Locate(x, y) == 0, ri.Locate(x, y) == 0
		if inL == inR {
			t.Fatalf("point %d (%v, %v) on the shared edge: in left %v, in right %v", i, x, y, inL, inR)
		}
		k := both.Locate(x, y)
		if k < 0 || (k == 0) != inL {
			t.Fatalf("point %d: combined index says %d", i, k)
		}
		counts[k]++
	}
	t.Logf("points on the edge: %d to the left polygon, %d to the right", counts[0], counts[1])
}

func TestLocatorLayers(t *testing.T) {
	lad := load(t, "london-lad22.geojson")
	wards18 := load(t, "london-wards-2018.geojson")
	lambeth22 := load(t, "wd22_bgc_lambeth_all_wards.geojson")
	bd22 := load(t, "wd22_bgc_barking-dagenham_all_19_wards.geojson")
	// ids: 1000+ boroughs, 2000+ 2018 wards, 3000+ Lambeth 2022, 4000+ B&D 2022
	layer := func(level charter.Level, year int, base int64, bs []Boundary) Layer {
		ids := make([]int64, len(bs))
		for i := range ids {
			ids[i] = base + int64(i)
		}
		return Layer{Level: level, Year: year, IDs: ids, Index: NewIndex(polysOf(bs))}
	}
	idOf := func(base int64, bs []Boundary, code string) int64 {
		for i, b := range bs {
			if b.Code == code {
				return base + int64(i)
			}
		}
		t.Fatalf("no %s", code)
		return 0
	}
	// The 2022 wards are one layer, as the importer builds them (one per
	// level and year), with each ward's borough as its parent.
	wards22 := layer(charter.LevelWard, 2022, 3000, append(slices.Clone(lambeth22), bd22...))
	for _, b := range append(slices.Clone(lambeth22), bd22...) {
		wards22.Parents = append(wards22.Parents, idOf(1000, lad, b.ParentCode))
	}
	layers := []Layer{
		wards22,
		layer(charter.LevelWard, 2018, 2000, wards18), // older: kept, never used to place
		layer(charter.LevelBorough, 2022, 1000, lad),
	}
	tests := []struct {
		name          string
		lon, lat      float64
		borough, ward int64
	}{
		{"Brixton: 2022 Lambeth ward", -0.1145, 51.4626, idOf(1000, lad, "E09000022"), 3000 + int64(indexOf(lambeth22, -0.1145, 51.4626))},
		{"Barking: 2022 B&D ward", 0.0808, 51.5395, idOf(1000, lad, "E09000002"), 3000 + int64(len(lambeth22)+indexOf(bd22, 0.0808, 51.5395))},
		{"Trafalgar Square: no 2022 ward loaded, and no 2018 ward beside them", -0.1281, 51.5080, idOf(1000, lad, "E09000033"), 0},
		{"Oxford: nothing", -1.2577, 51.7520, 0, 0},
	}
	for _, cache := range []int{DefaultCacheEntries, 4, 0} {
		loc := NewLocator(layers)
		loc.SetCacheSize(cache)
		for _, tt := range tests {
			for range 2 { // the second time from the cache
				out := charter.AreaIDs{charter.LevelForce: 7, charter.LevelLSOA: 9}
				loc.Assign(tt.lon, tt.lat, &out)
				want := charter.AreaIDs{charter.LevelForce: 7, charter.LevelBorough: tt.borough, charter.LevelWard: tt.ward, charter.LevelLSOA: 9}
				if out != want {
					t.Errorf("cache %d: %s: Assign = %v, want %v", cache, tt.name, out, want)
				}
			}
		}
	}
	if got := NewLocator(layers).Levels(); len(got) != 2 || got[0] != charter.LevelBorough || got[1] != charter.LevelWard {
		t.Errorf("Levels() = %v", got)
	}

	if y := NewLocator(layers).Year(charter.LevelWard); y != 2022 {
		t.Errorf("Year(ward) = %d, want 2022", y)
	}
	// A ward whose parent the point was not placed in is not given: the
	// parts of a borough are its own wards only.
	wrong := wards22
	wrong.Parents = slices.Clone(wards22.Parents)
	brixton := indexOf(lambeth22, -0.1145, 51.4626)
	wrong.Parents[brixton] = idOf(1000, lad, "E09000002")
	var out charter.AreaIDs
	NewLocator([]Layer{wrong, layer(charter.LevelBorough, 2022, 1000, lad)}).Assign(-0.1145, 51.4626, &out)
	if out[charter.LevelBorough] != idOf(1000, lad, "E09000022") || out[charter.LevelWard] != 0 {
		t.Errorf("a ward outside the point's borough: got borough %d, ward %d; want Lambeth and no ward", out[charter.LevelBorough], out[charter.LevelWard])
	}

	// A tiny cache (constant evictions), a forked one and no cache agree on
	// random points, repeated so that hits happen.
	cached, tiny, forked, plain := NewLocator(layers), NewLocator(layers), NewLocator(layers).Fork(), NewLocator(layers)
	tiny.SetCacheSize(16)
	plain.SetCacheSize(0)
	r := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 2000)
	for i := range pts {
		pts[i][0], pts[i][1] = randomLondon(r)
	}
	for range 20_000 {
		p := pts[r.IntN(len(pts))]
		var a, b, c, d charter.AreaIDs
		cached.Assign(p[0], p[1], &a)
		tiny.Assign(p[0], p[1], &b)
		forked.Assign(p[0], p[1], &c)
		plain.Assign(p[0], p[1], &d)
		if a != d || b != d || c != d {
			t.Fatalf("%v: cached %v, tiny %v, forked %v, uncached %v", p, a, b, c, d)
		}
	}
}

func indexOf(bs []Boundary, lon, lat float64) int {
	return newBruteForce(polysOf(bs)).first(lon, lat)
}

func TestNewLocatorPanicsOnMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	NewLocator([]Layer{{Level: charter.LevelWard, IDs: []int64{1, 2}, Index: NewIndex([]orb.MultiPolygon{{}})}})
}

// BenchmarkLocate measures assignment on the London layers the demo uses:
// 2018 wards and 2022 boroughs, random points in London.
func BenchmarkLocate(b *testing.B) {
	lad := load(b, "london-lad22.geojson")
	wards := load(b, "london-wards-2018.geojson")
	wardIx, ladIx := NewIndex(polysOf(wards)), NewIndex(polysOf(lad))
	ids := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i + 1)
		}
		return out
	}
	layers := []Layer{
		{Level: charter.LevelBorough, Year: 2022, IDs: ids(len(lad)), Index: ladIx},
		{Level: charter.LevelWard, Year: 2018, IDs: ids(len(wards)), Index: wardIx},
	}
	r := rand.New(rand.NewPCG(5, 6))
	const npts = 1 << 20
	pts := make([][2]float64, npts)
	for i := range pts {
		for { // points in London, not merely in its bounding box
			pts[i][0], pts[i][1] = randomLondon(r)
			if ladIx.Locate(pts[i][0], pts[i][1]) >= 0 {
				break
			}
		}
	}
	// Police data reuses a fixed set of map points: about 100k distinct
	// points in London, most records at a few thousand of them.
	const distinct = 100_000
	repeated := make([][2]float64, npts)
	for i := range repeated {
		k := int(float64(distinct) * r.Float64() * r.Float64()) // skewed towards popular points
		repeated[i] = pts[k]
	}

	b.Run("index/wards", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := pts[i&(npts-1)]
			wardIx.Locate(p[0], p[1])
		}
	})
	b.Run("index/boroughs", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			p := pts[i&(npts-1)]
			ladIx.Locate(p[0], p[1])
		}
	})
	b.Run("reference/wards", func(b *testing.B) {
		bf := newBruteForce(polysOf(wards))
		for i := 0; b.Loop(); i++ {
			p := pts[i&(npts-1)]
			bf.first(p[0], p[1])
		}
	})
	run := func(name string, cache int, pts [][2]float64) {
		b.Run(name, func(b *testing.B) {
			loc := NewLocator(layers)
			loc.SetCacheSize(cache)
			var out charter.AreaIDs
			for i := 0; b.Loop(); i++ {
				p := pts[i&(npts-1)]
				loc.Assign(p[0], p[1], &out)
			}
		})
	}
	run("locator/nocache/random", 0, pts)
	run("locator/cache/random", DefaultCacheEntries, pts)
	run("locator/nocache/mappoints", 0, repeated)
	run("locator/cache/mappoints", DefaultCacheEntries, repeated)

	// All four levels: the indexes together (about 36 MB) no longer fit in
	// the CPU cache, so each lookup waits on memory and the point cache pays.
	for _, f := range []struct {
		level charter.Level
		file  string
	}{{charter.LevelMSOA, "london-msoa21.geojson"}, {charter.LevelLSOA, "london-lsoa21.geojson"}} {
		bs := load(b, f.file)
		layers = append(layers, Layer{Level: f.level, Year: 2021, IDs: ids(len(bs)), Index: NewIndex(polysOf(bs))})
	}
	run("locator4/nocache/random", 0, pts)
	run("locator4/nocache/mappoints", 0, repeated)
	run("locator4/cache/mappoints", DefaultCacheEntries, repeated)
}

func BenchmarkNewIndex(b *testing.B) {
	for _, f := range []string{"london-wards-2018.geojson", "london-lsoa21.geojson"} {
		polys := polysOf(load(b, f))
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				NewIndex(polys)
			}
		})
	}
}

func BenchmarkReadBoundaries(b *testing.B) {
	p := dataPath(b, "london-wards-2018.geojson")
	for b.Loop() {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		bs, err := ReadBoundaries(f, p, Options{})
		f.Close()
		if err != nil || len(bs) != 633 {
			b.Fatal(len(bs), err)
		}
	}
}
