// Command buildwards makes the bundled boundaries of every London ward of
// the May 2022 set (data/boundaries/london-wards-2022.geojson.gz) from
// public ONS files, so that the bundle can be rebuilt and checked:
//
//	go run ./data/buildwards -lsoa london-lsoa21.geojson \
//	    -lookup london-lsoa21-ward22-bestfit.csv \
//	    -city wd22_bgc_city-of-london_all_25_wards.geojson \
//	    -o data/boundaries/london-wards-2022.geojson.gz
//
// Each borough ward is the union of the 2021 LSOAs that the ONS best-fit
// lookup puts in it (the method ONS uses to publish ward census figures), so
// the wards tile their boroughs exactly and a point lies in the ward of the
// LSOA it lies in. The City of London has too few LSOAs for its 25 wards,
// so its wards are ONS's own generalised polygons. data/README.md names the
// sources.
package main

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/paulmach/orb"
	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
)

func main() {
	lsoa := flag.String("lsoa", "", "LSOA 2021 boundaries (GeoJSON, WGS84)")
	lookup := flag.String("lookup", "", "LSOA 2021 → ward 2022 best-fit lookup (CSV: LSOA21CD, WD22CD, WD22NM, LAD22CD, LAD22NM)")
	city := flag.String("city", "", "the City of London's ward boundaries (GeoJSON); its wards are taken as they are")
	out := flag.String("o", "", "output file (.geojson.gz)")
	flag.Parse()
	if *lsoa == "" || *lookup == "" || *city == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*lsoa, *lookup, *city, *out); err != nil {
		fmt.Fprintln(os.Stderr, "buildwards:", err)
		os.Exit(1)
	}
}

type ward struct {
	code, name, lad, ladName string
	parts                    []orb.MultiPolygon
	geom                     orb.MultiPolygon
}

func run(lsoaPath, lookupPath, cityPath, outPath string) error {
	wards, err := readLookup(lookupPath)
	if err != nil {
		return err
	}
	lvl := charter.LevelLSOA
	lsoas, err := readBoundaries(lsoaPath, geo.Options{Level: &lvl, CodeProp: "LSOA21CD"})
	if err != nil {
		return err
	}
	byLSOA := map[string]*ward{}
	for _, w := range wards {
		for _, c := range w.lsoas {
			byLSOA[c] = w.ward
		}
	}
	for _, b := range lsoas {
		w, ok := byLSOA[b.Code]
		if !ok {
			return fmt.Errorf("%s: LSOA %s is not in the lookup", lsoaPath, b.Code)
		}
		w.parts = append(w.parts, b.Geometry)
	}
	var all []*ward
	for _, w := range wards {
		if w.ward.lad == "E09000001" {
			continue // the City's wards come whole from their own file
		}
		if len(w.ward.parts) != len(w.lsoas) {
			return fmt.Errorf("ward %s: %d of its %d LSOAs have a boundary", w.ward.code, len(w.ward.parts), len(w.lsoas))
		}
		w.ward.geom = geo.Dissolve(w.ward.parts)
		all = append(all, w.ward)
	}
	cityWards, err := readBoundaries(cityPath, geo.Options{})
	if err != nil {
		return err
	}
	for _, b := range cityWards {
		if b.Level != charter.LevelWard || b.ParentCode != "E09000001" {
			return fmt.Errorf("%s: %s is not a City of London ward", cityPath, b.Code)
		}
		all = append(all, &ward{code: b.Code, name: b.Name, lad: "E09000001", ladName: "City of London", geom: b.Geometry})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].code < all[j].code })
	rings, parts := 0, 0
	for _, w := range all {
		parts += len(w.geom)
		for _, p := range w.geom {
			rings += len(p)
		}
	}
	fmt.Fprintf(os.Stderr, "buildwards: %d wards, %d polygons, %d rings\n", len(all), parts, rings)
	return write(outPath, all)
}

type lookupWard struct {
	ward  *ward
	lsoas []string
}

func readLookup(path string) (map[string]*lookupWard, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, h := range []string{"LSOA21CD", "WD22CD", "WD22NM", "LAD22CD", "LAD22NM"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no column %s", path, h)
		}
	}
	wards := map[string]*lookupWard{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		code := rec[col["WD22CD"]]
		w := wards[code]
		if w == nil {
			w = &lookupWard{ward: &ward{code: code, name: rec[col["WD22NM"]], lad: rec[col["LAD22CD"]], ladName: rec[col["LAD22NM"]]}}
			wards[code] = w
		}
		w.lsoas = append(w.lsoas, rec[col["LSOA21CD"]])
	}
	return wards, nil
}

func readBoundaries(path string, opt geo.Options) ([]geo.Boundary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return geo.ReadBoundaries(f, path, opt)
}

// write stores the wards as a GeoJSON FeatureCollection with ONS property
// names, coordinates to 6 decimals (about 0.1 m), gzip-compressed.
func write(path string, wards []*ward) error {
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   json.RawMessage   `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection"}
	for _, w := range wards {
		g, err := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": round6(w.geom)})
		if err != nil {
			return err
		}
		fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: g,
			Properties: map[string]string{"WD22CD": w.code, "WD22NM": w.name, "LAD22CD": w.lad, "LAD22NM": w.ladName}})
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err := json.NewEncoder(zw).Encode(fc); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func round6(mp orb.MultiPolygon) [][][][2]float64 {
	out := make([][][][2]float64, len(mp))
	for i, p := range mp {
		for _, r := range p {
			ring := make([][2]float64, len(r))
			for k, pt := range r {
				ring[k] = [2]float64{math.Round(pt[0]*1e6) / 1e6, math.Round(pt[1]*1e6) / 1e6}
			}
			out[i] = append(out[i], ring)
		}
	}
	return out
}
