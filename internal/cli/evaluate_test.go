package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stopsearch/charter/internal/storetest"
)

// The evaluate interface other tools rely on: estimate, interval and
// verdict at the top of the JSON, exit statuses for bad input.
func TestEvaluateJSON(t *testing.T) {
	db := storetest.DSN(t)
	code, _, stderr := run(t, "--db", db, "import", "--quiet",
		"../../data/boundaries/wd22_bgc_barking-dagenham_all_19_wards.geojson.gz",
		"../../data/crime/MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz")
	if code != ExitOK {
		t.Fatalf("import exit %d:\n%s", code, stderr)
	}
	pilot := "E05014066,E05014064,E05014068"
	others := "E05014053,E05014054,E05014055,E05014056,E05014057,E05014058,E05014059,E05014060,E05014061,E05014062,E05014063,E05014065,E05014067,E05014069,E05014070,E05014071"
	type result struct {
		Estimate   *float64  `json:"estimate"`
		Interval   []float64 `json:"interval"`
		Verdict    string    `json:"verdict"`
		Comparison []struct {
			Code string `json:"code"`
		} `json:"comparison"`
		Pre  struct{ From, To string } `json:"pre"`
		Post struct{ From, To string } `json:"post"`
	}
	for _, c := range []struct {
		name       string
		comparison []string
		want       int
	}{
		{"given", []string{"--comparison", others}, 16},
		{"auto", []string{"--comparison", "auto", "--comparison-count", "7"}, 7},
		{"omitted", nil, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--db", db, "evaluate", "--treated", pilot, "--start", "2022-09-15", "--measure", "weapon-crime", "--format", "json"}, c.comparison...)
			code, out, stderr := run(t, args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var r result
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if r.Estimate == nil || len(r.Interval) != 2 || !(r.Interval[0] < *r.Estimate && *r.Estimate < r.Interval[1]) {
				t.Errorf("estimate %v interval %v", r.Estimate, r.Interval)
			}
			if !strings.Contains(r.Verdict, "treated wards") || len(r.Comparison) != c.want {
				t.Errorf("verdict %q, %d comparison wards", r.Verdict, len(r.Comparison))
			}
			for _, a := range r.Comparison {
				if strings.Contains(pilot, a.Code) {
					t.Errorf("treated ward %s in the comparison", a.Code)
				}
			}
			if r.Pre.From != "2021-10" || r.Pre.To != "2022-08" || r.Post.From != "2022-10" || r.Post.To != "2023-08" {
				t.Errorf("periods %+v %+v", r.Pre, r.Post)
			}
		})
	}
	code, out, _ := run(t, "--db", db, "evaluate", "--treated", pilot, "--start", "2022-09-15")
	if code != ExitOK || !strings.Contains(out, "verdict: ") || !strings.Contains(out, "placebo in space: p = ") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "--db", db, "evaluate", "--treated", pilot, "--start", "2022-09-15", "--format", "csv")
	if code != ExitOK || !strings.HasPrefix(out, "kind,name,period,value") || !strings.Contains(out, "did_ratio") {
		t.Errorf("csv: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown area", []string{"--treated", "E05099999", "--start", "2022-09-15"}, ExitNotFound, "--treated"},
		{"no start", []string{"--treated", pilot}, ExitUsage, "--start"},
		{"bad weapon crime", []string{"--treated", pilot, "--start", "2022-09-15", "--weapon-crime", "ROBBERY,,"}, ExitUsage, "--weapon-crime"},
		{"start after end", []string{"--treated", pilot, "--start", "2023-01-10", "--end", "2022-12"}, ExitUsage, "--start"},
		{"bad format", []string{"--treated", pilot, "--start", "2022-09-15", "--format", "xml"}, ExitUsage, "--format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"--db", db, "evaluate"}, c.args...)...)
			if code != c.code || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, want %d naming %s:\n%s", code, c.code, c.want, stderr)
			}
		})
	}
}
