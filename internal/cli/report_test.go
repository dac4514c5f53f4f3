package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// report disproportionality: the settings it takes, the fields it adds, and
// the flags it refuses, on six searches in three Barking and Dagenham wards.
func TestReportDisproportionality(t *testing.T) {
	db := storetest.DSN(t)
	f := filepath.Join(t.TempDir(), "2021-06-metropolitan-stop-and-search.csv")
	const (
		abbey     = "51.53744,0.080059"
		alibon    = "51.542422,0.148862"
		riverside = "51.527082,0.118642"
		white     = "White - English/Welsh/Scottish/Northern Irish/British"
		black     = "Black/African/Caribbean/Black British - Caribbean"
	)
	rows := []string{
		"Person search," + abbey + ",Male,18-24," + white + ",White",
		"Person search," + abbey + ",Male,18-24," + black + ",Black",
		"Vehicle search," + alibon + ",Male,18-24," + white + ",White",
		"Person search," + alibon + ",Male,18-24,Other ethnic group - Not stated,Black",
		"Person search," + alibon + ",Male,18-24,,",
		"Person and Vehicle search," + riverside + ",Male,18-24," + black + ",Black",
	}
	csvText := strings.Join(charter.PoliceCSVColumns, ",") + "\n"
	for _, r := range rows {
		// Type, then date and operation, then the location and the person, then the rest.
		typ, rest, _ := strings.Cut(r, ",")
		csvText += typ + ",2021-06-01T10:00:00+00:00,False,," + rest + ",Misuse of Drugs Act 1971 (section 23),Controlled drugs,Arrest,,\n"
	}
	os.WriteFile(f, []byte(csvText), 0o644)
	code, _, stderr := run(t, "--db", db, "import", "--quiet",
		"../../data/boundaries/london-lad22.geojson.gz", "../../data/boundaries/wd22_bgc_barking-dagenham_all_19_wards.geojson.gz",
		"../../data/census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz", "../../data/census/london-ward2022-census2021-ethnic-group-19cat.csv.gz", f)
	if code != ExitOK {
		t.Fatalf("import exit %d:\n%s", code, stderr)
	}
	type rep struct {
		Searches            int     `json:"searches"`
		NotStated           int     `json:"not_stated"`
		NotStatedMode       string  `json:"not_stated_mode"`
		NotStatedFilled     int     `json:"not_stated_filled"`
		Unplaced            int     `json:"unplaced"`
		VehicleOnly         string  `json:"vehicle_only"`
		VehicleOnlyExcluded int     `json:"vehicle_only_excluded"`
		VehicleOnlyCounted  int     `json:"vehicle_only_counted"`
		StrataLevel         string  `json:"strata_level"`
		Strata              int     `json:"strata"`
		StratifiedShare     float64 `json:"stratified_share"`
		Rows                []struct {
			Group      string `json:"group"`
			Searches   int    `json:"searches"`
			Population *int   `json:"population"`
			Adjusted   struct {
				Value    *float64  `json:"value"`
				Interval []float64 `json:"interval"`
			} `json:"adjusted_ratio"`
		} `json:"rows"`
	}
	report := func(args ...string) rep {
		t.Helper()
		code, out, stderr := run(t, append([]string{"--db", db, "report", "disproportionality", "--area", "E09000002", "--format", "json"}, args...)...)
		var r rep
		if code != ExitOK || json.Unmarshal([]byte(out), &r) != nil || len(r.Rows) != 6 {
			t.Fatalf("%v: exit %d %s\n%.300s", args, code, stderr, out)
		}
		return r
	}
	ex := report()
	if ex.Searches != 5 || ex.VehicleOnly != "exclude" || ex.VehicleOnlyExcluded != 1 || ex.NotStated != 2 || ex.Unplaced != 2 || ex.NotStatedMode != "exclude" ||
		ex.StrataLevel != "ward" || ex.Strata != 3 || ex.StratifiedShare != 1 || ex.Rows[1].Searches != 2 || ex.Rows[1].Adjusted.Value == nil || len(ex.Rows[1].Adjusted.Interval) != 2 {
		t.Errorf("default: %+v", ex)
	}
	in := report("--vehicle-only", "include", "--not-stated", "officer")
	if in.Searches != 6 || in.VehicleOnlyCounted != 1 || in.NotStated != 2 || in.NotStatedFilled != 1 || in.Unplaced != 1 || in.Rows[1].Searches != 3 || in.Rows[3].Searches != 2 {
		t.Errorf("include, officer: %+v", in)
	}
	if ty := report("--type", "Vehicle search", "--vehicle-only", "exclude"); ty.VehicleOnly != "type" || ty.Searches != 1 || ty.VehicleOnlyCounted != 1 {
		t.Errorf("--type wins: %+v", ty)
	}

	code, out, _ := run(t, "--db", db, "report", "disproportionality", "--area", "E09000002", "--not-stated", "officer")
	if code != ExitOK || !strings.Contains(out, "adjusted ratio") || !strings.Contains(out, "vehicle-only: exclude (1 left out, 0 counted)") ||
		!strings.Contains(out, "adjusted over 3 wards") || !strings.Contains(out, "1 filled from officer-defined") {
		t.Errorf("table:\n%s", out)
	}
	code, out, _ = run(t, "--db", db, "report", "disproportionality", "--area", "E09000002", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != ExitOK || err != nil || len(recs) != 7 || recs[0][9] != "note" || recs[0][10] != "adjusted_ratio" || recs[2][10] == "" {
		t.Errorf("csv: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"disproportionality", "--area", "E09000002", "--not-stated", "guess"},
		{"disproportionality", "--area", "E09000002", "--vehicle-only", "maybe"},
		{"disproportionality", "--area", "E09000002", "--officer", "--not-stated", "officer"},
		{"outcomes", "--vehicle-only", "include"},
	} {
		if code, _, stderr := run(t, append([]string{"--db", db, "report"}, args...)...); code != ExitUsage || !strings.Contains(stderr, "--") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
}
