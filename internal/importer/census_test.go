package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/stopsearch/charter"
)

const (
	censusWardFile  = "../../data/census/london-ward2022-census2021-ethnic-group-19cat.csv.gz"
	censusTS021File = "../../data/census/extractss_census_2021_pop_ests_ltla_ts021_20cat.csv.gz"
	censusFiveFile  = "testdata/extractss_census_2021_pop_ests_collapsed_ltla_5group.csv.gz" // a fixture, not bundled: its groups are not the census groups
)

func collectPopulation(t testing.TB, name string, data []byte) ([]*charter.Population, []charter.Reject, error) {
	t.Helper()
	var got []*charter.Population
	rjs, err := ReadPopulation(bytes.NewReader(data), name, func(p *charter.Population) error {
		got = append(got, p)
		return nil
	})
	checkTableRejects(t, name, rjs)
	return got, rjs, err
}

// checkPopulation asserts what every emitted population satisfies.
func checkPopulation(t testing.TB, p *charter.Population) {
	t.Helper()
	if p.Count < 0 || p.Census != 2021 || p.Group == charter.GroupUnknown || p.Group == charter.GroupNotStated || p.Category == "" {
		t.Fatalf("invalid population %+v", p)
	}
	if l, ok := charter.LevelOfCode(p.AreaCode); !ok || l != p.Level {
		t.Fatalf("population %+v: level does not match its code", p)
	}
}

func TestPopulationLondonWards(t *testing.T) {
	data := gunzipTable(t, censusWardFile)
	got, rjs, err := collectPopulation(t, "wards.csv", data)
	if err != nil || len(rjs) != 0 {
		t.Fatalf("err %v, rejects %v", err, rjs)
	}
	cats := map[string]map[string]bool{}
	total := map[string]int{}
	group := map[string]map[charter.EthnicGroup]int{}
	for _, p := range got {
		checkPopulation(t, p)
		if cats[p.AreaCode] == nil {
			cats[p.AreaCode] = map[string]bool{}
			group[p.AreaCode] = map[charter.EthnicGroup]int{}
		}
		cats[p.AreaCode][p.Category] = true
		total[p.AreaCode] += p.Count
		group[p.AreaCode][p.Group] += p.Count
		if p.AreaCode == "E09000001" && (p.Level != charter.LevelBorough || p.AreaName != "City of London (aggregated)") {
			t.Fatalf("City of London row %+v", p)
		}
	}
	if len(cats) != 680 || len(got) != 680*19 {
		t.Errorf("%d areas, %d counts; want 680 × 19", len(cats), len(got))
	}
	for code, c := range cats {
		if len(c) != 19 {
			t.Errorf("%s has %d categories", code, len(c))
		}
	}

	// The file's own "local authority name" column says which borough each
	// ward is in (Population does not carry it).
	cr := csv.NewReader(bytes.NewReader(data))
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wards, sums := map[string]int{}, map[string]int{}
	for _, r := range rows[1:] {
		wards[r[3]]++
		sums[r[3]] += total[r[0]]
	}
	if wards["Lambeth"] != 25 || sums["Lambeth"] != 317713 {
		t.Errorf("Lambeth: %d wards, %d people; want 25, 317,713", wards["Lambeth"], sums["Lambeth"])
	}
	if wards["Barking and Dagenham"] != 19 || sums["Barking and Dagenham"] != 218866 {
		t.Errorf("Barking and Dagenham: %d wards, %d people; want 19, 218,866", wards["Barking and Dagenham"], sums["Barking and Dagenham"])
	}

	for _, tc := range []struct {
		code                              string
		total, white, mixed, asian, black int
		other                             int
	}{
		{"E05014064", 13304, 3453, 391, 7802, 1228, 430}, // Longbridge
		{"E05014066", 13189, 3799, 619, 5122, 3025, 624}, // Northbury
		{"E05014068", 5654, 2005, 314, 1500, 1633, 202},  // Thames View
	} {
		g := group[tc.code]
		if total[tc.code] != tc.total || g[charter.GroupWhite] != tc.white || g[charter.GroupMixed] != tc.mixed ||
			g[charter.GroupAsian] != tc.asian || g[charter.GroupBlack] != tc.black || g[charter.GroupOther] != tc.other {
			t.Errorf("%s: total %d, groups %v; want %+v", tc.code, total[tc.code], g, tc)
		}
	}
}

