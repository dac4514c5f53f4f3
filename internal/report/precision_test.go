package report

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/index"
	"github.com/stopsearch/charter/internal/store"
)

// loadPrecision imports the real data precision (and the profile) needs: London boroughs and
// wards (2022 wards for Barking and Dagenham), the Met archive months, one
// MPS ward-level download, three months of City of London street crime and
// the Census 2021 ward populations.
func loadPrecision(t *testing.T) (*store.Store, *index.Index, *index.Crimes) {
	t.Helper()
	s := importReal(t, "boundaries/london-lad22.geojson.gz", "boundaries/london-wards-2022.geojson.gz",
		"police-uk/metropolitan-stop-and-search-2021-06_2022-08.zip",
		"crime/MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		"police-uk/2023-01-city-of-london-street.csv.gz", "police-uk/2023-02-city-of-london-street.csv.gz",
		"police-uk/2023-03-city-of-london-street.csv.gz",
		"census/london-ward2022-census2021-ethnic-group-19cat.csv.gz")
	ix, cr := indexesOf(t, s)
	return s, ix, cr
}

// weaponSQL is the default weapon-enabled crime definition in SQL.
const weaponSQL = `(c.major_key IN ('POSSESSION OF WEAPONS', 'ROBBERY') OR c.major_key = 'VIOLENCE AGAINST THE PERSON' AND upper(c.minor) = 'VIOLENCE WITH INJURY')`

// One import of the real data serves every precision test.
func TestPrecision(t *testing.T) {
	s, ix, cr := loadPrecision(t)
	t.Run("wards", func(t *testing.T) { testPrecisionWards(t, s, ix, cr) })
	t.Run("hex", func(t *testing.T) { testPrecisionHex(t, s, ix, cr) })
	t.Run("bad input", func(t *testing.T) { testPrecisionBadInput(t, s, ix, cr) })
	t.Run("profile", func(t *testing.T) { testProfile(t, s, ix, cr) })
	t.Run("default period", func(t *testing.T) { testDefaultPeriod(t, s) })
}

