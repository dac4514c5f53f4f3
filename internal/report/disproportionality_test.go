package report

import (
	"context"
	"math"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
	"github.com/stopsearch/charter/internal/storetest"
)

func load(t *testing.T) (*store.Store, *index.Index) {
	t.Helper()
	s := storetest.Open(t)
	im := &importer.Importer{Store: s}
	rs, err := im.Import(context.Background(),
		"../../data/boundaries/london-lad22.geojson.gz",
		"../../data/boundaries/london-wards-2018.geojson.gz",
		"../../data/boundaries/wd22_bgc_barking-dagenham_all_19_wards.geojson.gz",
		"../../data/census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz",
		"../../data/census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
		"../../data/police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip")
	if err != nil {
		t.Fatal(err)
	}
	if sum := importer.Summarise(rs); sum.Refused+sum.Rejects > 0 {
		t.Fatalf("%+v", sum)
	}
	ix, err := index.Load(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
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
	ctx := context.Background()
	from, to := charter.NewMonth(2021, 6), charter.NewMonth(2022, 5)
	r, err := NewDisproportionality(ctx, s, ix, DispQuery{Area: "E09000022", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	// Searches against a direct count in the store.
	var want, wantBlack int
	s.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id WHERE a.code = 'E09000022' AND s.month BETWEEN 202106 AND 202205 AND s.active = 1`).Scan(&want)
	s.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.borough_id JOIN vocab v ON v.id = s.self_eth_id
		WHERE a.code = 'E09000022' AND s.month BETWEEN 202106 AND 202205 AND v.code LIKE 'B%'`).Scan(&wantBlack)
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
	if black.Rate == nil || math.Abs(*black.Rate-rate) > 1e-9 || black.RateCI[0] >= rate || black.RateCI[1] <= rate {
		t.Errorf("Black rate %v %v, want %.3f inside its interval", black.Rate, black.RateCI, rate)
	}
	ratio := rate / (1000 * float64(white.Searches) / 174778)
	if black.Ratio == nil || math.Abs(*black.Ratio-ratio) > 1e-9 || black.RatioCI[0] >= ratio || black.RatioCI[1] <= ratio || ratio <= 1 {
		t.Errorf("Black/White ratio %v %v, want %.3f", black.Ratio, black.RatioCI, ratio)
	}
	if white.Ratio == nil || math.Abs(*white.Ratio-1) > 1e-12 {
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
	ctx := context.Background()
	// Northbury, a 2022 ward of the Precision Stop and Search pilot.
	r, err := NewDisproportionality(ctx, s, ix, DispQuery{Area: "E05014066"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Area.Name != "Northbury" || r.Searches == 0 {
		t.Fatalf("%+v", r.Area)
	}
	if p := row(r, "Black").Population; p == nil || *p != 3025 {
		t.Errorf("Northbury Black population %v, want 3,025", p)
	}
	// A 2018 ward has no 2022 census: the report says so instead of a rate.
	r, err = NewDisproportionality(ctx, s, ix, DispQuery{Area: "E05000405"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) == 0 || row(r, "Black").Rate != nil || row(r, "Black").Note != "population not known" {
		t.Errorf("no population: %+v", r)
	}
	// Filters narrow the count; unknown areas are not found.
	r2, err := NewDisproportionality(ctx, s, ix, DispQuery{Area: "E09000022", Where: []index.Cond{{Dim: index.DimObject, Values: []string{"Offensive weapons"}}}})
	if err != nil || r2.Searches == 0 {
		t.Fatalf("filtered: %v %v", r2, err)
	}
	all, _ := NewDisproportionality(ctx, s, ix, DispQuery{Area: "E09000022"})
	if r2.Searches >= all.Searches {
		t.Errorf("weapons searches %d not fewer than all %d", r2.Searches, all.Searches)
	}
	if _, err := NewDisproportionality(ctx, s, ix, DispQuery{Area: "E09999999"}); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("unknown area: %v", err)
	}
}