func TestPopulationTS021(t *testing.T) {
	got, rjs, err := collectPopulation(t, "ts021.csv", gunzipTable(t, censusTS021File))
	if err != nil || len(rjs) != 0 {
		t.Fatalf("err %v, rejects %v", err, rjs)
	}
	areas := map[string]bool{}
	lambeth := map[string]int{}
	for _, p := range got {
		checkPopulation(t, p)
		if p.Level != charter.LevelBorough {
			t.Fatalf("TS021 count at level %v", p.Level)
		}
		areas[p.AreaCode] = true
		if p.AreaCode == "E09000022" {
			if p.AreaName != "Lambeth" {
				t.Fatalf("E09000022 named %q", p.AreaName)
			}
			lambeth[p.Category] += p.Count
		}
	}
	// 331 authorities of England and Wales, 19 categories each ("Does not apply" skipped).
	if len(areas) != 331 || len(got) != 331*19 {
		t.Errorf("%d areas, %d counts; want 331 × 19", len(areas), len(got))
	}
	sum := 0
	for _, n := range lambeth {
		sum += n
	}
	if len(lambeth) != 19 || sum != 317650 || lambeth["W4"] != 1537 || lambeth["W1"] != 119395 || lambeth["O9"] != 15397 {
		t.Errorf("Lambeth = %v (total %d); want 19 categories, 317,650, W4 Roma 1,537", lambeth, sum)
	}
}

func TestPopulationFiveGroup(t *testing.T) {
	got, rjs, err := collectPopulation(t, "five.csv", gunzipTable(t, censusFiveFile))
	if err != nil || len(rjs) != 0 {
		t.Fatalf("err %v, rejects %v", err, rjs)
	}
	if len(got) != 331*5 {
		t.Errorf("%d counts, want 331 × 5", len(got))
	}
	lambeth := map[string]int{}
	sum := 0
	for _, p := range got {
		checkPopulation(t, p)
		if p.Level != charter.LevelBorough || p.Category != p.Group.String() {
			t.Fatalf("five-group count %+v", p)
		}
		if p.AreaCode == "E09000022" {
			lambeth[p.Category] = p.Count
			sum += p.Count
		}
	}
	// Read by hand from the file. The total equals TS021's, but the groups do
	// not: this collapse puts Mixed White and Black into Black and Gypsy,
	// Irish Traveller and Roma into Other (TS021 Lambeth: Black 76,145, Mixed
	// 25,630, Other 18,046, White 174,778).
	want := map[string]int{"Asian": 23051, "Black": 88499, "Mixed": 13276, "Other": 19729, "White": 173095}
	for g, n := range want {
		if lambeth[g] != n {
			t.Errorf("Lambeth %s = %d, want %d", g, lambeth[g], n)
		}
	}
	if sum != 317650 {
		t.Errorf("Lambeth total %d, want 317,650", sum)
	}
}

// censusWardHead is the ward table's header, categories in the file's order.
const censusWardHead = "ward code,ward name,local authority code,local authority name,All usual residents," +
	"White British,White Irish,White Gypsy/Irish Traveller,White Roma,White Other,White Percentage," +
	"Mixed White and Asian,Mixed White and Black African,Mixed White and Black Caribbean,Mixed Other,Mixed Percentage," +
	"Asian Bangladeshi,Asian Chinese,Asian Indian,Asian Pakistani,Asian Other,Asian Percentage," +
	"Black African,Black Caribbean,Black Other,Black Percentage,Other Arab,Other Any other,Other Percentage\n"

// censusWardAbbey is a real row (Abbey, Barking and Dagenham).
const censusWardAbbey = "E05014053,Abbey,E09000002,Barking and Dagenham,3963,447,17,3,34,691,0.3008,28,29,30,36,3.1E-2," +
	"346,87,968,358,131,0.4769,453,68,70,0.1491,42,125,4.2E-2\n"

