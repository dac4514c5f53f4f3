package geo

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stopsearch/charter"
)

// ring writes positions as a GeoJSON Polygon.
func polygonJSON(rings ...[][2]float64) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[`)
	for i, r := range rings {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, p := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "[%g,%g]", p[0], p[1])
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
	return b.String()
}

// combRing is a closed ring of n narrow teeth across London: no edge
// crosses another, but every row of a grid over it meets every tooth.
func combRing(n int) [][2]float64 {
	var r [][2]float64
	x0, x1, y0, y1 := -0.5, 0.3, 51.3, 51.7
	for i := 0; i < n; i++ {
		x := x0 + (x1-x0)*float64(i)/float64(n)
		w := (x1 - x0) / float64(n) / 2
		r = append(r, [2]float64{x, y0}, [2]float64{x, y1}, [2]float64{x + w, y1}, [2]float64{x + w, y0 + 0.01})
	}
	return append(r, [2]float64{x1, y0 - 0.01}, [2]float64{x0, y0 - 0.01}, r[0])
}

func refused(t *testing.T, in string, want ...string) {
	t.Helper()
	bs, err := ReadBoundaries(strings.NewReader(in), "b.geojson", Options{})
	if err == nil || bs != nil || charter.ErrorCode(err) != charter.EINVALID {
		t.Fatalf("got %d boundaries, err %v; want a refusal", len(bs), err)
	}
	for _, w := range append([]string{"b.geojson: "}, want...) {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestSelfIntersectingRefused(t *testing.T) {
	bowtie := [][2]float64{{-0.1, 51.5}, {-0.09, 51.51}, {-0.09, 51.5}, {-0.1, 51.51}, {-0.1, 51.5}}
	shell := [][2]float64{{-0.1, 51.5}, {-0.09, 51.5}, {-0.09, 51.51}, {-0.1, 51.51}, {-0.1, 51.5}}
	crossingHole := [][2]float64{{-0.095, 51.505}, {-0.085, 51.505}, {-0.085, 51.506}, {-0.095, 51.506}, {-0.095, 51.505}}
	touchingHole := [][2]float64{{-0.1, 51.5}, {-0.095, 51.502}, {-0.095, 51.503}, {-0.1, 51.5}}
	t.Run("bow tie", func(t *testing.T) {
		refused(t, doc(feat(`{"WD22CD":"E05000001"}`, square), feat(`{"WD22CD":"E05000002","WD22NM":"Tie"}`, polygonJSON(bowtie))),
			"feature 1:", "E05000002", "polygon 0: ring 0 crosses itself", "self-intersecting")
	})
	t.Run("hole across the shell", func(t *testing.T) {
		refused(t, doc(feat(`{"WD22CD":"E05000001"}`, polygonJSON(shell, crossingHole))),
			"feature 0:", "rings 0 and 1 cross each other")
	})
	t.Run("a hole touching the shell at a vertex is valid", func(t *testing.T) {
		bs, err := ReadBoundaries(strings.NewReader(doc(feat(`{"WD22CD":"E05000001"}`, polygonJSON(shell, touchingHole)))), "b.geojson", Options{})
		if err != nil || len(bs) != 1 {
			t.Fatalf("%d, %v", len(bs), err)
		}
	})
}

func TestBoundaryBounds(t *testing.T) {
	t.Run("vertices per feature", func(t *testing.T) {
		n := MaxFeatureVertices + 10
		r := make([][2]float64, 0, n+1)
		for i := range n { // a staircase along the edge of a square
			x := -0.1 + 0.01*float64(i/2)/float64(n)
			y := 51.5 + 0.01*float64((i+1)/2)/float64(n)
			r = append(r, [2]float64{x, y})
		}
		r = append(r, [2]float64{-0.2, 51.6}, r[0])
		refused(t, doc(feat(`{"WD22CD":"E05000001"}`, polygonJSON(r))), "feature 0:", "the limit for one feature")
	})
	t.Run("index memory", func(t *testing.T) {
		// about 80,000 positions in one zig-zag: within the feature limit,
		// but its index would take gigabytes (it used to be built).
		start := time.Now()
		refused(t, doc(feat(`{"WD22CD":"E05000001"}`, polygonJSON(combRing(20000)))), "too intricate", "MB of memory", "limit is 1024 MB")
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("the refusal took %v", d)
		}
	})
	t.Run("a comb within the bounds is read", func(t *testing.T) {
		bs, err := ReadBoundaries(strings.NewReader(doc(feat(`{"WD22CD":"E05000001"}`, polygonJSON(combRing(500))))), "b.geojson", Options{})
		if err != nil || len(bs) != 1 {
			t.Fatalf("%d, %v", len(bs), err)
		}
	})
	t.Run("file size", func(t *testing.T) {
		lr := &limitReader{r: bytes.NewReader(make([]byte, 100)), left: 10, name: "big.geojson"}
		_, err := io.ReadAll(lr)
		if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(err.Error(), "larger than 1024 MB") {
			t.Errorf("%v", err)
		}
	})
}

func TestBoundaryPropertiesText(t *testing.T) {
	refused(t, doc(feat(`{"WD22CD":"E05000001","WD22NM":"Abb`+"\xe9"+`y"}`, square)), "feature 0:", `property "WD22NM"`, "not UTF-8")
	refused(t, doc(feat(`{"WD22CD":"E05000001","WD22NM":"Abb\u0000y"}`, square)), "feature 0:", `property "WD22NM"`, "NUL")
}
