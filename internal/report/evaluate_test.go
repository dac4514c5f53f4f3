package report

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/stats"
	"github.com/stopsearch/charter/internal/store"
)

// The Precision Stop and Search pilot wards (2022 wards of Barking and
// Dagenham) and the borough's other sixteen.
var (
	pilotWards = []string{"E05014066", "E05014064", "E05014068"}
	otherBD    = []string{"E05014053", "E05014054", "E05014055", "E05014056", "E05014057", "E05014058", "E05014059", "E05014060",
		"E05014061", "E05014062", "E05014063", "E05014065", "E05014067", "E05014069", "E05014070", "E05014071"}
)

// loadEvaluation imports real data for the evaluation tests: the first and
// last ward-level crime downloads (2021-09 to 2023-08 and 2024-02 to
// 2026-01, so 2023-09 to 2024-01 are not covered), 2022 wards of Barking
// and Dagenham and Lambeth, and Met searches from the archive and the API.
func loadEvaluation(t *testing.T) (*store.Store, *index.Index, *index.Crimes) {
	t.Helper()
	files := []string{
		"boundaries/london-lad22.geojson.gz",
		"boundaries/wd22_bgc_barking-dagenham_all_19_wards.geojson.gz",
		"boundaries/wd22_bgc_lambeth_all_wards.geojson.gz",
		"crime/MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		"crime/MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz",
		"police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip",
	}
	for _, m := range []string{"2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"} {
		files = append(files, "police-uk/stops-force-metropolitan-"+m+".json.gz")
	}
	s := importReal(t, files...)
	ix, crimes := indexesOf(t, s)
	return s, ix, crimes
}

// evalWeaponSQL is the default weapon-enabled crime definition as SQL on
// crime_counts, written out independently of charter.DefaultWeaponCrime.
const evalWeaponSQL = `(major_key IN ('POSSESSION OF WEAPONS', 'ROBBERY') OR (major_key = 'VIOLENCE AGAINST THE PERSON' AND upper(minor) = 'VIOLENCE WITH INJURY'))`

func inList(codes []string) string { return "('" + strings.Join(codes, "', '") + "')" }

