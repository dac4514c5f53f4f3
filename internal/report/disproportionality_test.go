package report

import (
	"math"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

func load(t *testing.T) (*store.Store, *index.Index) {
	t.Helper()
	s := importReal(t, "boundaries/london-lad22.geojson.gz", "boundaries/london-wards-2022.geojson.gz",
		"census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
		"census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
		"police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip")
	ix, _ := indexesOf(t, s)
	return s, ix
}

func row(r *Disproportionality, g string) GroupRow {
	for _, x := range r.Rows {
		if x.Group == g {
			return x
		}
	}
	return GroupRow{}
}

func TestDisproportionalityLambeth(t *testing.T) {
	s, ix := load(t)
	from, to := charter.NewMonth(2021, 6), charter.NewMonth(2022, 5)
	r, err := NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E09000022", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	// Searches against a direct count in the store.
	// Vehicle-only searches are left out by default.
	var want, wantBlack int
	s.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id WHERE a.code = 'E09000022' AND s.month BETWEEN 202106 AND 202205 AND s.active = 1 AND ` + notVehicle).Scan(&want)
	s.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id JOIN vocab v ON v.id = s.self_eth_id
		WHERE a.code = 'E09000022' AND s.month BETWEEN 202106 AND 202205 AND s.active = 1 AND v.code LIKE 'B%' AND ` + notVehicle).Scan(&wantBlack)
	if r.Searches != want || want == 0 {
		t.Fatalf("searches %d, store %d", r.Searches, want)
	}
	black, white := row(r, "Black"), row(r, "White")
	if black.Searches != wantBlack {
		t.Errorf("Black searches %d, store %d", black.Searches, wantBlack)
	}
	// Census 2021 TS021, Lambeth: Black 76,145, White 174,778 (summed from the file's categories).
	if black.Population == nil || *black.Population != 76145 || white.Population == nil || *white.Population != 174778 {
		t.Fatalf("populations: %+v %+v", black, white)
	}
	rate := 1000 * float64(black.Searches) / 76145
	if !black.Rate.HasInterval() || math.Abs(black.Rate.Value-rate) > 1e-9 || black.Rate.Lower >= rate || black.Rate.Upper <= rate {
		t.Errorf("Black rate %+v, want %.3f inside its interval", black.Rate, rate)
	}
	ratio := rate / (1000 * float64(white.Searches) / 174778)
	if !black.Ratio.HasInterval() || math.Abs(black.Ratio.Value-ratio) > 1e-9 || black.Ratio.Lower >= ratio || black.Ratio.Upper <= ratio || ratio <= 1 {
		t.Errorf("Black/White ratio %+v, want %.3f", black.Ratio, ratio)
	}
	if !white.Ratio.HasValue() || math.Abs(white.Ratio.Value-1) > 1e-12 {
		t.Errorf("White ratio %v", white.Ratio)
	}
	if r.NotStatedShare < 0.1 || r.NotStatedShare > 0.5 {
		t.Errorf("not-stated share %.3f", r.NotStatedShare)
	}
	// 2022-01 falls in the period and is missing; every month's link is not reported.
	found := false
	for _, f := range r.Flags {
		if f.Month == "2022-01" && f.Flags[0] == charter.FlagMissing {
			found = true
		}
	}
	if !found || len(r.Flags) != 12 {
		t.Errorf("flags: %+v", r.Flags)
	}
}

func TestDisproportionalityWardAndMissingPopulation(t *testing.T) {
	s, ix := load(t)
	// Northbury, a 2022 ward of the Precision Stop and Search pilot.
	r, err := NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E05014066"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Area.Name != "Northbury" || r.Searches == 0 {
		t.Fatalf("%+v", r.Area)
	}
	if p := row(r, "Black").Population; p == nil || *p != 3025 {
		t.Errorf("Northbury Black population %v, want 3,025", p)
	}
	// The census publishes the City of London whole, not by ward: the
	// report says so instead of a rate.
	r, err = NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E05009288"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) == 0 || row(r, "Black").Rate.HasValue() || row(r, "Black").Note != "population not known" {
		t.Errorf("no population: %+v", r)
	}
	// Filters narrow the count; unknown areas are not found.
	r2, err := NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E09000022", Where: []index.Cond{{Dim: index.DimObject, Values: []string{"Offensive weapons"}}}})
	if err != nil || r2.Searches == 0 {
		t.Fatalf("filtered: %v %v", r2, err)
	}
	all, _ := NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E09000022"})
	if r2.Searches >= all.Searches {
		t.Errorf("weapons searches %d not fewer than all %d", r2.Searches, all.Searches)
	}
	if _, err := NewDisproportionality(snapOf(t, s, ix, nil), DispQuery{Area: "E09999999"}); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("unknown area: %v", err)
	}
}

