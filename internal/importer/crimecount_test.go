package importer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
)

const crimeCountDir = "../../data/crime/"

// gunzipTable returns the decompressed bytes of a bundled .csv.gz file (or
// of a plain file, read as is).
func gunzipTable(t testing.TB, path string) []byte {
	t.Helper()
	if !strings.HasSuffix(path, ".gz") {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkTableRejects asserts what every reader promises of its rejects.
func checkTableRejects(t testing.TB, name string, rjs []charter.Reject) {
	t.Helper()
	for _, rj := range rjs {
		if rj.File != name || rj.Line < 2 || rj.Reason == "" {
			t.Errorf("malformed reject %+v", rj)
		}
	}
}

// checkTableFatal asserts that err refuses the whole file as the readers
// promise: EINVALID, a message that starts with the file name and contains
// each of want.
func checkTableFatal(t testing.TB, name string, err error, want ...string) {
	t.Helper()
	var e *charter.Error
	if !errors.As(err, &e) || e.Code != charter.EINVALID {
		t.Fatalf("err = %v, want an EINVALID *charter.Error", err)
	}
	if !strings.HasPrefix(e.Message, name+": ") {
		t.Errorf("message %q does not start with the file name", e.Message)
	}
	for _, w := range want {
		if !strings.Contains(e.Message, w) {
			t.Errorf("message %q does not mention %q", e.Message, w)
		}
	}
}

func collectCrimeCounts(t testing.TB, name string, data []byte) (CrimeCountFile, []*charter.CrimeCount, []charter.Reject, error) {
	t.Helper()
	var got []*charter.CrimeCount
	f, rjs, err := ReadCrimeCounts(bytes.NewReader(data), name, nil, func(c *charter.CrimeCount) error {
		got = append(got, c)
		return nil
	})
	checkTableRejects(t, name, rjs)
	return f, got, rjs, err
}

func TestReadCrimeCountsRealFiles(t *testing.T) {
	for _, tc := range []struct {
		file        string
		level       charter.Level
		first, last string
		rows        int
	}{
		{"MPS_Borough_Level_Crime_2010-04_to_2021-09.csv.gz", charter.LevelBorough, "2010-04", "2021-09", 1727},
		{"MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz", charter.LevelWard, "2021-09", "2023-08", 23499},
		{"MPS_Ward_Level_Crime_most_recent_24_months_2023-04_to_2025-03.csv.gz", charter.LevelWard, "2023-04", "2025-03", 17901},
		{"MPS_Ward_Level_Crime_most_recent_24_months_2023-07_to_2025-06.csv.gz", charter.LevelWard, "2023-07", "2025-06", 17894},
		{"MPS_Ward_Level_Crime_most_recent_24_months_2024-02_to_2026-01.csv.gz", charter.LevelWard, "2024-02", "2026-01", 18695},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, got, rjs, err := collectCrimeCounts(t, tc.file, gunzipTable(t, crimeCountDir+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(rjs) != 0 {
				t.Errorf("%d rejects, first %v", len(rjs), rjs[0])
			}
			if f.Level != tc.level || f.Months[0].String() != tc.first || f.Months[len(f.Months)-1].String() != tc.last {
				t.Errorf("file = %v %v…%v, want %v %s…%s", f.Level, f.Months[0], f.Months[len(f.Months)-1], tc.level, tc.first, tc.last)
			}
			// The month columns are consecutive: 138 for the borough file, 24 for ward files.
			if span := int(f.Months[len(f.Months)-1]-f.Months[0]) + 1; span != len(f.Months) {
				t.Errorf("%d month columns over %d months", len(f.Months), span)
			}
			if want := tc.rows * len(f.Months); len(got) != want {
				t.Errorf("%d counts, want %d rows × %d months = %d", len(got), tc.rows, len(f.Months), want)
			}
			for _, c := range got {
				if c.Level != tc.level || c.Count < 0 || c.Major == "" || c.Minor == "" || c.Unit == "" {
					t.Fatalf("bad count %+v", c)
				}
				if tc.level == charter.LevelWard && !isGSSShaped(c.AreaCode) {
					t.Fatalf("ward count without a GSS code: %+v", c)
				}
			}
		})
	}
}

// weaponsByMonth sums Possession of Weapons counts passing keep, by month.
func weaponsByMonth(got []*charter.CrimeCount, keep func(*charter.CrimeCount) bool) map[string]int {
	m := map[string]int{}
	for _, c := range got {
		if c.MajorKey() == "POSSESSION OF WEAPONS" && keep(c) {
			m[c.Month.String()] += c.Count
		}
	}
	return m
}

func TestCrimeCountsPossessionOfWeapons(t *testing.T) {
	const name = "MPS_Ward_Level_Crime_most_recent_24_months_2023-04_to_2025-03.csv.gz"
	_, got, _, err := collectCrimeCounts(t, name, gunzipTable(t, crimeCountDir+name))
	if err != nil {
		t.Fatal(err)
	}
	months := []string{"2023-06", "2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12"}
	for _, tc := range []struct {
		what string
		keep func(*charter.CrimeCount) bool
		want []int
	}{
		{"Northbury", func(c *charter.CrimeCount) bool { return c.AreaCode == "E05014066" }, []int{7, 1, 0, 0, 2, 2, 1}},
		{"Barking and Dagenham", func(c *charter.CrimeCount) bool { return c.Unit == "Barking and Dagenham" }, []int{25, 19, 21, 15, 9, 16, 16}},
		{"Lambeth", func(c *charter.CrimeCount) bool { return c.Unit == "Lambeth" }, []int{29, 35, 26, 18, 26, 16, 13}},
	} {
		by := weaponsByMonth(got, tc.keep)
		for i, m := range months {
			if by[m] != tc.want[i] {
				t.Errorf("%s %s: %d, want %d", tc.what, m, by[m], tc.want[i])
			}
		}
	}
	all := func(*charter.CrimeCount) bool { return true }
	if n := weaponsByMonth(got, all)["2023-07"]; n != 636 {
		t.Errorf("London 2023-07 in the 2023-04 download: %d, want 636", n)
	}

	// Heathrow Villages is filed under the airport's unit as well as Hillingdon.
	units := map[string]bool{}
	for _, c := range got {
		if c.AreaCode == "E05013570" {
			units[c.Unit] = true
			if c.AreaName != "Heathrow Villages" {
				t.Errorf("E05013570 named %q", c.AreaName)
			}
		}
	}
	if !units["Hillingdon"] || !units["Aviation Security (SO18)"] || len(units) != 2 {
		t.Errorf("Heathrow Villages units = %v, want Hillingdon and Aviation Security (SO18)", units)
	}

	// The 2021-09 download uses the old title-case scheme, with the weapons
	// offences split into minors; the same month was revised upwards later.
	const old = "MPS_Ward_Level_Crime_most_recent_24_months_2021-09_to_2023-08.csv.gz"
	_, got, _, err = collectCrimeCounts(t, old, gunzipTable(t, crimeCountDir+old))
	if err != nil {
		t.Fatal(err)
	}
	if n := weaponsByMonth(got, all)["2023-07"]; n != 555 {
		t.Errorf("London 2023-07 in the 2021-09 download: %d, want 555", n)
	}
	minors := map[string]bool{}
	for _, c := range got {
		if c.MajorKey() == "POSSESSION OF WEAPONS" {
			if c.Major != "Possession of Weapons" {
				t.Fatalf("major spelt %q in the old scheme", c.Major)
			}
			minors[c.Minor] = true
		}
	}
	if len(minors) < 5 {
		t.Errorf("old scheme weapons minors = %v, want several", minors)
	}
}

func TestCrimeCountsBorough(t *testing.T) {
	const name = "MPS_Borough_Level_Crime_2010-04_to_2021-09.csv.gz"
	_, got, _, err := collectCrimeCounts(t, name, gunzipTable(t, crimeCountDir+name))
	if err != nil {
		t.Fatal(err)
	}
	sum2019 := 0
	for m, n := range weaponsByMonth(got, func(*charter.CrimeCount) bool { return true }) {
		if strings.HasPrefix(m, "2019-") {
			sum2019 += n
		}
	}
	if sum2019 != 7371 {
		t.Errorf("London Possession of Weapons 2019 = %d, want 7,371", sum2019)
	}
	airports, lambeth := 0, 0
	for _, c := range got {
		switch c.Unit {
		case "London Heathrow and London City Airports":
			airports++
			if c.AreaCode != "" || c.AreaName != c.Unit {
				t.Fatalf("airport count %+v, want no code and the unit as name", c)
			}
		case "Lambeth":
			lambeth++
			if c.AreaCode != "E09000022" || c.AreaName != "Lambeth" {
				t.Fatalf("Lambeth count %+v", c)
			}
		default:
			if c.AreaCode == "" {
				t.Fatalf("borough %q has no code", c.Unit)
			}
		}
	}
	if airports == 0 || lambeth == 0 {
		t.Errorf("airport counts %d, Lambeth counts %d; want both", airports, lambeth)
	}
}

const crimeCountHead = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202306,202307\n"

func TestCrimeCountsBadRows(t *testing.T) {
	const name = "bad.csv"
	data := crimeCountHead +
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Northbury,E05014066,Barking and Dagenham,7,1\n" + // 2
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Abbey,E05014053,Barking and Dagenham,3,x\n" + // 3: non-numeric
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Alibon,E05014054,Barking and Dagenham,-3,2\n" + // 4: negative
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Becontree,E0501405,Barking and Dagenham,1,1\n" + // 5: bad code
		",POSSESSION OF WEAPONS,Chadwell Heath,E05014056,Barking and Dagenham,1,1\n" + // 6: no major
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Eastbrook,E05014057,Barking and Dagenham,,4\n" + // 7: empty cell
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Eastbury,E05014058,Bark" // 8: truncated
	f, got, rjs, err := collectCrimeCounts(t, name, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.Level != charter.LevelWard || len(f.Months) != 2 {
		t.Errorf("file = %+v", f)
	}
	type rj struct {
		line   int
		column string
		value  string
	}
	want := []rj{{3, "202307", "x"}, {4, "202306", "-3"}, {5, "WardCode", "E0501405"},
		{6, "MajorText", ""}, {7, "202306", ""}, {8, "", "POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Eastbury,E05014058,Bark"}}
	if len(rjs) != len(want) {
		t.Fatalf("rejects = %v, want %d", rjs, len(want))
	}
	for i, w := range want {
		if r := rjs[i]; r.Line != w.line || r.Column != w.column || r.Value != w.value {
			t.Errorf("reject %d = %+v, want line %d column %q value %q", i, r, w.line, w.column, w.value)
		}
	}
	// A bad cell costs only that cell: the row's other month is kept.
	var cells []string
	for _, c := range got {
		cells = append(cells, c.AreaName+" "+c.Month.String())
	}
	if strings.Join(cells, "; ") != "Northbury 2023-06; Northbury 2023-07; Abbey 2023-06; Alibon 2023-07; Eastbrook 2023-07" {
		t.Errorf("kept %v", cells)
	}
}

func TestCrimeCountsFatal(t *testing.T) {
	gz, err := os.ReadFile(filepath.Join(crimeCountDir, "MPS_Borough_Level_Crime_2010-04_to_2021-09.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		data string
		want []string
	}{
		{"missing WardCode", "MajorText,MinorText,WardName,LookUp_BoroughName,202306\nA,B,Abbey,Barking and Dagenham,1\n", []string{`"WardCode"`}},
		{"missing two", "MajorText,WardName,WardCode,202306\n", []string{`"MinorText"`, `"LookUp_BoroughName"`}},
		{"no months", "MajorText,MinorText,LookUp_BoroughName\nA,B,Lambeth\n", []string{"no month columns"}},
		{"bad month", "MajorText,MinorText,LookUp_BoroughName,202313\n", []string{`"202313"`}},
		{"months out of order", "MajorText,MinorText,LookUp_BoroughName,202307,202306\n", []string{`"202306"`}},
		{"empty", "", []string{"no header"}},
		{"still compressed", string(gz), nil},
		{"binary", "\x00\x01\x02\xff\xfe garbage\x00\n\x03\x04", []string{"not a CSV"}},
		{"unclosed quote", crimeCountHead + "\"A,B,Abbey,E05014053,Barking and Dagenham,1,2\nA,B,Abbey,E05014053,Barking and Dagenham,1,2\n", []string{"line 2 on"}},
	} {
		t.Run(tc.what, func(t *testing.T) {
			_, _, _, err := collectCrimeCounts(t, "f.csv", []byte(tc.data))
			checkTableFatal(t, "f.csv", err, tc.want...)
		})
	}
}

func TestCrimeCountsHeaderSpelling(t *testing.T) {
	// A BOM, quotes, other case and spaces around names are all accepted.
	data := "\ufeff\"majortext\", MinorText ,LOOKUP_BOROUGHNAME,202306\n" +
		"Robbery,Robbery of Business Property,Barking & Dagenham,4\r\n" +
		"Robbery,Robbery of Business Property,Somewhere Else,5\n"
	f, got, rjs, err := collectCrimeCounts(t, "b.csv", []byte(data))
	if err != nil || len(rjs) != 0 || f.Level != charter.LevelBorough || len(got) != 2 {
		t.Fatalf("file %+v, %d counts, rejects %v, err %v", f, len(got), rjs, err)
	}
	if got[0].AreaCode != "E09000002" || got[0].Count != 4 || got[1].AreaCode != "" || got[1].AreaName != "Somewhere Else" {
		t.Errorf("got %+v, %+v", got[0], got[1])
	}
}

func TestCrimeCountsEmitError(t *testing.T) {
	stop := errors.New("store full")
	n := 0
	_, _, err := ReadCrimeCounts(strings.NewReader(crimeCountHead+"A,B,Abbey,E05014053,Barking and Dagenham,1,2\nA,B,Abbey,E05014053,Barking and Dagenham,1,2\n"),
		"e.csv", nil, func(*charter.CrimeCount) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v after %d emits, want the emit error after 1", err, n)
	}
}

func FuzzReadCrimeCounts(f *testing.F) {
	f.Add([]byte(crimeCountHead +
		"ARSON AND CRIMINAL DAMAGE,ARSON,Heathrow Villages,E05013570,Aviation Security (SO18),0,2\n" +
		"POSSESSION OF WEAPONS,POSSESSION OF WEAPONS,Northbury,E05014066,Barking and Dagenham,7,1\n"))
	f.Add([]byte("MajorText,MinorText,LookUp_BoroughName,201004,201005\n" +
		"Arson and Criminal Damage,Arson,Barking and Dagenham,6,5\n" +
		"Possession of Weapons,Other Knife Offences,London Heathrow and London City Airports,0,1\n"))
	f.Add([]byte(crimeCountHead + "A,B,Abbey,E0501405,Barking and Dagenham,-1,x\nA,B,\"Ab\"bey,E05014053,X,1"))
	f.Add([]byte(crimeCountHead + "\"A,B\n"))
	f.Add([]byte("\ufeffMajorText,MinorText,WardName,LookUp_BoroughName,202306\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.csv"
		var last charter.Month
		file, rjs, err := ReadCrimeCounts(bytes.NewReader(data), name, nil, func(c *charter.CrimeCount) error {
			if c.Count < 0 || c.Major == "" || c.Minor == "" || c.Unit == "" {
				t.Fatalf("invalid count emitted: %+v", c)
			}
			if c.Level == charter.LevelWard && !isGSSShaped(c.AreaCode) {
				t.Fatalf("ward count without a GSS code: %+v", c)
			}
			if c.Level != charter.LevelWard && c.Level != charter.LevelBorough {
				t.Fatalf("count at level %v", c.Level)
			}
			last = c.Month
			return nil
		})
		checkTableRejects(t, name, rjs)
		if err != nil {
			checkTableFatal(t, name, err)
			return
		}
		if len(file.Months) == 0 {
			t.Fatal("a file was read without month columns")
		}
		for i := 1; i < len(file.Months); i++ {
			if file.Months[i] <= file.Months[i-1] {
				t.Fatalf("months not rising: %v", file.Months)
			}
		}
		if last != 0 && (last < file.Months[0] || last > file.Months[len(file.Months)-1]) {
			t.Fatalf("count for %v outside the file's months %v", last, file.Months)
		}
	})
}

// Crime-count downloads are put newest first within each level, in the
// places crime-count files held, their headers read as their import reads
// them (whatever the name, case or blank lines before); anything else keeps
// its place, including a file that cannot be read or whose header is
// refused (its import reports why).
func TestNewestCountsFirst(t *testing.T) {
	file := func(name, text string) source {
		return source{name: name, open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }}
	}
	const ward, borough = "WardName,WardCode,LookUp_BoroughName,MajorText,MinorText,", "MajorText,MinorText,LookUp_BoroughName,"
	srcs := []source{
		file("a.csv", ward+"202306,202307,202308\n"),
		file("b.csv", borough+"202108,202109\n"),
		{name: "gone.csv", open: func() (io.ReadCloser, error) { return nil, errors.New("no such file") }},
		file("c.csv", borough+"202401\n"),
		file("stops.json", "[]"),
		file("d.csv", ward+"202512,202601\n"),
		file("e.csv", ward+"202402,202403\n"),
		file("g.csv", ward+"202302,202301\n"), // refused: months must rise
		file("f.txt", "\n"+strings.ToLower(ward)+"202201\n"),
	}
	var got []string
	sorted, _ := newestCountsFirst(srcs, lookAll(srcs))
	for _, s := range sorted {
		got = append(got, s.name)
	}
	if want := []string{"d.csv", "c.csv", "gone.csv", "b.csv", "stops.json", "e.csv", "a.csv", "g.csv", "f.txt"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	if srcs[0].name != "a.csv" {
		t.Error("the caller's slice was reordered")
	}
}
