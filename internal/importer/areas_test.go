package importer

import (
	"bytes"
	"context"
	"database/sql"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
	"github.com/stopsearch/charter/internal/store"
)

var londonBoundaries = []string{
	boundaryDir + "london-lad22.geojson.gz",
	boundaryDir + "london-wards-2022.geojson.gz",
}

// wardOf maps each stop (by source row) to the code of its ward.
func wardOf(t *testing.T, s *store.Store) map[int]string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT s.source_row, a.code FROM stops s LEFT JOIN areas a ON a.id = s.ward_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var row int
		var code sql.NullString
		if err := rows.Scan(&row, &code); err != nil {
			t.Fatal(err)
		}
		out[row] = code.String
	}
	return out
}

// Located stops are placed in boroughs and in the May 2022 wards, each in a
// ward of its own borough; an older ward set loaded beside them places
// nothing; and loading boundaries after the records gives the same
// placement as loading them first.
func TestAreaAssignment(t *testing.T) {
	month := filepath.Join(t.TempDir(), "2021-06-metropolitan-stop-and-search.csv")
	writeFile(t, month, zipMember(t, "2021-06-metropolitan-stop-and-search.csv"))

	first := openStore(t)
	im, _ := newImporter(t, first)
	mustImport(t, im, londonBoundaries...)
	mustImport(t, im, month)

	cov, err := first.Coverage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cov[:2] {
		if c.LocatedStops != 14813 || c.AssignedShare < 0.99 {
			t.Errorf("%s: %d of %d located stops placed", c.Level, c.AssignedStops, c.LocatedStops)
		}
	}
	wards := wardOf(t, first)
	byCode := map[string]int{}
	for _, c := range wards {
		byCode[c]++
	}
	if byCode["E05014066"] == 0 {
		t.Error("no stop placed in Northbury (2022 ward E05014066)")
	}
	// A ward is always one of its borough's.
	var foreign int
	first.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas w ON w.id = s.ward_id JOIN areas b ON b.id = s.borough_id
		WHERE w.parent_code <> b.code`).Scan(&foreign)
	if foreign != 0 {
		t.Errorf("%d stops in a ward of another borough than their own", foreign)
	}

	// The 2018 wards, loaded after the 2022 ones, are stored but place
	// nothing: one ward set, never a mixture.
	mustImport(t, im, boundaryDir+"london-wards-2018.geojson.gz")
	// Wards whose code did not change in 2022 keep their 2022 outline.
	var old, only18, kept int
	first.DB().QueryRow(`SELECT count(*) FROM stops s JOIN areas a ON a.id = s.ward_id WHERE a.boundary_year = 2018`).Scan(&old)
	first.DB().QueryRow(`SELECT count(*) FROM areas WHERE level = 'ward' AND boundary_year = 2018`).Scan(&only18)
	first.DB().QueryRow(`SELECT count(*) FROM areas WHERE level = 'ward' AND boundary_year = 2022`).Scan(&kept)
	if old != 0 || kept != 704 || only18 < 400 {
		t.Errorf("%d stops placed in 2018 wards (want 0); %d 2022 wards (want 704) and %d 2018-only wards stored", old, kept, only18)
	}
	if again := wardOf(t, first); !maps.Equal(again, wards) {
		t.Error("loading an older ward set changed where stops are placed")
	}

	// Boundaries after the records.
	later := openStore(t)
	im2, _ := newImporter(t, later)
	mustImport(t, im2, month)
	if n := len(wardOf(t, later)); n != 16685 {
		t.Fatalf("%d stops", n)
	}
	mustImport(t, im2, londonBoundaries...)
	again := wardOf(t, later)
	diff := 0
	for row, code := range wards {
		if again[row] != code {
			diff++
			t.Logf("row %d: %q first, %q when boundaries come after", row, code, again[row])
		}
	}
	if diff != 0 {
		t.Errorf("%d stops placed differently when boundaries come after them", diff)
	}
}

// Street crimes are placed too (City of London crimes, some of which lie in
// Camden and Islington).
func TestStreetCrimesPlaced(t *testing.T) {
	s := openStore(t)
	im, _ := newImporter(t, s)
	mustImport(t, im, boundaryDir+"london-lad22.geojson.gz")
	rs := mustImport(t, im, "../../data/police-uk/2023-01-city-of-london-street.csv.gz")
	if rs[0].Err != nil || rs[0].Rows != 719 {
		t.Fatalf("%+v", rs[0])
	}
	var city, placed, located int
	s.DB().QueryRow(`SELECT count(*) FROM street_crimes c JOIN areas a ON a.id = c.borough_id WHERE a.code = 'E09000001'`).Scan(&city)
	s.DB().QueryRow(`SELECT count(borough_id), count(latitude) FROM street_crimes`).Scan(&placed, &located)
	// A few points lie on the Thames, outside the generalised borough shapes.
	if placed < located*99/100 || city < located*8/10 {
		t.Errorf("%d of %d located crimes placed, %d in the City", placed, located, city)
	}
}

// The MPS ward-level downloads, given oldest first with a census file among
// them: they are imported newest first (the census file keeps its place),
// and each month keeps the latest download that holds it, as when each
// download is imported on its own, oldest first, replacing the months a
// later one revises.
func TestCrimeCountDownloads(t *testing.T) {
	s := openStore(t)
	im, rejects := newImporter(t, s)
	const census = "../../data/census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz"
	files := []string{
		crimeCountDir + "MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz",
		census,
		crimeCountDir + "MPS_Ward_Level_Crime_most_recent_24_months_2023-04_to_2025-03.csv.gz",
		crimeCountDir + "MPS_Ward_Level_Crime_most_recent_24_months_2023-07_to_2025-06.csv.gz",
		crimeCountDir + "MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz",
	}
	rs := mustImport(t, im, files...)
	if len(rs) != len(files) {
		t.Fatalf("%d results for %d files", len(rs), len(files))
	}
	for i, want := range []string{files[4], census, files[3], files[2], files[0]} {
		if i >= len(rs) || rs[i].Source != want || rs[i].Err != nil || (want != census) != (rs[i].Kind == charter.KindCrimeCounts) {
			t.Fatalf("import %d: %+v, want %s imported", i, rs, want)
		}
	}
	if len(*rejects) != 0 {
		t.Fatalf("rejects: %v", (*rejects)[0])
	}
	// Months a later download holds were passed over, not stored and then
	// replaced: the counts each import stored add up to those the store holds.
	var stored, imported int
	s.DB().QueryRow(`SELECT count(*) FROM crime_counts`).Scan(&stored)
	for _, r := range rs {
		if r.Kind == charter.KindCrimeCounts {
			imported += r.Rows
		}
	}
	if stored == 0 || imported != stored {
		t.Errorf("the imports stored %d counts, the store holds %d", imported, stored)
	}
	weapons := func(month int, where string) int {
		var n int
		if err := s.DB().QueryRow(`SELECT COALESCE(SUM(count), 0) FROM crime_counts WHERE level = 'ward' AND major_key = 'POSSESSION OF WEAPONS' AND month = $1`+where, month).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// SOURCES: London-wide 2023-07 is 555, 636 and 635 in the 2021-09,
	// 2023-04 and 2023-07 downloads; 2023-06 is 550 and 606.
	if got := weapons(202307, ""); got != 635 {
		t.Errorf("2023-07: %d, want 635 (the 2023-07 download)", got)
	}
	if got := weapons(202306, ""); got != 606 {
		t.Errorf("2023-06: %d, want 606 (the 2023-04 download)", got)
	}
	// Northbury, June 2023, from the 2023-04 download: 7.
	if got := weapons(202306, " AND area_code = 'E05014066'"); got != 7 {
		t.Errorf("Northbury 2023-06: %d, want 7", got)
	}
	var months int
	s.DB().QueryRow(`SELECT count(*) FROM crime_count_months WHERE level = 'ward'`).Scan(&months)
	if months != 53 { // 2021-09 to 2026-01
		t.Errorf("%d ward months covered, want 53", months)
	}
	// Re-importing an older download changes nothing.
	for _, r := range mustImport(t, im, files[0]) {
		if !r.Skipped {
			t.Errorf("re-import: %+v", r)
		}
	}

	// The two oldest downloads (their first 3,000 rows), given together and
	// each imported on its own, oldest first: on its own, the 2023-04
	// download replaces five months of the 2021-09 one. Both stores hold
	// the same counts and take each month from the same download.
	dir := t.TempDir()
	var cut []string
	for _, f := range []string{files[0], files[2]} {
		lines := bytes.SplitAfter(gunzipTable(t, f), []byte("\n"))
		p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".gz"))
		writeFile(t, p, bytes.Join(lines[:3001], nil))
		cut = append(cut, p)
	}
	together, apart := openStore(t), openStore(t)
	imTogether, _ := newImporter(t, together)
	imApart, _ := newImporter(t, apart)
	mustImport(t, imTogether, cut...)
	mustImport(t, imApart, cut[0])
	mustImport(t, imApart, cut[1])
	held := func(s *store.Store) map[string]int64 {
		t.Helper()
		out := map[string]int64{}
		for _, q := range []string{`SELECT area_code, unit, major, minor, month, count FROM crime_counts`,
			`SELECT level, '', '', '', month, vintage FROM crime_count_months`} {
			rows, err := s.DB().Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var a, b, c, d string
				var month, n int64
				if err := rows.Scan(&a, &b, &c, &d, &month, &n); err != nil {
					t.Fatal(err)
				}
				out[a+"|"+b+"|"+c+"|"+d+"|"+strconv.FormatInt(month, 10)] += n
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	if got, want := held(together), held(apart); len(want) < 10000 || !maps.Equal(got, want) {
		t.Errorf("%d counts and months given together, %d each on its own; they differ", len(got), len(want))
	}
}

// A ward first known from the census (which names no borough) takes its
// borough from the crime counts imported after it.
func TestWardParentFromCounts(t *testing.T) {
	s := openStore(t)
	im, _ := newImporter(t, s)
	mustImport(t, im, "../../data/census/london-ward2022-census2021-ethnic-group-19cat.csv.gz",
		crimeCountDir+"MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz")
	var parent string
	var orphans int
	s.DB().QueryRow(`SELECT parent_code FROM areas WHERE level = 'ward' AND code = 'E05014066'`).Scan(&parent)
	s.DB().QueryRow(`SELECT count(*) FROM areas WHERE level = 'ward' AND parent_code = '' AND code IN (SELECT area_code FROM crime_counts)`).Scan(&orphans)
	// Heathrow Villages is filed under Hillingdon and under Aviation
	// Security (SO18); the latter names no borough but the former does.
	if parent != "E09000002" || orphans != 0 {
		t.Fatalf("Northbury's parent %q; %d wards in the counts without a borough", parent, orphans)
	}
}

// A revised download of a street-crime month replaces the earlier one.
func TestStreetCrimeRevision(t *testing.T) {
	s := openStore(t)
	im, _ := newImporter(t, s)
	orig := gunzipTable(t, "../../data/police-uk/2023-01-city-of-london-street.csv.gz")
	dir := t.TempDir()
	first := filepath.Join(dir, "first", "2023-01-city-of-london-street.csv")
	revised := filepath.Join(dir, "revised", "2023-01-city-of-london-street.csv")
	os.MkdirAll(filepath.Dir(first), 0o755)
	os.MkdirAll(filepath.Dir(revised), 0o755)
	lines := bytes.SplitAfter(orig, []byte("\n"))
	writeFile(t, first, bytes.Join(lines[:len(lines)-11], nil)) // an early download, 10 crimes short
	writeFile(t, revised, orig)
	mustImport(t, im, first)
	mustImport(t, im, revised)
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM street_crimes WHERE month = 202301`).Scan(&n)
	if n != 719 {
		t.Fatalf("%d street crimes for 2023-01 after the revision, want 719", n)
	}
}