func testPrecisionWards(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) {
	from, to := charter.NewMonth(2021, 9), charter.NewMonth(2022, 8)
	r, err := NewPrecision(snapOf(t, s, ix, cr), PrecisionQuery{Area: "E09000002", From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	// Weapon-enabled crime per Barking and Dagenham ward, straight from SQL.
	rows, err := s.DB().Query(`SELECT a.code, COALESCE(SUM(c.count), 0) FROM areas a
		LEFT JOIN crime_counts c ON c.level = 'ward' AND c.area_code = a.code AND c.month BETWEEN 202109 AND 202208 AND ` + weaponSQL + `
		WHERE a.level = 'ward' AND a.parent_code = 'E09000002' AND a.boundary_year = 2022 GROUP BY a.code`)
	if err != nil {
		t.Fatal(err)
	}
	type ward struct {
		code  string
		crime int
	}
	var wards []ward
	total := 0
	for rows.Next() {
		var w ward
		rows.Scan(&w.code, &w.crime)
		wards = append(wards, w)
		total += w.crime
	}
	rows.Close()
	if r.Units != 19 || len(wards) != 19 || r.WeaponCrimes != total || total < 2000 {
		t.Fatalf("units %d (SQL %d), weapon crimes %d (SQL %d)", r.Units, len(wards), r.WeaponCrimes, total)
	}
	sort.Slice(wards, func(i, j int) bool {
		if wards[i].crime != wards[j].crime {
			return wards[i].crime > wards[j].crime
		}
		return wards[i].code < wards[j].code
	})
	for i, u := range r.Ranked {
		if u.Code != wards[i].code || u.WeaponCrimes != wards[i].crime {
			t.Fatalf("rank %d: %s %d, SQL %s %d", i+1, u.Code, u.WeaponCrimes, wards[i].code, wards[i].crime)
		}
	}
	// Hotspots: the top 10% of 19 wards is 2 wards. Weapon searches made
	// there, from SQL.
	if r.Hotspots != 2 || !r.Ranked[0].Hotspot || !r.Ranked[1].Hotspot || r.Ranked[2].Hotspot {
		t.Fatalf("hotspots %d", r.Hotspots)
	}
	weaponSearches := func(codes ...string) int {
		// Searches in the borough (by its own boundary) and in its wards.
		q := `SELECT count(*) FROM stops s JOIN areas a ON a.id = s.ward_id JOIN areas b ON b.id = s.borough_id JOIN vocab v ON v.id = s.object_id
			WHERE s.active = 1 AND b.code = 'E09000002'  AND s.month BETWEEN 202109 AND 202208 AND a.parent_code = 'E09000002' AND a.boundary_year = 2022
			AND v.label IN ('Offensive weapons', 'Firearms', 'Anything to threaten or harm anyone', 'Crossbows')`
		var args []any
		if len(codes) > 0 {
			q += ` AND a.code IN ($1, $2)`
			args = []any{codes[0], codes[1]}
		}
		var n int
		if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	inHot, all := weaponSearches(wards[0].code, wards[1].code), weaponSearches()
	if r.Score.Count != inHot || r.Score.Of != all || all < 100 || !r.Score.Rate.HasInterval() {
		t.Fatalf("score %d/%d, SQL %d/%d", r.Score.Count, r.Score.Of, inHot, all)
	}
	if want := float64(wards[0].crime+wards[1].crime) / float64(total); r.HotspotCrimeShare != want {
		t.Fatalf("hotspot crime share %v, want %v", r.HotspotCrimeShare, want)
	}
	// The curve rises and reaches its points at the stated unit counts.
	prev := 0.0
	for _, c := range r.Concentration {
		if c.CrimeShare < prev || c.Units < 1 || c.Units > 19 {
			t.Fatalf("concentration %+v", r.Concentration)
		}
		prev = c.CrimeShare
	}
	// Months: one row per month of the period, every month covered by the
	// counts, and the monthly scores add up to the period's.
	if len(r.Months) != 12 {
		t.Fatalf("%d months", len(r.Months))
	}
	sum, of := 0, 0
	for _, m := range r.Months {
		if m.WeaponCrimes == nil {
			t.Fatalf("month %s not covered", m.Month)
		}
		if m.Score != nil {
			sum += m.Score.Count
			of += m.Score.Of
		}
	}
	if sum != r.Score.Count || of != r.Score.Of {
		t.Fatalf("monthly scores add to %d/%d, period %d/%d", sum, of, r.Score.Count, r.Score.Of)
	}
	// 2022-01 and 2022-06 are missing from the archive: flagged.
	if fmt.Sprintf("%s %v", r.Months[4].Month, r.Months[4].Flags) != "2022-01 [missing]" {
		t.Fatalf("2022-01: %v", r.Months[4])
	}

	// Boroughs across the Met: every London borough but the City is a unit.
	rb, err := NewPrecision(snapOf(t, s, ix, cr), PrecisionQuery{Area: "metropolitan", From: from, To: to, Unit: "borough", Top: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	var metTotal int
	s.DB().QueryRow(`SELECT SUM(c.count) FROM crime_counts c JOIN areas a ON a.level = 'ward' AND a.code = c.area_code
		WHERE c.level = 'ward' AND c.month BETWEEN 202109 AND 202208 AND a.parent_code <> 'E09000001' AND a.parent_code <> '' AND ` + weaponSQL).Scan(&metTotal)
	if rb.Units != 32 || rb.Hotspots != 7 || rb.WeaponCrimes != metTotal {
		t.Fatalf("Met by borough: %d units, %d hotspots, %d weapon crimes (SQL %d)", rb.Units, rb.Hotspots, rb.WeaponCrimes, metTotal)
	}
}

func testPrecisionHex(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) {
	r, err := NewPrecision(snapOf(t, s, ix, cr), PrecisionQuery{Area: "E09000001", Unit: "hex250"})
	if err != nil {
		t.Fatal(err)
	}
	var want int
	s.DB().QueryRow(`SELECT count(*) FROM street_crimes c JOIN areas a ON a.id = c.borough_id WHERE a.code = 'E09000001'
		AND c.category IN ('Possession of weapons', 'Robbery', 'Violence and sexual offences')`).Scan(&want)
	// The City is about 2.9 km²: some fifty 250 m cells, each 0.054 km².
	if r.WeaponCrimes != want || want < 300 || r.Units < 40 || r.Units > 80 || r.CrimeMonths != 3 {
		t.Fatalf("City: %d weapon crimes (SQL %d) in %d cells over %d months", r.WeaponCrimes, want, r.Units, r.CrimeMonths)
	}
	// Every cell of the City's boundary is a unit, crime or not.
	var b string
	s.DB().QueryRow(`SELECT boundary FROM areas WHERE level = 'borough' AND code = 'E09000001'`).Scan(&b)
	mp, err := geo.ParseGeometry([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	inside := map[string]bool{}
	for _, c := range geo.HexCellsIn(geo.Hex250, mp) {
		inside[c.String()] = true
	}
	if len(inside) < 30 || r.Units < len(inside) {
		t.Fatalf("%d units, %d cells inside the City's boundary", r.Units, len(inside))
	}
	if r.Ranked[0].WeaponCrimes < r.Ranked[1].WeaponCrimes || r.Concentration[len(r.Concentration)-1].CrimeShare < 0.5 {
		t.Fatalf("ranking %+v", r.Ranked[:2])
	}
}

func testPrecisionBadInput(t *testing.T, s *store.Store, ix *index.Index, cr *index.Crimes) {
	for _, tc := range []struct {
		q    PrecisionQuery
		code string
	}{
		{PrecisionQuery{Area: "E09000002", Unit: "lsoa"}, charter.EINVALID},
		{PrecisionQuery{Area: "E05014066"}, charter.EINVALID}, // a ward has no wards inside
		{PrecisionQuery{Area: "E09000002", Top: 1.5}, charter.EINVALID},
		{PrecisionQuery{Area: "E09000099"}, charter.ENOTFOUND},
		{PrecisionQuery{Area: "E09000002", Unit: "hex500"}, charter.ENOTFOUND}, // no street crime there
	} {
		if _, err := NewPrecision(snapOf(t, s, ix, cr), tc.q); charter.ErrorCode(err) != tc.code {
			t.Errorf("%+v: %v, want %s", tc.q, err, tc.code)
		}
	}
}
