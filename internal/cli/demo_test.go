package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/storetest"
)

// The newcomer's first command: the bundled data loads without a reject,
// a second run adds nothing, and status flags what the data notes say.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole bundled dataset (about 15 s); run without -short")
	}
	db := storetest.DSN(t)
	code, _, stderr := run(t, "--db", db, "import", "--demo", "--quiet")
	if code != ExitOK || !strings.Contains(stderr, "0 refused") || !strings.Contains(stderr, "0 rows rejected") {
		t.Fatalf("import --demo exit %d:\n%s", code, stderr)
	}
	code, _, stderr = run(t, "--db", db, "import", "--demo", "--quiet")
	if code != ExitOK || !strings.Contains(stderr, "0 imported") || !strings.Contains(stderr, "0 records stored") {
		t.Fatalf("second import --demo exit %d:\n%s", code, stderr)
	}
	code, out, _ := run(t, "--db", db, "status", "--json")
	if code != ExitOK {
		t.Fatalf("status exit %d", code)
	}
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	q := map[string]charter.MonthQuality{}
	for _, m := range st.Months {
		q[m.Force+"/"+m.Month] = m
	}
	has := func(key, flag string) bool {
		for _, f := range q[key].Flags {
			if f == flag {
				return true
			}
		}
		return false
	}
	for _, c := range []struct{ key, flag string }{
		{"metropolitan/2024-09", charter.FlagLowVolume}, {"metropolitan/2025-04", charter.FlagLowVolume},
		{"metropolitan/2022-06", charter.FlagLowVolume}, {"metropolitan/2022-06", charter.FlagLocatedOnly},
		{"metropolitan/2022-11", charter.FlagLowVolume}, {"metropolitan/2022-01", charter.FlagLocatedOnly},
		{"metropolitan/2023-06", charter.FlagMissing},
		{"metropolitan/2022-03", charter.FlagNotReportedPrefix + charter.FieldOutcomeLinked},
	} {
		if !has(c.key, c.flag) {
			t.Errorf("%s not flagged %s: %+v", c.key, c.flag, q[c.key])
		}
	}
	if m := q["metropolitan/2022-03"]; m.Count != 17943 || has("metropolitan/2022-03", charter.FlagLowVolume) || has("metropolitan/2022-03", charter.FlagLocatedOnly) {
		t.Errorf("2022-03 (archive and extraction overlap): %+v", m)
	}
	if len(st.Crime) != 2 || st.Crime[0].Level != "borough" || st.Crime[0].First != "2010-04" || st.Crime[1].Level != "ward" ||
		st.Crime[1].First != "2021-09" || st.Crime[1].Last != "2026-01" || st.Crime[1].Months != 53 || len(st.Crime[1].Missing) != 0 {
		t.Errorf("crime count coverage: %+v", st.Crime)
	}
	// The report interface other tools rely on.
	code, out, stderr = run(t, "--db", db, "report", "disproportionality", "--area", "E09000022", "--from", "2021-06", "--to", "2022-05", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	// Every figure is {"value": …, "interval": [lower, upper]} (README).
	type figure struct {
		Value    *float64  `json:"value"`
		Interval []float64 `json:"interval"`
	}
	var rep struct {
		Rows []struct {
			Group      string `json:"group"`
			Searches   int    `json:"searches"`
			Population *int   `json:"population"`
			Rate       figure `json:"rate_per_1000"`
			Ratio      figure `json:"ratio_to_white"`
		} `json:"rows"`
		Flags []struct {
			Month string   `json:"month"`
			Flags []string `json:"flags"`
		} `json:"flags"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if len(rep.Rows) != 6 || rep.Rows[1].Group != "Black" || rep.Rows[1].Population == nil || *rep.Rows[1].Population != 76145 ||
		rep.Rows[1].Rate.Value == nil || len(rep.Rows[1].Rate.Interval) != 2 || rep.Rows[1].Ratio.Value == nil || *rep.Rows[1].Ratio.Value <= 1 || len(rep.Rows[1].Ratio.Interval) != 2 {
		t.Errorf("report rows: %+v", rep.Rows)
	}
	if len(rep.Flags) != 12 {
		t.Errorf("report flags: %+v", rep.Flags)
	}
	code, out, stderr = run(t, "--db", db, "report", "outcomes", "--from", "2024-09", "--to", "2025-04", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report outcomes exit %d: %s", code, stderr)
	}
	var oc struct {
		Rows []struct {
			Group  string          `json:"group"`
			Arrest json.RawMessage `json:"arrest"`
			Find   json.RawMessage `json:"find"`
		} `json:"rows"`
		Limits string `json:"limits"`
	}
	if err := json.Unmarshal([]byte(out), &oc); err != nil || len(oc.Rows) < 5 || oc.Limits == "" || string(oc.Rows[0].Find) != "null" {
		t.Errorf("report outcomes: %v\n%.500s", err, out)
	}
	// Precision in the pilot borough: 19 wards, Northbury first (it holds
	// the most weapon-enabled crime), the score with its interval.
	code, out, stderr = run(t, "--db", db, "report", "precision", "--area", "E09000002", "--from", "2021-09", "--to", "2022-08", "--format", "json")
	if code != ExitOK {
		t.Fatalf("report precision exit %d: %s", code, stderr)
	}
	var pr struct {
		Units         int `json:"units"`
		Concentration []struct {
			CrimeShare float64 `json:"crime_share"`
		} `json:"concentration"`
		Score struct {
			Rate figure `json:"rate"`
		} `json:"score"`
		Ranked []struct {
			Code string `json:"code"`
		} `json:"ranked"`
		Months []json.RawMessage `json:"months"`
	}
	if err := json.Unmarshal([]byte(out), &pr); err != nil || pr.Units != 19 || len(pr.Concentration) != 5 || pr.Score.Rate.Value == nil ||
		len(pr.Score.Rate.Interval) != 2 || len(pr.Ranked) != 19 || pr.Ranked[0].Code != "E05014066" || len(pr.Months) != 12 {
		t.Errorf("report precision: %v %+v", err, pr)
	}
	for _, a := range st.Areas[:2] {
		if a.WithBoundary == 0 || a.AssignedShare < 0.99 || a.WithPopulation == 0 {
			t.Errorf("coverage of %s: %+v", a.Level, a)
		}
	}
}