func TestEvaluate(t *testing.T) {
	s, ix, crimes := loadEvaluation(t)
	db := s.DB()
	sqlInt := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	t.Run("weapon crime equals SQL", func(t *testing.T) {
		r, err := NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Comparison: otherBD, Start: "2023-06-21", Measure: MeasureWeaponCrime})
		if err != nil {
			t.Fatal(err)
		}
		// Post: 2023-07 to 2026-01; pre: as many months before 2023-06,
		// capped at the first covered month, 2021-09.
		if r.StartMonth != "2023-06" || r.Pre.From != "2021-09" || r.Pre.To != "2023-05" || r.Post.From != "2023-07" || r.Post.To != "2026-01" {
			t.Fatalf("periods %+v %+v", r.Pre, r.Post)
		}
		if strings.Join(r.Post.WithoutData, ",") != "2023-09,2023-10,2023-11,2023-12,2024-01" || r.Post.WithData != 26 || r.Pre.WithData != 21 {
			t.Errorf("months without data: %v (%d with data)", r.Post.WithoutData, r.Post.WithData)
		}
		months := func(from, to int) int {
			return sqlInt(`SELECT count(*) FROM crime_count_months WHERE level = 'ward' AND month BETWEEN $1 AND $2`, from, to)
		}
		sum := func(codes []string, from, to int) int {
			return sqlInt(`SELECT COALESCE(SUM(count), 0) FROM crime_counts WHERE level = 'ward' AND area_code IN `+inList(codes)+
				` AND month BETWEEN $1 AND $2 AND `+evalWeaponSQL, from, to)
		}
		preM, postM := months(202109, 202305), months(202307, 202601)
		tPre, tPost, cPre, cPost := sum(pilotWards, 202109, 202305), sum(pilotWards, 202307, 202601), sum(otherBD, 202109, 202305), sum(otherBD, 202307, 202601)
		want := []EvalCell{
			{Group: "treated", Period: "pre", Areas: 3, Months: preM, Events: tPre, Exposure: 3 * preM},
			{Group: "treated", Period: "post", Areas: 3, Months: postM, Events: tPost, Exposure: 3 * postM},
			{Group: "comparison", Period: "pre", Areas: 16, Months: preM, Events: cPre, Exposure: 16 * preM},
			{Group: "comparison", Period: "post", Areas: 16, Months: postM, Events: cPost, Exposure: 16 * postM},
		}
		for i, w := range want {
			got := r.Cells[i]
			got.Rate = nil
			if got != w {
				t.Errorf("cell %d: %+v, SQL %+v", i, got, w)
			}
		}
		ratio := (float64(tPost) / float64(3*postM) / (float64(tPre) / float64(3*preM))) /
			(float64(cPost) / float64(16*postM) / (float64(cPre) / float64(16*preM)))
		se := math.Sqrt(1/float64(tPre) + 1/float64(tPost) + 1/float64(cPre) + 1/float64(cPost))
		if r.Estimate == nil || math.Abs(*r.Estimate-ratio) > 1e-12 || tPre < 500 {
			t.Fatalf("estimate %v, by formula %v", r.Estimate, ratio)
		}
		if len(r.Interval) != 2 || math.Abs(r.Interval[0]-ratio*math.Exp(-1.959963985*se)) > 1e-8 || math.Abs(r.Interval[1]-ratio*math.Exp(1.959963985*se)) > 1e-8 {
			t.Errorf("interval %v", r.Interval)
		}
		if len(r.Trends) != 53 || r.Trends[21].Period != "start (left out)" || r.Trends[21].Month != "2023-06" || r.Trends[24].Treated != nil {
			t.Errorf("trends: %d rows, %+v %+v", len(r.Trends), r.Trends[21], r.Trends[24])
		}
		if r.Placebo.Used != 16 || r.Placebo.PValue == nil || r.Placebo.Rank < 1 {
			t.Errorf("placebo %+v", r.Placebo)
		}
		if r.PreTrend.Parallel == nil || r.PreTrend.FirstHalf != "2021-09 to 2022-06" {
			t.Errorf("pre-trend %+v", r.PreTrend)
		}
	})

	t.Run("auto comparison is the nearest by pre level", func(t *testing.T) {
		r, err := NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Start: "2023-06-21", Measure: MeasureWeaponCrime, ComparisonCount: 5})
		if err != nil {
			t.Fatal(err)
		}
		// Independently: every ward's pre-period weapon crime per month
		// from SQL, the treated wards' mean, nearest five on the log scale.
		preM := float64(sqlInt(`SELECT count(*) FROM crime_count_months WHERE level = 'ward' AND month BETWEEN 202109 AND 202305`))
		rows, err := db.Query(`SELECT area_code, SUM(count) FROM crime_counts WHERE level = 'ward' AND month BETWEEN 202109 AND 202305 AND ` + evalWeaponSQL + ` GROUP BY area_code`)
		if err != nil {
			t.Fatal(err)
		}
		level := map[string]float64{}
		for rows.Next() {
			var code string
			var n int
			rows.Scan(&code, &n)
			level[code] = float64(n) / preM
		}
		rows.Close()
		target := 0.0
		for _, c := range pilotWards {
			target += level[c] / 3
		}
		type cand struct {
			code string
			d    float64
		}
		var cs []cand
		for code, l := range level {
			if l > 0 && !strings.Contains(strings.Join(pilotWards, ","), code) {
				cs = append(cs, cand{code, math.Abs(math.Log(l) - math.Log(target))})
			}
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d || cs[i].d == cs[j].d && cs[i].code < cs[j].code })
		if len(r.Comparison) != 5 {
			t.Fatalf("%d comparison wards", len(r.Comparison))
		}
		for i, c := range r.Comparison {
			for _, p := range pilotWards {
				if c.Code == p {
					t.Errorf("treated ward %s chosen as comparison", p)
				}
			}
			if c.Code != cs[i].code || c.Distance == nil || math.Abs(*c.Distance-cs[i].d) > 1e-9 {
				t.Errorf("comparison %d: %s (%v), want %s (%v)", i, c.Code, c.Distance, cs[i].code, cs[i].d)
			}
		}
		if !strings.Contains(r.Selection, "the 5 of ") {
			t.Errorf("selection does not say how many: %q", r.Selection)
		}
		// A pool restricts the choice to a borough's wards.
		r, err = NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Start: "2023-06-21", Measure: MeasureWeaponCrime, Pool: []string{"E09000002"}, ComparisonCount: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Comparison) != 16 {
			t.Errorf("pool of Barking and Dagenham: %d wards, want its 16 others", len(r.Comparison))
		}
	})

	t.Run("search measures draw comparisons from wards holding stops", func(t *testing.T) {
		r, err := NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Start: "2023-06-21", Measure: MeasureSearches})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range r.Comparison {
			if n := sqlInt(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.ward_id WHERE a.code = $1 AND s.active = 1`, c.Code); n == 0 {
				t.Errorf("comparison ward %s holds no stops", c.Code)
			}
		}
		want := sqlInt(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.ward_id WHERE a.code IN ` + inList(pilotWards) + ` AND s.active = 1 AND s.month BETWEEN 202108 AND 202305`)
		if r.Cells[0].Events != want || want == 0 {
			t.Errorf("treated pre searches %d, SQL %d", r.Cells[0].Events, want)
		}
		// Every post month is missing or low-volume: the verdict cannot tell.
		if !strings.HasPrefix(r.Verdict, "The data cannot tell") || !strings.Contains(r.Verdict, "22 of the 22 post-period months") {
			t.Errorf("verdict: %s", r.Verdict)
		}
		for _, m := range []string{MeasureArrestRate, MeasureDisproportionality, MeasureWeaponSearches} {
			r, err := NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Comparison: otherBD, Start: "2023-06-21", Measure: m})
			if err != nil {
				t.Fatalf("%s: %v", m, err)
			}
			if r.Cells[1].Events == 0 || !strings.HasPrefix(r.Verdict, "The data cannot tell") {
				t.Errorf("%s: %+v %s", m, r.Cells, r.Verdict)
			}
		}
	})

	t.Run("find rate refuses on Met data", func(t *testing.T) {
		_, err := NewEvaluation(snapOf(t, s, ix, crimes), EvalQuery{Treated: pilotWards, Comparison: otherBD, Start: "2023-06-21", Measure: MeasureFindRate})
		if charter.ErrorCode(err) != charter.EINVALID || !strings.Contains(charter.ErrorMessage(err), "not-reported:outcome_linked_to_object_of_search") {
			t.Errorf("find-rate: %v", err)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			name string
			q    EvalQuery
			code string
			flag string
		}{
			{"unknown treated", EvalQuery{Treated: []string{"E05099999"}}, charter.ENOTFOUND, "--treated"},
			{"unknown comparison", EvalQuery{Comparison: []string{"E05099999"}}, charter.ENOTFOUND, "--comparison"},
			{"mixed levels", EvalQuery{Comparison: []string{"E05014053", "E09000002"}}, charter.EINVALID, "--comparison"},
			{"treated also comparison", EvalQuery{Comparison: []string{"E05014066"}}, charter.EINVALID, "--comparison"},
			{"start after end", EvalQuery{Start: "2025-06-01", End: "2024-01"}, charter.EINVALID, "--start"},
			{"bad start", EvalQuery{Start: "2023-06"}, charter.EINVALID, "--start"},
			{"no data in post", EvalQuery{Start: "2023-09-15", End: "2024-01"}, charter.EINVALID, "--end"},
			{"no data in pre", EvalQuery{Start: "2021-09-10"}, charter.EINVALID, "--start"},
			{"unknown measure", EvalQuery{Measure: "vibes"}, charter.EINVALID, "--measure"},
		} {
			t.Run(c.name, func(t *testing.T) {
				q := EvalQuery{Treated: pilotWards, Comparison: otherBD, Start: "2023-06-21", Measure: MeasureWeaponCrime}
				if c.q.Treated != nil {
					q.Treated = c.q.Treated
				}
				if c.q.Comparison != nil {
					q.Comparison = c.q.Comparison
				}
				if c.q.Start != "" {
					q.Start = c.q.Start
				}
				if c.q.Measure != "" {
					q.Measure = c.q.Measure
				}
				q.End = c.q.End
				_, err := NewEvaluation(snapOf(t, s, ix, crimes), q)
				if charter.ErrorCode(err) != c.code || !strings.Contains(charter.ErrorMessage(err), c.flag) {
					t.Errorf("got %v (%s), want %s naming %s", err, charter.ErrorCode(err), c.code, c.flag)
				}
			})
		}
	})
}

