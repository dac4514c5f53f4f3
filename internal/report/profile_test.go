package report

import (
	"slices"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

// testProfile checks the ward and borough profiles against SQL over the
// same real data (called from TestPrecision, which imports it).
func testProfile(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) {
	from, to := charter.NewMonth(2021, 9), charter.NewMonth(2022, 8)
	p, err := NewProfile(snapOf(t, s, ix, cr), ProfileQuery{Area: "E05014066", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if p.Area.Name != "Northbury" || len(p.Parents) != 2 || p.Parents[0].Code != "metropolitan" || p.Parents[1].Code != "E09000002" {
		t.Fatalf("area %+v, parents %+v", p.Area, p.Parents)
	}
	var searches, arrests int
	if err := s.DB().QueryRow(`SELECT count(*), COALESCE(SUM(CASE WHEN v.label = 'Arrest' THEN 1 ELSE 0 END), 0) FROM stops st
		JOIN areas a ON a.id = st.ward_id LEFT JOIN vocab v ON v.id = st.outcome_id
		WHERE st.active = 1 AND a.code = 'E05014066' AND st.month BETWEEN 202109 AND 202208`).Scan(&searches, &arrests); err != nil {
		t.Fatal(err)
	}
	if p.Searches != searches || searches < 500 {
		t.Errorf("Northbury searches %d, SQL %d", p.Searches, searches)
	}
	if p.Arrest.Count != arrests || p.Arrest.Of != searches || !p.Arrest.Rate.HasInterval() {
		t.Errorf("arrests %+v, SQL %d of %d", p.Arrest, arrests, searches)
	}
	for _, b := range p.Breakdowns {
		sum := 0
		for _, r := range b.Rows {
			sum += r.Share.Count
		}
		if sum != p.Searches {
			t.Errorf("breakdown %s sums to %d of %d searches", b.Dim, sum, p.Searches)
		}
	}
	// The Met's archive CSVs leave the outcome link and removal empty: no
	// find rate or strip-search share is made up from them.
	if p.Find != nil || p.FindNote == "" || p.StripSearch != nil || p.StripNote == "" {
		t.Errorf("find %+v (%q), strip %+v (%q): want none, with a note", p.Find, p.FindNote, p.StripSearch, p.StripNote)
	}
	// The trend spans every month; 2022-01 and 2022-06 are absent from the
	// archive and shown as missing, not as zero.
	byMonth := map[string]TrendMonth{}
	for _, m := range p.Trend {
		byMonth[m.Month] = m
	}
	for _, m := range []string{"2022-01", "2022-06"} {
		if tm, ok := byMonth[m]; !ok || tm.Searches != nil || !slices.Contains(tm.Flags, charter.FlagMissing) {
			t.Errorf("trend %s = %+v, want no searches and flagged missing", m, tm)
		}
	}
	if tm := byMonth["2021-06"]; tm.Searches == nil || *tm.Searches == 0 {
		t.Errorf("trend 2021-06 (before the period) = %+v, want its searches", tm)
	}
	// Rates per 1,000 use the 2022 ward's census population.
	if p.Population == nil || *p.Population < 10000 || !p.Rate.HasInterval() || p.Rate.Lower > p.Rate.Value || p.Rate.Upper < p.Rate.Value {
		t.Errorf("population %v, rate %+v", p.Population, p.Rate)
	}
	// Weapon-enabled crime, straight from SQL.
	var weapon int
	if err := s.DB().QueryRow(`SELECT COALESCE(SUM(c.count), 0) FROM crime_counts c WHERE c.level = 'ward' AND c.area_code = 'E05014066'
		AND c.month BETWEEN 202109 AND 202208 AND ` + weaponSQL).Scan(&weapon); err != nil {
		t.Fatal(err)
	}
	if p.WeaponCrime == nil || p.WeaponCrime.Total != weapon || weapon == 0 || p.WeaponCrime.Months != 12 {
		t.Errorf("weapon crime %+v, SQL %d over 12 months", p.WeaponCrime, weapon)
	}
	if p.Disproportionality == nil || len(p.Disproportionality.Rows) == 0 {
		t.Error("no disproportionality")
	}

	// The borough's wards add up to the borough's searches placed in a ward.
	b, err := NewProfile(snapOf(t, s, ix, cr), ProfileQuery{Area: "E09000002", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if b.SubLevel != "ward" || len(b.SubAreas) != 19 {
		t.Fatalf("borough sub-areas: %s × %d, want the 19 wards of 2022", b.SubLevel, len(b.SubAreas))
	}
	inWards, weaponInWards := 0, 0
	found := false
	for _, sa := range b.SubAreas {
		inWards += sa.Searches
		if sa.WeaponCrimes != nil {
			weaponInWards += *sa.WeaponCrimes
		}
		if sa.Code == "E05014066" {
			found = sa.Searches == p.Searches && sa.Rate.HasValue() && sa.Rate == p.Rate
		}
	}
	if !found {
		t.Error("Northbury's line in the borough differs from its own profile")
	}
	if inWards > b.Searches || inWards < b.Searches*99/100 {
		t.Errorf("wards hold %d of the borough's %d searches", inWards, b.Searches)
	}
	if b.WeaponCrime == nil || weaponInWards != b.WeaponCrime.Total {
		t.Errorf("wards' weapon crime %d, borough total %+v", weaponInWards, b.WeaponCrime)
	}
	if _, err := NewProfile(snapOf(t, s, ix, cr), ProfileQuery{Area: "E05999999"}); charter.ErrorCode(err) != charter.ENOTFOUND {
		t.Errorf("unknown area: %v, want not found", err)
	}
}

// testDefaultPeriod: the archive alone has 2022-01 and 2022-06 missing, so
// no twelve sound months run in a row, and the latest twelve are used.
func testDefaultPeriod(t *testing.T, s *store.Store) {
	from, to, ok := DefaultPeriod(snapOf(t, s, nil, nil), "metropolitan")
	if !ok {
		t.Fatal("the Met has no default period")
	}
	if from.String() != "2021-09" || to.String() != "2022-08" {
		t.Errorf("default period %s to %s, want 2021-09 to 2022-08", from, to)
	}
	if _, _, ok := DefaultPeriod(snapOf(t, s, nil, nil), "kent"); ok {
		t.Error("a force without stops has a default period")
	}
}
