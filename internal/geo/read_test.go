package geo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/stopsearch/charter"
)

// Real boundary files: the repository's bundled (gzipped) copies where they
// exist, else the shared data directory next to the repository.
var dataDirs = []string{"../../data/boundaries", "../../../shared/data/boundaries/geojson", "../../../shared/data/boundaries/ons-bgc"}

func dataPath(t testing.TB, name string) string {
	t.Helper()
	for _, d := range dataDirs {
		for _, n := range []string{name + ".gz", name} {
			p := filepath.Join(d, n)
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Skipf("boundary file %s not found in %v", name, dataDirs)
	return ""
}

var (
	loadMu sync.Mutex
	loaded = map[string][]Boundary{}
)

// load reads a real file once per test binary: several tests and benchmarks
// share the London layers.
func load(t testing.TB, name string) []Boundary {
	t.Helper()
	loadMu.Lock()
	defer loadMu.Unlock()
	if bs, ok := loaded[name]; ok {
		return bs
	}
	p := dataPath(t, name)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bs, err := ReadBoundaries(f, filepath.Base(p), Options{})
	if err != nil {
		t.Fatalf("ReadBoundaries(%s): %v", p, err)
	}
	loaded[name] = bs
	return bs
}

func polysOf(bs []Boundary) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(bs))
	for i, b := range bs {
		out[i] = b.Geometry
	}
	return out
}

func TestReadBoundariesRealFiles(t *testing.T) {
	tests := []struct {
		file        string
		n           int
		level       charter.Level
		year        int
		parentLevel charter.Level // level of every ParentCode; NumLevels for none
		parent      string        // when every feature has the same parent
		code, name  string        // one feature to check
		codeParent  string        // its parent
	}{
		{"london-lad22.geojson", 33, charter.LevelBorough, 2022, charter.NumLevels, "", "E09000022", "Lambeth", ""},
		{"london-wards-2018.geojson", 633, charter.LevelWard, 2018, charter.LevelBorough, "", "E05000405", "Chessington South", "E09000021"},
		{"wd22_bgc_lambeth_all_wards.geojson", 25, charter.LevelWard, 2022, charter.LevelBorough, "E09000022", "E05014095", "Brixton Acre Lane", "E09000022"},
		{"wd22_bgc_barking-dagenham_all_19_wards.geojson", 19, charter.LevelWard, 2022, charter.LevelBorough, "E09000002", "E05014053", "Abbey", "E09000002"},
		{"wd22_bgc_bd_pilot_wards_longbridge_northbury_thamesview.geojson", 3, charter.LevelWard, 2022, charter.LevelBorough, "E09000002", "E05014066", "Northbury", "E09000002"},
		{"lad21_bgc_barking-dagenham_lambeth.geojson", 2, charter.LevelBorough, 2021, charter.NumLevels, "", "E09000002", "Barking and Dagenham", ""},
		{"london-msoa21.geojson", 1002, charter.LevelMSOA, 2021, charter.NumLevels, "", "E02000002", "Barking and Dagenham 001", ""},
		{"london-lsoa21.geojson", 4994, charter.LevelLSOA, 2021, charter.LevelMSOA, "", "E01000001", "City of London 001A", "E02000001"},
		{"london-lsoa11.geojson", 4835, charter.LevelLSOA, 2011, charter.LevelMSOA, "", "E01000001", "City of London 001A", "E02000001"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			bs := load(t, tt.file)
			if len(bs) != tt.n {
				t.Fatalf("got %d boundaries, want %d", len(bs), tt.n)
			}
			found := false
			for _, b := range bs {
				if b.Level != tt.level || b.Year != tt.year {
					t.Fatalf("%s: level %s year %d, want %s %d", b.Code, b.Level, b.Year, tt.level, tt.year)
				}
				if lv, ok := charter.LevelOfCode(b.Code); !ok || lv != tt.level {
					t.Errorf("%s: code is not a %s code", b.Code, tt.level)
				}
				if b.Name == "" {
					t.Errorf("%s: no name", b.Code)
				}
				if tt.parentLevel == charter.NumLevels {
					if b.ParentCode != "" {
						t.Errorf("%s: parent %q, want none", b.Code, b.ParentCode)
					}
				} else if lv, ok := charter.LevelOfCode(b.ParentCode); !ok || lv != tt.parentLevel {
					t.Errorf("%s: parent %q is not a %s code", b.Code, b.ParentCode, tt.parentLevel)
				}
				if tt.parent != "" && b.ParentCode != tt.parent {
					t.Errorf("%s: parent %q, want %q", b.Code, b.ParentCode, tt.parent)
				}
				if b.Code == tt.code {
					found = true
					if b.Name != tt.name || b.ParentCode != tt.codeParent {
						t.Errorf("%s: name %q parent %q, want %q %q", b.Code, b.Name, b.ParentCode, tt.name, tt.codeParent)
					}
				}
				mp, err := ParseGeometry(b.GeoJSON)
				if err != nil {
					t.Fatalf("%s: stored GeoJSON does not parse: %v", b.Code, err)
				}
				if !orb.Equal(mp, b.Geometry) {
					t.Fatalf("%s: GeoJSON does not round-trip exactly", b.Code)
				}
			}
			if !found {
				t.Errorf("no feature with code %s", tt.code)
			}
		})
	}
}

