package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/public"
	"github.com/stopsearch/charter/internal/readmodel"
	"github.com/stopsearch/charter/internal/recordtest"
)

// update rewrites the golden answers: go test ./internal/api -run Golden -update.
var update = flag.Bool("update", false, "rewrite the golden answers of the /api/v1 figures")

// goldenRequests are the figure operations asked on the bundled real data:
// the force, a borough and a ward, so that every part of a report (sub-areas,
// weapon crime, the ward's place in the ranking) is in some answer.
var goldenRequests = []struct{ name, path string }{
	{"profile-force", "/api/v1/areas/metropolitan/profile?from=2024-09&to=2024-09"},
	{"profile-borough", "/api/v1/areas/E09000022/profile?from=2024-09&to=2024-09"},
	{"profile-filtered", "/api/v1/areas/E09000022/profile?from=2024-09&to=2024-09&object=Offensive+weapons"},
	{"ward", "/api/v1/wards/" + recordtest.BrixtonWard + "?from=2024-09&to=2024-09"},
	{"precision", "/api/v1/precision?from=2024-09&to=2024-09"},
	{"filters", "/api/v1/filters"},
	{"period", "/api/v1/period"},
}

// The answers of the /api/v1 figures are what clients were given before:
// the wire types may change only with the golden files, on purpose.
func TestGoldenFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := recordtest.London(t)
	d := recordtest.DataDir()
	if _, err := (&importer.Importer{Store: st}).Import(ctx,
		filepath.Join(d, "census", "london-ward2022-census2021-ethnic-group-19cat.csv.gz"),
		filepath.Join(d, "census", "extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz"),
		filepath.Join(d, "crime", "MPS_Ward_Level_Crime_most_recent_24_months_2023-07_to_2025-06.csv.gz")); err != nil {
		t.Fatal(err)
	}
	snap, err := readmodel.Read(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	New(public.New(st, snap, "metropolitan")).Register(mux, noAssets{})
	for _, g := range goldenRequests {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", g.path, nil))
		var out bytes.Buffer
		if err := json.Indent(&out, w.Body.Bytes(), "", "  "); err != nil {
			t.Fatalf("%s: %v: %s", g.name, err, w.Body)
		}
		checkGolden(t, g.name, g.path, "status "+http.StatusText(w.Code)+"\n"+out.String()+"\n")
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/api/openapi.json", nil))
	checkGolden(t, "schemas", "/api/openapi.json", figureSchemas(t, w.Body.Bytes()))
}

// checkGolden compares got with the golden file of name, or writes it
// under -update.
func checkGolden(t *testing.T, name, path, got string) {
	t.Helper()
	{
		file := filepath.Join("testdata", "golden", name+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to write it)", name, err)
		}
		if got != string(want) {
			t.Errorf("%s: the answer of %s changed from %s:\n%s", name, path, file, firstDiff(string(want), got))
		}
	}
}

// firstDiff shows the first line where got differs from want.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n want " + w + "\n  got " + g
		}
	}
	return "(same lines)"
}

// figureSchemas is the part of the OpenAPI document that describes the
// figure operations' answers: their schemas and every component they
// reach, by name, so that a wire type renamed or reshaped shows.
func figureSchemas(t *testing.T, doc []byte) string {
	t.Helper()
	var d struct {
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if ref, ok := y.(string); ok && k == "$ref" {
					name := strings.TrimPrefix(ref, "#/components/schemas/")
					if _, seen := out[name]; !seen {
						out[name] = d.Components.Schemas[name]
						walk(d.Components.Schemas[name])
					}
					continue
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, g := range goldenRequests {
		p, _, _ := strings.Cut(g.path, "?")
		for path, item := range d.Paths {
			if strings.HasPrefix(path, "/api/v1/") && matches(path, p) {
				ok := item["get"].(map[string]any)["responses"].(map[string]any)["200"]
				out["("+path+")"] = ok
				walk(ok)
			}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// matches reports whether the request path p is of the templated path.
func matches(tmpl, p string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(p, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if ts[i] != ps[i] && !strings.HasPrefix(ts[i], "{") {
			return false
		}
	}
	return true
}