func TestPopulationBadRows(t *testing.T) {
	t.Run("wards", func(t *testing.T) {
		data := censusWardHead + censusWardAbbey + // 2
			strings.Replace(censusWardAbbey, ",3963,", ",3964,", 1) + // 3: does not add up
			strings.Replace(censusWardAbbey, ",447,", ",-447,", 1) + // 4: negative
			strings.Replace(censusWardAbbey, ",968,", ",9x8,", 1) + // 5: not a number
			strings.Replace(censusWardAbbey, "E05014053", "Abbey", 1) + // 6: not a code
			censusWardAbbey[:40] // 7: truncated
		got, rjs, err := collectPopulation(t, "w.csv", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 19 {
			t.Errorf("%d counts, want the 19 of line 2", len(got))
		}
		want := []charter.Reject{
			{Line: 3, Column: "All usual residents", Value: "3964"},
			{Line: 4, Column: "White British", Value: "-447"},
			{Line: 5, Column: "Asian Indian", Value: "9x8"},
			{Line: 6, Column: "ward code", Value: "Abbey"},
			{Line: 7, Value: censusWardAbbey[:40]},
		}
		if len(rjs) != len(want) {
			t.Fatalf("rejects %v, want %d", rjs, len(want))
		}
		for i, w := range want {
			if r := rjs[i]; r.Line != w.Line || r.Column != w.Column || r.Value != w.Value {
				t.Errorf("reject %d = %+v, want %+v", i, r, w)
			}
		}
		if !strings.Contains(rjs[0].Reason, "add up to 3963") {
			t.Errorf("sum reject reason %q", rjs[0].Reason)
		}
	})
	t.Run("ts021", func(t *testing.T) {
		data := `"Lower Tier Local Authorities Code","Lower Tier Local Authorities","Ethnic group (20 categories) Code","Ethnic group (20 categories)","Observation"` + "\n" +
			`"E09000022","Lambeth",-8,"Does not apply",0` + "\n" + // skipped
			`"E09000022","Lambeth",16,"White: Roma",1537` + "\n" +
			`"E09000022","Lambeth",16,"White: Romany",1537` + "\n" + // 4: unknown label
			`"E05014053","Abbey",16,"White: Roma",34` + "\n" + // 5: a ward
			`"E09000022","Lambeth",16,"White: Roma",1537.5` + "\n" // 6: not whole
		got, rjs, err := collectPopulation(t, "t.csv", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Category != "W4" || got[0].Group != charter.GroupWhite || got[0].Count != 1537 {
			t.Errorf("got %v", got)
		}
		cols := []string{}
		for _, r := range rjs {
			cols = append(cols, r.Column)
		}
		if len(rjs) != 3 || rjs[0].Line != 4 || rjs[1].Line != 5 || rjs[2].Line != 6 ||
			strings.Join(cols, "|") != "Ethnic group (20 categories)|Lower Tier Local Authorities Code|Observation" {
			t.Errorf("rejects %v", rjs)
		}
	})
	t.Run("five", func(t *testing.T) {
		data := "LAD,LAD_code,Asian,Black,Mixed,Other,White\n" +
			"Lambeth,E09000022,23051,88499,13276,19729,173095\n" +
			"Lewisham,E09000023,1,2,three,4,-5\n" // 3: two bad cells, whole row refused
		got, rjs, err := collectPopulation(t, "5.csv", []byte(data))
		if err != nil || len(got) != 5 || len(rjs) != 2 || rjs[0].Column != "Mixed" || rjs[1].Column != "White" || rjs[1].Line != 3 {
			t.Errorf("got %d, rejects %v, err %v", len(got), rjs, err)
		}
	})
}

func TestPopulationFatal(t *testing.T) {
	for _, tc := range []struct {
		what, data string
		want       []string
	}{
		{"unknown layout", "a,b,c\n1,2,3\n", []string{"not a census table", "LAD_code"}},
		{"ts021 without Observation", `"Lower Tier Local Authorities Code","Lower Tier Local Authorities","Ethnic group (20 categories) Code","Ethnic group (20 categories)"` + "\n", []string{`"Observation"`}},
		{"five without White", "LAD,LAD_code,Asian,Black,Mixed,Other\n", []string{`"White"`}},
		{"ward without Roma", strings.Replace(censusWardHead, "White Roma,", "", 1), []string{`"White Roma"`}},
		{"ward category twice", strings.Replace(censusWardHead, "White Percentage", "White: Roma", 1), []string{"White Roma", "White: Roma"}},
		{"empty", "", []string{"no header"}},
		{"binary", "\x1f\x8b\x08\x00\x00\x00\x00\x00", []string{"not a CSV"}},
		{"unclosed quote", censusWardHead + `"E05014053,Abbey` + "\n" + censusWardAbbey, []string{"line 2 on"}},
	} {
		t.Run(tc.what, func(t *testing.T) {
			_, _, err := collectPopulation(t, "c.csv", []byte(tc.data))
			checkTableFatal(t, "c.csv", err, tc.want...)
		})
	}
}

func TestPopulationEmitError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := ReadPopulation(strings.NewReader(censusWardHead+censusWardAbbey+censusWardAbbey), "e.csv",
		func(*charter.Population) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err = %v after %d emits", err, n)
	}
}

func FuzzReadPopulation(f *testing.F) {
	f.Add([]byte(censusWardHead + censusWardAbbey))
	f.Add([]byte(censusWardHead + strings.Replace(censusWardAbbey, ",3963,", ",3964,", 1) + censusWardAbbey[:50]))
	f.Add([]byte("\"Lower Tier Local Authorities Code\",\"Lower Tier Local Authorities\",\"Ethnic group (20 categories) Code\",\"Ethnic group (20 categories)\",\"Observation\"\n" +
		"\"E06000001\",\"Hartlepool\",-8,\"Does not apply\",0\n" +
		"\"E06000001\",\"Hartlepool\",1,\"Asian, Asian British or Asian Welsh: Bangladeshi\",278\n" +
		"\"W06000024\",\"Merthyr Tydfil\",19,\"Other ethnic group: Any other ethnic group\",-210\n"))
	f.Add([]byte("LAD,LAD_code,Asian,Black,Mixed,Other,White\nAdur,E07000223,1395,1152,1005,855,60136\nYork,E0600001,1,2,3,4,x\n"))
	f.Add([]byte("\ufeffLAD,LAD_code,Asian\n\"a\"b,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.csv"
		rjs, err := ReadPopulation(bytes.NewReader(data), name, func(p *charter.Population) error {
			checkPopulation(t, p)
			return nil
		})
		checkTableRejects(t, name, rjs)
		if err != nil {
			checkTableFatal(t, name, err)
		}
	})
}