func TestReadBoundariesOptions(t *testing.T) {
	lsoa := dataPath(t, "london-lsoa21.geojson")
	lad := dataPath(t, "london-lad22.geojson")
	wards := dataPath(t, "london-wards-2018.geojson")
	lvl := func(l charter.Level) *charter.Level { return &l }
	read := func(p string, o Options) ([]Boundary, error) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return ReadBoundaries(f, filepath.Base(p), o)
	}
	tests := []struct {
		name    string
		file    string
		opt     Options
		check   func(b Boundary) string
		wantErr string
	}{
		{"year override", lad, Options{Year: 2023}, func(b Boundary) string {
			if b.Year != 2023 {
				return fmt.Sprint("year ", b.Year)
			}
			return ""
		}, ""},
		{"code and name props", lad, Options{CodeProp: "LAD22CD", NameProp: "LAD22NM"}, func(b Boundary) string {
			if b.Level != charter.LevelBorough || b.Year != 2022 || b.Name == "" {
				return fmt.Sprint(b.Level, b.Year, b.Name)
			}
			return ""
		}, ""},
		{"parent prop", wards, Options{ParentProp: "DISTRICT"}, func(b Boundary) string {
			if strings.HasPrefix(b.ParentCode, "E09") {
				return "parent is still the code: " + b.ParentCode
			}
			return ""
		}, ""},
		// The LSOA file carries MSOA codes too; asking for MSOAs picks them,
		// and then several features share a code, which must be refused.
		{"level picks code", lsoa, Options{Level: lvl(charter.LevelMSOA)}, nil, "both have code E02"},
		{"missing code prop", lad, Options{CodeProp: "WD22CD"}, nil, `feature 0: no area code: property "WD22CD" (--code-prop) is missing or empty`},
		{"missing name prop", lad, Options{NameProp: "NOPE"}, nil, `feature 0: no property "NOPE" (--name-prop)`},
		{"level with no code", lad, Options{Level: lvl(charter.LevelWard)}, nil, "feature 0: no ward code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, err := read(tt.file, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
				}
				if bs != nil {
					t.Fatalf("got %d boundaries with an error", len(bs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bs {
				if msg := tt.check(b); msg != "" {
					t.Fatalf("%s: %s", b.Code, msg)
				}
			}
		})
	}
}

