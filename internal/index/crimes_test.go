package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/geo"
	"github.com/stopsearch/charter/internal/importer"
	"github.com/stopsearch/charter/internal/storetest"
)

// The crime index answers what SQL answers over the real MPS ward counts
// (two downloads, so revised months and both category schemes) and the
// real City of London street crimes.
func TestCrimesEqualSQL(t *testing.T) {
	s := crimeStore(t, 12, "MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		"MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz")
	c, err := LoadCrimes(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	var nCounts, nStreet int
	s.DB().QueryRow(`SELECT count(*) FROM crime_counts`).Scan(&nCounts)
	s.DB().QueryRow(`SELECT count(*) FROM street_crimes`).Scan(&nStreet)
	if c.CountLen() != nCounts || c.StreetLen() != nStreet || nStreet == 0 || nCounts == 0 {
		t.Fatalf("index holds %d counts, %d street crimes; store %d, %d", c.CountLen(), c.StreetLen(), nCounts, nStreet)
	}
	// Two downloads: 2021-09 to 2023-08 and 2024-02 to 2026-01, a gap between.
	if ms := c.CountMonths(charter.LevelWard); len(ms) != 48 || ms[0] != charter.NewMonth(2021, 9) || ms[24] != charter.NewMonth(2024, 2) {
		t.Fatalf("ward months %v", ms)
	}

	// Area-level counts: weapon crime by the default definition, per ward,
	// against SQL, over random periods and ward sets.
	w := charter.DefaultWeaponCrime
	var codes []string
	rows, err := s.DB().Query(`SELECT DISTINCT area_code FROM crime_counts WHERE level = 'ward' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var code string
		rows.Scan(&code)
		codes = append(codes, code)
	}
	rows.Close()
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 12 {
		from := charter.NewMonth(2021, 9).Add(rng.IntN(40))
		to := from.Add(rng.IntN(14))
		pick := []string{codes[rng.IntN(len(codes))], codes[rng.IntN(len(codes))], "E05013570"} // Heathrow Villages is filed twice
		got := c.Counts(CountQuery{Level: charter.LevelWard, From: from, To: to, Areas: pick, Match: w.MatchCount, ByMonth: i%2 == 0})
		q := `SELECT area_code, ` + map[bool]string{true: "month", false: "0"}[i%2 == 0] + `, SUM(count) FROM crime_counts
			WHERE level = 'ward' AND month BETWEEN $1 AND $2 AND area_code IN ($3, $4, $5)
			AND (major_key IN ('POSSESSION OF WEAPONS', 'ROBBERY') OR major_key = 'VIOLENCE AGAINST THE PERSON' AND upper(minor) = 'VIOLENCE WITH INJURY')
			GROUP BY 1, 2 ORDER BY 1, 2`
		rs, err := s.DB().Query(q, int64(from.YYYYMM()), int64(to.YYYYMM()), pick[0], pick[1], pick[2])
		if err != nil {
			t.Fatal(err)
		}
		var want []AreaMonth
		for rs.Next() {
			var a AreaMonth
			var m int64
			rs.Scan(&a.Area, &m, &a.Count)
			if m != 0 {
				a.Month = charter.MonthFromYYYYMM(int(m))
			}
			if a.Count != 0 {
				want = append(want, a)
			}
		}
		rs.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("query %d (%s–%s %v):\nindex %v\nSQL   %v", i, from, to, pick, got, want)
		}
		if len(want) == 0 {
			t.Logf("query %d matched nothing", i)
		}
	}
	// Every ward asked for alone, every category and month, is its part of
	// the sums over all wards (the rows of one area are read apart).
	all := map[string][]AreaMonth{}
	for _, r := range c.Counts(CountQuery{Level: charter.LevelWard, ByMonth: true}) {
		all[r.Area] = append(all[r.Area], r)
	}
	if len(all) < 600 {
		t.Fatalf("counts for %d wards", len(all))
	}
	for code, want := range all {
		if got := c.Counts(CountQuery{Level: charter.LevelWard, Areas: []string{code}, ByMonth: true}); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("ward %s alone:\n%v\nof all wards:\n%v", code, got, want)
		}
	}

	// Street crimes by 250 m cell, against cells computed from the stored
	// points, and by borough against SQL.
	got, err := c.Street(StreetQuery{By: DimHex250, Match: w.MatchStreet})
	if err != nil {
		t.Fatal(err)
	}
	rs2, err := s.DB().Query(`SELECT longitude, latitude FROM street_crimes
		WHERE category IN ('Possession of weapons', 'Robbery', 'Violence and sexual offences') AND latitude IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]int{}
	total := 0
	for rs2.Next() {
		var lon, lat float64
		rs2.Scan(&lon, &lat)
		cells[geo.HexOf(geo.Hex250, lon, lat).String()]++
		total++
	}
	rs2.Close()
	var want []AreaMonth
	for k, n := range cells {
		want = append(want, AreaMonth{Area: k, Count: n})
	}
	sortAreaMonths(want)
	if fmt.Sprint(got) != fmt.Sprint(want) || total < 1000 {
		t.Fatalf("street cells: index %d cells, computed %d (%d crimes)", len(got), len(want), total)
	}
	byB, err := c.Street(StreetQuery{By: DimBorough, From: charter.NewMonth(2023, 3), To: charter.NewMonth(2023, 8)})
	if err != nil {
		t.Fatal(err)
	}
	var sb []string
	for _, r := range byB {
		sb = append(sb, fmt.Sprintf("%s:%d", r.Area, r.Count))
	}
	var wb []string
	rs3, _ := s.DB().Query(`SELECT CAST(borough_id AS TEXT), count(*) FROM street_crimes WHERE borough_id IS NOT NULL AND month BETWEEN 202303 AND 202308 GROUP BY 1`)
	for rs3.Next() {
		var a string
		var n int
		rs3.Scan(&a, &n)
		wb = append(wb, fmt.Sprintf("%s:%d", a, n))
	}
	rs3.Close()
	sort.Strings(sb)
	sort.Strings(wb)
	if strings.Join(sb, " ") != strings.Join(wb, " ") || len(wb) == 0 {
		t.Fatalf("by borough: index %v, SQL %v", sb, wb)
	}
	if _, err := c.Street(StreetQuery{By: DimAge}); charter.ErrorCode(err) != charter.EINVALID {
		t.Fatalf("street by age: %v", err)
	}
}

// A followed crime index equals a fresh load after crime files are
// imported, and a stop-only import leaves it alone.
func TestCrimesFollow(t *testing.T) {
	s := storetest.Open(t)
	im := &importer.Importer{Store: s}
	ctx := context.Background()
	if _, err := im.Import(ctx, lad, "../../data/crime/MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz"); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCrimes(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	// A write between loading and following is caught up on.
	if _, err := im.Import(ctx, "../../data/police-uk/2023-01-city-of-london-street.csv.gz"); err != nil {
		t.Fatal(err)
	}
	stop, err := c.Follow(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	same := func(step string) {
		t.Helper()
		fresh, err := LoadCrimes(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		q := CountQuery{Level: charter.LevelWard, Match: charter.DefaultWeaponCrime.MatchCount, ByMonth: true}
		sq := StreetQuery{By: DimHex500, ByMonth: true}
		a, _ := c.Street(sq)
		b, _ := fresh.Street(sq)
		if fmt.Sprint(c.Counts(q)) != fmt.Sprint(fresh.Counts(q)) || fmt.Sprint(a) != fmt.Sprint(b) ||
			fmt.Sprint(c.CountMonths(charter.LevelWard)) != fmt.Sprint(fresh.CountMonths(charter.LevelWard)) {
			t.Fatalf("%s: followed crime index differs from a fresh load", step)
		}
	}
	same("after following")
	if c.StreetLen() == 0 {
		t.Fatal("the street crimes imported before following are missing")
	}
	before := c.CountLen()
	if _, err := im.Import(ctx, "../../data/crime/MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz",
		"../../data/police-uk/2023-02-city-of-london-street.csv.gz"); err != nil {
		t.Fatal(err)
	}
	same("after two more crime files")
	if c.CountLen() <= before || len(c.CountMonths(charter.LevelWard)) != 48 || len(c.StreetMonths("")) != 2 {
		t.Fatalf("not followed: %d counts (was %d), %d months", c.CountLen(), before, len(c.CountMonths(charter.LevelWard)))
	}
}
