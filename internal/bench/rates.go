package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/data"
)

// pandasAnswer is what the pandas peer prints.
type pandasAnswer struct {
	Seconds float64                                      `json:"seconds"`
	Rows    int                                          `json:"rows"`
	Rates   map[string]map[string]struct{ Rate float64 } `json:"rates"`
}

// pandasPeer runs the pandas and geopandas script on the same archive,
// boundaries and census, once joining every row and once joining each
// distinct point, prints each median beside Charter's seconds, and warns
// when the peer's borough rates differ from the ones Charter's reports gave.
func pandasPeer(ctx context.Context, w io.Writer, dir string, o AnalyticsOptions, ours float64, want rates) error {
	modes := []struct{ mode, label string }{
		{"naive", "  peer: pandas + geopandas, spatial join of every row"},
		{"distinct", "  peer: pandas + geopandas, each distinct point joined once"},
	}
	py, ok := o.Peers.python("pandas", "geopandas")
	if !ok {
		for _, m := range modes {
			fmt.Fprintf(w, "%-64s %10s    (%s)\n", m.label, "–", notMeasured("pandas with geopandas", installPandas))
		}
		return nil
	}
	inputs, err := pandasInputs(dir)
	if err != nil {
		return err
	}
	script, err := writePeer(dir, "rates.py")
	if err != nil {
		return err
	}
	codes, _ := charter.ForceBoroughs("metropolitan")
	for _, m := range modes {
		var last pandasAnswer
		secs, err := median(o.Runs, func(int) (float64, error) {
			err := runPeer(ctx, dir, nil, &last, py, append([]string{script}, append(inputs, m.mode, strings.Join(codes, ","))...)...)
			return last.Seconds, err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-64s %10.3f s  (%s rows, from reading the CSVs, Python's start and imports not counted; Charter takes %s its time)\n",
			m.label, secs, charter.Thousands(last.Rows), times(ours/secs))
		if d := disagreements(want, last); len(d) > 0 {
			fmt.Fprintf(w, "  WARNING: the peer's rates differ from Charter's in %d of %d boroughs' groups, the first: %s\n", len(d), cells(want), d[0])
		}
	}
	return nil
}

// pandasInputs writes the archive, the borough boundaries (unzipped, as
// geopandas reads them) and the census as files for the peer.
func pandasInputs(dir string) ([]string, error) {
	archive, err := fs.ReadFile(data.FS, MetArchive)
	if err != nil {
		return nil, err
	}
	gz, err := fs.ReadFile(data.FS, boroughs)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	geo, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	pop, err := fs.ReadFile(data.FS, census)
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(dir, "archive.zip"), filepath.Join(dir, "boroughs.geojson"), filepath.Join(dir, "census.csv.gz")}
	for i, b := range [][]byte{archive, geo, pop} {
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// disagreements lists the borough groups whose rate the peer gave
// differently from Charter (by more than one part in a thousand) or not at
// all.
func disagreements(want rates, got pandasAnswer) []string {
	var out []string
	for code, groups := range want {
		for g, rate := range groups {
			peer, ok := got.Rates[code][g]
			if !ok {
				out = append(out, fmt.Sprintf("%s %s: Charter %.2f, the peer none", code, g, rate))
			} else if math.Abs(peer.Rate-rate) > 1e-3*math.Max(rate, 1e-9) {
				out = append(out, fmt.Sprintf("%s %s: Charter %.3f, the peer %.3f", code, g, rate, peer.Rate))
			}
		}
	}
	sort.Strings(out)
	return out
}

// cells counts the borough groups that have a rate.
func cells(r rates) int {
	n := 0
	for _, g := range r {
		n += len(g)
	}
	return n
}