// doc builds a FeatureCollection from feature JSON snippets.
func doc(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func feat(props, geom string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":` + geom + `}`
}

const (
	square  = `{"type":"Polygon","coordinates":[[[-0.1,51.5],[-0.09,51.5],[-0.09,51.51],[-0.1,51.51],[-0.1,51.5]]]}`
	square2 = `{"type":"Polygon","coordinates":[[[-0.08,51.5],[-0.07,51.5],[-0.07,51.51],[-0.08,51.51],[-0.08,51.5]]]}`
)

func TestReadBoundariesErrors(t *testing.T) {
	many := make([]string, 13)
	for i := range many {
		many[i] = feat(fmt.Sprintf(`{"WD22CD":"E0501%04d","WD22NM":"W%d"}`, i, i), square)
	}
	many[12] = feat(`{"WD22NM":"no code here"}`, square)
	tests := []struct {
		name string
		in   string
		want []string // every one must appear in the message
	}{
		{"not json", `hello`, []string{"not valid JSON"}},
		{"truncated", `{"type":"FeatureCollection","features":[` + feat(`{"LAD22CD":"E09000001"}`, square), []string{"not valid JSON", "ends early"}},
		{"bad feature json", doc(`{"type":"Feature","properties":{"LAD22CD":"E09000001"},"geometry":{"type":"Polygon","coordinates":[[[1,2],]]}}`), []string{"feature 0:", "not valid JSON"}},
		{"array", `[1,2,3]`, []string{"not a GeoJSON FeatureCollection"}},
		{"single feature", feat(`{"LAD22CD":"E09000001"}`, square), []string{"not a GeoJSON FeatureCollection", `"Feature"`}},
		{"geometry only", square, []string{"not a GeoJSON FeatureCollection", `"Polygon"`}},
		{"no features", `{"type":"FeatureCollection","features":[]}`, []string{"no features"}},
		{"trailing", doc(feat(`{"LAD22CD":"E09000001"}`, square)) + `{}`, []string{"more data after"}},
		{"null geometry", doc(feat(`{"LAD22CD":"E09000001"}`, `null`)), []string{"feature 0:", "no geometry"}},
		{"point", doc(feat(`{"LAD22CD":"E09000001"}`, square), feat(`{"LAD22CD":"E09000002"}`, `{"type":"Point","coordinates":[-0.1,51.5]}`)),
			[]string{"feature 1:", "Point", "not a Polygon or MultiPolygon"}},
		{"line", doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"LineString","coordinates":[[-0.1,51.5],[0,51]]}`)), []string{"feature 0:", "LineString"}},
		{"bad coordinates", doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"Polygon","coordinates":[-0.1,51.5]}`)), []string{"feature 0:", "Polygon coordinates are not"}},
		{"short ring", doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"Polygon","coordinates":[[[-0.1,51.5],[-0.09,51.5],[-0.1,51.5]]]}`)), []string{"feature 0:", "ring 0 has 3 positions"}},
		{"one number", doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"Polygon","coordinates":[[[-0.1],[-0.09,51.5],[-0.1,51.51],[-0.1,51.5]]]}`)), []string{"feature 0:", "position with 1 numbers"}},
		{"british national grid", doc(feat(`{"LAD22CD":"E09000022"}`, `{"type":"Polygon","coordinates":[[[530900,175500],[531900,175500],[531900,176500],[530900,175500]]]}`)),
			[]string{"feature 0:", "looks projected", "British National Grid", "WGS84"}},
		{"declared 27700", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[]}`,
			[]string{"British National Grid", "must be WGS84"}},
		{"latitude typo", doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"Polygon","coordinates":[[[-0.1,95],[-0.09,51.5],[-0.1,51.51],[-0.1,95]]]}`)), []string{"feature 0:", "out of range", "WGS84"}},
		{"no code", doc(many...), []string{"feature 12:", "no area code", "WD22NM", "set --code-prop"}},
		{"no properties", doc(feat(`null`, square)), []string{"feature 0:", "no area code", "set --code-prop"}},
		{"duplicate", doc(feat(`{"WD22CD":"E05000001"}`, square), feat(`{"WD22CD":"E05000001"}`, square2)), []string{"features 0 and 1", "E05000001", "one feature per area"}},
		{"not a feature", doc(`{"type":"Polygon","coordinates":[]}`), []string{"feature 0:", "not a GeoJSON Feature"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, err := ReadBoundaries(strings.NewReader(tt.in), "wards.geojson", Options{})
			if err == nil {
				t.Fatalf("no error (got %d boundaries)", len(bs))
			}
			if bs != nil {
				t.Errorf("got %d boundaries with the error", len(bs))
			}
			var ce *charter.Error
			if !errors.As(err, &ce) || ce.Code != charter.EINVALID {
				t.Fatalf("error %T %v, want a *charter.Error with code %s", err, err, charter.EINVALID)
			}
			// The message alone is what users see (charter.ErrorMessage).
			msg := charter.ErrorMessage(err)
			if !strings.HasPrefix(msg, "wards.geojson: ") {
				t.Errorf("message %q does not start with the file name", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestReadBoundariesDetection(t *testing.T) {
	tests := []struct {
		name, file, props string
		code, nm, parent  string
		level             charter.Level
		year              int
	}{
		{"ons lsoa", "x.geojson", `{"LSOA21CD":"E01000001","LSOA21NM":"A","MSOA21CD":"E02000001","LAD22CD":"E09000001"}`, "E01000001", "A", "E02000001", charter.LevelLSOA, 2021},
		{"ons msoa with wards", "x.geojson", `{"MSOA21CD":"E02000001","WD22CD":"E05000001","LAD22CD":"E09000001"}`, "E02000001", "", "E09000001", charter.LevelMSOA, 2021},
		{"ons lower case", "x.geojson", `{"wd18cd":"E05000001","wd18nm":"B","lad18cd":"E09000002"}`, "E05000001", "B", "E09000002", charter.LevelWard, 2018},
		{"ons 2011", "x.geojson", `{"LAD11CD":"E09000003","LAD11NM":"Barnet"}`, "E09000003", "Barnet", "", charter.LevelBorough, 2011},
		{"datastore", "London-wards-2014.json", `{"NAME":"Abbey","GSS_CODE":"E05000026","DISTRICT":"Barking","LAGSSCODE":"E09000002","HECTARES":1}`, "E05000026", "Abbey", "E09000002", charter.LevelWard, 2014},
		{"datastore boroughs no year", "boroughs.json", `{"NAME":"Barnet","GSS_CODE":"E09000003"}`, "E09000003", "Barnet", "", charter.LevelBorough, 0},
		{"fallback", "lsoa_2011_london.json", `{"id":17,"code":"E01000002","name":"Somewhere","borough":"E09000001"}`, "E01000002", "Somewhere", "E09000001", charter.LevelLSOA, 2011},
		{"numeric noise", "x.geojson", `{"OBJECTID":5,"LAD22CD":" E09000004 ","Shape_Area":1.5}`, "E09000004", "", "", charter.LevelBorough, 2022},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs, err := ReadBoundaries(strings.NewReader(doc(feat(tt.props, square))), tt.file, Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := bs[0]
			if b.Code != tt.code || b.Name != tt.nm || b.ParentCode != tt.parent || b.Level != tt.level || b.Year != tt.year {
				t.Errorf("got %q %q parent %q %s %d, want %q %q parent %q %s %d", b.Code, b.Name, b.ParentCode, b.Level, b.Year,
					tt.code, tt.nm, tt.parent, tt.level, tt.year)
			}
		})
	}
}

func TestReadBoundariesGeometryForms(t *testing.T) {
	// An unclosed ring is closed, a third ordinate ignored, a BOM skipped, the
	// MultiPolygon type kept in the stored GeoJSON.
	in := "\xef\xbb\xbf" + doc(feat(`{"LAD22CD":"E09000001"}`,
		`{"type":"MultiPolygon","coordinates":[[[[-0.1,51.5,12],[-0.09,51.5,12],[-0.09,51.51,12],[-0.1,51.51,12]]]]}`))
	bs, err := ReadBoundaries(strings.NewReader(in), "x.geojson", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"MultiPolygon","coordinates":[[[[-0.1,51.5],[-0.09,51.5],[-0.09,51.51],[-0.1,51.51],[-0.1,51.5]]]]}`
	if got := string(bs[0].GeoJSON); got != want {
		t.Errorf("GeoJSON\n got %s\nwant %s", got, want)
	}
}

func FuzzReadBoundaries(f *testing.F) {
	f.Add(doc(feat(`{"LAD22CD":"E09000001","LAD22NM":"City"}`, square)))
	f.Add(doc(feat(`{"WD22CD":"E05000001"}`, square), feat(`{"WD22CD":"E05000002"}`, square2)))
	f.Add(doc(feat(`{"GSS_CODE":"E05000001","LAGSSCODE":"E09000001","NAME":"x"}`,
		`{"type":"MultiPolygon","coordinates":[[[[-0.1,51.5],[-0.09,51.5],[-0.09,51.51],[-0.1,51.5]],[[-0.095,51.502],[-0.094,51.502],[-0.094,51.503],[-0.095,51.502]]]]}`)))
	f.Add(doc(feat(`{"code":"E01000001"}`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}`)))
	f.Add(doc(feat(`{"LAD22CD":"E09000001"}`, `null`)))
	f.Add(doc(feat(`{"LAD22CD":"E09000001"}`, `{"type":"Point","coordinates":[0,0]}`)))
	f.Add(doc(feat(`{"LAD22CD":"E09000022"}`, `{"type":"Polygon","coordinates":[[[530900,175500],[531900,175500],[531900,176500],[530900,175500]]]}`)))
	f.Add(doc(feat(`{"x":"y"}`, square)))
	f.Add(`{"type":"FeatureCollection","features":[]}`)
	f.Add(`{"type":"Feature"}`)
	f.Add(`not json`)
	f.Add(doc(feat(`{"WD22CD":"E05000002"}`, `{"type":"Polygon","coordinates":[[[-0.1,51.5],[-0.09,51.51],[-0.09,51.5],[-0.1,51.51],[-0.1,51.5]]]}`)))
	f.Add(doc(feat(`{"WD22CD":"E05000002","WD22NM":"a\u0000\xff"}`, square)))
	f.Fuzz(func(t *testing.T, in string) {
		bs, err := ReadBoundaries(strings.NewReader(in), "fuzz.geojson", Options{})
		if err != nil {
			var ce *charter.Error
			if bs != nil || !errors.As(err, &ce) || ce.Code != charter.EINVALID || !strings.HasPrefix(ce.Message, "fuzz.geojson: ") {
				t.Fatalf("bad failure: %d boundaries, %T %v", len(bs), err, err)
			}
			return
		}
		if len(bs) == 0 {
			t.Fatal("no error and no boundaries")
		}
		for i, b := range bs {
			if b.Code == "" || b.Level >= charter.NumLevels {
				t.Fatalf("boundary %d: code %q level %d", i, b.Code, b.Level)
			}
			if err := validGeometry(b.Geometry); err != nil {
				t.Fatalf("boundary %d (%s): %v", i, b.Code, err)
			}
			for _, p := range b.Geometry {
				if why, err := selfCrossing(p); why != "" || err != nil {
					t.Fatalf("boundary %d (%s) crosses itself: %s %v", i, b.Code, why, err)
				}
			}
			for _, s := range []string{b.Code, b.Name, b.ParentCode} {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
					t.Fatalf("boundary %d: %q is not text", i, s)
				}
			}
			mp, err := ParseGeometry(b.GeoJSON)
			if err != nil || !orb.Equal(mp, b.Geometry) {
				t.Fatalf("boundary %d (%s): GeoJSON does not round-trip: %v", i, b.Code, err)
			}
		}
		ix := NewIndex(polysOf(bs))
		for _, b := range bs {
			p := b.Geometry[0][0][0]
			if i := ix.Locate(p[0], p[1]); i < -1 || i >= len(bs) {
				t.Fatalf("Locate returned %d", i)
			}
		}
	})
}

func validGeometry(mp orb.MultiPolygon) error {
	if len(mp) == 0 {
		return errors.New("empty")
	}
	for _, p := range mp {
		if len(p) == 0 {
			return errors.New("polygon without rings")
		}
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Errorf("ring of %d points, closed %v", len(r), len(r) > 0 && r[0] == r[len(r)-1])
			}
			for _, pt := range r {
				if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
					return fmt.Errorf("point %v out of range", pt)
				}
			}
		}
	}
	return nil
}