// notVehicle is the SQL condition on stops s that leaves out vehicle-only searches.
const notVehicle = `(s.type_id IS NULL OR s.type_id NOT IN (SELECT id FROM vocab WHERE field = 'type' AND label = 'Vehicle search'))`

// sqlInt runs a count query.
func sqlInt(t *testing.T, s *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return n
}

func TestDisproportionalityOptions(t *testing.T) {
	s, ix := load(t)
	disp := func(t *testing.T, q DispQuery) *Disproportionality {
		t.Helper()
		r, err := NewDisproportionality(snapOf(t, s, ix, nil), q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	t.Run("force population is the sum of its boroughs", func(t *testing.T) {
		codes, _ := charter.ForceBoroughs("metropolitan")
		want := map[string]int{}
		rows, err := s.DB().Query(`SELECT ethnic_group, SUM(count) FROM population WHERE level = 'borough' AND area_code IN ('` +
			strings.Join(codes, "','") + `') GROUP BY ethnic_group`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var g, n int
			rows.Scan(&g, &n)
			want[charter.EthnicGroup(g).String()] = n
		}
		rows.Close()
		r := disp(t, DispQuery{Area: "metropolitan"})
		for _, g := range charter.EthnicGroups {
			p := row(r, g.String()).Population
			if want[g.String()] == 0 || p == nil || *p != want[g.String()] {
				t.Errorf("%s population %v, boroughs sum %d", g, p, want[g.String()])
			}
		}
		if r.Census != 2021 || !hasNote(r, "sum of the census populations of the 32 boroughs") {
			t.Errorf("census %d, notes %q", r.Census, r.Notes)
		}
		// White is the reference: 1 by definition, not an estimate with an
		// interval; the other groups are estimates.
		if w := row(r, "White"); !w.Reference || !w.Ratio.HasValue() || w.Ratio.Value != 1 || w.Ratio.HasInterval() || w.AdjustedRatio.HasInterval() || w.Note != "reference group" {
			t.Errorf("White row %+v: want the reference, 1 without an interval", w)
		}
		if b := row(r, "Black"); b.Reference || !b.Ratio.HasInterval() || !b.AdjustedRatio.HasInterval() {
			t.Errorf("Black row %+v: want a ratio with intervals", b)
		}
		// The Met is stratified over its 32 boroughs; unlocated searches are in none.
		unlocated := sqlInt(t, s, `SELECT count(*) FROM stops s WHERE s.active = 1 AND s.force = 'metropolitan' AND s.latitude IS NULL AND `+notVehicle)
		if r.StrataLevel != "borough" || r.Strata != 32 || r.StratifiedSearches > r.Searches-unlocated || unlocated == 0 {
			t.Errorf("strata %s %d, %d of %d searches (%d unlocated)", r.StrataLevel, r.Strata, r.StratifiedSearches, r.Searches, unlocated)
		}
	})

	// The adjusted ratio against the Mantel–Haenszel formula applied to
	// direct SQL counts per ward, for the two boroughs whose stops sit in
	// 2022 wards with census population.
	for _, c := range []struct {
		borough  string
		from, to charter.Month
		wards    int
	}{
		{"E09000002", 0, 0, 19},
		{"E09000022", charter.NewMonth(2021, 6), charter.NewMonth(2022, 5), 25},
	} {
		t.Run("adjusted ratio "+c.borough, func(t *testing.T) {
			r := disp(t, DispQuery{Area: c.borough, From: c.from, To: c.to})
			from, to := 0, 999999
			if c.from != 0 {
				from, to = c.from.YYYYMM(), c.to.YYYYMM()
			}
			searches := map[string]map[string]int{} // ward → group letter → searches
			stratified := 0
			rows, err := s.DB().Query(`SELECT w.code, COALESCE(v.code, ''), count(*) FROM stops s
				JOIN areas b ON b.id = s.borough_id JOIN areas w ON w.id = s.ward_id LEFT JOIN vocab v ON v.id = s.self_eth_id
				WHERE s.active = 1 AND b.code = $1 AND w.parent_code = $1 AND s.month BETWEEN $2 AND $3 AND `+notVehicle+`
				AND w.code IN (SELECT area_code FROM population WHERE level = 'ward')
				GROUP BY w.code, v.code`, c.borough, from, to)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var ward, eth string
				var n int
				rows.Scan(&ward, &eth, &n)
				if searches[ward] == nil {
					searches[ward] = map[string]int{}
				}
				if eth != "" && eth != "NS" {
					searches[ward][eth[:1]] += n
				}
				stratified += n
			}
			rows.Close()
			pop := map[string]map[int]int{} // ward → census group → residents
			rows, err = s.DB().Query(`SELECT area_code, ethnic_group, SUM(count) FROM population WHERE level = 'ward' GROUP BY area_code, ethnic_group`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var ward string
				var g, n int
				rows.Scan(&ward, &g, &n)
				if pop[ward] == nil {
					pop[ward] = map[int]int{}
				}
				pop[ward][g] = n
			}
			rows.Close()
			if len(searches) != c.wards || r.Strata != c.wards || r.StrataLevel != "ward" || r.StratifiedSearches != stratified {
				t.Fatalf("strata: report %d (%s, %d searches), SQL %d wards, %d searches", r.Strata, r.StrataLevel, r.StratifiedSearches, len(searches), stratified)
			}
			if r.StratifiedShare <= 0.95 || r.StratifiedShare > 1 {
				t.Errorf("stratified share %.4f", r.StratifiedShare)
			}
			// RR_MH = Σ a·Nb/T ÷ Σ b·Na/T with T = Na + Nb; Greenland–Robins
			// Var(log RR_MH) = Σ (a+b)·Na·Nb/T² ÷ (R·S).
			for _, g := range []struct {
				name   string
				letter string
				census charter.EthnicGroup
			}{{"Asian", "A", charter.GroupAsian}, {"Black", "B", charter.GroupBlack}, {"Mixed", "M", charter.GroupMixed}, {"Other", "O", charter.GroupOther}} {
				var R, S, V float64
				for ward, byG := range searches {
					a, b := float64(byG[g.letter]), float64(byG["W"])
					na, nb := float64(pop[ward][int(g.census)]), float64(pop[ward][int(charter.GroupWhite)])
					T := na + nb
					R += a * nb / T
					S += b * na / T
					V += (a + b) * na * nb / (T * T)
				}
				rr := R / S
				half := 1.959963984540054 * math.Sqrt(V/(R*S))
				got := row(r, g.name)
				adj := got.AdjustedRatio
				if !adj.HasInterval() || math.Abs(adj.Value-rr) > 1e-9*rr ||
					math.Abs(adj.Lower-rr*math.Exp(-half)) > 1e-6*rr || math.Abs(adj.Upper-rr*math.Exp(half)) > 1e-6*rr {
					t.Errorf("%s adjusted %+v, want %.6f (%.6f–%.6f)", g.name, adj, rr, rr*math.Exp(-half), rr*math.Exp(half))
				}
				// Adjusting for ward changes the figure: it is not the crude ratio.
				if !got.Ratio.HasValue() || math.Abs(got.Ratio.Value-rr) < 1e-6 {
					t.Errorf("%s adjusted ratio %.6f equals the crude %v", g.name, rr, got.Ratio)
				}
			}
		})
	}

	t.Run("no strata", func(t *testing.T) {
		// The City's wards have no census table of their own.
		r := disp(t, DispQuery{Area: "E09000001"})
		if r.Strata != 0 || r.StratifiedSearches != 0 || row(r, "Black").AdjustedRatio.HasValue() ||
			!hasNote(r, "no geography-adjusted ratio: no ward of City of London") {
			t.Errorf("City: %d strata, adjusted %v, notes %q", r.Strata, row(r, "Black").AdjustedRatio, r.Notes)
		}
		// Every other borough is adjusted over its wards, all of which have
		// a population.
		r = disp(t, DispQuery{Area: "E09000003"})
		if r.Strata < 20 || !row(r, "Black").AdjustedRatio.HasValue() {
			t.Errorf("Barnet: %d strata, adjusted %v, notes %q", r.Strata, row(r, "Black").AdjustedRatio, r.Notes)
		}
		r = disp(t, DispQuery{Area: "E05014066"})
		if r.StrataLevel != "" || row(r, "Black").AdjustedRatio.HasValue() || !row(r, "Black").Rate.HasValue() || !hasNote(r, "a ward is not divided") {
			t.Errorf("ward: %s, notes %q", r.StrataLevel, r.Notes)
		}
	})

	t.Run("vehicle-only", func(t *testing.T) {
		vehicle := sqlInt(t, s, `SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id JOIN vocab t ON t.id = s.type_id
			WHERE a.code = 'E09000022' AND s.active = 1 AND t.label = 'Vehicle search'`)
		ex, in := disp(t, DispQuery{Area: "E09000022"}), disp(t, DispQuery{Area: "E09000022", VehicleOnly: VehicleOnlyInclude})
		if vehicle == 0 || in.Searches-ex.Searches != vehicle || ex.VehicleOnlyExcluded != vehicle || ex.VehicleOnlyCounted != 0 ||
			in.VehicleOnlyCounted != vehicle || in.VehicleOnlyExcluded != 0 || ex.VehicleOnly != VehicleOnlyExclude || in.VehicleOnly != VehicleOnlyInclude {
			t.Errorf("vehicle-only %d in SQL; exclude %d (%d out), include %d (%d in)", vehicle, ex.Searches, ex.VehicleOnlyExcluded, in.Searches, in.VehicleOnlyCounted)
		}
		// A type filter wins over the default: it asked for vehicle searches.
		ty := disp(t, DispQuery{Area: "E09000022", Where: []index.Cond{{Dim: index.DimType, Values: []string{"Vehicle search"}}}})
		if ty.VehicleOnly != VehicleOnlyByType || ty.Searches != vehicle || ty.VehicleOnlyCounted != vehicle || ty.VehicleOnlyExcluded != 0 {
			t.Errorf("--type Vehicle search: %s, %d searches, %d counted", ty.VehicleOnly, ty.Searches, ty.VehicleOnlyCounted)
		}
	})

	t.Run("not stated filled from officer-defined", func(t *testing.T) {
		const unstated = `(s.self_eth_id IS NULL OR s.self_eth_id IN (SELECT id FROM vocab WHERE field = 'self_eth' AND code = 'NS'))`
		base := `SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id WHERE a.code = 'E09000022' AND s.active = 1 AND ` + notVehicle + ` AND ` + unstated
		filled := sqlInt(t, s, base+` AND s.officer_eth_id IS NOT NULL`)
		blackFilled := sqlInt(t, s, base+` AND s.officer_eth_id IN (SELECT id FROM vocab WHERE field = 'officer_eth' AND label = 'Black')`)
		notStated := sqlInt(t, s, base)
		ex, off := disp(t, DispQuery{Area: "E09000022"}), disp(t, DispQuery{Area: "E09000022", NotStated: NotStatedOfficer})
		if filled == 0 || off.NotStatedFilled != filled || ex.NotStatedFilled != 0 || off.NotStated != notStated || ex.NotStated != notStated ||
			off.Unplaced != notStated-filled || ex.Unplaced != notStated || off.Searches != ex.Searches || off.NotStatedMode != NotStatedOfficer {
			t.Errorf("SQL: %d not stated, %d with officer group; report: exclude %d/%d, officer %d filled, %d unplaced",
				notStated, filled, ex.NotStated, ex.Unplaced, off.NotStatedFilled, off.Unplaced)
		}
		if b := row(off, "Black").Searches; b != row(ex, "Black").Searches+blackFilled || blackFilled == 0 {
			t.Errorf("Black searches with officer fill %d, want %d + %d", b, row(ex, "Black").Searches, blackFilled)
		}
		if n := row(off, "Not stated or not recorded").Searches; n != notStated-filled {
			t.Errorf("not-stated row %d, want %d", n, notStated-filled)
		}
	})

	t.Run("bad settings", func(t *testing.T) {
		for _, q := range []DispQuery{
			{Area: "E09000022", NotStated: "guess"},
			{Area: "E09000022", VehicleOnly: "sometimes"},
			{Area: "E09000022", NotStated: NotStatedOfficer, Officer: true},
		} {
			if _, err := NewDisproportionality(snapOf(t, s, ix, nil), q); charter.ErrorCode(err) != charter.EINVALID {
				t.Errorf("%+v: %v", q, err)
			}
		}
	})
}

func hasNote(r *Disproportionality, s string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