// The verdict never reports a change that a check does not support; built
// from constructed evaluations so each check can fail alone.
func TestEvaluationVerdict(t *testing.T) {
	m := measure{name: MeasureWeaponCrime, what: "weapon-enabled crime", count: true}
	pre := []charter.Month{charter.NewMonth(2022, 1), charter.NewMonth(2022, 2)}
	post := []charter.Month{charter.NewMonth(2022, 4), charter.NewMonth(2022, 5)}
	yes, no := true, false
	for _, c := range []struct {
		name       string
		cells      [4][2]int // events, exposure
		p          float64
		parallel   *bool
		cannotTell string // "" for a reported change
	}{
		{"clear fall", [4][2]int{{400, 10}, {200, 10}, {4000, 100}, {4000, 100}}, 0.05, &yes, ""},
		{"interval spans 1", [4][2]int{{40, 10}, {36, 10}, {400, 100}, {400, 100}}, 0.05, &yes, "includes no change"},
		{"placebo p large", [4][2]int{{400, 10}, {200, 10}, {4000, 100}, {4000, 100}}, 0.45, &yes, "placebo-in-space p-value is 0.45"},
		{"pre-trends diverge", [4][2]int{{400, 10}, {200, 10}, {4000, 100}, {4000, 100}}, 0.05, &no, "not parallel"},
		{"pre-trends unchecked", [4][2]int{{400, 10}, {200, 10}, {4000, 100}, {4000, 100}}, 0.05, nil, "could not be checked"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := didOf(c.cells)
			r := &Evaluation{AreaLevel: "ward", Confidence: 0.95, Pre: EvalPeriod{Months: 2}, Post: EvalPeriod{Months: 2}}
			r.Placebo = EvalPlacebo{PValue: ptr(c.p), SmallestP: ptr(0.05), Used: 19, AtLeastAsExtreme: int(c.p*20) - 1}
			r.PreTrend = EvalPreTrend{Parallel: c.parallel, Ratio: charter.NewFigure(charter.ScaleSignificant, 1.5).Within(1.2, 1.9, 0.95)}
			r.verdict(m, d, newPanel(), pre, post)
			if c.cannotTell == "" {
				if !strings.HasPrefix(r.Verdict, "Weapon-enabled crime in the treated wards changed by -50.0% (95% interval") || len(r.CannotTell) != 0 {
					t.Errorf("verdict: %s", r.Verdict)
				}
				return
			}
			if !strings.HasPrefix(r.Verdict, "The data cannot tell") || !strings.Contains(r.Verdict, c.cannotTell) || strings.Contains(r.Verdict, "changed by") {
				t.Errorf("verdict: %s", r.Verdict)
			}
		})
	}
	// Flagged months that dominate a period make it untrustworthy.
	p := newPanel()
	for _, mo := range post {
		p.flags[mo] = []MonthFlags{{Force: "metropolitan", Month: mo.String(), Flags: []string{charter.FlagLowVolume}}}
	}
	r := &Evaluation{AreaLevel: "ward", Confidence: 0.95, Pre: EvalPeriod{Months: 2}, Post: EvalPeriod{Months: 2},
		Placebo: EvalPlacebo{PValue: ptr(0.05), SmallestP: ptr(0.05)}, PreTrend: EvalPreTrend{Parallel: &yes}}
	m.flags = incomplete
	r.verdict(m, didOf([4][2]int{{400, 10}, {200, 10}, {4000, 100}, {4000, 100}}), p, pre, post)
	if !strings.HasPrefix(r.Verdict, "The data cannot tell") || !strings.Contains(r.Verdict, "2 of the 2 post-period months") {
		t.Errorf("flagged months: %s", r.Verdict)
	}
}

// didOf is the difference-in-differences of four (events, exposure) cells.
func didOf(c [4][2]int) stats.DiD {
	var in [4]stats.RateInput
	for i, x := range c {
		in[i] = stats.RateInput{Events: x[0], Exposure: float64(x[1])}
	}
	return stats.DiffInDiff(in[0], in[1], in[2], in[3], 0.95)
}
